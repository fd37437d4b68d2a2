#!/usr/bin/env bash
# Validates every file of the deploy/ kit with the tool that consumes it.
#
#   bash deploy/test/install-tools.sh   # once per machine: promtool, amtool, yamllint, npm packages
#   bash deploy/test/validate.sh
#
# Installs nothing. Runs every check even after a failure, prints what each one covers,
# ends with "validate: N passed, M failed" and exits non-zero if any check failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
T=deploy/test
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
failed_names=()

# check NAME COMMAND...: runs COMMAND, shows its output indented, records the result.
check() {
  local name="$1"
  shift
  echo "== $name"
  if "$@" >"$tmp/out" 2>&1; then
    sed 's/^/   /' "$tmp/out"
    echo "   PASS $name"
    passed=$((passed + 1))
  else
    sed 's/^/   /' "$tmp/out"
    echo "   FAIL $name"
    failed=$((failed + 1))
    failed_names+=("$name")
  fi
}

# ------------------------------------------------------------------ tools
missing=()
for cmd in promtool amtool yamllint node; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
for pkg in yaml dockerfilelint kubernetes-models @kubernetes-models/prometheus-operator @grafana/schema; do
  [ -f "$T/node_modules/$pkg/package.json" ] || missing+=("npm:$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "validate: missing tools: ${missing[*]} (run: bash deploy/test/install-tools.sh)" >&2
  exit 1
fi
npmver() { node -p "require('./$T/node_modules/$1/package.json').version"; }
echo "tools: $(promtool --version 2>&1 | head -n1), $(amtool --version 2>&1 | head -n1)"
echo "       yamllint $(yamllint --version | awk '{print $2}'), node $(node --version)," \
  "dockerfilelint $(npmver dockerfilelint), kubernetes-models $(npmver kubernetes-models)," \
  "@kubernetes-models/prometheus-operator $(npmver @kubernetes-models/prometheus-operator), @grafana/schema $(npmver @grafana/schema)"
echo

# ------------------------------------------------------------------ YAML
yaml_lint() {
  echo "files: $(yamllint --list-files -c deploy/.yamllint.yaml deploy | sort | tr '\n' ' ')"
  yamllint -s -c deploy/.yamllint.yaml deploy
}
check "yamllint -s (deploy/.yamllint.yaml) on every YAML file of the kit" yaml_lint

# ------------------------------------------------------------------ Dockerfile
# CI lints the Dockerfile but cannot build it (no Docker engine, no registry access).
check "dockerfilelint deploy/Dockerfile" \
  "$T/node_modules/.bin/dockerfilelint" deploy/Dockerfile

dockerfile_shape() {
  local f=deploy/Dockerfile final
  # The final stage: everything after the last FROM.
  final="$(awk '/^FROM /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$f")"
  local ok=0
  req() { if ! grep -Eq -- "$2" <<<"$3"; then echo "missing: $1"; ok=1; else echo "ok   $1"; fi; }
  reqnot() { if grep -Eq -- "$2" <<<"$3"; then echo "forbidden: $1"; ok=1; else echo "ok   $1"; fi; }
  req "build stage FROM mcr.microsoft.com/dotnet/sdk:10.0" '^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$' "$(cat "$f")"
  req "dotnet pack src/LeakWatch.Cli -c Release -o /out" 'dotnet pack src/LeakWatch\.Cli -c Release -o /out' "$(cat "$f")"
  req "dotnet tool install leakwatch --tool-path /tools --add-source /out" 'dotnet tool install leakwatch --tool-path /tools --add-source /out' "$(cat "$f")"
  req "final stage FROM mcr.microsoft.com/dotnet/runtime:10.0" '^FROM mcr\.microsoft\.com/dotnet/runtime:10\.0$' "$final"
  reqnot "no SDK, package manager or compiler in the final stage" '(dotnet/sdk|apt-get|apk |dnf |yum |dotnet (build|publish|pack))' "$final"
  req "final stage copies /tools from the build stage" '^COPY --from=build /tools /tools$' "$final"
  req "runs as uid 1654 (app)" '^USER 1654$' "$final"
  req "EXPOSE 9473" '^EXPOSE 9473$' "$final"
  req 'ENTRYPOINT ["/tools/leakwatch"]' '^ENTRYPOINT \["/tools/leakwatch"\]$' "$final"
  req 'CMD attach --diagnostic-port /diag/leakwatch.sock --urls http://0.0.0.0:9473' \
    '^CMD \["attach", "--diagnostic-port", "/diag/leakwatch\.sock", "--urls", "http://0\.0\.0\.0:9473"\]$' "$final"
  req "says CI lints but cannot build it" '^# CI lints this file' "$(cat "$f")"
  if [ -f deploy/Dockerfile.dockerignore ] && grep -q '\*\*/bin/' deploy/Dockerfile.dockerignore; then
    echo "ok   deploy/Dockerfile.dockerignore excludes build output"
  else
    echo "missing: deploy/Dockerfile.dockerignore"; ok=1
  fi
  return $ok
}
check "Dockerfile shape (stages, base images, user, entrypoint, dockerignore)" dockerfile_shape

# ------------------------------------------------------------------ Kubernetes
check "Kubernetes manifests: kubernetes-models validate() + strict keys + cross-references" \
  node "$T/validate-k8s.mjs" deploy/kubernetes/*.yaml

# ------------------------------------------------------------------ Prometheus
check "promtool check rules (plain rules file)" \
  promtool check rules deploy/prometheus/leakwatch-alerts.rules.yml
check "promtool test rules (each alert fires on one series and stays quiet on another)" \
  promtool test rules deploy/prometheus/leakwatch-alerts.test.yml
check "rules metadata, runbook anchors, metric names, test coverage both ways" \
  node "$T/check-rules.mjs" deploy/prometheus/leakwatch-alerts.rules.yml deploy/prometheus/leakwatch-alerts.test.yml docs/runbook.md
check "PrometheusRule is up to date with the rules file (gen-prometheusrule.mjs --check)" \
  node "$T/gen-prometheusrule.mjs" --check
check "PrometheusRule: @kubernetes-models/prometheus-operator validate() + strict keys" \
  node "$T/validate-k8s.mjs" deploy/prometheus/leakwatch-alerts.prometheusrule.yaml

# Debian's prometheus package is built without Consul service discovery, so its promtool rejects
# consul_sd_configs as an unknown field. A promtool with Consul SD (upstream's) checks the file as it is;
# Debian's checks everything else of it (globals, rule_files, relabel_configs) with the Consul block
# swapped for a file_sd_configs one, and the Consul block's keys are checked against consul_sd_config's.
consul_config() {
  local f=deploy/prometheus/prometheus-consul.yml
  if promtool check config "$f" >"$tmp/consul.out" 2>&1; then
    cat "$tmp/consul.out"; return 0
  fi
  if ! grep -q 'field consul_sd_configs not found' "$tmp/consul.out"; then
    cat "$tmp/consul.out"; return 1
  fi
  echo "this promtool has no Consul SD (Debian build): checking the rest of $f"
  cp deploy/prometheus/leakwatch-alerts.rules.yml "$tmp/" && echo "[]" >"$tmp/targets.json"
  awk '/^    consul_sd_configs:/ {print "    file_sd_configs:\n      - files: [targets.json]"; skip=1; next}
       skip && /^    [a-z]/ {skip=0} !skip' "$f" >"$tmp/prometheus-consul.yml"
  promtool check config "$tmp/prometheus-consul.yml" || return 1
  node -e '
    const yaml = require(process.argv[2]); const fs = require("fs");
    const known = new Set(["server", "path_prefix", "token", "datacenter", "namespace", "partition", "scheme",
      "username", "password", "services", "tags", "node_meta", "tag_separator", "allow_stale", "refresh_interval",
      "filter", "basic_auth", "authorization", "oauth2", "proxy_url", "follow_redirects", "enable_http2", "tls_config"]);
    const cfg = yaml.parse(fs.readFileSync(process.argv[1], "utf8"));
    let bad = 0;
    for (const job of cfg.scrape_configs) for (const sd of job.consul_sd_configs ?? []) for (const k of Object.keys(sd)) {
      if (!known.has(k)) { console.log(`unknown consul_sd_config key ${k} in job ${job.job_name}`); bad = 1; }
    }
    if (!bad) console.log("consul_sd_configs keys are consul_sd_config fields");
    process.exit(bad);' "$f" "$root/$T/node_modules/yaml"
}
check "promtool check config deploy/prometheus/prometheus-consul.yml (Consul discovery, service/module relabelling)" consul_config
check "deploy/consul/leakwatch-service.json is a JSON Consul service definition with service/module meta" \
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).Service;
    if (s.Name !== "leakwatch" || !s.Tags.includes("leakwatch") || !s.Meta.service || !s.Check.HTTP.endsWith("/healthz")) process.exit(1);
    console.log(`service ${s.Name}, tags ${s.Tags}, meta service=${s.Meta.service} module=${s.Meta.module}`);' deploy/consul/leakwatch-service.json

# ------------------------------------------------------------------ Alertmanager
check "amtool check-config" \
  amtool check-config deploy/alertmanager/alertmanager.yml

am_routes() {
  local alerts a rc=0
  alerts="$(sed -n 's/^ *- alert: *\([A-Za-z]*\).*/\1/p' deploy/prometheus/leakwatch-alerts.rules.yml)"
  [ -n "$alerts" ] || { echo "no alerts found in the rules file"; return 1; }
  for a in $alerts; do
    if amtool config routes test --config.file=deploy/alertmanager/alertmanager.yml \
      --verify.receivers=leakwatch-webhook "alertname=$a" pid=1 process_name=Orders.Api >/dev/null 2>&1; then
      echo "ok   $a -> leakwatch-webhook"
    else
      echo "FAIL $a is not routed to leakwatch-webhook"; rc=1
    fi
  done
  if amtool config routes test --config.file=deploy/alertmanager/alertmanager.yml \
    --verify.receivers=default alertname=KubePodCrashLooping >/dev/null 2>&1; then
    echo "ok   KubePodCrashLooping -> default"
  else
    echo "FAIL a non-leakwatch alert is not routed to default"; rc=1
  fi
  return $rc
}
check "amtool config routes test (every Leakwatch* alert -> leakwatch-webhook, others -> default)" am_routes

# ------------------------------------------------------------------ Grafana
check "dashboard against @grafana/schema types + dashboard contract" \
  node "$T/validate-dashboard.mjs" deploy/grafana/leakwatch-dashboard.json \
  --list-queries "$tmp/queries.txt" --promtool-rules "$tmp/dashboard-rules.json"
if [ -f "$tmp/dashboard-rules.json" ]; then
  check "dashboard PromQL parses (promtool check rules on the dashboard's exprs)" \
    promtool check rules "$tmp/dashboard-rules.json"
fi

# ------------------------------------------------------------------ docs
docs_refs() {
  local rc=0 p
  # Kit files: deploy/... with an extension, or the Dockerfile.
  for p in $(grep -ohE 'deploy/[A-Za-z0-9_./-]*(\.[a-z]+|Dockerfile)' docs/kubernetes.md docs/runbook.md | sort -u); do
    if [ -e "$p" ]; then echo "ok   $p"; else echo "FAIL docs mention $p, which does not exist"; rc=1; fi
  done
  return $rc
}
check "every deploy/ file named in docs/kubernetes.md and docs/runbook.md exists" docs_refs

# ------------------------------------------------------------------ the validators catch mistakes
# Each validator must reject a known-bad variant of a shipped file.
selftest() {
  local rc=0
  expect_fail() {
    local what="$1"; shift
    if "$@" >"$tmp/neg.out" 2>&1; then echo "FAIL accepted: $what"; rc=1
    else echo "ok   rejected: $what ($(grep -m1 -E 'FAIL|error|Error|Issue' "$tmp/neg.out" | sed 's/^ *//' | cut -c1-110))"; fi
  }
  sed 's/readinessProbe:/readinesProbe:/' deploy/kubernetes/sidecar-deployment.yaml >"$tmp/typo.yaml"
  expect_fail "misspelt container key (readinesProbe)" node "$T/validate-k8s.mjs" "$tmp/typo.yaml"
  sed 's/containerPort: 9473/containerPort: "9473"/' deploy/kubernetes/sidecar-deployment.yaml >"$tmp/type.yaml"
  expect_fail "string where the API wants an integer" node "$T/validate-k8s.mjs" "$tmp/type.yaml"
  printf 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: x\n' >"$tmp/kind.yaml"
  expect_fail "unknown kind" node "$T/validate-k8s.mjs" "$tmp/kind.yaml"
  sed 's/hostPID: true/hostPID: false/' deploy/kubernetes/node-agent-daemonset.yaml >"$tmp/node.yaml"
  expect_fail "node agent without hostPID" node "$T/validate-k8s.mjs" "$tmp/node.yaml"
  sed 's/interval: 15s/intervall: 15s/' deploy/kubernetes/podmonitor.yaml >"$tmp/pm.yaml"
  expect_fail "misspelt PodMonitor key" node "$T/validate-k8s.mjs" "$tmp/pm.yaml" deploy/kubernetes/sidecar-deployment.yaml
  node -e '
    const fs = require("fs"); const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const p = d.panels.find((x) => x.type === "timeseries"); p.fieldConfg = p.fieldConfig;
    fs.writeFileSync(process.argv[2], JSON.stringify(d));' deploy/grafana/leakwatch-dashboard.json "$tmp/d1.json"
  expect_fail "misspelt panel key (fieldConfg)" node "$T/validate-dashboard.mjs" "$tmp/d1.json"
  node -e '
    const fs = require("fs"); const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    d.panels.find((x) => x.type === "stat").options.colorMode = "rainbow";
    fs.writeFileSync(process.argv[2], JSON.stringify(d));' deploy/grafana/leakwatch-dashboard.json "$tmp/d2.json"
  expect_fail "stat colorMode outside its enum" node "$T/validate-dashboard.mjs" "$tmp/d2.json"
  sed 's/pid=~\\"\$pid\\"/pod=~\\"$pid\\"/' deploy/grafana/leakwatch-dashboard.json >"$tmp/d3.json"
  expect_fail "query not filtered by pid" node "$T/validate-dashboard.mjs" "$tmp/d3.json"
  { cat deploy/alertmanager/alertmanager.yml; printf 'extra:  \n  on: yes\n'; } >"$tmp/lint.yaml"
  expect_fail "YAML with trailing spaces and a truthy value" yamllint -s -c deploy/.yamllint.yaml "$tmp/lint.yaml"
  printf 'FROM ubuntu\nRUN sudo apt-get install -y curl\nEXPOSE 99999\n' >"$tmp/Dockerfile"
  expect_fail "bad Dockerfile" "$T/node_modules/.bin/dockerfilelint" "$tmp/Dockerfile"
  return $rc
}
check "validators reject known-bad variants of the shipped files" selftest

echo
if [ "$failed" -gt 0 ]; then
  echo "failed checks:"
  printf '  %s\n' "${failed_names[@]}"
fi
echo "validate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
