#!/usr/bin/env python3
"""The exit status table says the same in --help, README.md and pactscan.1."""
import re
import subprocess
import sys

pactscan, root = sys.argv[1], sys.argv[2]


def norm(text):
    text = re.sub(r'\\f[BIRP]|\\\(..|`', '', text)
    text = text.replace('\\-', '-')
    return re.sub(r'\s+', ' ', text).strip().lower()


def help_table():
    out = subprocess.run([pactscan, '--help'], capture_output=True, text=True, check=True).stdout
    block = out.split('Exit status:')[1].split('\n\n')[0]
    return {int(m.group(1)): norm(m.group(2)) for m in re.finditer(r'^\s+(\d)\s+(.*(?:\n\s{5,}.*)*)', block, re.M)}


def readme_table():
    text = open(f'{root}/README.md', encoding='utf-8').read()
    block = text.split('### Exit status')[1]
    return {int(m.group(1)): norm(m.group(2)) for m in re.finditer(r'^\|\s*(\d)\s*\|\s*(.*?)\s*\|$', block, re.M)}


def man_table():
    text = open(f'{root}/src/cli/pactscan.1', encoding='utf-8').read()
    block = text.split('.SH EXIT STATUS')[1].split('.SH ')[0]
    return {int(m.group(1)): norm(m.group(2)) for m in re.finditer(r'^\.TP\n\.B (\d)\n((?:(?!\.TP).*\n)*)', block, re.M)}


# The words that must open each entry everywhere.
keys = {0: 'the run completed', 1: 'a finding matched --fail-on', 2: 'usage error',
        3: 'the run completed, but some input could not be scanned'}
failed = 0
for name, table in (('--help', help_table()), ('README.md', readme_table()), ('pactscan.1', man_table())):
    for code, opening in keys.items():
        got = table.get(code)
        if got is None or not got.startswith(opening):
            print(f'{name}: exit status {code} reads {got!r}, expected it to start with {opening!r}')
            failed += 1
    if sorted(table) != [0, 1, 2, 3]:
        print(f'{name}: documents exit statuses {sorted(table)}, expected [0, 1, 2, 3]')
        failed += 1
print(f'{3 * len(keys) + 3 - failed} passed, {failed} failed')
sys.exit(1 if failed else 0)
