#!/usr/bin/env python3
"""-o FILE is written atomically.

A complete run replaces FILE (keeping its mode) with exactly what standard
output would have held; a run that fails, or that SIGINT, SIGTERM or SIGHUP
ends while it reads (also once part of the report is written), leaves FILE
as it was and no temporary file behind.

usage: atomic_output.py PACTSCAN SOURCE_ROOT
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

pactscan, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
mini = os.path.join(root, 'tests/data/packs/mini')
gaza = os.path.join(root, 'tests/data/docs/gaza.txt')
results = []


def check(what, ok):
    results.append(ok)
    print(('ok   ' if ok else 'FAIL ') + what)


with tempfile.TemporaryDirectory() as tmp:
    target = os.path.join(tmp, 'report.json')

    def leftovers():
        return sorted(n for n in os.listdir(tmp) if n.startswith('.report.json.'))

    expected = subprocess.run([pactscan, '--rules', mini, '--format', 'json', gaza], capture_output=True).stdout
    with open(target, 'w') as f:
        f.write('old\n')
    os.chmod(target, 0o640)
    run = subprocess.run([pactscan, '--rules', mini, '--format', 'json', '-o', target, gaza], capture_output=True)
    check('a complete run exits 0 and prints nothing', run.returncode == 0 and not run.stdout and not run.stderr)
    check('FILE holds what stdout would', open(target, 'rb').read() == expected)
    check('FILE keeps its mode', os.stat(target).st_mode & 0o777 == 0o640)
    check('no temporary file is left', leftovers() == [])

    # The runs start with the signals' default actions: a suite started
    # under nohup ignores SIGHUP, and pactscan keeps a signal its caller
    # ignores ignored (as it should), so SIGHUP would test nothing.
    def default_signals():
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_DFL)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with open(target, 'w') as f:
            f.write('old\n')
        # Standard input stays open, so the run is still reading when the signal comes.
        proc = subprocess.Popen([pactscan, '--rules', mini, '--format', 'sarif', '-o', target],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=default_signals)
        proc.stdin.write(b'Troops withdrew from Gaza City.\n')
        proc.stdin.flush()
        deadline = time.time() + 10
        while not leftovers() and time.time() < deadline:
            time.sleep(0.05)
        check(f'{sig.name}: the report goes to a temporary file first', len(leftovers()) == 1)
        proc.send_signal(sig)
        proc.communicate(timeout=10)
        check(f'{sig.name}: the run dies of the signal', proc.returncode == -sig)
        check(f'{sig.name}: FILE is untouched', open(target).read() == 'old\n')
        check(f'{sig.name}: the temporary file is removed', leftovers() == [])

    # SIGINT once part of the report is on disk: the corpus's report fills
    # the temporary file, then the run waits to open a FIFO no one writes.
    with open(target, 'w') as f:
        f.write('old\n')
    fifo = os.path.join(tmp, 'never.fifo')
    os.mkfifo(fifo)
    proc = subprocess.Popen([pactscan, '--rules', os.path.join(root, 'rules'), '--format', 'json', '-o', target,
                             os.path.join(root, 'corpus'), fifo], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=default_signals)
    deadline = time.time() + 30
    while not (leftovers() and os.path.getsize(os.path.join(tmp, leftovers()[0])) > 0) and time.time() < deadline:
        time.sleep(0.05)
    check('SIGINT mid-report: part of the report is in the temporary file',
          len(leftovers()) == 1 and os.path.getsize(os.path.join(tmp, leftovers()[0])) > 0)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=10)
    check('SIGINT mid-report: the run dies of the signal', proc.returncode == -signal.SIGINT)
    check('SIGINT mid-report: FILE is untouched, the temporary file removed',
          open(target).read() == 'old\n' and leftovers() == [])

    with open(target, 'w') as f:
        f.write('old\n')
    run = subprocess.run([pactscan, '--rules', os.path.join(root, 'tests/data/bad-rules/typo.yaml'),
                          '-o', target, gaza], capture_output=True)
    check('a run that fails (exit 2) leaves FILE untouched',
          run.returncode == 2 and open(target).read() == 'old\n' and leftovers() == [])
    run = subprocess.run([pactscan, '--rules', mini, '-o', os.path.join(tmp, 'no/such/dir/r.txt'), gaza],
                         capture_output=True, text=True)
    check('an unwritable FILE is exit 2 with a message',
          run.returncode == 2 and run.stderr.startswith('pactscan: cannot write '))

print(f'{sum(results)} passed, {len(results) - sum(results)} failed')
sys.exit(0 if all(results) else 1)
