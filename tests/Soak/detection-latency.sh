#!/usr/bin/env bash
# Detection latency of the default rules: for each leak scenario, start the test app, attach with no configuration,
# and time from the app's READY line (the leak starts there) to leakwatch_leak_suspected{rule=...} == 1.
# Usage: tests/Soak/detection-latency.sh [runs per scenario, default 3] [configuration]
# SLOW=1 also times the slow leaks, one run each (about 35 minutes): slow-thread-leak at 0.2 and 0.05 threads/s (the
# 5- and 20-minute spans; bounds 10 and 30 minutes), heap-leak (static-event subscribers, 400 KB/s) and dropped-async (with keyword 0x100 switched on).
set -euo pipefail

runs="${1:-3}"
configuration="${2:-Release}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
app_dll="${LEAKWATCH_TESTAPP_DLL:-$repo/tests/TestApps/LeakWatch.TestApp/bin/$configuration/net10.0/LeakWatch.TestApp.dll}"
cli_dll="${LEAKWATCH_CLI_DLL:-$repo/src/LeakWatch.Cli/bin/$configuration/net10.0/leakwatch.dll}"
work="$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-latency.XXXXXX")"
timeout_seconds=90

if [[ ! -f "$app_dll" || ! -f "$cli_dll" ]]; then
  dotnet build "$repo/src/LeakWatch.Cli" -c "$configuration" -f net10.0 -v q -nologo >&2
  dotnet build "$repo/tests/TestApps/LeakWatch.TestApp" -c "$configuration" -f net10.0 -v q -nologo >&2
fi

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

measure() {
  local scenario=$1 rule=$2 run=$3 rate=${4:-} timeout_seconds=${5:-$timeout_seconds} agent_args=(${6:-})
  local rate_args=()
  [[ -n "$rate" ]] && rate_args=(--rate "$rate")
  local port=$(( 30000 + RANDOM % 20000 ))
  local log="$work/$scenario-$run"
  dotnet "$app_dll" "$scenario" "${rate_args[@]}" --exit-after $(( timeout_seconds + 30 )) > "$log.app" 2>&1 &
  local app_pid=$!
  for _ in $(seq 1 150); do grep -q '^READY' "$log.app" && break; sleep 0.1; done
  local ready=$(date +%s.%N)
  dotnet "$cli_dll" attach --pid "$app_pid" -o lines --urls "http://127.0.0.1:$port" "${agent_args[@]}" > "$log.agent" 2>&1 &
  local agent_pid=$!
  local result="not detected within ${timeout_seconds}s"
  while kill -0 "$agent_pid" 2>/dev/null && awk -v e="$(elapsed "$ready")" -v t="$timeout_seconds" 'BEGIN { exit !(e < t) }'; do
    if curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null | grep -E "^leakwatch_leak_suspected\{.*rule=\"$rule\".*\} 1$" > /dev/null; then
      result="$(elapsed "$ready") s"
      break
    fi
    sleep 0.5
  done
  local agent_exit=0
  if kill -0 "$agent_pid" 2>/dev/null; then kill "$agent_pid"; else wait "$agent_pid" || agent_exit=$?; fi
  kill "$app_pid" 2>/dev/null || true
  wait "$agent_pid" "$app_pid" 2>/dev/null || true
  if (( agent_exit != 0 )); then
    # Killed from outside (a stale pid in someone's cleanup) or failed: not a measurement; say so and try again.
    echo "$scenario ($rule) run $run: agent exited early with $agent_exit, measuring again" >&2
    return 1
  fi
  echo "$scenario${rate:+ --rate $rate} ($rule) run $run: $result"
}

measure_retrying() {
  for _ in 1 2 3; do measure "$@" && return 0; done
  echo "$1 ($2) run $3: agent kept dying, no measurement"
}

for run in $(seq 1 "$runs"); do
  measure_retrying thread-leak thread-leak "$run"
  measure_retrying timer-leak timer-leak "$run"
  measure_retrying task-leak task-leak "$run"
  measure_retrying fd-leak fd-leak "$run"
done
if [[ "${SLOW:-0}" == 1 ]]; then
  measure_retrying dropped-async async-dropped 1 "" 300 "--async-ops-track-collected true" &
  measure_retrying heap-leak heap-leak 1 "" 900 &
  measure_retrying slow-thread-leak thread-leak 1 0.2 900 &
  measure_retrying slow-thread-leak thread-leak 2 0.05 2100 &
  wait
fi
echo "logs: $work"
