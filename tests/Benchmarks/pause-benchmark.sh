#!/usr/bin/env bash
# The pause a snapshot costs, measured from inside the target: the test app's --pause-meter thread sleeps 1 ms in a
# loop and prints "GAP ms=N at=UNIXMS" for every wake-up more than 15 ms late. For each tool, the worst GAP during
# the run (median of RUNS runs) and the tool's peak RSS (/usr/bin/time -v, largest of the runs), side by side:
#   leakwatch stacks                      capture route (frozen only to copy; the default when the copy fits)
#   leakwatch stacks, 256Mi cgroup        the same under the sidecar's memory limit (auto budget: capture or frozen)
#   leakwatch stacks --copy-budget 0      frozen route (walked with the target frozen; the old route)
#   dotnet-stack report                   EventPipe stack sample (threads only, no async chains)
#   dotnet-dump collect --type Heap       a heap dump (what an analysis of the chains would start from)
# Two targets (blocked-threads): SMALL = 50 threads, 1 000 chains, 50 MiB heap; LARGE = 1 000 threads, 10 000
# chains, 200 MiB heap. "<15" means no gap over the meter's threshold. Results go in docs/benchmarks.md.
#
# The default --copy-budget is auto (what the agent's memory allows): on this host the capture route; a third leakwatch
# row runs the agent in a 256Mi memory cgroup, deploy/'s sidecar limit, where LARGE's copy does not fit and falls back
# to the frozen walk. SKIP_DUMP=1 leaves dotnet-dump out (it takes about a minute per run on LARGE).
#
# Usage: tests/Benchmarks/pause-benchmark.sh [RUNS=3] [TARGETS="small large"]
# Tools come from TOOLS (default /work/.tools/<tool>/<tool>, installed with dotnet tool install --tool-path).
set -euo pipefail

RUNS=${1:-3}
TARGETS=${2:-"small large"}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${TOOLS:-/work/.tools}
WORK=$(mktemp -d /tmp/leakwatch-pause.XXXXXX)
TARGET_PID=""

# The agent as deploy/'s sidecar runs it: in a memory cgroup limited to 256Mi (v1 or v2, whichever is mounted).
if [[ -d /sys/fs/cgroup/memory ]]; then
  CGROUP=/sys/fs/cgroup/memory/leakwatch-pause-$$; mkdir "$CGROUP"; echo $((256 << 20)) > "$CGROUP/memory.limit_in_bytes"
else
  echo +memory > /sys/fs/cgroup/cgroup.subtree_control
  CGROUP=/sys/fs/cgroup/leakwatch-pause-$$; mkdir "$CGROUP"; echo $((256 << 20)) > "$CGROUP/memory.max"
fi

cleanup() {
  rmdir "$CGROUP" 2>/dev/null || true
  if [[ -n "$TARGET_PID" ]] && kill -0 "$TARGET_PID" 2>/dev/null; then kill -TERM "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in dotnet-dump dotnet-stack; do
  [[ -x "$TOOLS/$tool/$tool" ]] || dotnet tool install "$tool" --tool-path "$TOOLS/$tool" >/dev/null
done
dotnet build "$ROOT/src/LeakWatch.Cli" -c Release -f net10.0 -nologo -v q >/dev/null
dotnet build "$ROOT/tests/TestApps/LeakWatch.TestApp" -c Release -f net10.0 -nologo -v q >/dev/null
LEAKWATCH="$ROOT/src/LeakWatch.Cli/bin/Release/net10.0/leakwatch.dll"
TESTAPP="$ROOT/tests/TestApps/LeakWatch.TestApp/bin/Release/net10.0/LeakWatch.TestApp.dll"

now_ms() { date +%s%3N; }

# worst_gap FROM TO: the largest GAP the target printed between two unix-ms instants
worst_gap() {
  awk -v from="$1" -v to="$2" '/^GAP/ { split($2, g, "="); split($3, a, "="); if (a[2] >= from && a[2] <= to && g[2] > worst) worst = g[2] } END { print (worst ? worst : "<15") }' "$WORK/target.out"
}

# median of numbers ("<15" counts as 0 and is printed back as "<15")
median() { tr ' ' '\n' | sed 's/<15/0/' | sort -n | awk '{ v[NR] = $1 } END { m = v[int((NR + 1) / 2)]; print (m == 0 ? "<15" : m) }'; }

run_tool() {
  local name=$1; shift
  local gaps="" rss=0
  for _ in $(seq 1 "$RUNS"); do
    rm -f "$WORK"/dump.*
    local from; from=$(now_ms)
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { echo "$name failed:" >&2; tail -3 "$WORK/$name.err" >&2; }
    sleep 0.3   # the meter prints a gap when it wakes after it
    local to; to=$(now_ms)
    gaps="$gaps $(worst_gap "$from" "$to")"
    local kb; kb=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$WORK/time.txt")
    (( kb > rss )) && rss=$kb
    sleep 1
  done
  local note=""
  [[ $name == leakwatch* ]] && note=$(grep -o '"route": "[a-z]*"\|"pausedMs": [0-9.]*\|"copiedBytes": [0-9]*' "$WORK/$name.out" | tr '\n' ' ')
  printf '| %-34s | %-14s | %-10s | %4d MiB | %s |\n' "$name" "$(echo $gaps | median)" "$(echo $gaps | tr ' ' ',')" $((rss / 1024)) "$note"
}

for target in $TARGETS; do
  case $target in
    small) args=(--count 50 --chains 1000 --heap-mib 50) ;;
    large) args=(--count 1000 --chains 10000 --heap-mib 200) ;;
  esac
  dotnet "$TESTAPP" blocked-threads "${args[@]}" --pause-meter 15 >"$WORK/target.out" 2>&1 &
  TARGET_PID=$!
  for _ in $(seq 1 600); do grep -q '^READY' "$WORK/target.out" && break; sleep 0.2; done
  grep -q '^READY' "$WORK/target.out" || { echo "target did not get ready" >&2; cat "$WORK/target.out" >&2; exit 1; }
  sleep 3
  echo
  echo "blocked-threads ${args[*]} (pid $TARGET_PID, RSS $(awk '/VmRSS/ { print int($2 / 1024) }' /proc/$TARGET_PID/status) MiB), $RUNS runs, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
  echo "| tool | worst gap, median (ms) | worst gap per run | peak RSS | reported |"
  echo "|---|---|---|---|---|"
  run_tool "leakwatch stacks (capture)" dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --format json --max-pause 30s
  run_tool "leakwatch stacks --copy-budget 0" dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --format json --max-pause 30s --copy-budget 0
  run_tool "leakwatch stacks, 256Mi cgroup" sh -c "echo \$\$ > $CGROUP/cgroup.procs && exec \"\$@\"" sh dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --format json --max-pause 30s
  run_tool "dotnet-stack report" "$TOOLS/dotnet-stack/dotnet-stack" report -p "$TARGET_PID"
  [[ -n ${SKIP_DUMP:-} ]] || run_tool "dotnet-dump collect --type Heap" "$TOOLS/dotnet-dump/dotnet-dump" collect -p "$TARGET_PID" --type Heap -o "$WORK/dump.$TARGET_PID"
  kill -TERM "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true; TARGET_PID=""
done
