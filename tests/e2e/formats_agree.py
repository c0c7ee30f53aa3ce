#!/usr/bin/env python3
"""Every output format reports the same findings.

Runs pactscan on the bundled corpus (and on the fixtures, which add skipped
files, odd names and front matter) in each --format, and checks that text,
json, jsonl, sarif, junit, csv and html (each finding element's
data-doc, data-clause, data-stance and data-line) hold the same (document, clause,
stance, line), each as often, that summary reports the same totals, and that every format
exits with the same status.

usage: formats_agree.py PACTSCAN SOURCE_ROOT
"""
import os
import csv
import html.parser
import io
import json
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET
from collections import Counter

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
FORMATS = ['text', 'json', 'jsonl', 'sarif', 'junit', 'csv', 'summary', 'html']
RUNS = {
    'corpus': ['--rules', f'{root}/rules', '--include', '*.txt', 'corpus'],
    'fixtures': ['--rules', f'{root}/tests/data/packs/mini', 'tests/data/docs', 'tests/data/tree',
                 'tests/data/columns.txt', 'tests/data/jsonl/docs.jsonl'],
}
FINDING = re.compile(r'^(.*):(\d+):(\d+): (support|conflict) \(')


def from_text(out):
    found, clause = [], None
    for line in out.splitlines():
        m = re.match(r'^  (?:point \d+|added) (\S+): ', line)
        if m:
            clause = m.group(1)
            continue
        m = FINDING.match(line[4:]) if line.startswith('    ') and not line.startswith('      ') else None
        if m:
            found.append((m.group(1), clause, m.group(4), int(m.group(2))))
    return found


def from_jsonl(out):
    return [(r['doc'], r['clause'], r['stance'], r['line'])
            for r in map(json.loads, out.splitlines()) if r['type'] == 'finding']


def from_json(out):
    report = json.loads(out)
    return [(d['doc'], f['clause'], f['stance'], f['line']) for d in report['documents'] for f in d['findings']]


def from_sarif(out):
    found = []
    for r in json.loads(out)['runs'][0]['results']:
        loc = r['locations'][0]['physicalLocation']
        uri = urllib.parse.unquote(loc['artifactLocation']['uri'])
        uri = uri[len('file://'):] if uri.startswith('file://') else uri
        found.append((uri, r['ruleId'], r['properties']['stance'], loc['region']['startLine']))
    return found


def from_junit(out):
    found = []
    for case in ET.fromstring(out).iter('testcase'):
        for part in list(case):
            for line in (part.text or '').splitlines():
                m = FINDING.match(line)
                if m:
                    found.append((m.group(1), case.get('name'), m.group(4), int(m.group(2))))
    return found


def from_csv(out):
    return [(r['doc'], r['clause'], r['stance'], int(r['line'])) for r in csv.DictReader(io.StringIO(out, newline=''))]


def from_html(out):
    found = []

    class Findings(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == 'li' and 'finding' in (a.get('class') or '').split():
                found.append((a['data-doc'], a['data-clause'], a['data-stance'], int(a['data-line'])))

    Findings().feed(out)
    return found


def totals_from_summary(out):
    m = re.search(r'^(\d+) findings? in \d+ sentences .*: (\d+) support, (\d+) conflict$', out, re.M)
    return tuple(int(x) for x in m.groups()) if m else None


parsers = {'text': from_text, 'json': from_json, 'jsonl': from_jsonl, 'sarif': from_sarif, 'junit': from_junit,
           'csv': from_csv, 'html': from_html}
passed = failed = 0
for name, args in RUNS.items():
    outs, statuses = {}, {}
    for fmt in FORMATS:
        run = subprocess.run([pactscan, '--format', fmt, *args], cwd=root, capture_output=True, text=True,
                             timeout=120)
        outs[fmt], statuses[fmt] = run.stdout, run.returncode
    reference = from_jsonl(outs['jsonl'])
    checks = [(f'{name}: jsonl has findings', len(reference) > 0),
              (f'{name}: one exit status for all formats {statuses}', len(set(statuses.values())) == 1)]
    for fmt, parse in parsers.items():
        got = parse(outs[fmt])
        missing, extra = Counter(reference) - Counter(got), Counter(got) - Counter(reference)
        ok = not missing and not extra
        checks.append((f'{name}: {fmt} reports the {len(reference)} findings of jsonl'
                       + ('' if ok else f'; missing {sorted(missing)[:3]}, extra {sorted(extra)[:3]}'), ok))
    support = sum(1 for f in reference if f[2] == 'support')
    want = (len(reference), support, len(reference) - support)
    for fmt in ('summary', 'text'):
        got = totals_from_summary(outs[fmt])
        checks.append((f'{name}: {fmt} summary totals {got} == {want}', got == want))
    for what, ok in checks:
        print(('ok   ' if ok else 'FAIL ') + what)
        passed, failed = passed + ok, failed + (not ok)
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed else 0)
