#!/usr/bin/env bash
# The pause of --snapshot-via dump in the sidecar topology, from inside the target: the app runs under
# unshare (own pid and mount namespace, private tmpfs on /tmp) with the --pause-meter thread, the agent listens on a
# diagnostic port in the host namespace, and POST /snapshots has the runtime write a heap dump into a directory both
# see (--dump-dir, the pod's shared emptyDir). Prints the worst in-target gap of each of RUNS snapshots and the median.
# Usage (as root, after a Debug build of the solution): tests/Benchmarks/sidecar-dump-benchmark.sh [RUNS=3]
set -uo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
WORK=$(mktemp -d /var/tmp/leakwatch-dump-bench.XXXXXX)   # not /tmp: the app gets its own
KEY=bench-key-0123456789abcdef
PORT=19582
trap 'kill $APP $AGENT 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/dumps"
LEAKWATCH_API_KEY=$KEY dotnet src/LeakWatch.Cli/bin/Debug/net10.0/leakwatch.dll attach --diagnostic-port "$WORK/lw.sock" \
  --output lines --snapshot-baseline false --no-default-rules --snapshot-via dump --dump-dir "$WORK/dumps" \
  --urls http://127.0.0.1:$PORT > "$WORK/agent.out" 2>&1 &
AGENT=$!
until curl -sf http://127.0.0.1:$PORT/healthz >/dev/null; do sleep 0.2; done
DOTNET_DiagnosticPorts="$WORK/lw.sock,nosuspend" unshare --pid --fork --kill-child --mount --mount-proc sh -c \
  "mount -t tmpfs tmpfs /tmp && exec dotnet tests/TestApps/LeakWatch.TestApp/bin/Debug/net10.0/LeakWatch.TestApp.dll blocked-threads --count 50 --chains 1000 --heap-mib 50 --pause-meter 15" \
  > "$WORK/target.out" 2>&1 &
APP=$!
until grep -q READY "$WORK/target.out"; do sleep 0.2; done
until curl -s http://127.0.0.1:$PORT/metrics | grep -q '^dotnet_thread_pool_thread_count{pid="1"'; do sleep 0.2; done
gaps=""
for run in $(seq 1 "$RUNS"); do
  from=$(date +%s%3N)
  answer=$(curl -s -X POST -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/snapshots?pid=1" | head -1)
  sleep 0.5
  to=$(date +%s%3N)
  gap=$(awk -v from="$from" -v to="$to" '/^GAP/ { split($2, g, "="); split($3, a, "="); if (a[2] >= from && a[2] <= to && g[2] + 0 > w) w = g[2] + 0 } END { print (w ? w : 0) }' "$WORK/target.out")
  echo "run $run: worst gap ${gap} ms; $answer"
  gaps="$gaps $gap"
  sleep 2
done
echo "median worst gap: $(echo $gaps | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }') ms (load $(cut -d' ' -f1 /proc/loadavg))"
