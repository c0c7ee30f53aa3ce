#!/usr/bin/env bash
# The CI flow with a baseline: record the findings of today's reports
# (pactscan baseline), then fail only on findings that are not in it.
# Edits elsewhere in a document (lines added above a finding, another
# sentence added between them) leave old findings matched; a new conflict fails the
# run and is the one finding marked new, in jsonl, SARIF and the summary.
#
# usage: baseline_flow.sh PACTSCAN SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
rules=(--rules "$root/tests/data/packs/two")
cp -r "$root/tests/data/docs2" "$tmp/docs"
cd "$tmp" || exit 1

"$pactscan" baseline "${rules[@]}" docs 2> baseline.err
check "baseline exits 0 whatever the findings" test $? = 0
check "baseline writes pactscan-baseline.json" test -s pactscan-baseline.json
check "baseline says what it wrote" grep -q "wrote a baseline of 5 findings to pactscan-baseline.json" baseline.err
"$pactscan" "${rules[@]}" --baseline pactscan-baseline.json --fail-on conflict docs > /dev/null
check "nothing new: --fail-on conflict exits 0" test $? = 0
"$pactscan" "${rules[@]}" --fail-on conflict docs > /dev/null
check "without the baseline the same run exits 1" test $? = 1

# Lines added above the findings, and a sentence between them.
python3 - <<'PY'
p = 'docs/day1.txt'
t = open(p).read()
t = t.replace('---\nHamas', '---\nAn update, with more context.\n\nHamas', 1)
t = t.replace('on Monday.\n', 'on Monday. Talks went on in Cairo.\n')
open(p, 'w').write(t)
PY
"$pactscan" "${rules[@]}" --baseline pactscan-baseline.json --fail-on conflict docs > /dev/null
check "edits elsewhere: still nothing new" test $? = 0

printf 'The army refused to withdraw from Khan Younis.\n' >> docs/day2.txt
"$pactscan" "${rules[@]}" --baseline pactscan-baseline.json --fail-on conflict --format jsonl docs > new.jsonl
check "a new conflict: --fail-on conflict exits 1" test $? = 1
check "jsonl marks one finding new" test "$(grep -c '"new":true' new.jsonl)" = 1
check "the new finding is the added sentence" grep -q '"sentence":"The army refused to withdraw from Khan Younis.".*"new":true' new.jsonl
check "the summary counts one new finding" grep -q '"new":1,' new.jsonl
"$pactscan" "${rules[@]}" --baseline pactscan-baseline.json --fail-on conflict --format sarif docs > new.sarif
check "SARIF: one result is new, the others unchanged" test "$(grep -o '"baselineState":"new"' new.sarif | wc -l)" = 1
check "SARIF: the new conflict is an error" grep -q '"level":"error"' new.sarif
"$pactscan" "${rules[@]}" --baseline pactscan-baseline.json --fail-on conflict --format summary docs > new.summary
check "the text summary counts it" grep -q '^1 finding is not in the baseline$' new.summary

# A JSON Lines report serves as a baseline too.
"$pactscan" "${rules[@]}" --format jsonl docs > base.jsonl
"$pactscan" "${rules[@]}" --baseline base.jsonl --fail-on any docs > /dev/null
check "a jsonl report as the baseline: nothing new" test $? = 0
echo '{"type":"finding"' > broken.json
"$pactscan" "${rules[@]}" --baseline broken.json docs > /dev/null 2> broken.err
check "a broken baseline is a usage error" test $? = 2
check "... with its position" grep -q '^broken.json:1: error: ' broken.err
finish
