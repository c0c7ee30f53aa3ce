#!/usr/bin/env python3
"""Pipes are read to their end, whoever opened them and however.

A wrapper that shares its pipe with pactscan (Node.js's child_process,
some CI runners) may set O_NONBLOCK on it; a read that finds the pipe
empty then fails with EAGAIN, which pactscan took for a read error and
stopped ("Resource temporarily unavailable", exit 3). Here the text of
the bundled corpus, and a JSON Lines file, are written into such a pipe
a few KiB at a time, with pauses, for -j 1 and -j 2 (where standard
input is read in pieces): stdout, stderr and the exit status must be
what the same bytes give from a file.

And a FIFO named on the command line whose writer comes after pactscan
has opened it: with -j 1 (which opens files without blocking) it read as
empty; it must read as the same bytes in a file of that name do.

usage: nonblocking_stdin.py PACTSCAN SOURCE_ROOT
"""
import fcntl
import glob
import os
import subprocess
import sys
import tempfile
import threading
import time

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
rules = os.path.join(root, 'rules')
results = []


def check(what, ok):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + what)


def through_pipe(args, data, chunk, pause):
    r, w = os.pipe()
    fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_NONBLOCK)
    proc = subprocess.Popen(args, stdin=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(r)

    def feed():
        try:
            for at in range(0, len(data), chunk):
                os.write(w, data[at:at + chunk])
                time.sleep(pause)
        except BrokenPipeError:
            pass  # pactscan stopped reading: the checks below say so
        finally:
            os.close(w)

    writer = threading.Thread(target=feed)
    writer.start()
    out, err = proc.communicate(timeout=120)
    writer.join()
    return proc.returncode, out, err


def from_file(args, data):
    with tempfile.TemporaryFile() as f:
        f.write(data)
        f.seek(0)
        run = subprocess.run(args, stdin=f, capture_output=True, timeout=120)
    return run.returncode, run.stdout, run.stderr


corpus = b''.join(open(p, 'rb').read() + b'\n' for p in sorted(glob.glob(os.path.join(root, 'corpus', '*.txt'))))
jsonl = open(os.path.join(root, 'tests', 'data', 'jsonl', 'docs.jsonl'), 'rb').read()
cases = [
    ('text', ['--format', 'jsonl'], corpus, 4096, 0.001),
    ('jsonl', ['--input', 'jsonl', '--format', 'jsonl'], jsonl, 50, 0.01),
]
for name, extra, data, chunk, pause in cases:
    for jobs in ('1', '2'):
        args = [pactscan, '--rules', rules, '-j', jobs] + extra
        want = from_file(args, data)
        got = through_pipe(args, data, chunk, pause)
        check(f'{name} -j {jobs}: something is reported', len(want[1]) > 0)
        check(f'{name} -j {jobs}: the same exit status ({want[0]})', got[0] == want[0])
        check(f'{name} -j {jobs}: the same report', got[1] == want[1])
        check(f'{name} -j {jobs}: the same messages', got[2] == want[2])
        if got[2] != want[2]:
            print('#', got[2].decode(errors='replace')[:200])

small = open(os.path.join(root, 'tests', 'data', 'docs', 'gaza.txt'), 'rb').read()
with tempfile.TemporaryDirectory() as tmp:
    feed = os.path.join(tmp, 'feed.txt')
    for jobs in ('1', '2'):
        args = [pactscan, '--rules', rules, '-j', jobs, '--format', 'jsonl', 'feed.txt']
        with open(feed, 'wb') as f:
            f.write(small)
        want = subprocess.run(args, cwd=tmp, capture_output=True, timeout=60)
        os.unlink(feed)
        os.mkfifo(feed)

        def write_later():
            # Half a second after pactscan starts; then as soon as a reader
            # has the FIFO open, for ten seconds (a run that read it as
            # empty and ended leaves none, and the test must not hang).
            time.sleep(0.5)
            deadline = time.time() + 10
            while True:
                try:
                    w = os.open(feed, os.O_WRONLY | os.O_NONBLOCK)
                    break
                except OSError:
                    if time.time() > deadline:
                        return
                    time.sleep(0.05)
            os.write(w, small)
            os.close(w)

        writer = threading.Thread(target=write_later)
        writer.start()
        got = subprocess.run(args, cwd=tmp, capture_output=True, timeout=60)
        writer.join()
        os.unlink(feed)
        check(f'FIFO, writer later, -j {jobs}: something is reported', len(want.stdout) > 0)
        check(f'FIFO, writer later, -j {jobs}: what the file gives',
              (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr))

print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
sys.exit(0 if all(results) else 1)
