#!/usr/bin/env python3
"""The text summary reads on an 80-column terminal: no line of
--format summary, or of the summary that ends --format text, is wider than
80 columns (one per character), on the corpus and on fixtures with long
file names, long clause ids, many timeline periods and skipped files.

usage: summary_width.py PACTSCAN SOURCE_ROOT
"""
import os
import shutil
import subprocess
import sys
import tempfile

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
results = []


def check(what, ok):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + what)


with tempfile.TemporaryDirectory() as tmp:
    # Long names, with multi-byte characters, and one report a day for 40 days.
    long_dir = os.path.join(tmp, 'reports-from-the-field-' + 'é' * 30)
    os.makedirs(long_dir)
    for day in range(40):
        name = f'{day:02d}-a-very-long-report-name-about-the-withdrawal-from-gaza-city-and-rafah-ü.txt'
        with open(os.path.join(long_dir, name), 'w') as f:
            f.write(f'---\ntitle: Day {day}\ndate: 2025-10-{day % 30 + 1:02d}\n---\n'
                    f'Troops withdrew from Gaza City.\nThe army did not withdraw from Rafah.\n')
    shutil.copy(os.path.join(root, 'tests/data/docs/binary.bin'), long_dir)
    runs = {
        'corpus': ['--rules', os.path.join(root, 'rules'), '--include', '*.txt', os.path.join(root, 'corpus')],
        'corpus by day': ['--rules', os.path.join(root, 'rules'), '--include', '*.txt', '--timeline', 'day',
                          os.path.join(root, 'corpus')],
        'long names': ['--rules', os.path.join(root, 'tests/data/packs/two'), '--timeline', 'day', long_dir],
        'fixtures': ['--rules', os.path.join(root, 'tests/data/packs/mini'), '--follow',
                     os.path.join(root, 'tests/data/tree'), os.path.join(root, 'tests/data/docs')],
    }
    for name, args in runs.items():
        for fmt in ('summary', 'text'):
            out = subprocess.run([pactscan, '--format', fmt, *args], capture_output=True, text=True).stdout
            # The text format's summary starts at its first "N documents:" line.
            lines = out.splitlines()
            start = next((i for i, line in enumerate(lines) if ' document' in line and ': ' in line
                          and line.split()[0].isdigit()), None)
            summary = lines[start:] if start is not None else []
            wide = [line for line in summary if len(line) > 80]
            check(f'{name}, --format {fmt}: {len(summary)} summary lines, none over 80 columns'
                  + (f'; e.g. {wide[0]!r}' if wide else ''), bool(summary) and not wide)

print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
sys.exit(0 if all(results) else 1)
