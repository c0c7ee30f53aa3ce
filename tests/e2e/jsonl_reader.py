#!/usr/bin/env python3
"""--input jsonl reading: documents go to the workers in batches, so this
checks what batching must not change.

- A wire feed on a pipe, watched on a terminal, shows each record's
  findings before the next record is written (batches are sent when the
  input would wait), with -j 2.
- A line longer than 64 MiB is an error naming its line, the records around
  it are still scanned (exit 3), and its bytes are not all held at once.
- Mixed good, malformed and blank lines give the same report with -j 1 and
  -j 2, from a file and from a pipe.
- Memory does not grow with the number of records (--format jsonl).

usage: jsonl_reader.py PACTSCAN SOURCE_ROOT
"""
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
rules = ['--rules', os.path.join(root, 'tests/data/packs/mini')]
results = []


def check(what, ok):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + what)


def record(i, text='Troops withdrew from Gaza City.'):
    return json.dumps({'id': f'doc-{i}', 'text': text}) + '\n'


# A feed on a pipe, read on a terminal: each record's finding must show
# while the feed waits for the next.
master, slave = pty.openpty()
proc = subprocess.Popen([pactscan, *rules, '--input', 'jsonl', '--format', 'jsonl', '-j', '2'],
                        stdin=subprocess.PIPE, stdout=slave, stderr=subprocess.DEVNULL)
os.close(slave)
prompt, seen = True, b''
for i in range(3):
    proc.stdin.write(record(i).encode())
    proc.stdin.flush()
    deadline = time.time() + 10
    while b'"doc":"doc-%d"' % i not in seen and time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            seen += os.read(master, 65536)
    prompt = prompt and b'"doc":"doc-%d"' % i in seen
proc.stdin.close()
proc.wait(timeout=30)
os.close(master)
check('a record on a pipe shows on a terminal before the next is written', prompt)

tmp = tempfile.mkdtemp()
try:
    # A line past the limit between two good records.
    path = os.path.join(tmp, 'long.jsonl')
    with open(path, 'w') as f:
        f.write(record(1))
        f.write('{"id":"huge","text":"' + 'a' * (65 << 20) + '"}\n')
        f.write(record(3))
    timed = ['/usr/bin/time', '-f', '%M'] if shutil.which('/usr/bin/time') else []
    run = subprocess.run([*timed, pactscan, *rules, '--input', 'jsonl', '--format', 'jsonl', '-j', '1', path],
                         capture_output=True)
    out = run.stdout.decode()
    err = run.stderr.decode()
    check('the long line exits 3', run.returncode == 3)
    check('the long line is named with its line number',
          f'{path}:2: error: the line is longer than 64 MiB' in err)
    check('the records around it are scanned', '"doc":"doc-1"' in out and '"doc":"doc-3"' in out)
    with open(pactscan, 'rb') as exe:
        sanitized = b'__asan_init' in exe.read()
    if timed and not sanitized:
        peak_kb = int(err.strip().splitlines()[-1])
        # Half of it: its bytes are dropped as they come after the first 64 MiB.
        check(f'peak memory {peak_kb // 1024} MiB stays under 100 MiB for a 65 MiB line', peak_kb < 100 * 1024)

    # Many documents: memory stays flat for a format that does not list
    # them (the summary kept a line per document for every format: 300,000
    # tiny records peaked at 22 MB with the test pack, against 3 MB).
    many = os.path.join(tmp, 'many.jsonl')
    with open(many, 'w') as f:
        for i in range(300000):
            f.write('{"id":"n%d","text":"Rain fell."}\n' % i)
    run = subprocess.run([*timed, pactscan, *rules, '--input', 'jsonl', '--format', 'jsonl', '-j', '1', many],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    check('300,000 records exit 0', run.returncode == 0)
    if timed and not sanitized:
        peak_kb = int(run.stderr.decode().strip().splitlines()[-1])
        check(f'peak memory {peak_kb // 1024} MiB for 300,000 records stays under 12 MiB', peak_kb < 12 * 1024)

    # Good, malformed and blank lines: -j 1 and -j 2, file and pipe, agree.
    lines = []
    for i in range(300):
        if i % 37 == 5:
            lines.append('{"id": "broken", "text": \n')
        elif i % 41 == 7:
            lines.append('\n')
        elif i % 43 == 9:
            lines.append(json.dumps({'id': i, 'text': 'Hamas refused to disarm.'}) + '\n')
        else:
            lines.append(record(i, 'Aid trucks entered Gaza. Troops withdrew from Gaza City.' * (1 + i % 5)))
    mixed = os.path.join(tmp, 'mixed.jsonl')
    with open(mixed, 'w') as f:
        f.writelines(lines)
    outs = []
    for jobs in ('1', '2'):
        a = subprocess.run([pactscan, *rules, '--input', 'jsonl', '--format', 'jsonl', '-j', jobs, mixed],
                           capture_output=True)
        with open(mixed, 'rb') as f:
            b = subprocess.run([pactscan, *rules, '--input', 'jsonl', '--format', 'jsonl', '-j', jobs],
                               stdin=f, capture_output=True)
        outs.append((a.returncode, a.stdout.replace(mixed.encode(), b'<stdin>'),
                     a.stderr.replace(mixed.encode(), b'<stdin>')))
        outs.append((b.returncode, b.stdout, b.stderr))
    check('mixed lines: one report from -j 1 and -j 2, file and pipe', all(o == outs[0] for o in outs))
    check('mixed lines: malformed ones are errors, exit 3',
          outs[0][0] == 3 and b'<stdin>:6: error: not valid JSON' in outs[0][2])
    check('mixed lines: numeric ids are read', b'"doc":"9"' in outs[0][1])
finally:
    shutil.rmtree(tmp)

print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
sys.exit(0 if all(results) else 1)
