#!/usr/bin/env bash
# Counters benchmark: leakwatch attach beside dotnet-counters monitor, on the same target, in one run.
#
#   tests/Benchmarks/counters-benchmark.sh [window-seconds=60] [runs=3] [scenario=steady]
#
# leakwatch streams with --snapshot-baseline false (the baseline snapshot is a one-off peak, measured in the snapshot
# sections); LEAKWATCH_ARGS adds flags (LEAKWATCH_ARGS="--async-ops off"); DOTNET_COUNTERS names an installed
# dotnet-counters instead of installing one into artifacts/tools.
#
# For each run and each watcher (none, leakwatch, dotnet-counters) it starts a fresh test app, lets it settle,
# starts the watcher at a 1 s interval, skips a warm-up, then measures over the window:
#   - the target's CPU (utime+stime from /proc) as % of one core; overhead = with watcher - with none
#   - the watcher's own CPU over the window (steady state) and its peak RSS (VmHWM) at the end
#   - leakwatch only: time from process start to the first value on /metrics
# Prints medians and leakwatch/dotnet-counters ratios. Not a test: numbers go to docs/benchmarks.md.
set -euo pipefail
window=${1:-60}
runs=${2:-3}
scenario=${3:-steady}
warmup=10
root=$(cd "$(dirname "$0")/../.." && pwd)
tools="$root/artifacts/tools"
port=9479
ticks_per_second=$(getconf CLK_TCK)

cd "$root"
if [ -n "${DOTNET_COUNTERS:-}" ] && [ ! -x "$DOTNET_COUNTERS" ]; then
  echo "DOTNET_COUNTERS=$DOTNET_COUNTERS is not an executable; unset it to install dotnet-counters into artifacts/tools." >&2
  exit 2
fi
dotnet build src/LeakWatch.Cli -c Release -f net10.0 -nologo -v q >/dev/null
dotnet build tests/TestApps/LeakWatch.TestApp -c Release -f net10.0 -nologo -v q >/dev/null
dotnet_counters=${DOTNET_COUNTERS:-$tools/dotnet-counters}
[ -x "$dotnet_counters" ] || dotnet tool install dotnet-counters --tool-path "$tools" >/dev/null
leakwatch_dll="$root/src/LeakWatch.Cli/bin/Release/net10.0/leakwatch.dll"
testapp_dll="$root/tests/TestApps/LeakWatch.TestApp/bin/Release/net10.0/LeakWatch.TestApp.dll"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2] + a[NR/2+1]) / 2}'; }

declare -A results
record() { results[$1]+="$2"$'\n'; }

for run in $(seq 1 "$runs"); do
  for watcher in none leakwatch dotnet-counters; do
    out=$(mktemp)
    dotnet "$testapp_dll" "$scenario" >"$out" &
    target=$!
    until grep -q READY "$out"; do sleep 0.2; done
    sleep 5

    watcher_pid=""
    case $watcher in
      leakwatch)
        started=$(now_ms)
        dotnet "$leakwatch_dll" attach --pid "$target" --urls "http://127.0.0.1:$port" --output lines --snapshot-baseline false ${LEAKWATCH_ARGS:-} >/dev/null &
        watcher_pid=$!
        # The first value of the target (an OS figure) and the first runtime counter, which the runtime
        # publishes one refresh interval after the session starts.
        until [[ "$(curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null || true)" == *$'\n'process_num_threads* ]]; do sleep 0.02; done
        record first_value_ms $(( $(now_ms) - started ))
        until [[ "$(curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null || true)" == *$'\n'dotnet_thread_pool_thread_count* ]]; do sleep 0.02; done
        record first_counter_ms $(( $(now_ms) - started ))
        ;;
      dotnet-counters)
        "$dotnet_counters" monitor --process-id "$target" --refresh-interval 1 --counters System.Runtime >/dev/null 2>&1 &
        watcher_pid=$!
        ;;
    esac

    sleep "$warmup"
    target_before=$(cpu_ticks "$target")
    [ -n "$watcher_pid" ] && watcher_before=$(cpu_ticks "$watcher_pid")
    sleep "$window"
    target_after=$(cpu_ticks "$target")
    record "target_cpu_$watcher" "$(awk -v d=$((target_after - target_before)) -v w="$window" -v hz="$ticks_per_second" 'BEGIN {printf "%.3f", 100 * d / hz / w}')"
    if [ -n "$watcher_pid" ]; then
      watcher_after=$(cpu_ticks "$watcher_pid")
      record "agent_cpu_$watcher" "$(awk -v d=$((watcher_after - watcher_before)) -v w="$window" -v hz="$ticks_per_second" 'BEGIN {printf "%.3f", 100 * d / hz / w}')"
      record "agent_rss_$watcher" "$(awk -v kb="$(peak_rss_kb "$watcher_pid")" 'BEGIN {printf "%.1f", kb / 1024}')"
      kill -TERM "$watcher_pid"; wait "$watcher_pid" 2>/dev/null || true
    fi
    kill "$target"; wait "$target" 2>/dev/null || true
    rm -f "$out"
    echo "run $run/$runs: $watcher done" >&2
  done
done

m() { printf '%s' "${results[$1]}" | median; }
base=$(m target_cpu_none)
lw_overhead=$(awk -v a="$(m target_cpu_leakwatch)" -v b="$base" 'BEGIN {printf "%.3f", a - b}')
dc_overhead=$(awk -v a="$(m target_cpu_dotnet-counters)" -v b="$base" 'BEGIN {printf "%.3f", a - b}')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b == 0) print "n/a"; else printf "%.2f", a / b}'; }

echo
echo "Counters benchmark: scenario '$scenario', ${window} s window after ${warmup} s warm-up, interval 1 s, median of $runs runs"
printf '| %-46s | %12s | %15s | %22s |\n' "figure" "leakwatch" "dotnet-counters" "ratio (leakwatch/dc)"
printf '|%s|%s|%s|%s|\n' "------------------------------------------------" "--------------" "-----------------" "------------------------"
printf '| %-46s | %12s | %15s | %22s |\n' "target CPU, % of a core (none: $base)" "$(m target_cpu_leakwatch)" "$(m target_cpu_dotnet-counters)" "$(ratio "$(m target_cpu_leakwatch)" "$(m target_cpu_dotnet-counters)")"
printf '| %-46s | %12s | %15s | %22s |\n' "target CPU overhead, % of a core" "$lw_overhead" "$dc_overhead" "-"
printf '| %-46s | %12s | %15s | %22s |\n' "watcher CPU (steady state), % of a core" "$(m agent_cpu_leakwatch)" "$(m agent_cpu_dotnet-counters)" "$(ratio "$(m agent_cpu_leakwatch)" "$(m agent_cpu_dotnet-counters)")"
printf '| %-46s | %12s | %15s | %22s |\n' "watcher peak RSS, MiB" "$(m agent_rss_leakwatch)" "$(m agent_rss_dotnet-counters)" "$(ratio "$(m agent_rss_leakwatch)" "$(m agent_rss_dotnet-counters)")"
printf '| %-46s | %12s | %15s | %22s |\n' "start to first value on /metrics, ms" "$(m first_value_ms)" "-" "-"
printf '| %-46s | %12s | %15s | %22s |\n' "start to first runtime counter on /metrics, ms" "$(m first_counter_ms)" "-" "-"
