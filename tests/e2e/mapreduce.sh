#!/usr/bin/env bash
# pactscan as the map step of Hadoop Streaming or Spark's rdd.pipe: the
# corpus as JSON Lines, split in three (split -n l/3) as a cluster would
# split it, each part scanned on its own (--input jsonl --format jsonl), and
# the parts' reports merged (pactscan merge). The merged report must be the
# report of one run over the whole input, in every format; and a plain
# concatenation of the parts' findings must hold the same findings.
#
# usage: mapreduce.sh PACTSCAN SOURCE_ROOT
set -u
pactscan=$(realpath "$1") root=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { # name, then a command that succeeds when the check passes
  local name=$1; shift
  if "$@"; then passed=$((passed+1)); echo "ok   $name"; else failed=$((failed+1)); echo "FAIL $name"; fi
}
rules=(--rules "$root/rules")

python3 "$here/corpus_to_jsonl.py" "$root"/corpus/[0-9][0-9][0-9]-*.txt > "$tmp/all.jsonl" || exit 1
mkdir "$tmp/parts"
(cd "$tmp/parts" && split -n l/3 ../all.jsonl part.)
check "the input splits into three parts" test "$(ls "$tmp/parts" | wc -l)" = 3

# The map step: each part read from standard input, as rdd.pipe feeds it.
for part in "$tmp"/parts/part.*; do
  "$pactscan" "${rules[@]}" --input jsonl --format jsonl < "$part" > "$part.out"
  check "map $(basename "$part") exits 0" test $? = 0
done

for format in jsonl json summary text sarif junit csv; do
  "$pactscan" "${rules[@]}" --input jsonl --format $format < "$tmp/all.jsonl" > "$tmp/one.$format"
  # The reduce step: the parts' reports, in order, on standard input.
  cat "$tmp"/parts/part.*.out | "$pactscan" merge "${rules[@]}" --format $format > "$tmp/merged.$format"
  check "merge --format $format equals one run" cmp "$tmp/one.$format" "$tmp/merged.$format"
done
"$pactscan" merge "${rules[@]}" --format summary "$tmp"/parts/part.*.out > "$tmp/merged-files.summary"
check "merge reads report files as it reads stdin" cmp "$tmp/one.summary" "$tmp/merged-files.summary"

# Without merge, the concatenated outputs still hold every finding.
grep -h '"type":"finding"' "$tmp"/parts/part.*.out > "$tmp/cat.findings"
grep '"type":"finding"' "$tmp/one.jsonl" > "$tmp/one.findings"
check "concatenated map outputs hold the findings of one run" cmp "$tmp/one.findings" "$tmp/cat.findings"

# --fail-on applies at the reduce step.
cat "$tmp"/parts/part.*.out | "$pactscan" merge "${rules[@]}" --format summary --fail-on conflict > /dev/null
check "merge --fail-on conflict exits 1 on the corpus" test $? = 1
echo "$passed passed, $failed failed"
[ $failed = 0 ]
