#!/usr/bin/env node
// Validates Kubernetes manifests: node validate-k8s.mjs FILE.yaml...
//
// For every YAML document:
//   1. parse strictly (yaml package: no duplicate keys, no parse warnings);
//   2. find the model class for apiVersion/kind in kubernetes-models or
//      @kubernetes-models/prometheus-operator (unknown kinds are rejected);
//   3. call the model's .validate() (the upstream OpenAPI schema: types, required
//      fields, formats, enums);
//   4. check the document against the model's TypeScript interface (lib/dts.mjs), which
//      additionally rejects keys the API does not define (e.g. a misspelt
//      `readinesProbe`), since the upstream schemas allow unknown keys;
// then, across all files, cross-reference checks (selectors match pod labels, named
// ports and volumes exist) and the leakwatch sidecar's required settings.
// Exits 1 on any failure.

import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { check, exportedType } from "./lib/dts.mjs";

// Model packages searched for an apiVersion/kind, in order.
const MODEL_PACKAGES = ["kubernetes-models", "@kubernetes-models/prometheus-operator"];

const failures = [];
const fail = (where, msg) => failures.push(`${where}: ${msg}`);
const ok = (msg) => console.log(`  ok   ${msg}`);

async function findModel(apiVersion, kind) {
  if (typeof apiVersion !== "string" || !/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion)) return null;
  if (typeof kind !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return null;
  for (const pkg of MODEL_PACKAGES) {
    const spec = `${pkg}/${apiVersion}/${kind}`;
    let mod;
    try {
      mod = await import(spec);
    } catch (e) {
      if (e.code === "ERR_MODULE_NOT_FOUND" || e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") continue;
      throw e;
    }
    const cls = mod[kind];
    // Only top-level API objects carry a static apiVersion/kind (not e.g. v1/Container).
    if (cls && cls.kind === kind && cls.apiVersion === apiVersion) return { cls, spec, iface: `I${kind}` };
  }
  return null;
}

function loadDocs(file) {
  const src = fs.readFileSync(file, "utf8");
  const docs = YAML.parseAllDocuments(src, { uniqueKeys: true, strict: true, prettyErrors: true });
  const out = [];
  docs.forEach((d, i) => {
    for (const e of [...d.errors, ...d.warnings]) fail(`${file}#${i}`, `YAML: ${e.message}`);
    const v = d.toJS();
    if (v !== null && v !== undefined) out.push({ file, index: i, obj: v });
  });
  return out;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate-k8s.mjs FILE.yaml...");
  process.exit(2);
}

const objects = [];
for (const file of files) {
  const rel = path.relative(process.cwd(), file);
  for (const d of loadDocs(file)) {
    const { obj } = d;
    const where = `${rel}#${d.index} ${obj?.kind ?? "?"}/${obj?.metadata?.name ?? "?"}`;
    const model = await findModel(obj?.apiVersion, obj?.kind);
    if (!model) {
      fail(where, `unknown apiVersion/kind ${obj?.apiVersion}/${obj?.kind} (not in ${MODEL_PACKAGES.join(", ")})`);
      continue;
    }
    let valid = true;
    try {
      new model.cls(obj).validate();
    } catch (e) {
      valid = false;
      fail(where, `${model.spec}.validate(): ${e.message}`);
    }
    const errs = check(obj, exportedType(model.spec, model.iface), "");
    for (const e of errs) fail(where, `${model.iface}: ${e}`);
    if (valid && errs.length === 0) ok(`${where}: ${model.spec} validate() + strict keys`);
    objects.push({ where, obj });
  }
}

// ---------------------------------------------------------------- cross-reference checks

const matches = (selector, labels) =>
  selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.obj.kind));

for (const { where, obj } of workloads) {
  const spec = obj.spec ?? {};
  const podLabels = spec.template?.metadata?.labels ?? {};
  const pod = spec.template?.spec ?? {};
  if (!matches(spec.selector?.matchLabels, podLabels)) fail(where, "spec.selector.matchLabels does not match the pod template labels");
  const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const ports = new Set((c.ports ?? []).map((p) => p.name).filter(Boolean));
    for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) fail(where, `container ${c.name} mounts undefined volume ${m.name}`);
    for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
      const port = c[probe]?.httpGet?.port;
      if (typeof port === "string" && !ports.has(port)) fail(where, `container ${c.name} ${probe} uses undefined port name ${port}`);
    }
  }
  ok(`${where}: selector matches pod labels; mounts and probe ports resolve`);
}

// Pods (labels + named container ports) of all workloads, for Service / PodMonitor checks.
const pods = workloads.map(({ obj }) => ({
  labels: obj.spec?.template?.metadata?.labels ?? {},
  ports: new Set((obj.spec?.template?.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name))),
}));

for (const { where, obj } of objects.filter((o) => o.obj.kind === "Service")) {
  const targets = pods.filter((p) => matches(obj.spec?.selector, p.labels));
  if (targets.length === 0) { fail(where, "selector matches no workload in these files"); continue; }
  for (const port of obj.spec?.ports ?? []) {
    if (typeof port.targetPort === "string" && !targets.every((p) => p.ports.has(port.targetPort))) {
      fail(where, `targetPort ${port.targetPort} is not a named port of the selected pods`);
    }
  }
  ok(`${where}: selects ${targets.length} workload(s); named target ports exist`);
}

for (const { where, obj } of objects.filter((o) => o.obj.kind === "PodMonitor")) {
  const targets = pods.filter((p) => matches(obj.spec?.selector?.matchLabels, p.labels));
  if (targets.length === 0) { fail(where, "selector matches no workload in these files"); continue; }
  for (const ep of obj.spec?.podMetricsEndpoints ?? []) {
    if (ep.port && !targets.every((p) => p.ports.has(ep.port))) fail(where, `port ${ep.port} is not a named port of the selected pods`);
  }
  ok(`${where}: selects ${targets.length} workload(s); endpoint ports exist`);
}

// ---------------------------------------------------------------- leakwatch sidecar requirements

for (const { where, obj } of workloads) {
  const pod = obj.spec?.template?.spec ?? {};
  const sidecar = (pod.containers ?? []).find((c) => c.name === "leakwatch");
  if (!sidecar) continue;
  const req = (cond, msg) => { if (!cond) fail(where, `leakwatch sidecar: ${msg}`); };
  if (obj.kind === "DaemonSet") {
    checkNodeAgent(where, pod, sidecar, (cond, msg) => { if (!cond) fail(where, `leakwatch node agent: ${msg}`); });
    continue;
  }
  const port = (sidecar.ports ?? []).find((p) => p.name === "metrics");
  req(port?.containerPort === 9473, "needs port `metrics` = 9473");
  req(sidecar.readinessProbe?.httpGet?.path === "/readyz" && sidecar.readinessProbe?.httpGet?.port === "metrics", "readinessProbe must be GET /readyz on port metrics");
  req(sidecar.livenessProbe?.httpGet?.path === "/healthz" && sidecar.livenessProbe?.httpGet?.port === "metrics", "livenessProbe must be GET /healthz on port metrics");
  const r = sidecar.resources ?? {};
  req(r.requests?.cpu === "10m" && r.requests?.memory === "80Mi" && r.limits?.cpu === "200m" && r.limits?.memory === "256Mi",
    "resources must be requests 10m/80Mi, limits 200m/256Mi");
  const sc = sidecar.securityContext ?? {};
  req(sc.runAsNonRoot === true && sc.readOnlyRootFilesystem === true && sc.allowPrivilegeEscalation === false, "securityContext must set runAsNonRoot, readOnlyRootFilesystem, allowPrivilegeEscalation: false");
  req((sc.capabilities?.drop ?? []).includes("ALL"), "must drop ALL capabilities");
  const args = sidecar.args ?? [];
  req(args[0] === "attach" && args.includes("--urls") && args[args.indexOf("--urls") + 1] === "http://0.0.0.0:9473", "args must be `attach ... --urls http://0.0.0.0:9473`");
  for (const e of sidecar.env ?? []) req(e.name.startsWith("LEAKWATCH_") || e.name.startsWith("DOTNET_"), `env ${e.name} is not LEAKWATCH_-prefixed`);

  if (pod.shareProcessNamespace) {
    req(args.includes("--all"), "shared-pid variant should run `attach --all`");
    req((sc.capabilities?.add ?? []).includes("SYS_PTRACE"), "shared-pid variant needs capability SYS_PTRACE for ClrMD snapshots");
    const tmp = (sidecar.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    req(tmp && (pod.containers ?? []).every((c) => (c.volumeMounts ?? []).some((m) => m.name === tmp.name && m.mountPath === "/tmp")),
      "shared-pid variant must share /tmp (the runtimes' diagnostic sockets) between all containers");
  } else {
    const i = args.indexOf("--diagnostic-port");
    const sock = i >= 0 ? args[i + 1] : undefined;
    req(sock === "/diag/leakwatch.sock", "args must include --diagnostic-port /diag/leakwatch.sock");
    req((sc.capabilities?.add ?? []).length === 0, "the default variant adds no capabilities");
    const diag = (sidecar.volumeMounts ?? []).find((m) => m.mountPath === "/diag");
    const vol = (pod.volumes ?? []).find((v) => v.name === diag?.name);
    req(diag && vol?.emptyDir, "needs an emptyDir volume mounted at /diag");
    for (const c of (pod.containers ?? []).filter((c) => c !== sidecar)) {
      const env = (c.env ?? []).find((e) => e.name === "DOTNET_DiagnosticPorts");
      req(env?.value === `${sock},nosuspend`, `app container ${c.name} needs DOTNET_DiagnosticPorts=${sock},nosuspend`);
      req((c.volumeMounts ?? []).some((m) => m.name === diag?.name && m.mountPath === "/diag"), `app container ${c.name} must mount the diag volume at /diag`);
    }
  }
  ok(`${where}: leakwatch sidecar settings (${pod.shareProcessNamespace ? "shared-pid" : "diagnostic-port"} variant)`);
}

// The node agent (DaemonSet): hostPID, --all, root with SYS_PTRACE and DAC_OVERRIDE only, probes and limits.
function checkNodeAgent(where, pod, agent, req) {
  const args = agent.args ?? [];
  req(pod.hostPID === true, "needs hostPID: true to see the node's processes");
  req(args[0] === "attach" && args.includes("--all"), "args must be `attach --all ...`");
  req(args.includes("--urls") && args[args.indexOf("--urls") + 1] === "http://0.0.0.0:9473", "args must include --urls http://0.0.0.0:9473");
  req((agent.ports ?? []).some((p) => p.name === "metrics" && p.containerPort === 9473), "needs port `metrics` = 9473");
  req(agent.readinessProbe?.httpGet?.path === "/readyz" && agent.livenessProbe?.httpGet?.path === "/healthz", "needs /readyz and /healthz probes");
  req(agent.resources?.limits?.memory && agent.resources?.requests?.memory, "needs memory requests and limits");
  const sc = agent.securityContext ?? {};
  const added = [...(sc.capabilities?.add ?? [])].sort().join(",");
  req((sc.capabilities?.drop ?? []).includes("ALL") && added === "DAC_OVERRIDE,SYS_PTRACE", "must drop ALL and add only SYS_PTRACE and DAC_OVERRIDE");
  req(sc.readOnlyRootFilesystem === true && sc.allowPrivilegeEscalation === false, "needs readOnlyRootFilesystem and allowPrivilegeEscalation: false");
  for (const e of agent.env ?? []) req(e.name.startsWith("LEAKWATCH_"), `env ${e.name} is not LEAKWATCH_-prefixed`);
  ok(`${where}: leakwatch node agent settings`);
}

if (failures.length) {
  console.error(`\nvalidate-k8s: ${failures.length} problem(s):`);
  for (const f of failures) console.error(`  FAIL ${f}`);
  process.exit(1);
}
console.log(`validate-k8s: ${objects.length} object(s) in ${files.length} file(s) valid`);
