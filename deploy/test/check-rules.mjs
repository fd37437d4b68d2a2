#!/usr/bin/env node
// Checks the alert rules beyond what promtool checks:
//   node check-rules.mjs RULES.yml TESTS.yml RUNBOOK.md
//   - the group is named "leakwatch" and holds the expected alerts;
//   - every alert has a severity label and summary, description and runbook_url
//     annotations, and its runbook_url anchor is a heading of the runbook;
//   - every metric an expr uses is in metrics.txt;
//   - the promtool tests cover every alert both ways: at least one eval where it fires
//     (non-empty exp_alerts) and one where it stays quiet (empty exp_alerts).
// Exits 1 on any failure.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const [rulesFile, testsFile, runbookFile] = process.argv.slice(2);
if (!runbookFile) {
  console.error("usage: node check-rules.mjs RULES.yml TESTS.yml RUNBOOK.md");
  process.exit(2);
}

const EXPECTED = [
  "LeakwatchThreadLeak", "LeakwatchThreadCountHigh", "LeakwatchPendingAsyncGrowing", "LeakwatchFileDescriptorLeak",
  "LeakwatchThreadPoolStarvation", "LeakwatchTimerLeak", "LeakwatchLeakSuspected", "LeakwatchTargetDown",
];
const SEVERITIES = ["info", "warning", "critical"];

const failures = [];
const fail = (m) => failures.push(m);
const ok = (m) => console.log(`  ok   ${m}`);

const rules = YAML.parse(fs.readFileSync(rulesFile, "utf8"), { uniqueKeys: true });
const tests = YAML.parse(fs.readFileSync(testsFile, "utf8"), { uniqueKeys: true });
const runbook = fs.readFileSync(runbookFile, "utf8");
const metrics = new Set(fs.readFileSync(path.join(here, "metrics.txt"), "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean));

// GitHub-style heading anchors of the runbook.
const anchors = new Set(
  runbook.split("\n").filter((l) => /^#{1,6} /.test(l)).map((l) =>
    l.replace(/^#+ /, "").trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-")),
);

const groups = rules.groups ?? [];
if (groups.length !== 1 || groups[0].name !== "leakwatch") fail(`expected one rule group named "leakwatch", got ${groups.map((g) => g.name).join(", ")}`);
const alerts = groups.flatMap((g) => g.rules ?? []).filter((r) => r.alert);
const names = alerts.map((a) => a.alert);
for (const n of EXPECTED) if (!names.includes(n)) fail(`missing alert ${n}`);
for (const n of names) if (!n.startsWith("Leakwatch")) fail(`alert ${n} does not start with "Leakwatch" (alertmanager routes on that prefix)`);

const PROMQL_WORDS = new Set(["sum", "by", "and", "or", "unless", "offset", "deriv", "avg_over_time", "stddev_over_time", "rate", "increase",
  "max", "min", "avg", "count", "without", "on", "ignoring", "absent", "changes", "topk", "bool"]);

for (const a of alerts) {
  const before = failures.length;
  const w = `alert ${a.alert}`;
  if (!SEVERITIES.includes(a.labels?.severity)) fail(`${w}: severity label must be one of ${SEVERITIES.join(", ")}`);
  for (const k of ["summary", "description", "runbook_url"]) if (!a.annotations?.[k]) fail(`${w}: missing annotation ${k}`);
  const m = /^docs\/runbook\.md#([\w-]+)$/.exec(a.annotations?.runbook_url ?? "");
  if (!m) fail(`${w}: runbook_url must be docs/runbook.md#<anchor>`);
  else if (!anchors.has(m[1])) fail(`${w}: runbook anchor #${m[1]} is not a heading in ${runbookFile}`);
  const expr = String(a.expr).replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, "").replace(/\[[^\]]*\]/g, "");
  for (const [, id, call] of expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)) {
    if (call || PROMQL_WORDS.has(id) || /^\d/.test(id) || /^(pid|process_name|runtime_instance|method|job|instance|namespace|pod|service)$/.test(id)) continue;
    if (!metrics.has(id)) fail(`${w}: metric ${id} is not in metrics.txt`);
  }
  if (failures.length === before) ok(`${w}: severity ${a.labels.severity}, summary/description/runbook_url (#${m[1]}), known metrics`);
}

// Test coverage, both ways.
const cover = new Map(names.map((n) => [n, { fires: 0, quiet: 0 }]));
for (const t of tests.tests ?? []) {
  for (const c of t.alert_rule_test ?? []) {
    const e = cover.get(c.alertname);
    if (!e) { fail(`test "${t.name}" checks unknown alert ${c.alertname}`); continue; }
    if ((c.exp_alerts ?? []).length) e.fires++; else e.quiet++;
  }
}
for (const [n, e] of cover) {
  if (!e.fires || !e.quiet) fail(`alert ${n}: promtool tests need a firing and a quiet case (have ${e.fires} firing, ${e.quiet} quiet evals)`);
  else ok(`alert ${n}: tested firing (${e.fires} eval) and quiet (${e.quiet} evals)`);
}

if (failures.length) {
  console.error(`\ncheck-rules: ${failures.length} problem(s):`);
  for (const f of failures) console.error(`  FAIL ${f}`);
  process.exit(1);
}
console.log(`check-rules: ${alerts.length} alerts ok`);
