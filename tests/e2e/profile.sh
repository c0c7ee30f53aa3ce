#!/usr/bin/env bash
# --profile: after the report, stderr gets the run's counts (with the large
# documents read in pieces, and the repeats) and each signal that ran, with how often it was
# tried and matched. The report is the same
# with and without it; the counts are the JSON report's; -j 1 and -j 2 count
# the same; each row names where its signal is written; a clause's findings
# come from signals the profile says matched; it is for scan and baseline.
# --profile-json writes the same to a file as JSON, every signal in it.
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
check "... and says so" grep -q -- '--profile and --profile-json are for scan and baseline' lint.err

# --profile-json FILE: the same profile as one JSON object, with every
# signal; alone, nothing on stderr.
"$pactscan" "${rules[@]}" -j 1 --format jsonl --profile --profile-json prof.json "$root/corpus" > both.out 2> both.err
echo $? > both.status
"$pactscan" "${rules[@]}" -j 2 --format jsonl --profile-json prof2j.json "$root/corpus" > json2.out 2> json2.err
echo $? > json2.status
check "the run succeeds with --profile-json" test "$(cat both.status)$(cat json2.status)" = 00
check "the report is the same with --profile-json" cmp -s plain.out both.out
check "... and with -j 2" cmp -s plain.out json2.out
check "--profile-json alone prints nothing on stderr" test ! -s json2.err
"$pactscan" lint "$root/rules" > lint_ok.out 2>&1
python3 - both.err prof.json prof2j.json lint_ok.out <<'PY' > json_check.out
import json, re, sys
text = open(sys.argv[1]).read().splitlines()
p, p2 = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
n_signals = int(re.search(r'(\d+) signals', open(sys.argv[4]).read())[1])
head = re.match(r'pactscan: profile: (\d+) documents?, (\d+) sentences, (\d+) in the setting; '
                r'[\d.]+ s of CPU time on (\d+) threads?$', text[0])
print('counts', (p['documents'], p['sentences'], p['in_setting'], p['threads']) == tuple(map(int, head.groups())))
print('names', p['profile_version'] == 1 and p['tool']['name'] == 'pactscan' and p['rules']['name'] == 'gaza-20-points')
m = re.search(r"the gate's words in (\d+), every word in (\d+)\)$", '\n'.join(text), re.M)
print('passes', (p['passes']['gate_words'], p['passes']['every_word']) == (int(m[1]), int(m[2])))
rows = []
for line in text:
    r = re.match(r'\s*[\d.]+\s+[\d.]+%\s+(\d+)\s+(\d+)\s+(\S+)/(\S+) (\S+):(\d+):(\d+)$', line)
    if r:
        rows.append((r[3], r[4], int(r[1]), int(r[2]), r[5], int(r[6]), int(r[7])))
ran = [s for s in p['signals'] if s['tried'] > 0]
print('rows', len(rows) > 30 and rows == [(s['clause'], s['signal'], s['tried'], s['matched'], s['file'], s['line'],
                                           s['column']) for s in ran])
print('every signal', len(p['signals']) == n_signals and len({(s['clause'], s['signal']) for s in p['signals']}) == n_signals)
times = [s['time_ns'] for s in ran]
never = p['signals'][len(ran):]
print('order', times == sorted(times, reverse=True) and all(s['tried'] == 0 and s['time_ns'] == 0 for s in never))
parts = p['parts_ns']
inner = parts['signals'] + parts['cues'] + parts['words'] + parts['output']
print('parts', p['cpu_ns'] > 0 and parts['scanning'] > 0 and parts['signals'] == sum(times) and
      parts['rest_of_scan'] == max(parts['scanning'] - inner, 0) and parts['preparing'] > 0)
key = lambda q: sorted((s['clause'], s['signal'], s['tried'], s['matched']) for s in q['signals'])
print('jobs agree', p2['threads'] == 2 and key(p) == key(p2) and p2['sentences'] == p['sentences'])
PY
check "its counts are the text's" grep -qx 'counts True' json_check.out
check "it names the tool and the pack" grep -qx 'names True' json_check.out
check "its word passes are the text's" grep -qx 'passes True' json_check.out
check "the signals that ran are the text's rows, in its order" grep -qx 'rows True' json_check.out
check "every signal of the pack, once" grep -qx 'every signal True' json_check.out
check "the costliest first, those that never ran last" grep -qx 'order True' json_check.out
check "the parts add up" grep -qx 'parts True' json_check.out
check "-j 1 and -j 2 count the same for each signal" grep -qx 'jobs agree True' json_check.out

# --clause: only that clause's signals are searched (the profile's tries),
# and its findings are the ones a scan for every clause gives it.
"$pactscan" "${rules[@]}" -j 2 --format jsonl --clause p04-hostages --clause p13-demilitarization \
	--profile-json sel.json "$root/corpus" > sel.out 2> sel.err
python3 - plain.out sel.out sel.json <<'PY' > sel_check.out
import json, sys
chosen = {'p04-hostages', 'p13-demilitarization'}
def findings(path, keep):
    out = []
    for line in open(path):
        r = json.loads(line)
        if r.get('type') == 'finding' and keep(r['clause']):
            out.append(line)
    return out
full = findings(sys.argv[1], lambda c: c in chosen)
sel = findings(sys.argv[2], lambda c: True)
print('same findings', len(full) > 20 and full == sel)
p = json.load(open(sys.argv[3]))
print('tries', all(s['tried'] == 0 for s in p['signals'] if s['clause'] not in chosen) and
      sum(s['tried'] for s in p['signals'] if s['clause'] in chosen) > 0)
PY
check "--clause: the clauses' findings are those a scan for all gives them" grep -qx 'same findings True' sel_check.out
check "--clause: no signal of another clause is tried" grep -qx 'tries True' sel_check.out

# Where the profile cannot go, the run stops before it scans (exit 2), and
# a profile there before is left as it was.
echo "Gaza." | "$pactscan" "${rules[@]}" --profile-json nodir/p.json > nodir.out 2> nodir.err
echo $? > nodir.status
check "--profile-json in a directory that is not there: exit 2" test "$(cat nodir.status)" = 2
check "... says where, before any report" grep -q -- '--profile-json nodir/p.json: cannot write in nodir/' nodir.err
check "... and nothing scanned" test ! -s nodir.out
echo "Gaza." | "$pactscan" "${rules[@]}" --profile-json . > dot.out 2> dot.err
echo $? > dot.status
check "--profile-json naming a directory: exit 2" test "$(cat dot.status)" = 2 -a ! -s dot.out
check "... and says so" grep -q 'name a file, not a directory' dot.err
echo "Gaza." | "$pactscan" "${rules[@]}" --profile-json - > dash.out 2> dash.err
echo $? > dash.status
check "--profile-json - with the report on standard output: exit 2" test "$(cat dash.status)" = 2
check "... says why" grep -q 'would mix the profile into the report' dash.err
echo "Gaza." | "$pactscan" "${rules[@]}" -o same.txt --profile-json same.txt > same.out 2> same.err
echo $? > same.status
check "--profile-json and -o the same file: exit 2" test "$(cat same.status)" = 2 -a ! -e same.txt
echo "Gaza." | "$pactscan" "${rules[@]}" -q -o report.txt --profile-json - > dashok.json 2> dashok.err
check "--profile-json - with -o FILE: the profile on standard output" \
	python3 -c 'import json, sys; sys.exit(json.load(open("dashok.json"))["sentences"] != 1)' 
# A document that cannot be scanned (binary) does not stop the profile;
# a run that cannot report leaves an earlier profile as it was.
printf 'Israeli troops withdrew from Gaza City.\n' > ok.txt
printf 'ELF\0\0\0binary\n' > bin.dat
"$pactscan" "${rules[@]}" -q --profile-json skip.json ok.txt bin.dat > skip.out 2> skip.err
echo $? > skip.status
check "a document skipped: exit 3, and the profile written with the one scanned" \
	test "$(cat skip.status)" = 3 -a "$(python3 -c 'import json; print(json.load(open("skip.json"))["documents"])')" = 1
echo keep > kept.json
"$pactscan" "${rules[@]}" -q -o nodir/r.txt --profile-json kept.json ok.txt > kept.out 2> kept.err
echo $? > kept.status
check "a run that cannot write its report: exit 2, the earlier profile kept" \
	test "$(cat kept.status)" = 2 -a "$(cat kept.json)" = keep

cat check.out
finish
