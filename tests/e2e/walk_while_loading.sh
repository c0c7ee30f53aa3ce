#!/usr/bin/env bash
# The walk starts while the rule pack loads, and what it finds waits, in
# order, up to 8,192 things, for the scan to start. A directory of 9,000
# files, two of them dangling links (one among the first 8,192, one past
# them): every document is reported once, in the walk's sorted order, the
# two links' messages come in that order too, and -j 1 and -j 2 agree. A
# pack that does not load stops the run before anything the walk found is
# reported: exit 2, the pack's error alone on stderr, nothing on stdout.
#
# usage: walk_while_loading.sh PACTSCAN SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
rules=(--rules "$root/tests/data/packs/mini")
cd "$tmp" || exit 1

python3 - <<'PY'
import os
os.mkdir('many')
for i in range(1, 9001):
    name = f'many/f{i:05d}.txt'
    if i in (100, 8500):
        os.symlink('nowhere.txt', name)
    else:
        with open(name, 'w') as f:
            f.write(f'Report {i}. Israeli troops withdrew from Gaza City.\n' if i % 3 == 0
                    else f'Report {i}. The markets were calm.\n')
PY

for jobs in 1 2; do
  timeout 60 "$pactscan" "${rules[@]}" -j $jobs --format json many > j$jobs.out 2> j$jobs.err
  echo $? > j$jobs.status
  check "-j $jobs: exit 3 (two skipped)" test "$(cat j$jobs.status)" = 3
  python3 - j$jobs.out <<'PY' > check.out
import json, sys
report = json.load(open(sys.argv[1]))
names = [d['doc'] for d in report['documents']]
want = [f'many/f{i:05d}.txt' for i in range(1, 9001)]
print('order', names == want)
skipped = [d['doc'] for d in report['documents'] if d['status'] != 'ok']
print('skipped', skipped == ['many/f00100.txt', 'many/f08500.txt'])
print('findings', sum(len(d.get('findings', [])) for d in report['documents']) == 3000)
PY
  check "-j $jobs: 9,000 documents in the walk's order" grep -qx "order True" check.out
  check "-j $jobs: the two links skipped" grep -qx "skipped True" check.out
  check "-j $jobs: every third one's finding" grep -qx "findings True" check.out
  printf 'pactscan: many/f00100.txt: skipped: No such file or directory\npactscan: many/f08500.txt: skipped: No such file or directory\n' > want.err
  check "-j $jobs: the links' messages, in order, and nothing else" cmp -s want.err j$jobs.err
done
check "-j 1 and -j 2: the same report" cmp -s j1.out j2.out

# A pack that fails to load, while the walk finds a dangling link.
cp -r "$root/tests/data/packs/mini" broken
printf 'pactscan: 1\nclause: [\n' > broken/clauses/zz-broken.yaml
for jobs in 1 2; do
  timeout 60 "$pactscan" --rules broken -j $jobs many > b$jobs.out 2> b$jobs.err
  echo $? > b$jobs.status
  check "-j $jobs, a broken pack: exit 2" test "$(cat b$jobs.status)" = 2
  check "-j $jobs, a broken pack: nothing on stdout" test ! -s b$jobs.out
  check "-j $jobs, a broken pack: its error named" grep -qF "broken/clauses/zz-broken.yaml" b$jobs.err
  check "-j $jobs, a broken pack: no document's message" test "$(grep -c 'skipped' b$jobs.err)" = 0
done
finish
