#!/usr/bin/env bash
# A stream on standard input is one document, however long; its findings
# are reported as they are found, so peak memory stays under 32 MB however
# many it holds, with one thread and with two, in each format given, and
# two threads write exactly what one writes. (html held its page in memory
# until it moved to spools: 12 MB half findings peaked at 130 MB.) The stream is generated as it is read: a paragraph where
# nearly every sentence has a finding (LF and CRLF, multi-byte characters,
# a sentence that starts mid-line), repeated, then prose outside the
# setting, in turn. Before findings streamed, 16 MB of it half and half
# peaked at 65 MB with one thread and 105 MB with two.
#
# usage: stream_memory.sh PACTSCAN SIZE_MB DENSE_PERCENT FORMAT...
# Under a sanitizer, or without /usr/bin/time, memory is not checked.
set -u
pactscan=$(realpath "$1") size_mb=$2 dense=$3; shift 3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed+1)); echo "ok   $name"; else failed=$((failed+1)); echo "FAIL $name"; fi
}
max_rss_kb=32768

cat > "$tmp/paragraph.txt" <<'EOF'
Calm returned — for now. In Gaza, Israeli troops withdrew from the city, and aid trucks crossed at Rafah.
Hamas said it would not lay down its weapons, according to a spokesman in Doha.
The ceasefire may collapse, officials warned, as strikes hit Khan Younis on Sunday.
Israel released 250 prisoners — among them dozens serving life terms — in exchange for the hostages.
The remains of four hostages were returned to Israel late on Tuesday.
No one will be forced to leave Gaza, the mediators said.
EOF
cat > "$tmp/stream.py" <<'EOF'
import sys
size, dense = int(sys.argv[1]) << 20, int(sys.argv[2])
para = open(sys.argv[3], 'rb').read()
para += para.replace(b'\n', b'\r\n')
calm = b'The weather was mild and the markets were calm today.\n'
block = 1 << 20
findings_part = para * (block * dense // 100 // len(para))
calm_part = calm * (block * (100 - dense) // 100 // len(calm))
out = sys.stdout.buffer
for _ in range(size // block):
    out.write(findings_part)
    out.write(calm_part)
EOF
stream() { python3 "$tmp/stream.py" "$size_mb" "$dense" "$tmp/paragraph.txt"; }

measure=()
if grep -qa -e __asan_init -e __tsan_init "$pactscan"; then
  echo "# built with a sanitizer: memory not checked"
elif [ -x /usr/bin/time ]; then
  measure=(/usr/bin/time -v -o)
else
  echo "# /usr/bin/time is missing (Debian package time): memory not checked"
fi

for format in "$@"; do
  for j in 1 2; do
    run=$format.j$j
    timer=()
    [ ${#measure[@]} -gt 0 ] && timer=("${measure[@]}" "$tmp/time.$run")
    stream | "${timer[@]}" "$pactscan" -j $j --format "$format" 2> "$tmp/err.$run" \
      | if [ "$format" = summary ]; then tee "$tmp/out.$run"; else cat; fi | sha256sum > "$tmp/sum.$run"
    status=${PIPESTATUS[1]}
    check "$format -j $j: exit 0, nothing on stderr" test "$status" = 0 -a ! -s "$tmp/err.$run"
    if [ ${#timer[@]} -gt 0 ]; then
      rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tmp/time.$run")
      echo "# $format -j $j: peak RSS $rss kB"
      check "$format -j $j: peak RSS under 32 MB" test "${rss:-$max_rss_kb}" -lt $max_rss_kb
    fi
  done
  check "$format: -j 2 writes what -j 1 writes" cmp -s "$tmp/sum.$format.j1" "$tmp/sum.$format.j2"
  if [ "$format" = summary ]; then
    # About 12,000 findings in each MB of the paragraph's copies.
    found=$(sed -n 's/^\([0-9]*\) findings in .*/\1/p' "$tmp/out.summary.j1")
    echo "# $found findings"
    check "summary: every finding counted" test "${found:-0}" -gt $((size_mb * dense * 100))
  fi
done

echo "$passed passed, $failed failed"
[ $failed = 0 ]
