#!/usr/bin/env bash
# pactscan's SARIF validates against the official SARIF 2.1.0 JSON Schema
# (sarif-2.1.0.json as Microsoft ships it in @microsoft/sarif-multitool-linux),
# checked by a real validator: ajv-cli in JSON Schema draft 2020-12 mode,
# with ajv-formats for "uri", "uri-reference", "date-time" and "uuid".
#
# usage: sarif_validate.sh PACTSCAN SOURCE_ROOT
# Exit status: 0 all valid, 1 otherwise, 77 (meson's skip) when node or the
# npm packages are missing and CI is not `true` (with CI=true the script
# runs `npm ci` in tests/schema itself, as tests/schema/validate.sh does).
set -u
pactscan=$(realpath "$1") root=$(realpath "$2")
sdir="$root/tests/schema"
schema="$sdir/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
ajv="$sdir/node_modules/ajv-cli/dist/index.js"

if ! command -v node >/dev/null 2>&1; then
  [ "${CI:-}" = true ] && { echo "sarif_validate.sh: node is not installed" >&2; exit 1; }
  echo "SKIP: node is not installed; SARIF validation needs node and npm"; exit 77
fi
if [ ! -f "$schema" ] || [ ! -f "$ajv" ] || [ ! -d "$sdir/node_modules/ajv-formats" ]; then
  if [ "${CI:-}" = true ]; then
    npm ci --prefix "$sdir" --silent --no-audit --no-fund >/dev/null ||
      { echo "sarif_validate.sh: npm ci --prefix tests/schema failed" >&2; exit 1; }
  else
    echo "SKIP: the SARIF schema is not installed; run 'npm ci --prefix tests/schema' (or set CI=true)"; exit 77
  fi
fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
cd "$root" || exit 1
rules="$root/tests/data/packs/mini"
# Name: arguments. Each run's SARIF must validate, whatever its exit status.
mkdir "$tmp/base"
"$pactscan" baseline --rules "$rules" -o "$tmp/base/base.json" tests/data/docs/gaza.txt 2>/dev/null
runs=(
  "corpus|--rules $root/rules --include *.txt corpus"
  "corpus-fail-on|--rules $root/rules --include *.txt --fail-on conflict corpus"
  "fixtures|--rules $rules --follow tests/data/docs tests/data/tree tests/data/columns.txt"
  "jsonl|--rules $rules --input jsonl tests/data/jsonl/docs.jsonl"
  "baseline|--rules $rules --baseline $tmp/base/base.json --fail-on any tests/data/docs tests/data/columns.txt"
  "absolute-paths|--rules $rules $root/tests/data/tree"
  "empty|--rules $rules tests/data/docs/other.txt"
)
for run in "${runs[@]}"; do
  name=${run%%|*}
  read -r -a args <<< "${run#*|}"
  "$pactscan" --format sarif "${args[@]}" > "$tmp/$name.json" 2>/dev/null
done
# The validator must see a mistake: a copy with a level SARIF does not have.
sed 's/"level":"note"/"level":"severe"/' "$tmp/fixtures.json" > "$tmp/broken.json"
(cd "$tmp" && NODE_PATH="$sdir/node_modules" node "$ajv" validate --spec=draft2020 --strict=false \
  -c ajv-formats --all-errors --errors=line -s "$schema" -d '*.json') > "$tmp/ajv.out" 2>&1
for run in "${runs[@]}"; do
  name=${run%%|*}
  if grep -qx "$name.json valid" "$tmp/ajv.out"; then
    passed=$((passed+1)); echo "ok   $name: valid SARIF 2.1.0"
  else
    failed=$((failed+1)); echo "FAIL $name: not valid SARIF 2.1.0"
    grep -A1 -x "$name.json invalid" "$tmp/ajv.out" | head -c 2000; echo
  fi
done
if grep -qx "broken.json invalid" "$tmp/ajv.out"; then
  passed=$((passed+1)); echo "ok   broken: an invalid level is rejected"
else
  failed=$((failed+1)); echo "FAIL broken: the validator accepted an invalid level"
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
