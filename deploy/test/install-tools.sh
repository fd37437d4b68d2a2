#!/usr/bin/env bash
# Installs what deploy/test/validate.sh needs, on a fresh Debian 12 machine (run as root,
# or with sudo available). Idempotent: re-running it only installs what is missing.
#
#   apt : prometheus (promtool), prometheus-alertmanager (amtool), yamllint, nodejs/npm
#         (only if no node is on PATH)
#   npm : the pinned packages of deploy/test/package.json + package-lock.json, into
#         deploy/test/node_modules (gitignored), with `npm ci`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# apt packages, keyed by the command validate.sh uses from each.
declare -A need=(
  [promtool]=prometheus
  [amtool]=prometheus-alertmanager
  [yamllint]=yamllint
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-tools: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # --no-install-recommends keeps prometheus from pulling in extra exporters; the
  # Debian packages start services on install, which validate.sh does not need.
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-tools: apt tools present (promtool, amtool, yamllint, node)"
fi

# npm packages: reinstall only when node_modules is missing or older than the lock file.
stamp="$here/node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ]; then
  echo "install-tools: npm ci in deploy/test"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "install-tools: deploy/test/node_modules up to date"
fi

echo "install-tools: promtool $(promtool --version 2>&1 | head -n1 | awk '{print $3}')," \
  "amtool $(amtool --version 2>&1 | head -n1 | awk '{print $3}')," \
  "yamllint $(yamllint --version | awk '{print $2}'), node $(node --version)"
