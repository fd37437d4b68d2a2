#!/usr/bin/env bash
# The pause a thread-stacks snapshot costs the target, measured from inside it: the test app's --pause-meter 15
# (a thread sleeping 1 ms in a loop prints "GAP ms=N" for every wake-up more than 15 ms late). For each COUNT of
# blocked threads (blocked-threads --count COUNT), RUNS runs each of:
#   leakwatch stacks --snapshot-via eventpipe (sample profiler + rundown over the diagnostic port)
#   dotnet-stack report                (the same runtime mechanism, the official tool)
#   leakwatch stacks --snapshot-via attach (ClrMD: frozen to copy or for the walk; for scale)
# and prints a markdown table: median of the runs' largest gap (0 = no gap over 15 ms), median wall time, and
# leakwatch's own pausedMs. Results go in docs/benchmarks.md ("Thread stacks over EventPipe").
#
# Usage: tests/Benchmarks/eventpipe-pause-benchmark.sh [RUNS=3] [COUNT...=50 1000]
set -euo pipefail

RUNS=${1:-3}
shift || true
COUNTS=("${@:-50 1000}")
[[ $# -eq 0 ]] && COUNTS=(50 1000)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=${TOOLS:-/work/.tools/dotnet-stack}
WORK=$(mktemp -d /tmp/leakwatch-epbench.XXXXXX)
TARGET_PID=""

cleanup() {
  if [[ -n "$TARGET_PID" ]] && kill -0 "$TARGET_PID" 2>/dev/null; then kill -TERM "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building (Release); dotnet-stack from $TOOLS" >&2
[[ -x "$TOOLS/dotnet-stack" ]] || dotnet tool install dotnet-stack --tool-path "$TOOLS" >/dev/null
dotnet build "$ROOT/src/LeakWatch.Cli" -c Release -f net10.0 -nologo -v q >/dev/null
dotnet build "$ROOT/tests/TestApps/LeakWatch.TestApp" -c Release -f net10.0 -nologo -v q >/dev/null
LEAKWATCH="$ROOT/src/LeakWatch.Cli/bin/Release/net10.0/leakwatch.dll"
TESTAPP="$ROOT/tests/TestApps/LeakWatch.TestApp/bin/Release/net10.0/LeakWatch.TestApp.dll"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure NAME COMMAND...: one run; appends "largest_gap_ms wall_ms paused_ms" to $WORK/NAME.rows
measure() {
  local name=$1; shift
  local before after start end paused
  before=$(wc -l <"$WORK/target.out")
  start=$(date +%s%N)
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { echo "$name failed:" >&2; tail -3 "$WORK/$name.err" >&2; }
  end=$(date +%s%N)
  sleep 1 # the meter prints a gap when it wakes
  after=$(wc -l <"$WORK/target.out")
  local gap
  gap=$(sed -n "$((before + 1)),${after}p" "$WORK/target.out" | awk -F'[= ]' '/^GAP/ {if ($3 > m) m = $3} END {print m + 0}')
  paused=$(jq -r '.pausedMs // empty' "$WORK/$name.out" 2>/dev/null || true)
  echo "$gap $(( (end - start) / 1000000 )) ${paused:-0}" >>"$WORK/$name.rows"
  echo "   $name: largest gap ${gap} ms, wall $(( (end - start) / 1000000 )) ms${paused:+, pausedMs $paused}" >&2
}

column() { cut -d' ' -f"$2" "$WORK/$1.rows" | median; }

echo
echo "Machine: $(nproc) cores shared with other builds and test runs, load $(cut -d' ' -f1-3 /proc/loadavg); .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}'); median of $RUNS runs; gap = largest in-target gap over 15 ms (0: none)."
echo
echo "| threads | tool | largest gap in the target (ms) | wall (ms) | reported pausedMs | gap vs dotnet-stack |"
echo "| ---: | --- | ---: | ---: | ---: | ---: |"
for count in "${COUNTS[@]}"; do
  : >"$WORK/eventpipe.rows"; : >"$WORK/stack.rows"; : >"$WORK/attach.rows"
  dotnet "$TESTAPP" blocked-threads --count "$count" --pause-meter 15 >"$WORK/target.out" 2>&1 &
  TARGET_PID=$!
  for _ in $(seq 1 300); do grep -q '^READY' "$WORK/target.out" && break; sleep 0.2; done
  sleep 3
  echo "== blocked-threads --count $count (pid $TARGET_PID)" >&2
  for run in $(seq 1 "$RUNS"); do
    measure eventpipe dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --snapshot-via eventpipe --format json
    measure stack "$TOOLS/dotnet-stack" report -p "$TARGET_PID"
    measure attach dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --snapshot-via attach --format json --max-pause 30s
  done
  kill -TERM "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true; TARGET_PID=""
  sg=$(column stack 1)
  for name in eventpipe stack attach; do
    label=$([[ $name == eventpipe ]] && echo "leakwatch stacks --snapshot-via eventpipe" || ([[ $name == stack ]] && echo "dotnet-stack report" || echo "leakwatch stacks --snapshot-via attach (ClrMD)"))
    g=$(column "$name" 1)
    ratio=$(awk -v a="$g" -v b="$sg" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "—" }')
    reported=$([[ $name == stack ]] && echo "—" || column "$name" 3)
    echo "| $count | $label | $g | $(column "$name" 2) | $reported | $ratio |"
  done
done
