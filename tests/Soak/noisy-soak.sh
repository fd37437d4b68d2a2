#!/usr/bin/env bash
# Soak: run the test app's healthy-but-noisy scenario under 'leakwatch attach' with the default rules and report every
# trigger. Healthy load must trigger nothing. Usage: tests/Soak/noisy-soak.sh [duration, default 10m] [configuration]
# Prints a summary and exits 0 when no rule fired, 1 when one did, 2 when the run itself failed.
set -euo pipefail

duration="${1:-10m}"
configuration="${2:-Release}"
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
port=$(( 30000 + RANDOM % 20000 ))

dotnet "$app_dll" noisy --exit-after $(( seconds + 60 )) > "$work/app.log" 2>&1 &
app_pid=$!
cleanup() { kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 100); do grep -q '^READY' "$work/app.log" && break; sleep 0.2; done
grep -q '^READY' "$work/app.log" || { echo "test app did not start: $(cat "$work/app.log")" >&2; exit 2; }

started=$(date -u +%FT%TZ)
dotnet "$cli_dll" attach --pid "$app_pid" -o lines --urls "http://127.0.0.1:$port" --duration "${seconds}s" > "$work/agent.log" 2>&1 &
agent_pid=$!
# Scrape near the end, while the agent still serves.
sleep $(( seconds - 5 ))
curl -sf "http://127.0.0.1:$port/metrics" > "$work/metrics.txt" || true
wait "$agent_pid" || { echo "agent failed: $(tail -5 "$work/agent.log")" >&2; exit 2; }

triggers=$(grep -E '^leakwatch_rule_triggers_total' "$work/metrics.txt" | awk '{ s += $2 } END { print s + 0 }')
lines=$(grep -c '^leak suspected' "$work/agent.log" || true)
rules=$(grep -E '^leakwatch_leak_suspected' "$work/metrics.txt" | sed -E 's/.*rule="([^"]+)".*/\1/' | sort -u | paste -sd, -)
spikes=$(grep -o 'spikes=[0-9]*' "$work/app.log" | tail -1 || true)

echo "noisy soak: started $started, ran $duration with default rules ($rules)"
echo "  test app: $spikes, status $(grep -o 'handled=[0-9]*' "$work/app.log" | tail -1 || true)"
echo "  triggers on /metrics: $triggers; 'leak suspected' lines: $lines"
grep '^leak suspected' "$work/agent.log" | sed 's/^/    /' || true
echo "  logs: $work"
[[ "$triggers" == 0 && "$lines" == 0 ]]
