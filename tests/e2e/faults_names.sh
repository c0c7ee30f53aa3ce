#!/usr/bin/env bash
# File names with a newline, quotes, a backslash, control characters,
# URI delimiters and invalid UTF-8 (bad-input.md entry 27), created here at
# test time: --format json and jsonl parse as JSON with each name escaped
# (invalid bytes as U+FFFD), CSV and JUnit parse with the names, SARIF
# artifact URIs are the names' bytes percent-encoded per RFC 3986, and the
# SARIF validates against the SARIF 2.1.0 schema (with the tools
# sarif_validate.sh uses, when they are installed).
#
# usage: faults_names.sh PACTSCAN SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
rules=(--rules "$root/tests/data/packs/mini")
cd "$tmp" || exit 1

mkdir names
names=($'new\nline.txt' 'double"quote.txt' "single'quote.txt" 'back\slash.txt' $'bad\xff\xfeutf8.txt'
       $'lone\xc3lead.txt' $'tab\tand\x01\x1bcontrol.txt' 'space %41#?&=+.txt' 'ünïcode ✓.txt')
for n in "${names[@]}"; do cp "$root/tests/data/docs/gaza.txt" "names/$n"; done

for f in json jsonl sarif csv junit; do
  timeout 20 "$pactscan" "${rules[@]}" --format $f names > out.$f 2> err.$f
  check "$f: exit 0, nothing on stderr" test $? = 0 -a ! -s err.$f
done

python3 - <<'PY' > check.out
import csv, io, json, os, re, urllib.parse
import xml.etree.ElementTree as ET

names = sorted(os.listdir(b'names'))          # the raw bytes of each name
def shown(raw):
    """A name as the reports print it: invalid UTF-8 bytes as U+FFFD."""
    return (b'names/' + raw).decode('utf-8', 'replace')
expected = sorted(shown(n) for n in names)

def result(what, ok):
    print(what, bool(ok))

def parses(path, load):
    try:
        return load(open(path, 'rb').read())
    except ValueError as e:
        print('#', path, e)
        return None

report = parses('out.json', lambda b: json.loads(b.decode('utf-8')))
result('json-parses', report is not None)
if report:
    result('json-names', sorted(d['doc'] for d in report['documents']) == expected)
    result('json-findings', all(len(d['findings']) == 3 for d in report['documents']))

records = parses('out.jsonl', lambda b: [json.loads(line) for line in b.decode('utf-8').splitlines()])
result('jsonl-parses', records is not None)
if records:
    result('jsonl-names', sorted(r['doc'] for r in records if r['type'] == 'document') == expected)
    result('jsonl-one-line-each', all(isinstance(r, dict) for r in records))

sarif = parses('out.sarif', lambda b: json.loads(b.decode('utf-8')))
result('sarif-parses', sarif is not None)
if sarif:
    run = sarif['runs'][0]
    uris = [a['location']['uri'] for a in run['artifacts']]
    # RFC 3986: unreserved characters and the path's '/' stay, every other
    # byte is %XX; quote() on the raw bytes is that encoding.
    want = sorted(urllib.parse.quote(b'names/' + n, safe='/') for n in names)
    result('sarif-uris', sorted(uris) == want)
    result('sarif-uri-syntax', all(re.fullmatch(r"(?:[A-Za-z0-9._~/-]|%[0-9A-F]{2})+", u) for u in uris))
    result('sarif-uris-decode', sorted(urllib.parse.unquote_to_bytes(u) for u in uris)
           == sorted(b'names/' + n for n in names))
    located = {r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in run['results']}
    result('sarif-results', located == set(uris))

rows = parses('out.csv', lambda b: list(csv.DictReader(io.StringIO(b.decode('utf-8'), newline=''))))
result('csv-parses', rows is not None)
if rows:
    result('csv-names', sorted({r['doc'] for r in rows}) == expected)

junit = parses('out.junit', lambda b: ET.fromstring(b))
result('junit-parses', junit is not None)
if junit is not None:
    # XML 1.0 cannot hold U+0001 or U+001B even escaped: they are replaced.
    got = sorted(s.get('name') for s in junit.iter('testsuite'))
    result('junit-names', len(got) == len(names) and
           all(g == e for g, e in zip(got, expected) if '\x01' not in e))
PY
grep '^#' check.out
for what in json-parses json-names json-findings jsonl-parses jsonl-names jsonl-one-line-each \
            sarif-parses sarif-uris sarif-uri-syntax sarif-uris-decode sarif-results \
            csv-parses csv-names junit-parses junit-names; do
  check "$what" grep -qx "$what True" check.out
done

# The SARIF against the schema, with the validator sarif_validate.sh sets up.
sdir="$root/tests/schema"
schema="$sdir/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
ajv="$sdir/node_modules/ajv-cli/dist/index.js"
if ! command -v node > /dev/null || [ ! -f "$schema" ] || [ ! -f "$ajv" ]; then
  echo "skip SARIF schema validation: node or the schema is not installed (npm ci --prefix tests/schema)"
else
  mkdir validate && cp out.sarif validate/names.json
  (cd validate && NODE_PATH="$sdir/node_modules" timeout 120 node "$ajv" validate --spec=draft2020 --strict=false \
    -c ajv-formats --all-errors --errors=line -s "$schema" -d names.json) > ajv.out 2>&1
  grep -qx "names.json valid" ajv.out || head -c 2000 ajv.out
  check "sarif: valid SARIF 2.1.0" grep -qx "names.json valid" ajv.out
fi

finish
