#!/usr/bin/env bash
# Rule files that are not what they should be (bad-input.md entry 12): a
# file over the 4 MiB cap, a FIFO, /dev/zero, a directory where a file is
# expected, a file the user cannot read. Each, given as --rules or named by
# a pack, is an error naming the file, exit 2 and nothing scanned, and none
# of them hangs (each run is under `timeout`; 124 would be a hang).
#
# usage: faults_rules.sh PACTSCAN SOURCE_ROOT
set -u
. "$(dirname "$0")/lib.sh"
doc="$root/tests/data/docs/gaza.txt"
cd "$tmp" || exit 1

# A copy of the mini pack (pack.yaml names terms.yaml and clauses/*.yaml).
pack() { cp -r "$root/tests/data/packs/mini" "$1"; }
# run NAME [USER] -- ARGS: pactscan's status, stdout and stderr in NAME.*.
run() {
  local name=$1; shift
  local as=()
  [ "$1" = nobody ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  shift
  timeout 20 "${as[@]}" "$pactscan" "$@" > "$name.out" 2> "$name.err" < /dev/null
  echo $? > "$name.status"
}
# expect NAME WHAT MESSAGE: exit 2, nothing on stdout, MESSAGE on stderr.
expect() {
  local name=$1 what=$2 message=$3
  check "$what: exit 2 (no hang)" test "$(cat "$name.status")" = 2
  check "$what: nothing scanned" test ! -s "$name.out"
  if ! grep -qF -- "$message" "$name.err"; then
    echo "  expected on stderr: $message"; sed 's/^/  stderr: /' "$name.err"
  fi
  check "$what: says why" grep -qF -- "$message" "$name.err"
}

# Over the cap: 4.5 MB of comments, a valid YAML file but for its size.
pack big
yes '# padding' | head -c 4500000 > big/clauses/huge.yaml
run big - --rules big "$doc"
expect big "a pack file over 4 MiB" "big/clauses/huge.yaml: error: the file is 4500000 bytes, over the limit of 4194304"
run bigfile - --rules big/clauses/huge.yaml "$doc"
expect bigfile "--rules FILE over 4 MiB" "big/clauses/huge.yaml: error: the file is 4500000 bytes"

# A FIFO nobody writes to: opening it must not wait for a writer.
mkfifo rules.fifo
run fifo - --rules rules.fifo "$doc"
expect fifo "--rules FIFO" "rules.fifo: error: is not a regular file"
pack fifopack
mkfifo fifopack/clauses/late.yaml
run fifopack - --rules fifopack "$doc"
expect fifopack "a FIFO in a pack" "fifopack/clauses/late.yaml: error: is not a regular file"
run lintfifo - lint fifopack
expect lintfifo "lint: a FIFO in a pack" "fifopack/clauses/late.yaml: error: is not a regular file"

# An endless device, directly and through a link named by the pack.
run zero - --rules /dev/zero "$doc"
expect zero "--rules /dev/zero" "/dev/zero: error: is not a regular file"
pack zeropack
rm zeropack/terms.yaml; ln -s /dev/zero zeropack/terms.yaml
run zeropack - --rules zeropack "$doc"
expect zeropack "a pack file linked to /dev/zero" "zeropack/terms.yaml: error: is not a regular file"

# A directory where a file is expected.
pack dirpack
rm dirpack/terms.yaml; mkdir dirpack/terms.yaml
run dirpack - --rules dirpack "$doc"
expect dirpack "a directory named as a pack file" "dirpack/terms.yaml: error: is a directory"
pack globdir
mkdir globdir/clauses/nested.yaml
run globdir - --rules globdir "$doc"
expect globdir "a directory matched by a pack's glob" "globdir/clauses/nested.yaml: error: is a directory"
mkdir nopack
run nopack - --rules nopack "$doc"
expect nopack "--rules DIR without pack.yaml" "nopack: error: no pack.yaml in this directory"

# Unreadable: root reads everything, so root runs these as nobody.
as=-
if [ "$(id -u)" = 0 ]; then
  as=nobody
  chmod 755 "$tmp"
  if ! command -v setpriv > /dev/null; then
    as=skip; echo "skip unreadable rule files: setpriv (util-linux) is not installed"
  elif ! setpriv --reuid=65534 --regid=65534 --clear-groups true 2> /dev/null; then
    as=skip; echo "skip unreadable rule files: setpriv cannot change the user here"
  fi
fi
if [ "$as" != skip ]; then
  pack locked
  chmod -R a+rX locked
  chmod 000 locked/clauses/withdrawal.yaml
  run locked "$as" --rules locked "$doc"
  expect locked "an unreadable pack file" "cannot read 'locked/clauses/withdrawal.yaml': Permission denied"
  run lockedfile "$as" --rules locked/clauses/withdrawal.yaml "$doc"
  expect lockedfile "--rules FILE unreadable" \
    "locked/clauses/withdrawal.yaml: error: cannot read the rule file: Permission denied"
  # The loader (src/lib/ruleset.c, ps_ruleset_load) tests pack.yaml with
  # access(F_OK) and reports EACCES as "no pack.yaml in this directory";
  # this checks only the name and the status until it tells the two apart.
  chmod 000 locked
  run lockeddir "$as" --rules locked "$doc"
  expect lockeddir "an unreadable pack directory" "locked: error: "
  chmod 755 locked
fi

finish
