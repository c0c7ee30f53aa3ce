#!/usr/bin/env bash
# --profile: after the report, stderr gets the run's counts (with the large
# documents read in pieces, and the repeats) and each signal that ran, with how often it was
# tried and matched. The report is the same
# with and without it; the counts are the JSON report's; -j 1 and -j 2 count
# the same; each row names where its signal is written; a clause's findings
# come from signals the profile says matched; it is for scan and baseline.
#
# usage: profile.sh PACTSCAN SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
rules=(--rules "$root/rules")
cd "$tmp" || exit 1

"$pactscan" "${rules[@]}" -j 1 --format jsonl "$root/corpus" > plain.out 2> plain.err
"$pactscan" "${rules[@]}" -j 1 --format jsonl --profile "$root/corpus" > prof1.out 2> prof1.err
echo $? > prof1.status
"$pactscan" "${rules[@]}" -j 2 --format json --profile "$root/corpus" > prof2.json 2> prof2.err
echo $? > prof2.status
check "the run succeeds with --profile" test "$(cat prof1.status)$(cat prof2.status)" = 00
check "the report is the same with --profile" cmp -s plain.out prof1.out
check "no profile without --profile" test ! -s plain.err

python3 - prof1.err prof2.err prof2.json "$root" <<'PY' > check.out
import json, re, sys
from collections import defaultdict

def parse(path):
    lines = open(path).read().splitlines()
    head = re.match(r'pactscan: profile: (\d+) documents?, (\d+) sentences, (\d+) in the setting; '
                    r'[\d.]+ s of CPU time on (\d+) threads?$', lines[0])
    rows = {}
    times = []
    for line in lines:
        m = re.match(r'\s*([\d.]+)\s+([\d.]+)%\s+(\d+)\s+(\d+)\s+(\S+)/(\S+) (\S+):(\d+):(\d+)$', line)
        if m:
            rows[(m[5], m[6])] = (int(m[3]), int(m[4]), m[7], int(m[8]))
            times.append(float(m[1]))
    return head, rows, times, lines

h1, rows1, times1, lines1 = parse(sys.argv[1])
h2, rows2, times2, _ = parse(sys.argv[2])
report = json.load(open(sys.argv[3]))
root = sys.argv[4]
s = report['summary']
print('header', bool(h1) and bool(h2))
print('counts', h2 and (int(h2[1]), int(h2[2]), int(h2[3])) == (s['scanned'], s['sentences'], s['in_setting']))
print('threads', h1 and h2 and (h1[4], h2[4]) == ('1', '2'))
print('rows', len(rows1) > 30)
print('jobs agree', rows1 == rows2)
print('costliest first', times1 == sorted(times1, reverse=True))
print('tried >= matched', all(t >= m for t, m, _, _ in rows1.values()))
where = True
for (clause, signal), (_, _, path, line) in rows1.items():
    text = open(path).read().splitlines()
    where = where and line <= len(text) and re.search(r'\bid:\s*' + re.escape(signal) + r'\s*$', text[line - 1]) is not None
print('where', where)
matched = defaultdict(int)
for (clause, signal), (_, m, _, _) in rows1.items():
    matched[clause] += m
found = defaultdict(int)
for d in report['documents']:
    for f in d.get('findings', []):
        found[f['clause']] += 1
print('findings from signals that matched', all(matched[c] >= n for c, n in found.items()) and sum(found.values()) > 100)
never = [l for l in lines1 if re.match(r'\s+\d+ signals? never ran$', l)]
print('never ran', len(never) == 1)
def passes(path):
    text = open(path).read()
    m = re.search(r"the gate's words in (\d+), every word in (\d+)\)$", text, re.M)
    r = re.search(r'^  (\d+) sentences? met before, answered from the repeat cache', text, re.M)
    return m and (int(m[1]), int(m[2]), int(r[1]) if r else 0)
p1, p2 = passes(sys.argv[1]), passes(sys.argv[2])
# Not the same for -j 1 and -j 2: a thread runs the full pass at once
# where its recent sentences were nearly all in the setting. A sentence
# the repeat cache answered needs no pass.
print('passes', all(p and int(h[3]) - p[2] <= p[1] <= int(h[2]) for p, h in ((p1, h1), (p2, h2))))
PY
check "the header says what ran" grep -qx 'header True' check.out
check "the header's counts are the report's" grep -qx 'counts True' check.out
check "the header names the threads" grep -qx 'threads True' check.out
check "a row for each signal that ran" grep -qx 'rows True' check.out
check "-j 1 and -j 2 count the same for each signal" grep -qx 'jobs agree True' check.out
check "the costliest first" grep -qx 'costliest first True' check.out
check "no signal matched more often than tried" grep -qx 'tried >= matched True' check.out
check "each row names the line where its signal is written" grep -qx 'where True' check.out
check "every clause's findings came from signals that matched" grep -qx 'findings from signals that matched True' check.out
check "the signals that never ran are counted" grep -qx 'never ran True' check.out
check "the word passes are counted: a full pass for each sentence in the setting, at most one a sentence" grep -qx 'passes True' check.out

# A large file among short ones in a directory: its worker leaves it, and
# it is read in pieces across the threads (with -j 1, whole).
mkdir big
for i in $(seq 1 40); do echo "Report $i. Hamas said it would not disarm." > "big/a$i.txt"; done
for i in $(seq 1 7000); do echo "Paragraph $i. Israeli troops withdrew from Rafah, officials said, and aid trucks crossed."; done > big/a20b.txt
"$pactscan" "${rules[@]}" -j 2 -q --profile big > big2.out 2> big2.err
"$pactscan" "${rules[@]}" -j 1 -q --profile big > big1.out 2> big1.err
check "-j 2 reads a large file of a directory in pieces" grep -Eq '^  1 document read in ([2-9]|[1-9][0-9]+) pieces across the threads$' big2.err
check "-j 1 reads it whole" test "$(grep -c 'read in .* pieces' big1.err)" = 0
# Its 7,000 copies of one sentence and the 40 files' one: each kept the
# second time it is met, and answered from the cache from the third on.
check "repeats are answered from the cache: 6,998 and 38" \
	grep -qx '  7036 sentences met before, answered from the repeat cache, not searched again' big1.err
"$pactscan" "${rules[@]}" -j 1 -q --profile --no-repeat-cache big > big1s.out 2> big1s.err
check "--no-repeat-cache searches them all, with the same report" \
	test "$(grep -c 'repeat cache' big1s.err)" = 0 -a -s big1.out
check "... the same report" cmp -s big1.out big1s.out
"$pactscan" "${rules[@]}" -j 2 --format jsonl big > big2.jsonl
"$pactscan" "${rules[@]}" -j 1 --format jsonl --no-prefilter big > big1p.jsonl
check "repeats answered on two threads give what the plain path gives" cmp -s big2.jsonl big1p.jsonl

echo "Markets were calm in London." | "$pactscan" "${rules[@]}" --profile > calm.out 2> calm.err
check "a text out of the setting: no signal ran" grep -q 'no signal ran' calm.err
check "... and no pass for its words" grep -q "the gate's words in 0, every word in 0)" calm.err

"$pactscan" lint --profile "$root/rules" > lint.out 2> lint.err
echo $? > lint.status
check "--profile is for scan and baseline (exit 2)" test "$(cat lint.status)" = 2
check "... and says so" grep -q -- '--profile is for scan and baseline' lint.err

cat check.out
finish
