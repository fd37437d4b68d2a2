// Strict structural checks of JSON/YAML data against the TypeScript declaration files
// (.d.ts) that npm packages ship.
//
// kubernetes-models' own .validate() (precompiled ajv) and @grafana/schema (types and
// defaults only, no JSON schema) both leave unknown keys unchecked, so a typo such as
// `readinesProbe:` or `"fieldConfg"` would pass. This module reads the packages' .d.ts
// files and walks a value against an exported type: it rejects keys the type does not
// declare, reports missing required keys, wrong primitive types and values outside
// string-literal / enum unions.
//
// It understands the subset of TypeScript that declaration generators emit: imports and
// re-exports, interfaces (with extends), type aliases, enums, unions, intersections,
// literal types, Array<T>, T[], Record<K, V>, index signatures, inline object types,
// Partial / Required / Omit / Pick, and generic parameters (checked as `unknown`).
// Anything it cannot interpret is treated as `unknown` (accepts any value), never as an
// error, so the checks err on the lenient side only where the types themselves are open.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// ---------------------------------------------------------------- tokenizer

function tokenize(src) {
  const toks = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") { i++; continue; }
    if (c === "/" && src[i + 1] === "/") { while (i < n && src[i] !== "\n") i++; continue; }
    if (c === "/" && src[i + 1] === "*") { const e = src.indexOf("*/", i + 2); i = e < 0 ? n : e + 2; continue; }
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1, s = "";
      while (j < n && src[j] !== c) {
        if (src[j] === "\\") { s += src[j + 1]; j += 2; } else { s += src[j]; j++; }
      }
      toks.push({ t: "str", v: s });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < n && /[0-9._eExXa-fA-F]/.test(src[j])) j++;
      toks.push({ t: "num", v: Number(src.slice(i, j)) });
      i = j;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$]/.test(src[j])) j++;
      toks.push({ t: "id", v: src.slice(i, j) });
      i = j;
      continue;
    }
    if (c === "=" && src[i + 1] === ">") { toks.push({ t: "p", v: "=>" }); i += 2; continue; }
    if (c === "." && src[i + 1] === "." && src[i + 2] === ".") { toks.push({ t: "p", v: "..." }); i += 3; continue; }
    toks.push({ t: "p", v: c });
    i++;
  }
  toks.push({ t: "eof", v: "" });
  return toks;
}

// ---------------------------------------------------------------- parser

const ANY = { k: "any" };

class Parser {
  constructor(toks, mod) { this.toks = toks; this.i = 0; this.mod = mod; this.tparams = []; }
  peek(o = 0) { return this.toks[this.i + o]; }
  next() { return this.toks[this.i++]; }
  is(v, o = 0) { const t = this.peek(o); return (t.t === "p" || t.t === "id") && t.v === v; }
  eat(v) { if (this.is(v)) { this.i++; return true; } return false; }
  expect(v) {
    if (!this.eat(v)) throw new Error(`${this.mod.file}: expected '${v}' near token ${this.i} (${JSON.stringify(this.peek())})`);
  }
  ident() {
    const t = this.next();
    if (t.t !== "id") throw new Error(`${this.mod.file}: expected identifier, got ${JSON.stringify(t)}`);
    return t.v;
  }

  // skip a balanced region starting at an opening bracket
  skipBalanced() {
    const open = this.next().v;
    const close = { "{": "}", "(": ")", "[": "]", "<": ">" }[open];
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.t === "eof") return;
      if (t.t === "p" && t.v === open) depth++;
      else if (t.t === "p" && t.v === close) depth--;
    }
  }

  // skip to the end of the current statement (';' at depth 0, or a closing '}' block)
  skipStatement() {
    while (true) {
      const t = this.peek();
      if (t.t === "eof") return;
      if (t.t === "p" && t.v === ";") { this.i++; return; }
      if (t.t === "p" && (t.v === "{" || t.v === "(" || t.v === "[")) {
        const wasBrace = t.v === "{";
        this.skipBalanced();
        if (wasBrace && !this.is(";") && !this.is(",") && !this.is("|") && !this.is("&")) {
          // e.g. `declare class X { ... }` ends at its closing brace
          if (this.peek().t === "id" || this.peek().t === "eof") return;
        }
        continue;
      }
      this.i++;
    }
  }

  parseFile() {
    while (this.peek().t !== "eof") this.statement();
  }

  statement() {
    const m = this.mod;
    if (this.eat(";")) return;
    if (this.is("import")) {
      this.next();
      this.eat("type");
      if (this.eat("*")) {
        this.expect("as");
        const local = this.ident();
        this.expect("from");
        m.nsImports.set(local, this.next().v);
      } else if (this.is("{")) {
        const names = this.namedList();
        this.expect("from");
        const spec = this.next().v;
        for (const [name, local] of names) m.imports.set(local, { spec, name });
      } else if (this.peek().t === "str") {
        this.next(); // side-effect import
      } else {
        const local = this.ident();
        if (this.eat(",") && this.is("{")) {
          const names = this.namedList();
          this.expect("from");
          const spec = this.next().v;
          for (const [name, l] of names) m.imports.set(l, { spec, name });
          m.imports.set(local, { spec, name: "default" });
        } else {
          this.expect("from");
          m.imports.set(local, { spec: this.next().v, name: "default" });
        }
      }
      this.eat(";");
      return;
    }
    if (this.is("export")) {
      this.next();
      if (this.eat("*")) {
        if (this.eat("as")) {
          const local = this.ident();
          this.expect("from");
          m.nsImports.set(local, this.next().v);
          m.reexports.set(local, { ns: local });
        } else {
          this.expect("from");
          m.reexportAll.push(this.next().v);
        }
        this.eat(";");
        return;
      }
      if (this.is("type") && this.is("{", 1)) this.next();
      if (this.is("{")) {
        const names = this.namedList();
        let spec = null;
        if (this.eat("from")) spec = this.next().v;
        for (const [name, exported] of names) m.reexports.set(exported, { spec, name });
        this.eat(";");
        return;
      }
      if (this.eat("default")) { this.skipStatement(); return; }
      if (this.is("=")) { this.skipStatement(); return; }
    }
    this.eat("declare");
    if (this.eat("const")) {
      this.eat("enum") ? this.enumDecl() : this.skipStatement();
      return;
    }
    if (this.eat("enum")) { this.enumDecl(); return; }
    if (this.eat("interface")) { this.interfaceDecl(); return; }
    if (this.is("type") && this.peek(1).t === "id") { this.next(); this.typeDecl(); return; }
    if (this.is("abstract")) this.next();
    if (this.eat("class")) {
      this.ident();
      while (!this.is("{") && this.peek().t !== "eof") {
        if (this.is("<")) this.skipBalanced(); else this.next();
      }
      this.skipBalanced();
      return;
    }
    if (this.eat("namespace") || this.eat("module")) {
      while (!this.is("{") && this.peek().t !== "eof") this.next();
      this.skipBalanced();
      return;
    }
    this.skipStatement();
  }

  namedList() {
    const out = [];
    this.expect("{");
    while (!this.eat("}")) {
      this.eat("type");
      const name = this.ident();
      let alias = name;
      if (this.eat("as")) alias = this.ident();
      out.push([name, alias]);
      this.eat(",");
    }
    return out;
  }

  typeParams() {
    const names = [];
    if (!this.eat("<")) return names;
    while (!this.eat(">")) {
      this.eat("in"); this.eat("out"); this.eat("const");
      names.push(this.ident());
      if (this.eat("extends")) this.type();
      if (this.eat("=")) this.type();
      this.eat(",");
    }
    return names;
  }

  enumDecl() {
    const name = this.ident();
    const members = new Map();
    this.expect("{");
    let auto = 0;
    while (!this.eat("}")) {
      const key = this.next().v;
      let val;
      if (this.eat("=")) {
        const neg = this.eat("-");
        const t = this.next();
        val = t.t === "num" ? (neg ? -t.v : t.v) : t.v;
        if (typeof val === "number") auto = val + 1;
      } else {
        val = auto++;
      }
      members.set(key, val);
      this.eat(",");
    }
    this.mod.decls.set(name, { k: "enum", name, members, mod: this.mod });
  }

  interfaceDecl() {
    const name = this.ident();
    const saved = this.tparams;
    this.tparams = [...saved, ...this.typeParams()];
    const ext = [];
    if (this.eat("extends")) {
      do { ext.push(this.type()); } while (this.eat(","));
    }
    const body = this.objectType();
    this.tparams = saved;
    const prev = this.mod.decls.get(name);
    if (prev && prev.k === "interface") { // declaration merging
      prev.ext.push(...ext);
      for (const [k, v] of body.props) prev.body.props.set(k, v);
      prev.body.index ??= body.index;
    } else {
      this.mod.decls.set(name, { k: "interface", name, ext, body, mod: this.mod });
    }
  }

  typeDecl() {
    const name = this.ident();
    const saved = this.tparams;
    this.tparams = [...saved, ...this.typeParams()];
    this.expect("=");
    const type = this.type();
    this.tparams = saved;
    this.eat(";");
    this.mod.decls.set(name, { k: "alias", name, type, mod: this.mod });
  }

  objectType() {
    this.expect("{");
    const props = new Map();
    let index = null;
    while (!this.eat("}")) {
      this.eat("readonly");
      if (this.is("[")) {
        // index signature [key: string]: T, or mapped type [K in X]: T
        this.next();
        this.ident();
        if (this.eat("in")) { this.type(); this.expect("]"); this.eat("?"); this.expect(":"); this.type(); index = ANY; }
        else { this.expect(":"); this.type(); this.expect("]"); this.expect(":"); index = this.type(); }
      } else if (this.is("(") || this.is("<") || this.is("new")) {
        this.skipMember(); // call / construct signature
        continue;
      } else {
        if ((this.is("get") || this.is("set")) && this.peek(1).t === "id") { this.skipMember(); continue; } // accessor
        const key = String(this.next().v);
        const optional = this.eat("?");
        if (this.is("(") || this.is("<")) { this.skipMember(); continue; } // method
        this.expect(":");
        props.set(key, { optional, type: this.type() });
      }
      if (!this.eat(";")) this.eat(",");
    }
    return { k: "object", props, index, mod: this.mod };
  }

  skipMember() {
    while (!this.is(";") && !this.is("}") && this.peek().t !== "eof") {
      if (this.is("(") || this.is("{") || this.is("[") || this.is("<")) this.skipBalanced(); else this.next();
    }
    this.eat(";");
  }

  // type := ['|'] inter ('|' inter)*
  type() {
    if (this.eat("keyof")) { this.postfix(); return { k: "prim", name: "string" }; }
    this.eat("|");
    const parts = [this.inter()];
    while (this.eat("|")) parts.push(this.inter());
    // conditional types (A extends B ? C : D): treat as unknown
    if (this.eat("extends")) {
      this.type(); this.expect("?"); this.type(); this.expect(":"); this.type();
      return ANY;
    }
    return parts.length === 1 ? parts[0] : { k: "union", parts };
  }

  inter() {
    this.eat("&");
    const parts = [this.postfix()];
    while (this.eat("&")) parts.push(this.postfix());
    return parts.length === 1 ? parts[0] : { k: "inter", parts };
  }

  postfix() {
    let t = this.primary();
    while (this.is("[")) {
      if (this.is("]", 1)) { this.next(); this.next(); t = { k: "array", el: t }; }
      else { this.next(); const key = this.type(); this.expect("]"); t = { k: "indexed", obj: t, key }; }
    }
    return t;
  }

  primary() {
    const t = this.peek();
    if (t.t === "str") { this.next(); return { k: "lit", v: t.v }; }
    if (t.t === "num") { this.next(); return { k: "lit", v: t.v }; }
    if (this.is("-") && this.peek(1).t === "num") { this.next(); return { k: "lit", v: -this.next().v }; }
    if (this.is("{")) return this.objectType();
    if (this.is("[")) {
      this.next();
      const els = [];
      while (!this.eat("]")) {
        this.eat("...");
        els.push(this.type());
        this.eat("?");
        this.eat(",");
      }
      return { k: "tuple", els };
    }
    if (this.is("(")) {
      // function type or parenthesised type
      const save = this.i;
      this.skipBalanced();
      if (this.is("=>")) { this.next(); this.type(); return ANY; }
      this.i = save;
      this.next();
      const inner = this.type();
      this.expect(")");
      return inner;
    }
    if (this.is("<")) { this.skipBalanced(); this.skipBalanced(); this.expect("=>"); this.type(); return ANY; }
    if (this.eat("typeof")) { this.qualified(); return ANY; }
    if (this.eat("new")) { this.skipBalanced(); this.expect("=>"); this.type(); return ANY; }
    if (this.is("import") && this.is("(", 1)) {
      this.next(); this.skipBalanced();
      while (this.eat(".")) this.ident();
      if (this.is("<")) this.skipBalanced();
      return ANY;
    }
    if (this.eat("readonly")) return this.postfix();
    if (this.eat("unique")) { this.ident(); return ANY; }
    if (t.t !== "id") throw new Error(`${this.mod.file}: unexpected token ${JSON.stringify(t)} in type`);
    const name = this.qualified();
    switch (name) {
      case "string": case "number": case "boolean": case "bigint": case "symbol": case "object":
        return { k: "prim", name };
      case "null": return { k: "lit", v: null };
      case "undefined": case "void": return { k: "undef" };
      case "true": return { k: "lit", v: true };
      case "false": return { k: "lit", v: false };
      case "any": case "unknown": case "never": return ANY;
    }
    let args = [];
    if (this.is("<")) {
      this.next();
      while (!this.eat(">")) { args.push(this.type()); this.eat(","); }
    }
    if (!name.includes(".") && this.tparams.includes(name)) return ANY;
    return { k: "ref", name, args, mod: this.mod };
  }

  qualified() {
    let name = this.ident();
    while (this.is(".") && this.peek(1).t === "id") { this.next(); name += "." + this.ident(); }
    return name;
  }
}

// ---------------------------------------------------------------- module loading

const modules = new Map();

export function loadModule(file) {
  file = path.resolve(file);
  let m = modules.get(file);
  if (m) return m;
  m = { file, decls: new Map(), imports: new Map(), nsImports: new Map(), reexports: new Map(), reexportAll: [] };
  modules.set(file, m);
  new Parser(tokenize(fs.readFileSync(file, "utf8")), m).parseFile();
  return m;
}

function firstExisting(cands) {
  for (const c of cands) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return null;
}

function dtsCandidates(p) {
  const c = [];
  if (p.endsWith(".d.ts")) c.push(p);
  for (const [from, to] of [[/\.js$/, ".d.ts"], [/\.mjs$/, ".d.mts"], [/\.cjs$/, ".d.cts"], [/\.mjs$/, ".d.ts"], [/\.cjs$/, ".d.ts"]]) {
    if (from.test(p)) c.push(p.replace(from, to));
  }
  c.push(p + ".d.ts", path.join(p, "index.d.ts"));
  return c;
}

function findPackageDir(fromFile, pkg) {
  let dir = path.dirname(fromFile);
  while (true) {
    const cand = path.join(dir, "node_modules", pkg);
    if (fs.existsSync(path.join(cand, "package.json"))) return cand;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function pickTypes(target) {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) { for (const t of target) { const r = pickTypes(t); if (r) return r; } return null; }
  if (target && typeof target === "object") {
    for (const cond of ["types", "import", "default", "require"]) {
      if (cond in target) { const r = pickTypes(target[cond]); if (r) return r; }
    }
  }
  return null;
}

export function resolveSpec(fromFile, spec) {
  if (spec.startsWith(".") || spec.startsWith("/")) {
    const base = path.resolve(path.dirname(fromFile), spec);
    const f = firstExisting(dtsCandidates(base));
    if (!f) throw new Error(`cannot resolve '${spec}' from ${fromFile}`);
    return f;
  }
  const parts = spec.split("/");
  const pkgName = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const sub = "." + spec.slice(pkgName.length);
  const dir = findPackageDir(fromFile, pkgName);
  if (!dir) throw new Error(`cannot find package '${pkgName}' from ${fromFile}`);
  const pj = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  let target = null;
  let exp = pj.exports;
  // exports sugar: a string or a conditions object stands for { ".": ... }
  if (exp && (typeof exp === "string" || Array.isArray(exp) || !Object.keys(exp).some((k) => k.startsWith(".")))) exp = { ".": exp };
  if (exp) {
    if (sub in exp) target = pickTypes(exp[sub]);
    else {
      for (const [pat, val] of Object.entries(exp)) {
        const star = pat.indexOf("*");
        if (star < 0) continue;
        const pre = pat.slice(0, star), post = pat.slice(star + 1);
        if (sub.startsWith(pre) && sub.endsWith(post) && sub.length >= pre.length + post.length) {
          const mid = sub.slice(pre.length, sub.length - post.length);
          const t = pickTypes(val);
          if (t) { target = t.split("*").join(mid); break; }
        }
      }
    }
  } else if (sub === ".") {
    target = pj.types || pj.typings || pj.main || "index.d.ts";
  } else {
    target = sub;
  }
  if (!target) throw new Error(`package '${pkgName}' exports no '${sub}'`);
  const f = firstExisting(dtsCandidates(path.resolve(dir, target)));
  if (!f) throw new Error(`cannot resolve '${spec}' (→ ${target}) in ${dir}`);
  return f;
}

// Looks up an exported declaration (or namespace) by name in a module.
function lookupExport(mod, name, seen = new Set()) {
  const key = mod.file + "#" + name;
  if (seen.has(key)) return null;
  seen.add(key);
  const re = mod.reexports.get(name);
  if (re) {
    if (re.ns) return { k: "ns", mod: loadModule(resolveSpec(mod.file, mod.nsImports.get(re.ns))) };
    if (re.spec) return lookupExport(loadModule(resolveSpec(mod.file, re.spec)), re.name, seen);
    return lookupLocal(mod, re.name, seen);
  }
  if (mod.decls.has(name)) return mod.decls.get(name);
  for (const spec of mod.reexportAll) {
    const r = lookupExport(loadModule(resolveSpec(mod.file, spec)), name, seen);
    if (r) return r;
  }
  return null;
}

function lookupLocal(mod, name, seen = new Set()) {
  if (mod.decls.has(name)) return mod.decls.get(name);
  const imp = mod.imports.get(name);
  if (imp) return lookupExport(loadModule(resolveSpec(mod.file, imp.spec)), imp.name, seen);
  if (mod.nsImports.has(name)) return { k: "ns", mod: loadModule(resolveSpec(mod.file, mod.nsImports.get(name))) };
  return null;
}

const BUILTINS = new Set(["Array", "ReadonlyArray", "Record", "Partial", "Required", "Readonly", "Omit", "Pick", "Exclude", "Extract", "NonNullable", "Date", "Map", "Set", "Promise", "Function"]);

function resolveRef(ref) {
  const parts = ref.name.split(".");
  let d = lookupLocal(ref.mod, parts[0]);
  if (!d && parts.length === 1 && BUILTINS.has(parts[0])) return { k: "builtin", name: parts[0] };
  for (let i = 1; d && i < parts.length; i++) {
    if (d.k === "ns") d = lookupExport(d.mod, parts[i]);
    else if (d.k === "enum") d = d.members.has(parts[i]) ? { k: "enumMember", value: d.members.get(parts[i]) } : null;
    else d = null;
  }
  if (!d) throw new Error(`cannot resolve type '${ref.name}' in ${ref.mod.file}`);
  return d;
}

/** Returns a type node for an exported type of a module file or package specifier. */
export function exportedType(specOrFile, name, fromFile = fileURLToPath(import.meta.url)) {
  const file = fs.existsSync(specOrFile) ? path.resolve(specOrFile) : resolveSpec(fromFile, specOrFile);
  const mod = loadModule(file);
  const d = lookupExport(mod, name);
  if (!d) throw new Error(`${file} exports no type '${name}'`);
  return { k: "decl", decl: d };
}

/** Names of the members an object type declares (own + inherited), or null if open. */
export function declaredKeys(type) {
  const s = shapeOf(type);
  return s && !s.open ? [...s.props.keys()] : null;
}

// ---------------------------------------------------------------- shapes

const shapeCache = new Map();

function literalKeys(t) {
  t = deref(t);
  if (t.k === "lit") return [String(t.v)];
  if (t.k === "union") return t.parts.flatMap(literalKeys);
  return null;
}

// follows aliases / refs to the underlying structural node
function deref(t, depth = 0) {
  if (depth > 50) return ANY;
  if (t.k === "ref") {
    const d = resolveRef(t);
    if (d.k === "builtin") return { k: "builtinRef", name: d.name, args: t.args };
    if (d.k === "enumMember") return { k: "lit", v: d.value };
    return deref({ k: "decl", decl: d }, depth + 1);
  }
  if (t.k === "decl") {
    const d = t.decl;
    if (d.k === "alias") return deref(d.type, depth + 1);
    if (d.k === "ns") return ANY;
    return t;
  }
  if (t.k === "indexed") {
    const s = shapeOf(t.obj);
    const keys = literalKeys(t.key);
    if (s && keys && keys.length === 1 && s.props.has(keys[0])) return deref(s.props.get(keys[0]).type, depth + 1);
    return ANY;
  }
  return t;
}

// {props: Map<name,{optional,type}>, index: type|null, open: bool} or null for non-object types
function shapeOf(t) {
  t = deref(t);
  switch (t.k) {
    case "any": return { props: new Map(), index: null, open: true };
    case "object": return { props: t.props, index: t.index, open: false };
    case "decl": {
      const d = t.decl;
      if (d.k !== "interface") return null;
      if (shapeCache.has(d)) return shapeCache.get(d);
      const s = { props: new Map(), index: null, open: false };
      shapeCache.set(d, s); // guards recursion
      for (const e of d.ext) {
        const es = shapeOf(e);
        if (!es) continue;
        if (es.open) s.open = true;
        for (const [k, v] of es.props) s.props.set(k, v);
        s.index ??= es.index;
      }
      for (const [k, v] of d.body.props) s.props.set(k, v);
      if (d.body.index) s.index = d.body.index;
      return s;
    }
    case "builtinRef": {
      const [a, b] = t.args;
      switch (t.name) {
        case "Record": {
          const keys = a ? literalKeys(a) : null;
          if (keys) return { props: new Map(keys.map((k) => [k, { optional: false, type: b || ANY }])), index: null, open: false };
          return { props: new Map(), index: b || ANY, open: false };
        }
        case "Partial": case "Required": case "Readonly": {
          const s = a ? shapeOf(a) : null;
          if (!s) return null;
          const props = new Map();
          for (const [k, v] of s.props) props.set(k, { ...v, optional: t.name === "Partial" ? true : t.name === "Required" ? false : v.optional });
          return { ...s, props };
        }
        case "Omit": case "Pick": {
          const s = a ? shapeOf(a) : null;
          const keys = b ? literalKeys(b) : null;
          if (!s || !keys) return { props: new Map(), index: null, open: true };
          const props = new Map();
          for (const [k, v] of s.props) if (keys.includes(k) === (t.name === "Pick")) props.set(k, v);
          return { ...s, props };
        }
        default: return null;
      }
    }
    case "inter": {
      const s = { props: new Map(), index: null, open: false };
      for (const p of t.parts) {
        const ps = shapeOf(p);
        if (!ps) continue;
        if (ps.open) s.open = true;
        for (const [k, v] of ps.props) {
          const prev = s.props.get(k);
          s.props.set(k, prev ? { optional: prev.optional && v.optional, type: { k: "inter", parts: [prev.type, v.type] } } : v);
        }
        s.index ??= ps.index;
      }
      return s;
    }
    default: return null;
  }
}

// ---------------------------------------------------------------- checking

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const fmt = (v) => { const s = JSON.stringify(v); return s && s.length > 60 ? s.slice(0, 57) + "..." : s; };

/**
 * Checks `value` against type node `t`; returns a list of "path: message" strings.
 * opts.allowExtra(path, key) may accept keys a type does not declare (default: none).
 */
export function check(value, t, p = "", opts = {}) {
  t = deref(t);
  switch (t.k) {
    case "any": return [];
    case "undef": return value === undefined ? [] : [`${p}: expected undefined, got ${fmt(value)}`];
    case "prim": {
      const ok = t.name === "object" ? value !== null && typeof value === "object" : typeof value === t.name;
      return ok ? [] : [`${p}: expected ${t.name}, got ${fmt(value)}`];
    }
    case "lit": return value === t.v ? [] : [`${p}: expected ${fmt(t.v)}, got ${fmt(value)}`];
    case "array":
      if (!Array.isArray(value)) return [`${p}: expected array, got ${fmt(value)}`];
      return value.flatMap((v, i) => check(v, t.el, `${p}[${i}]`, opts));
    case "tuple":
      return Array.isArray(value) ? [] : [`${p}: expected array, got ${fmt(value)}`];
    case "decl": {
      const d = t.decl;
      if (d.k === "enum") {
        const vals = [...d.members.values()];
        return vals.includes(value) ? [] : [`${p}: ${fmt(value)} is not a ${d.name} (${vals.map(fmt).join(", ")})`];
      }
      if (d.k === "interface") return checkShape(value, shapeOf(t), p, opts, d.name);
      return [];
    }
    case "builtinRef": {
      if (t.name === "Array" || t.name === "ReadonlyArray") return check(value, { k: "array", el: t.args[0] || ANY }, p, opts);
      if (t.name === "Date") return typeof value === "string" ? [] : [`${p}: expected date string`];
      const s = shapeOf(t);
      return s ? checkShape(value, s, p, opts, t.name) : [];
    }
    case "object": return checkShape(value, shapeOf(t), p, opts, "object");
    case "inter": {
      const s = shapeOf(t);
      if (s && isPlainObject(value)) return checkShape(value, s, p, opts, "intersection");
      return t.parts.flatMap((x) => check(value, x, p, opts));
    }
    case "union": {
      let best = null;
      for (const part of t.parts) {
        const errs = check(value, part, p, opts);
        if (errs.length === 0) return [];
        if (!best || errs.length < best.length) best = errs;
      }
      const lits = t.parts.map((x) => deref(x)).filter((x) => x.k === "lit");
      if (lits.length === t.parts.length) return [`${p}: ${fmt(value)} is not one of ${lits.map((x) => fmt(x.v)).join(" | ")}`];
      return best;
    }
    default: return [];
  }
}

function checkShape(value, s, p, opts, typeName) {
  if (!s) return [];
  if (!isPlainObject(value)) return [`${p}: expected object (${typeName}), got ${fmt(value)}`];
  if (s.open) return [];
  const errs = [];
  for (const [k, v] of s.props) {
    if (!v.optional && !(k in value)) {
      const dt = deref(v.type);
      if (dt.k !== "undef" && dt.k !== "any") errs.push(`${p}: missing required key '${k}' (${typeName})`);
    }
  }
  for (const [k, v] of Object.entries(value)) {
    const sub = p ? `${p}.${k}` : k;
    if (s.props.has(k)) errs.push(...check(v, s.props.get(k).type, sub, opts));
    else if (s.index) errs.push(...check(v, s.index, sub, opts));
    else if (!(opts.allowExtra && opts.allowExtra(p, k))) errs.push(`${sub}: unknown key (not declared by ${typeName})`);
  }
  return errs;
}
