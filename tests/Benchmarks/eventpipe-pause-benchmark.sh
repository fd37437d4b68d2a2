#!/usr/bin/env bash
# The pause a thread-stacks snapshot costs the target, measured from inside it: the test app's --pause-meter 15
# (a thread sleeping 1 ms in a loop prints "GAP ms=N" for every wake-up more than 15 ms late). For each COUNT of
# blocked threads (blocked-threads --count COUNT), RUNS runs each of:
#   leakwatch stacks --snapshot-via eventpipe (sample profiler + rundown over the diagnostic port)
#   dotnet-stack report                (the same runtime mechanism, the official tool)
#   leakwatch stacks --snapshot-via attach (ClrMD: frozen to copy or for the walk; for scale)
# and prints a markdown table: median of the runs' largest gap (0 = no gap over 15 ms) and each run's, median wall
# time, leakwatch's own pausedMs, and the runtime's own count of suspensions during the run with the longest and their
# sum (tests/Benchmarks/suspension-observer.cs, a second session that only listens to the GC keyword's
# GCSuspendEE/RestartEE events: a thread sample is one suspension per sampling pass, so this is the mechanism-level
# comparison, free of the scheduler noise the in-target meter carries on a shared machine). Results go in
# docs/benchmarks.md ("Thread stacks over EventPipe").
#
# BASELINE=/path/to/leakwatch.dll adds that build's EventPipe route as a row (an older commit, same load);
# VARIANT_ENV="NAME=VALUE ..." adds the EventPipe route run with that environment (DOTNET_TieredCompilation=1, say).
#
# Usage: [BASELINE=...] [VARIANT_ENV=...] tests/Benchmarks/eventpipe-pause-benchmark.sh [RUNS=3] [COUNT...=50 1000]
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
  if [[ -n "${OBSERVER_PID:-}" ]] && kill -0 "$OBSERVER_PID" 2>/dev/null; then kill -TERM "$OBSERVER_PID"; wait "$OBSERVER_PID" 2>/dev/null || true; fi
  if [[ -n "$TARGET_PID" ]] && kill -0 "$TARGET_PID" 2>/dev/null; then kill -TERM "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== building (Release); dotnet-stack from $TOOLS" >&2
[[ -x "$TOOLS/dotnet-stack" ]] || dotnet tool install dotnet-stack --tool-path "$TOOLS" >/dev/null
dotnet build "$ROOT/src/LeakWatch.Cli" -c Release -f net10.0 -nologo -v q >/dev/null
dotnet build "$ROOT/tests/TestApps/LeakWatch.TestApp" -c Release -f net10.0 -nologo -v q >/dev/null
dotnet build "$ROOT/tests/Benchmarks/suspension-observer.cs" -c Release -nologo -v q >/dev/null
OBSERVER=(dotnet "$(dotnet build "$ROOT/tests/Benchmarks/suspension-observer.cs" -c Release -nologo -getProperty:TargetPath | tail -1)")
OBSERVER_PID=""
LEAKWATCH="$ROOT/src/LeakWatch.Cli/bin/Release/net10.0/leakwatch.dll"
TESTAPP="$ROOT/tests/TestApps/LeakWatch.TestApp/bin/Release/net10.0/LeakWatch.TestApp.dll"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# measure NAME COMMAND...: one run; appends "largest_gap_ms wall_ms paused_ms" to $WORK/NAME.rows and the run's
# window "start_ms end_ms" (Unix) to $WORK/NAME.windows, for the suspensions counted once the observer has flushed
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
  echo "$(( start / 1000000 )) $(( end / 1000000 ))" >>"$WORK/$name.windows"
  echo "   $name: largest gap ${gap} ms, wall $(( (end - start) / 1000000 )) ms${paused:+, pausedMs $paused}" >&2
}

# suspensions NAME: for each of NAME's runs, "count longest_ms total_ms" of the runtime suspensions that began in
# its window, appended as columns 4-6 of $WORK/NAME.rows
suspensions() {
  local name=$1 window counted
  counted=$(while read -r from to; do
    awk -v from="$from" -v to="$to" '/^SUSPEND/ {
        split($3, d, "="); split($4, a, "=")
        if (a[2] >= from && a[2] <= to) { n++; t += d[2]; if (d[2] > m) m = d[2] } }
      END { printf "%d %.1f %.1f\n", n, m, t }' "$WORK/observer.out"
  done <"$WORK/$name.windows")
  paste -d' ' "$WORK/$name.rows" <(echo "$counted") >"$WORK/$name.rows.new" && mv "$WORK/$name.rows.new" "$WORK/$name.rows"
  echo "   $name: runtime suspensions per run (count longest total): $(echo "$counted" | paste -sd';' -)" >&2
}

column() { cut -d' ' -f"$2" "$WORK/$1.rows" | median; }
runs() { cut -d' ' -f"$2" "$WORK/$1.rows" | paste -sd, -; }

echo
echo "Machine: $(nproc) cores shared with other builds and test runs, load $(cut -d' ' -f1-3 /proc/loadavg); .NET $(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}'); median of $RUNS runs; gap = largest in-target gap over 15 ms (0: none)."
echo
echo "| threads | tool | largest gap in the target (ms) | gap per run | wall (ms) | reported pausedMs | runtime suspensions | per run | longest suspension (ms) | suspended in all (ms) | gap vs dotnet-stack |"
echo "| ---: | --- | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |"
for count in "${COUNTS[@]}"; do
  for name in eventpipe baseline variant stack attach; do : >"$WORK/$name.rows"; : >"$WORK/$name.windows"; done
  dotnet "$TESTAPP" blocked-threads --count "$count" --pause-meter 15 >"$WORK/target.out" 2>&1 &
  TARGET_PID=$!
  for _ in $(seq 1 300); do grep -q '^READY' "$WORK/target.out" && break; sleep 0.2; done
  "${OBSERVER[@]}" "$TARGET_PID" >"$WORK/observer.out" 2>&1 &
  OBSERVER_PID=$!
  for _ in $(seq 1 150); do grep -q '^OBSERVING' "$WORK/observer.out" && break; sleep 0.2; done
  grep -q '^OBSERVING' "$WORK/observer.out" || { echo "the suspension observer did not start:" >&2; cat "$WORK/observer.out" >&2; exit 1; }
  sleep 3
  echo "== blocked-threads --count $count (pid $TARGET_PID)" >&2
  order=(eventpipe stack attach)
  [[ -n "${BASELINE:-}" ]] && order+=(baseline)
  [[ -n "${VARIANT_ENV:-}" ]] && order+=(variant)
  for run in $(seq 1 "$RUNS"); do
    # Each run starts with the next tool, so no tool always follows the same one (a ClrMD freeze, say).
    for i in $(seq 0 $((${#order[@]} - 1))); do
      case ${order[$(( (i + run - 1) % ${#order[@]} ))]} in
        eventpipe) measure eventpipe dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --snapshot-via eventpipe --format json ;;
        stack) measure stack "$TOOLS/dotnet-stack" report -p "$TARGET_PID" ;;
        baseline) measure baseline dotnet "$BASELINE" stacks --pid "$TARGET_PID" --snapshot-via eventpipe --format json ;;
        variant) measure variant env $VARIANT_ENV dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --snapshot-via eventpipe --format json ;;
        attach) measure attach dotnet "$LEAKWATCH" stacks --pid "$TARGET_PID" --snapshot-via attach --format json --max-pause 30s ;;
      esac
    done
  done
  kill -TERM "$OBSERVER_PID"; wait "$OBSERVER_PID" 2>/dev/null || true; OBSERVER_PID="" # stopping flushes its events
  kill -TERM "$TARGET_PID"; wait "$TARGET_PID" 2>/dev/null || true; TARGET_PID=""
  sg=$(column stack 1)
  names=(eventpipe)
  [[ -n "${BASELINE:-}" ]] && names+=(baseline)
  [[ -n "${VARIANT_ENV:-}" ]] && names+=(variant)
  names+=(stack attach)
  for name in "${names[@]}"; do suspensions "$name"; done
  for name in "${names[@]}"; do
    case $name in
      eventpipe) label="leakwatch stacks --snapshot-via eventpipe" ;;
      baseline) label="same, baseline build" ;;
      variant) label="same, with $VARIANT_ENV" ;;
      stack) label="dotnet-stack report" ;;
      *) label="leakwatch stacks --snapshot-via attach (ClrMD)" ;;
    esac
    g=$(column "$name" 1)
    ratio=$(awk -v a="$g" -v b="$sg" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "—" }')
    reported=$([[ $name == stack ]] && echo "—" || column "$name" 3)
    echo "| $count | $label | $g | $(runs "$name" 1) | $(column "$name" 2) | $reported | $(column "$name" 4) | $(runs "$name" 4) | $(column "$name" 5) | $(column "$name" 6) | $ratio |"
  done
done
