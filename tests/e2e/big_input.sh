#!/usr/bin/env bash
# An input over 4 GiB, streamed (bad-input.md entry 24): 4.4 GB of prose
# outside the setting, generated on the fly and piped to one thread. The
# report counts every byte (no 32-bit wrap at 4 GiB) and every sentence,
# and the peak RSS stays under 64 MB: memory does not grow with the input.
# About 100 s on one core; the 'slow' suite, built with -Dslow_tests=true.
#
# usage: big_input.sh PACTSCAN
set -u
pactscan=$(realpath "$1")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed+1)); echo "ok   $name"; else failed=$((failed+1)); echo "FAIL $name"; fi
}
cd "$tmp" || exit 1

sentence='The weather was mild and the markets were calm today.'
size=4400000000                  # 4 GiB is 4294967296
max_rss_kb=65536

measure=()
if [ -x /usr/bin/time ]; then
  measure=(/usr/bin/time -v -o time.txt)
else
  echo "skip the memory check: /usr/bin/time is missing (Debian package time)"
fi
start=$(date +%s)
yes "$sentence" | head -c $size | "${measure[@]}" "$pactscan" -j 1 --format json > report.json 2> err.txt
status=${PIPESTATUS[2]}
echo "# $(( $(date +%s) - start )) s for $size bytes"
check "exit 0" test "$status" = 0
check "nothing on stderr" test ! -s err.txt

python3 - "$size" "${#sentence}" <<'PY' > check.out
import json, sys
size, width = int(sys.argv[1]), int(sys.argv[2]) + 1   # a sentence and its newline
report = json.load(open('report.json'))
doc, s = report['documents'][0], report['summary']
print('bytes', s['bytes'] == size and doc['bytes'] == size)
print('sentences', s['sentences'] == -(-size // width) == doc['sentences'])
print('findings', s['findings'] == 0 and doc['status'] == 'ok')
print('#', 'bytes', s['bytes'], 'sentences', s['sentences'])
PY
grep '^#' check.out
check "the report counts every byte ($size, over 4 GiB)" grep -qx "bytes True" check.out
check "... and every sentence" grep -qx "sentences True" check.out
check "no findings in prose outside the setting, scanned to the end" grep -qx "findings True" check.out
if [ ${#measure[@]} -gt 0 ]; then
  rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' time.txt)
  echo "# peak RSS $rss kB"
  check "peak RSS under 64 MB" test "${rss:-$max_rss_kb}" -lt $max_rss_kb
fi

echo "$passed passed, $failed failed"
[ $failed = 0 ]
