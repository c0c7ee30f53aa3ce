#!/usr/bin/env bash
# The walk holds each directory open and opens and stats the files in it
# by their base names; files waiting for a worker (or for the pack to
# load) keep their directory open, up to a cap of a quarter of the
# descriptor limit, past which files are opened by their paths. A tree of
# 121 directories and 300 files, named with a trailing slash, with a link
# to a directory: with -j 1 and -j 2, under the default descriptor limit
# and under `ulimit -n 24` (six directories held at most), every document
# is reported once, in the walk's order, with its findings and no
# message; the four reports are the same; with --follow the link's files
# are read under the link's name, and without it they are not. A
# directory that can be read but not searched has each of its files
# reported unreadable, as when files were opened by their paths.
#
# usage: walk_dirs_held.sh PACTSCAN SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
rules=(--rules "$root/tests/data/packs/mini")
cd "$tmp" || exit 1

python3 - <<'PY'
import os
for d in range(60):
    top = f'tree/d{d:03d}'
    os.makedirs(f'{top}/s')
    for name in ('a', 'b'):
        with open(f'{top}/{name}.txt', 'w') as f:
            f.write(f'Report {d}{name}. The markets were calm.\n')
    for name in ('x', 'y', 'z'):
        with open(f'{top}/s/{name}.txt', 'w') as f:
            f.write(f'Report {d}{name}. Israeli troops withdrew from Gaza City.\n' if name == 'y'
                    else f'Report {d}{name}. Rain fell in the north.\n')
os.symlink('d007/s', 'tree/link')
PY

# expect.py REPORT FOLLOW: the documents in the walk's order, each with its finding.
cat > expect.py <<'PY'
import json, sys
report, follow = json.load(open(sys.argv[1])), sys.argv[2] == 'yes'
want = []
for d in range(60):
    want += [f'tree/d{d:03d}/{n}.txt' for n in ('a', 'b')]
    want += [f'tree/d{d:03d}/s/{n}.txt' for n in ('x', 'y', 'z')]
# "link" sorts after every "dNNN".
if follow:
    want += [f'tree/link/{n}.txt' for n in ('x', 'y', 'z')]
docs = report['documents']
print('order', [x['doc'] for x in docs] == want)
print('status', all(x['status'] == 'ok' for x in docs))
found = sorted(x['doc'] for x in docs if x.get('findings'))
print('findings', found == sorted(w for w in want if w.endswith('/y.txt')))
PY

# run NAME LIMIT ARGS...: pactscan with at most LIMIT descriptors (or the default).
run() {
  local name=$1 limit=$2; shift 2
  (
    [ "$limit" = default ] || ulimit -n "$limit"
    timeout 60 "$pactscan" "${rules[@]}" --format json "$@" > "$name.out" 2> "$name.err" < /dev/null
    echo $? > "$name.status"
  )
}

for limit in default 24; do
  for jobs in 1 2; do
    name=r$jobs-$limit
    run "$name" "$limit" -j "$jobs" tree/
    check "-j $jobs, $limit descriptors: exit 0" test "$(cat "$name.status")" = 0
    check "-j $jobs, $limit descriptors: no message" test ! -s "$name.err"
    python3 expect.py "$name.out" no > "$name.check"
    check "-j $jobs, $limit descriptors: 300 documents in the walk's order" grep -qx "order True" "$name.check"
    check "-j $jobs, $limit descriptors: each one scanned" grep -qx "status True" "$name.check"
    check "-j $jobs, $limit descriptors: the 60 findings" grep -qx "findings True" "$name.check"
  done
done
check "-j 1 and -j 2, either limit: the same report" \
  bash -c 'cmp -s r1-default.out r2-default.out && cmp -s r1-default.out r1-24.out && cmp -s r1-default.out r2-24.out'

for limit in default 24; do
  for jobs in 1 2; do
    name=f$jobs-$limit
    run "$name" "$limit" -j "$jobs" --follow tree/
    check "--follow, -j $jobs, $limit descriptors: exit 0" test "$(cat "$name.status")" = 0
    python3 expect.py "$name.out" yes > "$name.check"
    check "--follow, -j $jobs, $limit descriptors: the link's files too, under its name" \
      grep -qx "order True" "$name.check"
    check "--follow, -j $jobs, $limit descriptors: the 61 findings" grep -qx "findings True" "$name.check"
  done
done
# A directory that can be read but not searched: its names are listed,
# and each of its files is reported unreadable on its own (not the
# directory once). Root searches everything: run as nobody.
as=()
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2> /dev/null; then
    as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  fi
fi
if [ "$(id -u)" != 0 ] || [ ${#as[@]} -gt 0 ]; then
  chmod 755 "$tmp"
  mkdir listed
  printf 'Report. Israeli troops withdrew from Gaza City.\n' > listed/a.txt
  printf 'Report. Rain fell.\n' > listed/b.txt
  chmod 644 listed/*.txt
  chmod 444 listed
  printf 'pactscan: listed/a.txt: skipped: Permission denied\npactscan: listed/b.txt: skipped: Permission denied\n' > listed.want
  for jobs in 1 2; do
    timeout 60 "${as[@]}" "$pactscan" "${rules[@]}" -j "$jobs" --format json listed > "listed$jobs.out" 2> "listed$jobs.err" < /dev/null
    echo $? > "listed$jobs.status"
    check "a directory not searchable, -j $jobs: exit 3" test "$(cat "listed$jobs.status")" = 3
    check "a directory not searchable, -j $jobs: each file reported, in order" cmp -s listed.want "listed$jobs.err"
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print([d["doc"] for d in r["documents"]])' \
      "listed$jobs.out" > "listed$jobs.docs"
    check "a directory not searchable, -j $jobs: two documents, skipped" \
      grep -qxF "['listed/a.txt', 'listed/b.txt']" "listed$jobs.docs"
  done
  chmod 755 listed
else
  echo "skip the directory that cannot be searched: running as root, and setpriv (util-linux) is missing or not permitted"
fi
finish
