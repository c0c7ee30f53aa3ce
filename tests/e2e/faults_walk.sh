#!/usr/bin/env bash
# Directory walks over paths that cannot be scanned (bad-input.md entry
# 26): a FIFO, a UNIX socket, a device node, an unreadable file, a dangling
# link, a link loop, a link to a FIFO, and a file that vanishes after the
# walk listed it. Each gets a message on stderr naming it, every other
# document is still scanned, all are counted in the summary (json and
# text), the run exits 3, and nothing hangs (each run is under `timeout`).
#
# usage: faults_walk.sh PACTSCAN SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
rules=(--rules "$root/tests/data/packs/mini")
cd "$tmp" || exit 1
chmod 755 "$tmp"

# Root reads everything: run as nobody, so the unreadable file is.
as=()
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2> /dev/null; then
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  else
    echo "skip the unreadable file: running as root, and setpriv (util-linux) is missing or not permitted"
  fi
fi

# The tree: two documents to scan, and the paths that cannot be.
mkdir tree
cp "$root/tests/data/docs/gaza.txt" tree/a-gaza.txt
cp "$root/tests/data/docs/other.txt" tree/z-other.txt
bad=()                           # name|reason, as stderr and the json errors give them
mkfifo tree/fifo.txt && bad+=("fifo.txt|not a regular file")
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' tree/socket.txt &&
  bad+=("socket.txt|not a regular file")
if mknod tree/device.txt c 1 3 2> /dev/null; then
  bad+=("device.txt|not a regular file")
else
  echo "skip the device node: mknod is not permitted here"
fi
ln -s nowhere.txt tree/dangling.txt && bad+=("dangling.txt|No such file or directory")
ln -s self.txt tree/self.txt && bad+=("self.txt|Too many levels of symbolic links")
ln -s fifo.txt tree/to-fifo.txt && bad+=("to-fifo.txt|not a regular file")
if [ ${#as[@]} -gt 0 ] || [ "$(id -u)" != 0 ]; then
  echo 'Troops withdrew from Rafah.' > tree/locked.txt
  chmod 000 tree/locked.txt && bad+=("locked.txt|Permission denied")
fi
# A link to the directory itself: with --follow, a loop, reported and counted.
ln -s . tree/up

# run NAME ARGS...: pactscan under timeout, as nobody when root.
run() {
  local name=$1; shift
  timeout 20 "${as[@]}" "$pactscan" "${rules[@]}" "$@" > "$name.out" 2> "$name.err" < /dev/null
  echo $? > "$name.status"
}

for jobs in 1 2; do
  run json$jobs -j $jobs --follow --format json tree
  check "-j $jobs: exit 3 (and no hang)" test "$(cat json$jobs.status)" = 3
  for entry in "${bad[@]}"; do
    name=${entry%%|*} reason=${entry#*|}
    check "-j $jobs: $name: a message naming it" grep -qxF "pactscan: tree/$name: skipped: $reason" json$jobs.err
  done
  check "-j $jobs: the link loop is reported" grep -qF "tree/up: not followed: it leads back" json$jobs.err
  check "-j $jobs: nothing else on stderr" test "$(wc -l < json$jobs.err)" = $((${#bad[@]} + 1))
  python3 - json$jobs.out "${bad[@]}" <<'PY' > check.out
import json, sys
report = json.load(open(sys.argv[1]))
bad = dict(entry.split('|', 1) for entry in sys.argv[2:])
docs = {d['doc']: d for d in report['documents']}
errors = {e['doc']: e for e in report['errors']}
s = report['summary']
print('scanned', all(docs[f'tree/{n}']['status'] == 'ok' for n in ('a-gaza.txt', 'z-other.txt')))
print('findings', len(docs['tree/a-gaza.txt']['findings']) == 3)
print('errors', sorted(errors) == sorted(f'tree/{n}' for n in bad)
      and all(errors[f'tree/{n}']['reason'] == r for n, r in bad.items()))
print('counted', s['documents'] == 2 + len(bad) and s['scanned'] == 2 and s['skipped'] == len(bad))
unreadable = sum(r not in ('not a regular file',) for r in bad.values())
print('kinds', s['skips']['unreadable'] == unreadable and s['skips']['other'] == len(bad) - unreadable)
print('loop', s['loops'] == 1)
PY
  check "-j $jobs: both documents scanned" grep -qx "scanned True" check.out
  check "-j $jobs: their findings reported" grep -qx "findings True" check.out
  check "-j $jobs: json errors list each path with its reason" grep -qx "errors True" check.out
  check "-j $jobs: json summary counts them" grep -qx "counted True" check.out
  check "-j $jobs: ... by kind" grep -qx "kinds True" check.out
  check "-j $jobs: ... and the loop" grep -qx "loop True" check.out
done
check "-j 1 and -j 2: the same report" cmp -s json1.out json2.out
check "-j 1 and -j 2: the same messages" cmp -s json1.err json2.err

run summary --follow --format summary tree
check "summary: exit 3" test "$(cat summary.status)" = 3
check "summary: counts every document" \
  grep -qx "$((2 + ${#bad[@]})) documents: 2 scanned, ${#bad[@]} skipped, 0 incomplete" summary.out
check "summary: lists each skipped path" \
  test "$(grep -c '^skipped  *-  *-  *tree/' summary.out)" = ${#bad[@]}

# A file that vanishes after the walk listed and examined it, before a
# worker opens it. Two FIFOs named first hold both workers (-j 2) until
# the walk has queued the directory; the file is removed, then the FIFOs
# are fed. (With -j 1 the file is opened right after it is examined; a
# file removed before that is the dangling link's case above.)
mkdir vanish
for i in 1 2 3 4 5; do cp "$root/tests/data/docs/gaza.txt" vanish/doc$i.txt; done
chmod -R a+rX vanish
mkfifo hold1 hold2
( timeout 20 "${as[@]}" "$pactscan" "${rules[@]}" -j 2 --format json hold1 hold2 vanish > vanish.out 2> vanish.err
  echo $? > vanish.status ) &
timeout 20 bash -c 'exec 3> hold1 4> hold2
  sleep 1                        # the walk queues vanish/ in microseconds
  rm vanish/doc3.txt
  echo "Troops withdrew from Gaza City." >&3
  echo "Troops withdrew from Rafah." >&4'
wait
check "vanished: exit 3" test "$(cat vanish.status)" = 3
check "vanished: a message naming it" \
  grep -qxF "pactscan: vanish/doc3.txt: skipped: No such file or directory" vanish.err
python3 - vanish.out <<'PY' > check.out
import json, sys
report = json.load(open(sys.argv[1]))
status = {d['doc']: d['status'] for d in report['documents']}
s = report['summary']
print('scanned', [n for n, st in status.items() if st == 'ok']
      == ['hold1', 'hold2'] + [f'vanish/doc{i}.txt' for i in (1, 2, 4, 5)])
print('counted', s['documents'] == 7 and s['scanned'] == 6 and s['skips']['unreadable'] == 1)
PY
check "vanished: every other document scanned, in order" grep -qx "scanned True" check.out
check "vanished: counted as unreadable" grep -qx "counted True" check.out

finish
