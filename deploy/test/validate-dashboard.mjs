#!/usr/bin/env node
// Validates the Grafana dashboard against @grafana/schema:
//   node validate-dashboard.mjs DASHBOARD.json [--list-queries FILE] [--promtool-rules FILE]
//
// @grafana/schema ships no JSON schema: it ships the TypeScript types generated from
// Grafana's CUE schemas (the dashboard kind and each panel plugin's Options/FieldConfig)
// and runtime defaults (defaultDashboard, defaultPanel, ...). So this script:
//   1. checks the whole dashboard against the package's exported `Dashboard` type (read
//      from its .d.ts by lib/dts.mjs): unknown keys, missing required keys, wrong types
//      and values outside enums are errors;
//   2. checks each panel's `options` and `fieldConfig.defaults.custom` against the
//      panel plugin's `Options` / `FieldConfig` types (timeseries, stat, table), each
//      target against the common `DataQuery` type plus the Prometheus query fields,
//      and fieldConfig override property ids against the declared field config keys;
//   3. checks schemaVersion against the package's defaultDashboard.schemaVersion, and
//      the dashboard's own contract: uid/title, variables, ${datasource} everywhere,
//      every query filtered by job and pid, only metric names from metrics.txt, panel
//      ids unique and the grid without overlaps.
// --list-queries FILE   writes every panel's PromQL expr, one per line (variables kept).
// --promtool-rules FILE writes a rules file with every expr (panels, annotation, and the
//                       selectors inside label_values()) as recording rules, variables
//                       replaced by ".*", for `promtool check rules` to parse the PromQL.
// Exits 1 on any failure.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { check, exportedType, declaredKeys } from "./lib/dts.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const failures = [];
const fail = (msg) => failures.push(msg);
const ok = (msg) => console.log(`  ok   ${msg}`);

// ---------------------------------------------------------------- arguments

const args = process.argv.slice(2);
let file = null, listFile = null, rulesFile = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--list-queries") listFile = args[++i];
  else if (args[i] === "--promtool-rules") rulesFile = args[++i];
  else if (!file) file = args[i];
  else { console.error(`unexpected argument ${args[i]}`); process.exit(2); }
}
if (!file || (args.includes("--list-queries") && !listFile) || (args.includes("--promtool-rules") && !rulesFile)) {
  console.error("usage: node validate-dashboard.mjs DASHBOARD.json [--list-queries FILE] [--promtool-rules FILE]");
  process.exit(2);
}

// ---------------------------------------------------------------- load

// YAML is a superset of JSON; its parser, unlike JSON.parse, rejects duplicate keys.
const text = fs.readFileSync(file, "utf8");
JSON.parse(text); // must be plain JSON too
const ydoc = YAML.parseDocument(text, { uniqueKeys: true });
if (ydoc.errors.length) {
  for (const e of ydoc.errors) console.error(`FAIL ${file}: ${e.message}`);
  process.exit(1);
}
const dash = ydoc.toJS();

const schemaPkg = JSON.parse(fs.readFileSync(path.join(here, "node_modules/@grafana/schema/package.json"), "utf8"));
const grafana = await import("@grafana/schema");
console.log(`  using @grafana/schema ${schemaPkg.version} (types from its .d.ts; defaultDashboard.schemaVersion ${grafana.defaultDashboard.schemaVersion})`);

const PANEL_PLUGINS = {
  timeseries: "@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen",
  stat: "@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen",
  table: "@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen",
};
// Fields of a Prometheus query (the Prometheus datasource plugin's PromQuery), which
// @grafana/schema does not ship; values are the expected JSON types.
const PROM_QUERY_FIELDS = {
  expr: "string", legendFormat: "string", instant: "boolean", range: "boolean", exemplar: "boolean",
  format: ["time_series", "table", "heatmap"], interval: "string", intervalFactor: "number",
  editorMode: ["code", "builder"], step: "number",
};
// Prometheus annotation options kept at the annotation's top level by Grafana.
const PROM_ANNOTATION_FIELDS = { titleFormat: "string", textFormat: "string", tagKeys: "string", useValueForTime: "boolean" };

function checkExtra(obj, fields, where) {
  for (const [k, want] of Object.entries(fields)) {
    if (!(k in obj)) continue;
    const v = obj[k];
    const good = Array.isArray(want) ? want.includes(v) : typeof v === want;
    if (!good) fail(`${where}.${k}: ${JSON.stringify(v)} is not ${Array.isArray(want) ? want.join(" | ") : want}`);
  }
}

// ---------------------------------------------------------------- 1. Dashboard type

const DashboardT = exportedType("@grafana/schema", "Dashboard");
const annotationExtra = (p, k) => /^annotations\.list\[\d+\]$/.test(p) && k in PROM_ANNOTATION_FIELDS;
const errs = check(dash, DashboardT, "", { allowExtra: annotationExtra });
errs.forEach((e) => fail(`Dashboard: ${e}`));
(dash.annotations?.list ?? []).forEach((a, i) => checkExtra(a, PROM_ANNOTATION_FIELDS, `annotations.list[${i}]`));
if (!errs.length) ok(`dashboard matches the Dashboard type (${declaredKeys(DashboardT).length} declared top-level keys; unknown keys rejected)`);

// ---------------------------------------------------------------- 2. panels

const DataQueryT = exportedType("@grafana/schema", "DataQuery");
const FieldConfigT = exportedType("@grafana/schema", "FieldConfig");
const fieldConfigKeys = new Set(declaredKeys(FieldConfigT));

const panels = [];
for (const p of dash.panels ?? []) {
  panels.push(p);
  if (p.type === "row") panels.push(...(p.panels ?? []));
}

for (const [i, p] of panels.entries()) {
  if (p.type === "row") continue;
  const where = `panel ${p.id} "${p.title}"`;
  const plugin = PANEL_PLUGINS[p.type];
  if (!plugin) { fail(`${where}: panel type ${p.type} has no checked plugin types (${Object.keys(PANEL_PLUGINS).join(", ")})`); continue; }
  const before = failures.length;
  const OptionsT = exportedType(plugin, "Options");
  check(p.options ?? {}, OptionsT, `${where}.options`).forEach((e) => fail(`${p.type} Options: ${e}`));
  let customKeys = null;
  try {
    const CustomT = exportedType(plugin, "FieldConfig");
    customKeys = new Set(declaredKeys(CustomT) ?? []);
    const custom = p.fieldConfig?.defaults?.custom;
    if (custom !== undefined) check(custom, CustomT, `${where}.fieldConfig.defaults.custom`).forEach((e) => fail(`${p.type} FieldConfig: ${e}`));
  } catch (e) {
    if (!/exports no type/.test(e.message)) throw e;
    if (p.fieldConfig?.defaults?.custom) fail(`${where}: ${p.type} declares no custom field config`);
  }
  for (const [j, o] of (p.fieldConfig?.overrides ?? []).entries()) {
    for (const prop of o.properties ?? []) {
      const [head, sub] = prop.id.startsWith("custom.") ? ["custom", prop.id.slice(7)] : [prop.id, null];
      const known = sub ? customKeys?.has(sub) : fieldConfigKeys.has(head);
      if (!known) fail(`${where}.fieldConfig.overrides[${j}]: property id ${prop.id} is not a declared field config key`);
    }
  }
  for (const [j, t] of (p.targets ?? []).entries()) {
    const tw = `${where}.targets[${j}]`;
    check(t, DataQueryT, tw, { allowExtra: (_, k) => k in PROM_QUERY_FIELDS }).forEach((e) => fail(`DataQuery: ${e}`));
    checkExtra(t, PROM_QUERY_FIELDS, tw);
    if (typeof t.expr !== "string" || !t.expr.trim()) fail(`${tw}: no expr`);
  }
  if (!(p.targets ?? []).length) fail(`${where}: no targets`);
  if (failures.length === before) ok(`${where}: ${p.type} Options/FieldConfig and ${p.targets.length} Prometheus target(s)`);
}

// ---------------------------------------------------------------- 3. contract checks

const req = (cond, msg) => { if (!cond) fail(msg); };
const before = failures.length;

req(Number.isInteger(dash.schemaVersion) && dash.schemaVersion >= 39 && dash.schemaVersion <= grafana.defaultDashboard.schemaVersion,
  `schemaVersion ${dash.schemaVersion} must be 39..${grafana.defaultDashboard.schemaVersion} (the newest the installed schema describes)`);
req(dash.uid === "leakwatch", `uid must be "leakwatch"`);
req(dash.title === "leakwatch: thread and task leaks", `title must be "leakwatch: thread and task leaks"`);

const vars = Object.fromEntries((dash.templating?.list ?? []).map((v) => [v.name, v]));
req(vars.datasource?.type === "datasource" && vars.datasource?.query === "prometheus", "variable datasource must be a prometheus datasource variable");
for (const name of ["job", "service", "pid"]) {
  const v = vars[name];
  req(v?.type === "query", `variable ${name} must be a query variable`);
  req(v?.includeAll === true, `variable ${name} must include All`);
  req(v?.datasource?.uid === "${datasource}", `variable ${name} must use \${datasource}`);
}
req(/label_values\(.*,\s*service\)/.test(vars.service?.query ?? ""), "variable service must come from label_values(..., service)");
req(/^label_values\(process_num_threads\{job=~"\$job"[^}]*\},\s*pid\)$/.test(vars.pid?.query ?? ""), "variable pid must be label_values(process_num_threads{job=~\"$job\"...}, pid)");
req(vars.pid?.multi === true, "variable pid must be multi-value");

const metrics = new Set(fs.readFileSync(path.join(here, "metrics.txt"), "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean));
const FUNCS = new Set(["topk", "bottomk", "deriv", "rate", "irate", "increase", "changes", "sum", "max", "min", "avg", "count", "by", "without", "on", "ignoring", "and", "or", "unless", "offset", "label_values", "histogram_quantile", "delta", "idelta", "abs", "clamp_min", "clamp_max", "group_left", "group_right", "bool"]);

// Checks one PromQL expr: known metrics only, each selector filtered by job and pid.
function checkExpr(expr, where, requireFilters = true) {
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const noBraces = noStrings.replace(/\{[^}]*\}/g, "{}").replace(/\[[^\]]*\]/g, "[]");
  const used = [];
  for (const m of noBraces.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\{\}|\s*\(|)?/g)) {
    const [, id, after] = m;
    if (after?.trim().startsWith("(") || FUNCS.has(id) || /^\d/.test(id) || /^[smhdwy]$/.test(id)) continue;
    used.push(id);
    if (!metrics.has(id)) fail(`${where}: metric ${id} is not in metrics.txt`);
  }
  if (requireFilters) {
    for (const id of used) {
      const sel = expr.match(new RegExp(`\\b${id}\\s*\\{([^}]*)\\}`));
      if (!sel || !sel[1].includes('job=~"$job"') || !sel[1].includes('pid=~"$pid"')) fail(`${where}: ${id} is not filtered by {job=~"$job", pid=~"$pid"}`);
    }
  }
  for (const v of expr.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
    if (!vars[v[1]] && !v[1].startsWith("__")) fail(`${where}: uses undefined variable $${v[1]}`);
  }
  return used;
}

const queries = [];
const allExprs = [];
const usedMetrics = new Set();
for (const p of panels) {
  if (p.type === "row") continue;
  const where = `panel ${p.id} "${p.title}"`;
  const dsOk = (ds) => ds?.type === "prometheus" && ds?.uid === "${datasource}";
  req(dsOk(p.datasource), `${where}: datasource must be {type: prometheus, uid: \${datasource}}`);
  for (const t of p.targets ?? []) {
    req(dsOk(t.datasource), `${where} target ${t.refId}: datasource must be \${datasource}`);
    if (typeof t.expr !== "string") continue;
    const one = t.expr.replace(/\s+/g, " ").trim();
    queries.push(one);
    allExprs.push({ where: `${where} ${t.refId}`, expr: one });
    checkExpr(one, `${where} ${t.refId}`).forEach((m) => usedMetrics.add(m));
  }
}
for (const a of dash.annotations?.list ?? []) {
  if (a.builtIn) continue;
  const expr = a.target?.expr;
  req(typeof expr === "string", `annotation ${a.name}: no target.expr`);
  if (typeof expr === "string") {
    allExprs.push({ where: `annotation ${a.name}`, expr });
    checkExpr(expr, `annotation ${a.name}`).forEach((m) => usedMetrics.add(m));
  }
}
const snapAnno = (dash.annotations?.list ?? []).find((a) => /^changes\(leakwatch_snapshots_total\{[^}]*\}\[1m\]\) > 0$/.test(a.target?.expr ?? ""));
req(snapAnno, "needs an annotation on changes(leakwatch_snapshots_total[1m]) > 0");
for (const v of Object.values(vars)) {
  if (v.type !== "query") continue;
  const m = /^label_values\((.*),\s*\w+\)$/.exec(v.query ?? "");
  if (m) allExprs.push({ where: `variable ${v.name}`, expr: m[1] });
  if (m) checkExpr(m[1], `variable ${v.name}`, false);
}

const REQUIRED = [
  "process_num_threads", "dotnet_thread_pool_thread_count", "dotnet_thread_pool_queue_length", "dotnet_timer_count",
  "process_open_fds", "leakwatch_async_operations_pending", "dotnet_gc_last_collection_heap_size_bytes",
  "process_resident_memory_bytes", "leakwatch_threads_by_stack", "leakwatch_tasks_by_chain", "leakwatch_leak_suspected",
];
for (const m of REQUIRED) req(usedMetrics.has(m), `no panel shows ${m}`);
for (const [want, type] of [["topk(10, leakwatch_threads_by_stack", "table"], ["topk(10, leakwatch_tasks_by_chain", "table"], ["leakwatch_leak_suspected", "stat"],
  ["topk(10, leakwatch_async_operations_pending", "timeseries"], ["deriv(process_num_threads", "timeseries"], ["deriv(leakwatch_async_operations_pending", "timeseries"]]) {
  req(panels.some((p) => p.type === type && (p.targets ?? []).some((t) => (t.expr ?? "").startsWith(want))), `needs a ${type} panel with ${want}...`);
}

// ids and grid
const ids = panels.map((p) => p.id);
req(ids.every((id) => Number.isInteger(id)) && new Set(ids).size === ids.length, "panel ids must be unique integers");
const cells = new Map();
for (const p of panels) {
  const g = p.gridPos;
  if (!g) { fail(`panel ${p.id}: no gridPos`); continue; }
  if (g.x < 0 || g.w < 1 || g.x + g.w > 24 || g.h < 1) fail(`panel ${p.id}: gridPos ${JSON.stringify(g)} outside the 24-column grid`);
  for (let x = g.x; x < g.x + g.w; x++) for (let y = g.y; y < g.y + g.h; y++) {
    const k = `${x},${y}`;
    if (cells.has(k)) { fail(`panels ${cells.get(k)} and ${p.id} overlap at ${k}`); y = Infinity; x = Infinity; }
    else cells.set(k, p.id);
  }
}
if (failures.length === before) {
  ok(`schemaVersion ${dash.schemaVersion}, uid, title, variables (datasource, job, service, pid)`);
  ok(`${allExprs.length} PromQL exprs: only metrics.txt names; every panel selector filtered by job and pid`);
  ok(`${panels.length} panels: unique ids, grid without overlaps; required metrics and panel kinds present`);
}

// ---------------------------------------------------------------- outputs

if (listFile) {
  fs.writeFileSync(listFile, queries.map((q) => q + "\n").join(""));
  console.log(`  wrote ${queries.length} panel queries to ${listFile}`);
}
if (rulesFile) {
  const subst = (e) => e.replace(/\$\{?(\w+)\}?/g, (m, n) => (n.startsWith("__") ? (n.includes("interval") ? "1m" : m) : ".*"));
  const rules = { groups: [{ name: "dashboard-queries", rules: allExprs.map((q, i) => ({ record: `dashboard:query_${i + 1}`, expr: subst(q.expr) })) }] };
  fs.writeFileSync(rulesFile, JSON.stringify(rules, null, 2) + "\n");
  console.log(`  wrote ${allExprs.length} exprs as recording rules to ${rulesFile}`);
}

if (failures.length) {
  console.error(`\nvalidate-dashboard: ${failures.length} problem(s):`);
  for (const f of failures) console.error(`  FAIL ${f}`);
  process.exit(1);
}
console.log(`validate-dashboard: ${path.relative(process.cwd(), file)} valid`);
