#!/usr/bin/env bash
# Where the report goes, and where it cannot (bad-input.md entries 28-30):
#  - no input and standard input a terminal: usage error, exit 2;
#  - piped into `head -1`: pactscan stops at its next write, silently;
#  - standard output /dev/full, closed, or cut short by a file size limit
#    (a short write, then EFBIG): a message and exit 2, as the README's
#    exit status table says for "the report could not be written";
#  - -o naming a device or a FIFO: written directly, never replaced;
#  - standard error or input closed: messages never land in the report.
# Every run is under `timeout`: 124 would be a hang.
#
# usage: faults_output.sh PACTSCAN SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
rules=(--rules "$root/tests/data/packs/mini")
doc="$root/tests/data/docs/gaza.txt"
formats=(text jsonl json sarif csv junit summary)
cd "$tmp" || exit 1

# Many documents (1,400 files, about 2 MB), and a FIFO no one writes to:
# a run that reaches it blocks, so a run given "many never.fifo" that
# ends has stopped before reaching it.
mkdir many
for i in $(seq -w 20); do
  for f in "$root"/corpus/*.txt; do cp "$f" "many/$i-${f##*/}"; done
done
mkfifo never.fifo
for i in $(seq 20); do cat "$root"/corpus/*.txt; done > large.txt

# --- 28: no input, standard input a terminal --------------------------
python3 - "$pactscan" "$root/tests/data/packs/mini" "$doc" <<'PY' > tty.out
import os, pty, subprocess, sys
pactscan, mini, doc = sys.argv[1:]
master, slave = pty.openpty()
def run(*args):
    try:
        return subprocess.run([pactscan, *args], stdin=slave, capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None
for name, args in (('scan', []), ('jsonl', ['--input', 'jsonl']), ('baseline', ['baseline'])):
    r = run(*args, '--rules', mini)
    print(name, r is not None and r.returncode == 2 and r.stdout == b'' and
          r.stderr.startswith(b'pactscan: no input; ') and b"Try 'pactscan --help'" in r.stderr)
r = run('--rules', mini, '-q', doc)
print('paths', r is not None and r.returncode == 0 and r.stderr == b'')
PY
check "a terminal on stdin, no paths: usage error, exit 2" grep -qx "scan True" tty.out
check "... with --input jsonl" grep -qx "jsonl True" tty.out
check "... pactscan baseline" grep -qx "baseline True" tty.out
check "a terminal on stdin, paths given: scans them" grep -qx "paths True" tty.out

# --- 29: piped into head -1 ------------------------------------------
for f in text jsonl json sarif csv junit; do
  timeout 20 "$pactscan" "${rules[@]}" --format $f many never.fifo 2> head.err | head -1 > head.out
  status=${PIPESTATUS[0]}
  check "head -1, $f: stops at its next write (SIGPIPE, no hang)" test "$status" = 141
  check "head -1, $f: one line out, nothing on stderr" test "$(wc -l < head.out)" = 1 -a ! -s head.err
done
# A caller that ignores SIGPIPE: the write fails with EPIPE instead.
for f in text json; do
  (trap '' PIPE; timeout 20 "$pactscan" "${rules[@]}" --format $f many never.fifo 2> head.err | head -1 > /dev/null
   echo "${PIPESTATUS[0]}" > head.status)
  check "head -1, SIGPIPE ignored, $f: stops, exit 2 (no hang)" test "$(cat head.status)" = 2
  check "head -1, SIGPIPE ignored, $f: no \"Broken pipe\", nothing on stderr" test ! -s head.err
done
# A FIFO no one writes to, queued behind documents whose report then
# fails: the worker waiting for its writer stops, and the run ends.
(trap '' PIPE; timeout 20 "$pactscan" "${rules[@]}" -j 2 --format jsonl "$doc" "$doc" "$doc" never.fifo 2> fifo.err | true
 echo "${PIPESTATUS[0]}" > fifo.status)
check "reader gone, a FIFO waiting behind, -j 2: exit 2 (no hang)" test "$(cat fifo.status)" = 2
check "reader gone, a FIFO waiting behind, -j 2: nothing on stderr" test ! -s fifo.err
# One large document (2 MB on stdin): reported when it is complete, so
# pactscan stops once it has scanned it, at its first write.
for j in 1 2; do
  timeout 120 "$pactscan" --rules "$root/rules" -j $j --format jsonl < large.txt 2> head.err | head -1 > head.out
  status=${PIPESTATUS[0]}
  check "head -1, large stdin, -j $j: stops (SIGPIPE, no hang)" test "$status" = 141
  check "head -1, large stdin, -j $j: nothing on stderr" test ! -s head.err
done

# --- 30: /dev/full, a closed stdout, short writes --------------------
nospace="pactscan: cannot write the report: No space left on device"
for f in "${formats[@]}"; do
  timeout 20 "$pactscan" "${rules[@]}" --format $f "$doc" > /dev/full 2> full.err
  check "/dev/full, $f: exit 2 with a message" test $? = 2 -a "$(cat full.err)" = "$nospace"
done
timeout 20 "$pactscan" "${rules[@]}" --format jsonl many never.fifo > /dev/full 2> full.err
check "/dev/full, many documents: stops at the first failed write (no hang)" test $? = 2
check "/dev/full, many documents: one message" test "$(cat full.err)" = "$nospace"
for cmd in list "lint $root/tests/data/packs/mini" --help --version; do
  read -r -a args <<< "$cmd"
  timeout 20 "$pactscan" "${args[@]}" > /dev/full 2> full.err
  check "/dev/full, pactscan $cmd: exit 2 with a message" \
    test $? = 2 -a "$(cat full.err)" = "pactscan: cannot write to standard output: No space left on device"
done

for f in "${formats[@]}"; do
  timeout 20 "$pactscan" "${rules[@]}" --format $f "$doc" >&- 2> closed.err
  status=$?
  check "stdout closed, $f: exit 2 (no crash)" test $status = 2
  check "stdout closed, $f: says so" grep -qx "pactscan: cannot write the report: Bad file descriptor" closed.err
done
timeout 20 "$pactscan" list >&- 2> closed.err
check "stdout closed, list: exit 2 with a message" \
  test $? = 2 -a "$(cat closed.err)" = "pactscan: cannot write to standard output: Bad file descriptor"
# Closed stderr: the next file opened used to take its number, and the
# messages went into the -o report.
timeout 20 "$pactscan" "${rules[@]}" --format json -o closed.json "$doc" no-such.txt 2>&-
check "stderr closed, -o: exit 3 for the missing file" test $? = 3
check "stderr closed, -o: the report is only the report" python3 -m json.tool closed.json /dev/null
timeout 20 "$pactscan" "${rules[@]}" <&- > closed.out 2> closed.err
check "stdin closed, no paths: exit 3 with a read error" \
  test $? = 3 -a "$(cat closed.err)" = "pactscan: <stdin>: read error: Bad file descriptor"

# A file size limit: the write that reaches it is short, the next fails
# with EFBIG (SIGXFSZ ignored, as it would be for a daemon).
for f in text json sarif; do
  (trap '' XFSZ; ulimit -f 16
   timeout 20 "$pactscan" "${rules[@]}" --format $f many > short.out 2> short.err; echo $? > short.status)
  check "short writes, $f: exit 2 with a message" \
    test "$(cat short.status)" = 2 -a "$(cat short.err)" = "pactscan: cannot write the report: File too large"
  check "short writes, $f: stopped at the limit" test "$(stat -c %s short.out)" -le 16384
  echo old > short.json
  (trap '' XFSZ; ulimit -f 16
   timeout 20 "$pactscan" "${rules[@]}" --format $f -o short.json many 2> short.err; echo $? > short.status)
  check "short writes, -o, $f: exit 2, the old file kept" test "$(cat short.status)" = 2 -a "$(cat short.json)" = old
  check "short writes, -o, $f: no temporary file left" test -z "$(ls -A | grep '^\.short\.json\.')"
done

# -o naming a device or a FIFO writes to it; renaming a file over it would
# replace it (as root, even /dev/null). Links keep the test inside $tmp.
ln -s /dev/full full.link
timeout 20 "$pactscan" "${rules[@]}" --format json -o full.link "$doc" 2> full.err
check "-o a link to /dev/full: exit 2 with a message" test $? = 2 -a -s full.err
check "-o a link to /dev/full: the link is left in place" test -L full.link -a "$(readlink full.link)" = /dev/full
ln -s /dev/null null.link
timeout 20 "$pactscan" "${rules[@]}" --format json -o null.link "$doc"
check "-o a link to /dev/null: exit 0" test $? = 0
check "-o a link to /dev/null: the link is left in place" test -L null.link -a -c /dev/null
mkfifo report.fifo
(timeout 20 cat report.fifo > fifo.out) &
timeout 20 "$pactscan" "${rules[@]}" --format json -o report.fifo "$doc"
status=$?
wait
timeout 20 "$pactscan" "${rules[@]}" --format json "$doc" > fifo.expected
check "-o FIFO: exit 0" test $status = 0
check "-o FIFO: the reader gets the report" cmp -s fifo.out fifo.expected
check "-o FIFO: still a FIFO" test -p report.fifo
mkdir outdir
timeout 20 "$pactscan" "${rules[@]}" -o outdir "$doc" > /dev/null 2> dir.err
check "-o a directory: exit 2 with a message" \
  test $? = 2 -a "$(cat dir.err)" = "pactscan: cannot write outdir: Is a directory"

finish
