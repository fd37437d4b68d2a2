#!/usr/bin/env bash
# Streaming memory side by side: leakwatch builds (or flag sets) and dotnet-counters, all in the same batch.
#
#   tests/Benchmarks/streaming-rss-benchmark.sh [seconds=70] [runs=3] [LABEL=LEAKWATCH_DLL[@FLAGS]]...
#
# Each run starts one fresh `steady` test app per watcher, then every watcher at once at a 1 s interval
# (leakwatch: attach --snapshot-baseline false --output lines), and after SECONDS reads each watcher's peak RSS
# (VmHWM) and anonymous RSS, and its CPU over SECONDS minus a 10 s warm-up. Same time, same load for all, so the
# columns compare even on a busy machine. Default variant: this tree's Release build. Compare with an older build:
#   mkdir /tmp/old && git archive HEAD~1 | tar -x -C /tmp/old && (cd /tmp/old && dotnet build src/LeakWatch.Cli -c Release -f net10.0)
#   tests/Benchmarks/streaming-rss-benchmark.sh 70 3 old=/tmp/old/src/LeakWatch.Cli/bin/Release/net10.0/leakwatch.dll new=
# FLAGS after @ are added to attach ('noasync=@--async-ops off'). SMAPS_DIR=dir keeps each watcher's /proc/PID/smaps.
# DOTNET_COUNTERS names an installed dotnet-counters (otherwise one is installed into artifacts/tools).
# WARMUP (default 10) is how many seconds of the start are left out of the CPU figure.
set -euo pipefail
seconds=${1:-70}
runs=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
warmup=${WARMUP:-10}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [ -n "${DOTNET_COUNTERS:-}" ] && [ ! -x "$DOTNET_COUNTERS" ]; then
  echo "DOTNET_COUNTERS=$DOTNET_COUNTERS is not an executable; unset it to install dotnet-counters into artifacts/tools." >&2
  exit 2
fi
dotnet build src/LeakWatch.Cli -c Release -f net10.0 -nologo -v q >/dev/null
dotnet build tests/TestApps/LeakWatch.TestApp -c Release -f net10.0 -nologo -v q >/dev/null
dotnet_counters=${DOTNET_COUNTERS:-$root/artifacts/tools/dotnet-counters}
[ -x "$dotnet_counters" ] || dotnet tool install dotnet-counters --tool-path "$root/artifacts/tools" >/dev/null
this_build="$root/src/LeakWatch.Cli/bin/Release/net10.0/leakwatch.dll"
testapp_dll="$root/tests/TestApps/LeakWatch.TestApp/bin/Release/net10.0/LeakWatch.TestApp.dll"
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=("leakwatch=")
variants+=("dotnet-counters")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_mib() { awk -v k="$2:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2] + a[NR/2+1]) / 2}'; }
declare -A results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for run in $(seq 1 "$runs"); do
  targets=(); watchers=()
  for i in "${!variants[@]}"; do
    dotnet "$testapp_dll" steady >"$work/target$i.log" &
    targets[i]=$!
  done
  for i in "${!variants[@]}"; do until grep -q READY "$work/target$i.log"; do sleep 0.2; done; done
  sleep 3
  for i in "${!variants[@]}"; do
    variant=${variants[i]}
    if [ "$variant" = dotnet-counters ]; then
      "$dotnet_counters" monitor --process-id "${targets[i]}" --refresh-interval 1 --counters System.Runtime >/dev/null 2>&1 &
    else
      spec=${variant#*=}; dll=${spec%%@*}; flags=""
      [[ "$spec" == *@* ]] && flags=${spec#*@}
      # shellcheck disable=SC2086 # flags are words on purpose
      dotnet "${dll:-$this_build}" attach --pid "${targets[i]}" --snapshot-baseline false --output lines \
        --urls "http://127.0.0.1:$((9620 + i))" $flags >/dev/null 2>&1 &
    fi
    watchers[i]=$!
  done
  sleep "$warmup"
  declare -A before=()
  for i in "${!variants[@]}"; do before[$i]=$(cpu_ticks "${watchers[i]}"); done
  sleep $((seconds - warmup))
  for i in "${!variants[@]}"; do
    w=${watchers[i]}; label=${variants[i]%%=*}
    results[hwm_$label]+="$(status_mib "$w" VmHWM)"$'\n'
    results[anon_$label]+="$(status_mib "$w" RssAnon)"$'\n'
    results[cpu_$label]+="$(awk -v d=$(( $(cpu_ticks "$w") - ${before[$i]} )) -v s=$((seconds - warmup)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", 100 * d / hz / s}')"$'\n'
    [ -n "${SMAPS_DIR:-}" ] && mkdir -p "$SMAPS_DIR" && cp "/proc/$w/smaps" "$SMAPS_DIR/$label.run$run.smaps"
  done
  for w in "${watchers[@]}"; do kill -TERM "$w" 2>/dev/null || true; done
  for w in "${watchers[@]}"; do wait "$w" 2>/dev/null || true; done
  for t in "${targets[@]}"; do kill "$t" 2>/dev/null || true; wait "$t" 2>/dev/null || true; done
  echo "run $run/$runs done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done

m() { printf '%s' "${results[$1]}" | median; }
each() { printf '%s' "${results[$1]}" | paste -sd, -; }
reference=$(m hwm_dotnet-counters)
echo
echo "Streaming, 'steady' target, ${seconds} s (CPU over the last $((seconds - warmup)) s), interval 1 s, median of $runs runs"
printf '| %-16s | %-22s | %-18s | %-14s | %-22s |\n' "watcher" "peak RSS, MiB (runs)" "anonymous RSS, MiB" "ratio to d-c" "CPU, % of a core (runs)"
printf '|%s|%s|%s|%s|%s|\n' "------------------" "------------------------" "--------------------" "----------------" "------------------------"
for variant in "${variants[@]}"; do
  label=${variant%%=*}
  printf '| %-16s | %-22s | %-18s | %-14s | %-22s |\n' "$label" "$(m "hwm_$label") ($(each "hwm_$label"))" "$(m "anon_$label")" \
    "$(awk -v a="$(m "hwm_$label")" -v b="$reference" 'BEGIN {printf "%.2f", a / b}')" "$(m "cpu_$label") ($(each "cpu_$label"))"
done
