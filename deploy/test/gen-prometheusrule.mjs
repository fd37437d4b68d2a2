#!/usr/bin/env node
// Generates deploy/prometheus/leakwatch-alerts.prometheusrule.yaml (a Prometheus Operator
// PrometheusRule) from the plain rules file deploy/prometheus/leakwatch-alerts.rules.yml,
// so the two cannot drift.
//
//   node deploy/test/gen-prometheusrule.mjs            print the generated YAML
//   node deploy/test/gen-prometheusrule.mjs --write    (re)write the committed file
//   node deploy/test/gen-prometheusrule.mjs --check    exit 1 if the committed file differs

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const promDir = path.resolve(here, "../prometheus");
const src = path.join(promDir, "leakwatch-alerts.rules.yml");
const dst = path.join(promDir, "leakwatch-alerts.prometheusrule.yaml");

function generate() {
  const rules = YAML.parse(fs.readFileSync(src, "utf8"), { uniqueKeys: true });
  if (!rules || !Array.isArray(rules.groups)) throw new Error(`${src}: no groups`);
  const doc = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: "leakwatch-alerts",
      labels: {
        "app.kubernetes.io/name": "leakwatch",
        "app.kubernetes.io/component": "alerting-rules",
      },
    },
    spec: { groups: rules.groups },
  };
  const header = [
    "# GENERATED from leakwatch-alerts.rules.yml by deploy/test/gen-prometheusrule.mjs.",
    "# Do not edit: change the rules file, then run",
    "#   node deploy/test/gen-prometheusrule.mjs --write",
    "# (deploy/test/validate.sh fails when this file is out of date).",
    "#",
    "# The Prometheus resource's ruleSelector must match this object's labels",
    "# (kube-prometheus-stack's default is `release: <helm release name>`: add that label).",
    "",
  ].join("\n");
  const ydoc = new YAML.Document(doc);
  // Long single-line texts (annotations) read best as folded block scalars (>-).
  YAML.visit(ydoc, {
    Pair(_, pair) {
      const v = pair.value;
      if (YAML.isScalar(v) && typeof v.value === "string" && v.value.length > 80 && !v.value.includes("\n")) {
        v.type = YAML.Scalar.BLOCK_FOLDED;
      }
    },
  });
  const text = header + ydoc.toString({ lineWidth: 100, minContentWidth: 40, indentSeq: true });
  // Folding must not change a single character of the rules.
  const back = YAML.parse(text);
  if (JSON.stringify(back.spec.groups) !== JSON.stringify(rules.groups)) {
    throw new Error("generated PrometheusRule does not round-trip to the source rules");
  }
  return text;
}

const mode = process.argv[2] ?? "";
const out = generate();
if (mode === "--write") {
  fs.writeFileSync(dst, out);
  console.log(`wrote ${path.relative(process.cwd(), dst)}`);
} else if (mode === "--check") {
  const cur = fs.existsSync(dst) ? fs.readFileSync(dst, "utf8") : "";
  if (cur !== out) {
    console.error(`${path.relative(process.cwd(), dst)} is out of date with ${path.basename(src)}:`);
    console.error("  run: node deploy/test/gen-prometheusrule.mjs --write");
    const a = cur.split("\n"), b = out.split("\n");
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) { console.error(`  first difference at line ${i + 1}:\n  - ${a[i] ?? "<eof>"}\n  + ${b[i] ?? "<eof>"}`); break; }
    }
    process.exit(1);
  }
  console.log(`${path.relative(process.cwd(), dst)} matches the generated output`);
} else if (mode === "") {
  process.stdout.write(out);
} else {
  console.error("usage: gen-prometheusrule.mjs [--write|--check]");
  process.exit(2);
}
