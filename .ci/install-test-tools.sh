#!/usr/bin/env bash
# Installs what the tests drive besides .NET: Prometheus's server and promtool, Alertmanager's amtool,
# yamllint, tmux (the live-table terminal test) (Debian packages), and the deploy kit's npm validators. Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for tool in prometheus promtool amtool yamllint tmux; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages for: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Installing the packages must not start their services: the tests start their own on loopback.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager yamllint tmux >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

if [ -f deploy/test/install-tools.sh ]; then
  bash deploy/test/install-tools.sh
fi
