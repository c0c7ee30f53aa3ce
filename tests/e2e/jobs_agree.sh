#!/usr/bin/env bash
# -j 1 and -j 4 write byte-identical output, on stdout and on stderr, with
# the same exit status, in every format: on the bundled corpus, and on the
# fixtures (skipped files, a link loop with --follow, JSON Lines input with
# malformed records).
#
# usage: jobs_agree.sh PACTSCAN SOURCE_ROOT
set -u
pactscan=$(realpath "$1") root=$(realpath "$2")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
runs=(
  "corpus|--rules $root/rules --include *.txt corpus"
  "fixtures|--rules $root/tests/data/packs/mini --follow tests/data/docs tests/data/tree tests/data/columns.txt"
  "jsonl|--rules $root/tests/data/packs/mini --input jsonl tests/data/jsonl/docs.jsonl"
)
cd "$root" || exit 1
for run in "${runs[@]}"; do
  name=${run%%|*}
  read -r -a args <<< "${run#*|}"
  for format in text json jsonl sarif junit csv summary; do
    for j in 1 4; do
      NO_COLOR=1 "$pactscan" -j $j --format $format "${args[@]}" > "$tmp/out.$j" 2> "$tmp/err.$j"
      echo $? > "$tmp/status.$j"
    done
    if cmp -s "$tmp/out.1" "$tmp/out.4" && cmp -s "$tmp/err.1" "$tmp/err.4" && cmp -s "$tmp/status.1" "$tmp/status.4" \
       && [ -s "$tmp/out.1" ]; then
      passed=$((passed+1)); echo "ok   $name $format: -j 1 and -j 4 agree"
    else
      failed=$((failed+1)); echo "FAIL $name $format: -j 1 and -j 4 differ"
      diff "$tmp/out.1" "$tmp/out.4" | head -5; diff "$tmp/err.1" "$tmp/err.4" | head -5
    fi
  done
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
