#!/usr/bin/env bash
# Soak every healthy control at once under the default rules: noisy (busy service), pool-burst (blocking bursts that
# grow the thread pool, which then retires its threads) and cache-fill (64 MB cache that fills once and stops). Each
# runs in its own test app and agent (tests/Soak/noisy-soak.sh); none may trigger.
# Usage: tests/Soak/controls-soak.sh [duration, default 10m] [configuration, default Release]
set -uo pipefail

duration="${1:-10m}"
configuration="${2:-Release}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/leakwatch-controls.XXXXXX")"
scenarios=(noisy pool-burst cache-fill)

pids=()
for scenario in "${scenarios[@]}"; do
  "$here/noisy-soak.sh" "$duration" "$configuration" "$scenario" > "$work/$scenario.txt" 2>&1 &
  pids+=($!)
done

failed=0
for i in "${!scenarios[@]}"; do
  wait "${pids[$i]}" || failed=1
  cat "$work/${scenarios[$i]}.txt"
done
exit "$failed"
