#!/usr/bin/env python3
"""The seed report (shared/reference/000_9f3de0e99da90133.txt) read right.

The foundation issue lists what the shipped rules must report on it, and
that nothing else may be reported. The report is read from ../shared beside
the checkout and never copied into the project; without it the test skips.
"""
import json
import os
import subprocess
import sys

pactscan, source_root = sys.argv[1], sys.argv[2]
report = os.path.join(source_root, '..', 'shared', 'reference', '000_9f3de0e99da90133.txt')
if not os.path.exists(report):
    print(f'skip: {report} is not there (CI lays ../shared beside the checkout)')
    sys.exit(77)

run = subprocess.run([pactscan, '--rules', os.path.join(source_root, 'rules'), '--format', 'jsonl', report],
                     capture_output=True, text=True, timeout=60)
if run.returncode != 0:
    print(f'pactscan exited {run.returncode}:\n{run.stderr}')
    sys.exit(1)
records = [json.loads(line) for line in run.stdout.splitlines()]
findings = [r for r in records if r['type'] == 'finding']
for f in findings:
    print(f"  {f['line']}:{f['column']} point {f['point']} {f['clause']} {f['stance']} ({f['certainty']}) "
          f"[{f['signal']}] {f['sentence'][:90]}")

failures = []


def expect(what, pred):
    if not any(pred(f) for f in findings):
        failures.append(f'missing: {what}')


def has(f, point, stance, words=None, certainty=None):
    return (f['point'] == point and f['stance'] == stance
            and (words is None or words in f['sentence'])
            and (certainty is None or f['certainty'] == certainty))


expect('15 support: a UN mandate for the force', lambda f: has(f, 15, 'support', 'mandate'))
expect('15 conflict: countries hesitant to send troops', lambda f: has(f, 15, 'conflict', 'hesitation'))
expect('3 conflict, hedged: the PM might withdraw from the agreement',
       lambda f: has(f, 3, 'conflict', 'withdraw from the agreement', 'hedged'))
expect('13 conflict: Hamas rejects disarmament', lambda f: has(f, 13, 'conflict', 'rejected'))
expect('3 or 16 support: the Israeli military withdrawal',
       lambda f: f['point'] in (3, 16) and has(f, f['point'], 'support', 'military withdrawal'))
expect('4 support: the hostages exchanged', lambda f: has(f, 4, 'support', 'hostages'))
expect('5 support: the prisoners exchanged', lambda f: has(f, 5, 'support', 'prisoners'))
expect('West Bank no-annexation conflict',
       lambda f: f['point'] is None and 'west-bank' in f['clause'] and f['stance'] == 'conflict'
       and 'West Bank' in f['sentence'])

for f in findings:
    if f['point'] not in (3, 4, 5, 13, 15, 16, None):
        failures.append(f"point {f['point']} is not discussed, yet reported: {f['sentence'][:80]}")
    if f['point'] is None and 'west-bank' not in f['clause']:
        failures.append(f"clause {f['clause']} is not discussed, yet reported")
    if 'withdraw from the agreement' in f['sentence'] and f['point'] in (3, 16) and f['stance'] == 'support':
        failures.append('withdrawing from the agreement was read as troop withdrawal')

for line in failures:
    print(line)
print(f'{len(findings)} findings; {8 - sum(l.startswith("missing") for l in failures)} of 8 required present')
sys.exit(1 if failures else 0)
