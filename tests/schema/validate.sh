#!/usr/bin/env bash
# Validate pactscan rule files against rules/schema/pactscan-rules.schema.json
# with ajv-cli (a real JSON Schema validator).
#
# usage: validate.sh SOURCE_ROOT
#
# Must pass: every *.yaml under SOURCE_ROOT/rules (recursively, except
#            rules/schema) and under SOURCE_ROOT/tests/data/schema/good.
# Must fail: every *.yaml in SOURCE_ROOT/tests/data/schema/bad (each one is
#            well-formed YAML with one thing the schema rejects).
#
# YAML is read here, not by ajv-cli: ajv-cli 5 reads .yaml data with js-yaml 3
# safeLoad, which turns an unquoted `date: 2025-09-29` into a Date object and
# refuses files with several documents. This script parses each file with the
# `yaml` package (YAML 1.2 core schema, duplicate keys are errors; dates stay
# strings), writes each document as its own JSON file, and has ajv-cli validate
# them all; a file passes only if all of its documents do.
#
# Prints one line per file (ok/FAIL) and then `N passed, M failed`.
# Exit status: 0 all as expected, 1 otherwise, 77 (meson's skip) when the npm
# packages are not installed and CI is not `true` (with CI=true the script runs
# `npm ci` in tests/schema itself).
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 SOURCE_ROOT" >&2
	exit 2
fi
root=$(cd "$1" && pwd) || { echo "validate.sh: no such directory: $1" >&2; exit 2; }
sdir="$root/tests/schema"
schema="$root/rules/schema/pactscan-rules.schema.json"
ajv="$sdir/node_modules/ajv-cli/dist/index.js"

if ! command -v node >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "validate.sh: node is not installed" >&2
		exit 1
	fi
	echo "SKIP: node is not installed; schema validation needs node and npm"
	exit 77
fi

if [ ! -d "$sdir/node_modules" ] || [ ! -f "$ajv" ] || [ ! -d "$sdir/node_modules/yaml" ]; then
	if [ "${CI:-}" = true ]; then
		if ! npm ci --prefix "$sdir" --silent --no-audit --no-fund >/dev/null; then
			echo "validate.sh: npm ci --prefix tests/schema failed" >&2
			exit 1
		fi
	else
		echo "SKIP: tests/schema/node_modules is missing; run 'npm ci --prefix tests/schema' (or set CI=true) to validate rule files"
		exit 77
	fi
fi

if [ ! -f "$schema" ]; then
	echo "validate.sh: schema not found: $schema" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pactscan-schema.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/docs"

# The list of files: "good<TAB>path" or "bad<TAB>path", paths relative to root.
{
	if [ -d "$root/rules" ]; then
		(cd "$root" && find rules -path rules/schema -prune -o -type f -name '*.yaml' -print) |
			LC_ALL=C sort | sed 's/^/good\t/'
	fi
	if [ -d "$root/tests/data/schema/good" ]; then
		(cd "$root" && find tests/data/schema/good -type f -name '*.yaml' -print) |
			LC_ALL=C sort | sed 's/^/good\t/'
	fi
	if [ -d "$root/tests/data/schema/bad" ]; then
		(cd "$root" && find tests/data/schema/bad -maxdepth 1 -type f -name '*.yaml' -print) |
			LC_ALL=C sort | sed 's/^/bad\t/'
	fi
} >"$tmp/files.tsv"

# 1. YAML -> one JSON file per document (docs/fNNNN-dNN.json), and a manifest.
NODE_PATH="$sdir/node_modules" node - "$root" "$tmp" <<'JS' || exit 1
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");
const [root, tmp] = process.argv.slice(2);
const lines = fs.readFileSync(path.join(tmp, "files.tsv"), "utf8").split("\n").filter(Boolean);
const manifest = lines.map((line, i) => {
  const [expect, file] = line.split("\t");
  const entry = { expect, file, docs: [], yamlError: null };
  let docs;
  try {
    const src = fs.readFileSync(path.join(root, file), "utf8");
    docs = YAML.parseAllDocuments(src, { version: "1.2", schema: "core", uniqueKeys: true, prettyErrors: true });
  } catch (e) {
    entry.yamlError = e.message;
    return entry;
  }
  if (!Array.isArray(docs)) docs = [docs]; // an EmptyStream
  if (docs.length === 0) {
    entry.yamlError = "no YAML document in the file";
    return entry;
  }
  docs.forEach((doc, j) => {
    if (entry.yamlError) return;
    if (doc.errors.length) {
      entry.yamlError = doc.errors[0].message.split("\n")[0].replace(/:$/, "");
      return;
    }
    const name = `f${String(i).padStart(4, "0")}-d${String(j + 1).padStart(2, "0")}.json`;
    const value = doc.toJS({ maxAliasCount: 1000 });
    fs.writeFileSync(path.join(tmp, "docs", name), JSON.stringify(value === undefined ? null : value));
    entry.docs.push(name);
  });
  return entry;
});
fs.writeFileSync(path.join(tmp, "manifest.json"), JSON.stringify(manifest));
JS

# 2. ajv-cli validates every document against the schema in one run.
if [ -n "$(ls -A "$tmp/docs")" ]; then
	(cd "$tmp/docs" && node "$ajv" validate --spec=draft7 --all-errors --errors=line \
		-s "$schema" -d '*.json') >"$tmp/ajv.out" 2>"$tmp/ajv.err"
	echo $? >"$tmp/ajv.rc"
else
	: >"$tmp/ajv.out"; : >"$tmp/ajv.err"; echo 0 >"$tmp/ajv.rc"
fi

# 3. Report one line per file, and the totals.
node - "$root" "$tmp" <<'JS'
const fs = require("fs");
const path = require("path");
const [root, tmp] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(path.join(tmp, "manifest.json"), "utf8"));
const out = fs.readFileSync(path.join(tmp, "ajv.out"), "utf8").split("\n");
const err = fs.readFileSync(path.join(tmp, "ajv.err"), "utf8").split("\n");
const rc = fs.readFileSync(path.join(tmp, "ajv.rc"), "utf8").trim();

const verdict = {};           // doc name -> { valid, errors }
for (const l of out) {
  const m = /^(f\d+-d\d+\.json) valid$/.exec(l);
  if (m) verdict[m[1]] = { valid: true };
}
for (let i = 0; i < err.length; i++) {
  const m = /^(f\d+-d\d+\.json) invalid$/.exec(err[i]);
  if (!m) continue;
  let errors = [];
  try { errors = JSON.parse(err[i + 1]); i++; } catch (e) { /* keep [] */ }
  verdict[m[1]] = { valid: false, errors };
}

function describe(e) {
  const where = e.instancePath || "(top level)";
  let msg = e.message;
  if (e.keyword === "additionalProperties") msg = `unknown key '${e.params.additionalProperty}'`;
  else if (e.keyword === "enum") msg += `: ${e.params.allowedValues.join(", ")}`;
  else if (e.keyword === "const") msg += ` ${JSON.stringify(e.params.allowedValue)}`;
  else if (e.keyword === "propertyNames") return null;
  return `${where}: ${msg}`;
}

let passed = 0, failed = 0, missing = false;
for (const f of manifest) {
  let ok, reason;
  if (f.yamlError) {
    ok = false;
    reason = `not well-formed YAML: ${f.yamlError}`;
  } else {
    const bad = [];
    for (let j = 0; j < f.docs.length; j++) {
      const v = verdict[f.docs[j]];
      if (!v) { missing = true; bad.push(`document ${j + 1}: ajv-cli gave no verdict`); continue; }
      if (!v.valid) {
        const msgs = [...new Set(v.errors.map(describe).filter(Boolean))];
        const doc = f.docs.length > 1 ? `document ${j + 1}: ` : "";
        bad.push(doc + (msgs.join("; ") || "invalid"));
      }
    }
    const all = bad.join(" | ");
    if (bad.some((b) => b.includes("no verdict"))) {
      ok = false;
      reason = all;
    } else if (f.expect === "good") {
      ok = bad.length === 0;
      reason = ok ? "" : `schema rejects it: ${all}`;
    } else if (bad.length === 0) {
      ok = false;
      reason = "expected the schema to reject it, but it passes";
    } else {
      // A bad fixture may say which error it is about: `# expect-error: TEXT`.
      const m = /^#\s*expect-error:\s*(.*?)\s*$/m.exec(fs.readFileSync(path.join(root, f.file), "utf8"));
      ok = !m || all.includes(m[1]);
      reason = ok ? `rejected as expected: ${all}` : `rejected, but without the expected error "${m[1]}": ${all}`;
    }
  }
  if (f.expect === "bad" && f.yamlError) reason = `bad fixture must be well-formed YAML: ${f.yamlError}`;
  console.log(`${ok ? "ok  " : "FAIL"} ${f.file}${reason ? " -- " + reason : ""}`);
  ok ? passed++ : failed++;
}
if (missing) {
  console.log(`ajv-cli exited with status ${rc}:`);
  for (const l of err) if (l && !/^f\d+-d\d+\.json invalid$/.test(l) && !l.startsWith("[")) console.log("  " + l);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
JS
