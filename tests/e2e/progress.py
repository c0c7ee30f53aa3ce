#!/usr/bin/env python3
"""The progress line: on a terminal (stderr a pty), a run longer than a
second shows "pactscan: N documents, ..." redrawn in place with \\r, and
clears it at the end; the report on stdout is the same as without it. With
stderr not a terminal there is no progress line.

usage: progress.py PACTSCAN SOURCE_ROOT
"""
import json
import os
import pty
import subprocess
import sys
import time

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
args = [pactscan, '--rules', os.path.join(root, 'tests/data/packs/mini'), '--input', 'jsonl', '--format', 'jsonl',
        '-j', '2']
docs = [json.dumps({'id': f'doc-{i}', 'text': 'Troops withdrew from Gaza City.\n'}) + '\n' for i in range(4)]
results = []


def check(what, ok):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + what)


def run(on_tty):
    """Feed the documents over about 1.6 s; return stdout and stderr."""
    master = slave = None
    if on_tty:
        master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=slave if on_tty else subprocess.PIPE)
    if slave is not None:
        os.close(slave)
    for doc in docs:
        proc.stdin.write(doc.encode())
        proc.stdin.flush()
        time.sleep(0.4)
    proc.stdin.close()
    out = proc.stdout.read()
    err = b''
    if on_tty:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            err += chunk
        os.close(master)
    else:
        err = proc.stderr.read()
    proc.wait(timeout=10)
    return proc.returncode, out, err


rc_tty, out_tty, err_tty = run(True)
rc_pipe, out_pipe, err_pipe = run(False)
check('both runs exit 0', rc_tty == 0 and rc_pipe == 0)
check('stdout is the same with and without a terminal on stderr', out_tty == out_pipe)
check('a terminal gets the progress line', b'\rpactscan: ' in err_tty and b' documents, ' in err_tty)
check('the line is cleared at the end', err_tty.endswith(b'\r\x1b[K'))
check('a pipe gets no progress line', err_pipe == b'')
print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
sys.exit(0 if all(results) else 1)
