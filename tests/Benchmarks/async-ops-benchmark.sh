#!/usr/bin/env bash
# What the live async-operations signal costs the target: the test app's async-load scenario at 10 000 and
# 100 000 completing async operations/s, its CPU (utime+stime from /proc/PID/stat, in cores) measured with no agent,
# with `leakwatch attach --async-ops off`, with `--async-ops on --async-ops-track-collected false` (the signal
# without keyword 0x100), and with `--async-ops on` (the default since keyword 0x100 is on by default). Median of RUNS runs of DURATION seconds each, after WARMUP seconds.
# A third table (PARTS=dropped) runs the dropped-async scenario (DROP_RATE chains/s the GC collects unfinished, each
# reported by the runtime's finalizer when keyword 0x100 is on) with no0x100 vs on.
# A second table (PARTS="load stacks") measures the stack-walked side session that tells same-named methods apart:
# async-leak-dup at STACK_RATE calls/s of each DupAsync (2 x STACK_RATE begins/s), --async-ops-stacks off vs on.
#
#   tests/Benchmarks/async-ops-benchmark.sh                # RUNS=3 DURATION=30 WARMUP=5 RATES="10000 100000"
#   RUNS=1 DURATION=10 tests/Benchmarks/async-ops-benchmark.sh
#
# Only processes this script starts are stopped. Results go to stdout; docs/benchmarks.md records them.
set -euo pipefail

RUNS=${RUNS:-3}
SECONDS_PER_RUN=${DURATION:-30}
WARMUP=${WARMUP:-5}
RATES=${RATES:-"10000 100000"}
MODES=${MODES:-"none off no0x100 on"}
PARTS=${PARTS:-"load dropped stacks"}
DROP_RATE=${DROP_RATE:-200}
STACK_RATE=${STACK_RATE:-400}
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
APP="$ROOT/tests/TestApps/LeakWatch.TestApp/bin/Release/net10.0/LeakWatch.TestApp"
AGENT="$ROOT/src/LeakWatch.Cli/bin/Release/net10.0/leakwatch.dll"
TICKS=$(getconf CLK_TCK)
WORK=$(mktemp -d)
STARTED=()

cleanup() {
  for pid in "${STARTED[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building (Release, net10.0)..." >&2
dotnet build "$ROOT/src/LeakWatch.Cli" -c Release -f net10.0 -nologo -v q >&2
dotnet build "$ROOT/tests/TestApps/LeakWatch.TestApp" -c Release -f net10.0 -nologo -v q >&2

cpu_ticks() { # utime + stime of a pid (fields 14 and 15 of /proc/PID/stat, counted after the command name)
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One run: prints "<target cores> <agent cores>" (agent 0 without an agent).
measure() {
  local rate=$1 mode=$2 scenario=${3:-async-load} port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$APP" "$scenario" --rate "$rate" > "$WORK/app.out" 2>&1 &
  local app=$!
  STARTED+=("$app")
  for _ in $(seq 100); do grep -q '^READY' "$WORK/app.out" && break; sleep 0.1; done

  local agent=""
  if [ "$mode" != none ]; then
    local flags=(--async-ops on)
    [ "$mode" = off ] && flags=(--async-ops off)
    [ "$mode" = no0x100 ] && flags=(--async-ops on --async-ops-track-collected false)
    [ "$mode" = stacks-off ] && flags=(--async-ops on --async-ops-stacks off)
    [ "$mode" = stacks-on ] && flags=(--async-ops on --async-ops-stacks on)
    dotnet "$AGENT" attach --pid "$app" --output lines --urls "http://127.0.0.1:$port" "${flags[@]}" > "$WORK/agent.out" 2>&1 &
    agent=$!
    STARTED+=("$agent")
  fi

  sleep "$WARMUP"
  if [ -n "$agent" ] && ! kill -0 "$agent" 2>/dev/null; then
    echo "  agent exited early: $(tail -2 "$WORK/agent.out")" >&2
    kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true
    return 1
  fi
  local app0 agent0=0 app1 agent1=0
  app0=$(cpu_ticks "$app"); [ -n "$agent" ] && agent0=$(cpu_ticks "$agent")
  sleep "$SECONDS_PER_RUN"
  app1=$(cpu_ticks "$app"); [ -n "$agent" ] && agent1=$(cpu_ticks "$agent")

  if [ -n "$agent" ]; then
    # Lost events and back-off (not the rule list, which names async-dropped).
    if grep -q "async events\|counts stopped" "$WORK/agent.out"; then echo "  note: $(grep -m1 "async events\|counts stopped" "$WORK/agent.out")" >&2; fi
    kill "$agent" 2>/dev/null || true; wait "$agent" 2>/dev/null || true
  fi
  local ops; ops=$(grep -o 'ops_per_sec=[0-9]*' "$WORK/app.out" | tail -1 | cut -d= -f2)
  kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true
  local cores
  cores=$(awk -v a=$((app1 - app0)) -v g=$((agent1 - agent0)) -v t="$TICKS" -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%.3f %.3f\n", a / t / s, g / t / s }')
  echo "  $scenario rate=$rate mode=$mode app_ops_per_sec=${ops:-?} target/agent cores: $cores" >&2
  echo "$cores"
}

declare -A TARGET AGENTCPU
if [[ " $PARTS " == *" load "* ]]; then
for rate in $RATES; do
  for mode in $MODES; do
    : > "$WORK/runs"
    for _ in $(seq "$RUNS"); do
      for _attempt in 1 2 3; do measure "$rate" "$mode" >> "$WORK/runs" && break; done
    done
    TARGET[$rate,$mode]=$(cut -d' ' -f1 "$WORK/runs" | median)
    AGENTCPU[$rate,$mode]=$(cut -d' ' -f2 "$WORK/runs" | median)
  done
done

echo
echo "Target CPU in cores (median of $RUNS x ${SECONDS_PER_RUN}s; $(nproc) cores; $(date -u +%Y-%m-%d))"
printf "%-14s" "ops/s"; for mode in $MODES; do printf "%-16s" "$mode"; done; printf "%s\n" "agent CPU (on)"
for rate in $RATES; do
  printf "%-14s" "$rate"
  for mode in $MODES; do printf "%-16s" "${TARGET[$rate,$mode]}"; done
  printf "%s\n" "${AGENTCPU[$rate,on]:-n/a}"
done
echo "none: no agent. off: leakwatch attach --async-ops off. no0x100: --async-ops on --async-ops-track-collected false. on: the default (signal + keyword 0x100)."
fi

if [[ " $PARTS " == *" dropped "* ]]; then
  for mode in no0x100 on; do
    : > "$WORK/runs"
    for _ in $(seq "$RUNS"); do
      for _attempt in 1 2 3; do measure "$DROP_RATE" "$mode" dropped-async >> "$WORK/runs" && break; done
    done
    TARGET[dropped,$mode]=$(cut -d' ' -f1 "$WORK/runs" | median)
    AGENTCPU[dropped,$mode]=$(cut -d' ' -f2 "$WORK/runs" | median)
  done
  echo
  echo "Dropped async methods: dropped-async --rate $DROP_RATE ($((2 * DROP_RATE)) boxes collected unfinished/s), target CPU in cores (median of $RUNS x ${SECONDS_PER_RUN}s)"
  printf "%-16s%-16s%s\n" "no 0x100" "0x100 (on)" "agent CPU (no 0x100 / on)"
  printf "%-16s%-16s%s\n" "${TARGET[dropped,no0x100]}" "${TARGET[dropped,on]}" "${AGENTCPU[dropped,no0x100]} / ${AGENTCPU[dropped,on]}"
fi

if [[ " $PARTS " == *" stacks "* ]]; then
  for mode in stacks-off stacks-on; do
    : > "$WORK/runs"
    for _ in $(seq "$RUNS"); do
      for _attempt in 1 2 3; do measure "$STACK_RATE" "$mode" async-leak-dup >> "$WORK/runs" && break; done
    done
    TARGET[stacks,$mode]=$(cut -d' ' -f1 "$WORK/runs" | median)
    AGENTCPU[stacks,$mode]=$(cut -d' ' -f2 "$WORK/runs" | median)
  done
  echo
  echo "Same-named methods: async-leak-dup --rate $STACK_RATE ($((2 * STACK_RATE)) begins/s), target CPU in cores (median of $RUNS x ${SECONDS_PER_RUN}s)"
  printf "%-16s%-16s%s\n" "stacks off" "stacks on" "agent CPU (off / on)"
  printf "%-16s%-16s%s\n" "${TARGET[stacks,stacks-off]}" "${TARGET[stacks,stacks-on]}" "${AGENTCPU[stacks,stacks-off]} / ${AGENTCPU[stacks,stacks-on]}"
fi
