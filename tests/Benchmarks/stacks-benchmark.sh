#!/usr/bin/env bash
# Stack snapshots, side by side, on one target with COUNT blocked threads and COUNT x 10 pending async chains
# (the test app's blocked-threads scenario):
#   dotnet-dump collect --type Heap + dotnet-dump analyze -c "dumpasync --coalesce"
#   dotnet-stack report
#   leakwatch stacks
# For each: target pause, total wall time (median of RUNS runs) and peak RSS (/usr/bin/time -v, largest of the runs),
# and each as a ratio to leakwatch. Results go in docs/benchmarks.md ("Stack snapshots").
#
# Usage: tests/Benchmarks/stacks-benchmark.sh [COUNT=1000] [RUNS=3]
#
# What "pause" means per tool:
#   leakwatch    the pausedMs it reports (attach to detach, the target ptrace-stopped), and the pause observed from
#                outside by pause_observer.py (longest stretch with the target's threads in state t/T).
#   dotnet-dump  the time of 'collect' (the runtime's createdump suspends the target while it writes), and the
#                observed pause.
#   dotnet-stack its whole 'report' time is an upper bound: it asks the runtime for one EventPipe stack sample,
#                which suspends managed threads inside the runtime (invisible from /proc); no finer figure is exposed.
set -euo pipefail

COUNT=${1:-1000}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS="$ROOT/.tools"
WORK=$(mktemp -d /tmp/leakwatch-bench.XXXXXX)
RESULTS=${RESULTS:-/tmp/leakwatch-bench-results}   # the last run's output of each tool, kept for reading
mkdir -p "$RESULTS"
OBSERVER="$ROOT/tests/Benchmarks/pause_observer.py"
TARGET_PID=""

cleanup() {
  if [[ -n "$TARGET_PID" ]] && kill -0 "$TARGET_PID" 2>/dev/null; then kill -TERM "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building (Release) and installing dotnet-dump, dotnet-stack into $TOOLS" >&2
for tool in dotnet-dump dotnet-stack; do
  [[ -x "$TOOLS/$tool" ]] || dotnet tool install "$tool" --tool-path "$TOOLS" >/dev/null
done
dotnet build "$ROOT/src/LeakWatch.Cli" -c Release -f net10.0 -nologo -v q >/dev/null
dotnet build "$ROOT/tests/TestApps/LeakWatch.TestApp" -c Release -f net10.0 -nologo -v q >/dev/null
LEAKWATCH="$ROOT/src/LeakWatch.Cli/bin/Release/net10.0/leakwatch.dll"
TESTAPP="$ROOT/tests/TestApps/LeakWatch.TestApp/bin/Release/net10.0/LeakWatch.TestApp.dll"

echo "== starting blocked-threads --count $COUNT" >&2
dotnet "$TESTAPP" blocked-threads --count "$COUNT" >"$WORK/target.out" 2>&1 &
TARGET_PID=$!
for _ in $(seq 1 300); do grep -q '^READY' "$WORK/target.out" && break; sleep 0.2; done
grep -q '^READY' "$WORK/target.out" || { echo "target did not get ready" >&2; cat "$WORK/target.out" >&2; exit 1; }
sleep 2
echo "   $(grep '^READY' "$WORK/target.out"); $(grep '^STATUS' "$WORK/target.out" | tail -1)" >&2

# run NAME LABEL COMMAND...: one timed run, appends "wall_s rss_kb observed_pause_ms" to $WORK/NAME.runs
timed() {
  local name=$1; shift
  python3 "$OBSERVER" "$TARGET_PID" "$WORK/observed" &
  local observer=$!
  sleep 0.2
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { echo "$name failed:" >&2; tail -5 "$WORK/$name.err" >&2; }
  kill -TERM "$observer" 2>/dev/null || true; wait "$observer" 2>/dev/null || true
  cp "$WORK/$name.out" "$WORK/$name.err" "$RESULTS/" 2>/dev/null || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  echo "$wall $rss $(cat "$WORK/observed")"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
max() { sort -n | tail -1; }

: >"$WORK/leakwatch.rows"; : >"$WORK/dump.rows"; : >"$WORK/stack.rows"
for run in $(seq 1 "$RUNS"); do
  echo "== run $run/$RUNS" >&2
  # leakwatch: one process, snapshot and grouping.
  read -r wall rss observed < <(timed leakwatch dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --format json --max-pause 30s)
  paused=$(jq -r '.pausedMs' "$WORK/leakwatch.out")
  threads=$(jq -r '.threads.groups[0].count' "$WORK/leakwatch.out"); chains=$(jq -r '.tasks.groups[0].count' "$WORK/leakwatch.out")
  echo "$paused $wall $rss $observed" >>"$WORK/leakwatch.rows"
  echo "   leakwatch: paused ${paused} ms (observed ${observed} ms), ${wall} s, ${rss} KB; top groups ${threads} threads, ${chains} chains" >&2

  # dotnet-dump: collect (the pause) then analyze; total is both, RSS the larger.
  read -r cwall crss cobserved < <(timed dump-collect "$TOOLS/dotnet-dump" collect -p "$TARGET_PID" --type Heap -o "$WORK/heap.dmp")
  dumpsize=$(stat -c %s "$WORK/heap.dmp" 2>/dev/null || echo 0)
  read -r awall arss _ < <(timed dump-analyze "$TOOLS/dotnet-dump" analyze "$WORK/heap.dmp" -c "dumpasync --coalesce" -c exit)
  rm -f "$WORK/heap.dmp"
  dwall=$(echo "$cwall + $awall" | bc -l); drss=$(( crss > arss ? crss : arss ))
  echo "$(echo "$cwall * 1000" | bc -l) $dwall $drss $cobserved" >>"$WORK/dump.rows"
  echo "   dotnet-dump: collect ${cwall} s (observed ${cobserved} ms, dump $((dumpsize / 1048576)) MiB) + analyze ${awall} s, ${drss} KB" >&2

  # dotnet-stack: one report.
  read -r swall srss sobserved < <(timed stack "$TOOLS/dotnet-stack" report -p "$TARGET_PID")
  echo "$(echo "$swall * 1000" | bc -l) $swall $srss $sobserved" >>"$WORK/stack.rows"
  echo "   dotnet-stack: ${swall} s, ${srss} KB" >&2
done

kill -0 "$TARGET_PID" 2>/dev/null || { echo "the target died during the benchmark" >&2; exit 1; }

summarise() { # file -> "pause_ms wall_s rss_mib observed_ms"
  local f=$1
  printf "%.0f %.2f %.0f %.0f\n" \
    "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" "$(echo "$(cut -d' ' -f3 "$f" | max) / 1024" | bc -l)" "$(cut -d' ' -f4 "$f" | median)"
}
read -r lp lw lr lo < <(summarise "$WORK/leakwatch.rows")
read -r dp dw dr do_ < <(summarise "$WORK/dump.rows")
read -r sp sw sr so < <(summarise "$WORK/stack.rows")
ratio() { printf "%.1f×" "$(echo "$1 / $2" | bc -l)"; }

echo
echo "Target: blocked-threads --count $COUNT ($(grep '^STATUS' "$WORK/target.out" | tail -1 | cut -d' ' -f2-)), .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); median of $RUNS runs, peak RSS the largest."
echo
echo "| tool | target pause (ms) | observed pause (ms) | total (s) | peak RSS (MiB) | pause vs leakwatch | total vs leakwatch | RSS vs leakwatch |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
echo "| leakwatch stacks | $lp | $lo | $lw | $lr | 1.0× | 1.0× | 1.0× |"
echo "| dotnet-dump collect --type Heap + analyze dumpasync --coalesce | $dp (collect) | $do_ | $dw | $dr | $(ratio "$dp" "$lp") | $(ratio "$dw" "$lw") | $(ratio "$dr" "$lr") |"
echo "| dotnet-stack report | ≤ $sp (whole report) | $so | $sw | $sr | — | $(ratio "$sw" "$lw") | $(ratio "$sr" "$lr") |"
