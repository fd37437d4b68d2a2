#!/usr/bin/env bash
# Soak: run one of the test app's healthy scenarios (default: noisy) under 'leakwatch attach' with the default rules and
# report every trigger. Healthy load must trigger nothing. tests/Soak/controls-soak.sh runs every control at once.
# Usage: tests/Soak/noisy-soak.sh [duration, default 10m] [configuration, default Release] [scenario, default noisy]
# LEAKWATCH_TESTAPP_DLL / LEAKWATCH_CLI_DLL point at other builds. Prints a summary; exits 0 when no rule fired,
# 1 when one did, 2 when the run itself failed. If the agent is killed from outside (a signal), it is attached again
# and the run goes on; the summary says how often (the rules then start from an empty window, which is no easier).
set -euo pipefail

duration="${1:-10m}"
configuration="${2:-Release}"
scenario="${3:-noisy}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-soak.XXXXXX")"
app_dll="${LEAKWATCH_TESTAPP_DLL:-$repo/tests/TestApps/LeakWatch.TestApp/bin/$configuration/net10.0/LeakWatch.TestApp.dll}"
cli_dll="${LEAKWATCH_CLI_DLL:-$repo/src/LeakWatch.Cli/bin/$configuration/net10.0/leakwatch.dll}"

if [[ ! -f "$app_dll" || ! -f "$cli_dll" ]]; then
  echo "building leakwatch and the test app ($configuration)..." >&2
  dotnet build "$repo/src/LeakWatch.Cli" -c "$configuration" -f net10.0 -v q -nologo >&2
  dotnet build "$repo/tests/TestApps/LeakWatch.TestApp" -c "$configuration" -f net10.0 -v q -nologo >&2
fi

case "$duration" in
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac

touch "$work/app.log"
dotnet "$app_dll" "$scenario" --exit-after $(( seconds + 120 )) > "$work/app.log" 2>&1 &
app_pid=$!
agent_pid=""
cleanup() {
  [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null || true
  kill "$app_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 150); do grep -q '^READY' "$work/app.log" && break; sleep 0.2; done
grep -q '^READY' "$work/app.log" || { echo "test app did not start: $(cat "$work/app.log")" >&2; exit 2; }

started=$(date -u +%FT%TZ)
start_epoch=$(date +%s)
triggers=0
restarts=0
while (( $(date +%s) - start_epoch < seconds )); do
  remaining=$(( seconds - ($(date +%s) - start_epoch) ))
  port=$(( 30000 + RANDOM % 20000 ))
  dotnet "$cli_dll" attach --pid "$app_pid" -o lines --urls "http://127.0.0.1:$port" --duration "${remaining}s" >> "$work/agent.log" 2>&1 &
  agent_pid=$!
  last=0
  # Scrape every 5 s while this agent runs; its trigger count only grows, so the last scrape is its total.
  while kill -0 "$agent_pid" 2>/dev/null; do
    if metrics=$(curl -sf "http://127.0.0.1:$port/metrics"); then
      printf '%s\n' "$metrics" > "$work/metrics.txt"
      last=$(printf '%s\n' "$metrics" | grep -E '^leakwatch_rule_triggers_total' | awk '{ s += $2 } END { print s + 0 }')
    fi
    sleep 5
  done
  agent_exit=0
  wait "$agent_pid" || agent_exit=$?
  agent_pid=""
  triggers=$(( triggers + last ))
  if (( agent_exit > 128 )); then
    restarts=$(( restarts + 1 ))
    echo "agent killed by signal $(( agent_exit - 128 )) after $(( $(date +%s) - start_epoch )) s; attaching again" | tee -a "$work/agent.log" >&2
    (( restarts <= 20 )) || { echo "agent killed too often" >&2; exit 2; }
  elif (( agent_exit != 0 )); then
    echo "agent failed with exit code $agent_exit:" >&2
    tail -5 "$work/agent.log" >&2
    exit 2
  fi
done

lines=$(grep -c '^leak suspected' "$work/agent.log" || true)
rules=$(grep -E '^leakwatch_leak_suspected' "$work/metrics.txt" | sed -E 's/.*rule="([^"]+)".*/\1/' | sort -u | paste -sd, -)
echo "$scenario soak: started $started, ran $duration with default rules ($rules)"
echo "  test app: $(grep '^STATUS' "$work/app.log" | tail -1 || true)"
echo "  triggers on /metrics: $triggers; 'leak suspected' lines: $lines; agent re-attached after outside kills: $restarts"
grep '^leak suspected' "$work/agent.log" | sed 's/^/    /' || true
echo "  logs: $work"
[[ "$triggers" == 0 && "$lines" == 0 ]]
