#!/usr/bin/env bash
# One large document scanned in pieces on several threads reports exactly
# what one thread reports: the corpus's reports run together into one
# document of several megabytes, read from a file and from standard input,
# in three formats; one of paragraphs longer than the window a cut is first
# looked for in; and a document with no place to cut at all.
set -u
pactscan=$1 corpus=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {
  if cmp -s "$tmp/a" "$tmp/b"; then passed=$((passed+1)); echo "ok   $1"
  else failed=$((failed+1)); echo "FAIL $1"; diff "$tmp/a" "$tmp/b" | head -10; fi
}
for i in $(seq 1 25); do cat "$corpus"/*.txt; done > "$tmp/big.txt"
for fmt in jsonl text sarif; do
  "$pactscan" -j 1 --format "$fmt" "$tmp/big.txt" > "$tmp/a" 2>&1
  "$pactscan" -j 3 --format "$fmt" "$tmp/big.txt" > "$tmp/b" 2>&1
  check "file, $fmt: -j 3 = -j 1"
done
"$pactscan" -j 1 --format jsonl < "$tmp/big.txt" > "$tmp/a" 2>&1
"$pactscan" -j 2 --format jsonl < "$tmp/big.txt" > "$tmp/b" 2>&1
check "stdin, jsonl: -j 2 = -j 1"
n=$(grep -c '"type":"finding"' "$tmp/a")
[ "$n" -gt 1000 ] && { passed=$((passed+1)); echo "ok   $n findings compared"; } || { failed=$((failed+1)); echo "FAIL only $n findings"; }
# Paragraphs of about 35 KB, a blank line after each: often no cut within
# the first window past a piece's length, so the cut is looked for further
# on.
awk '{ printf "%s ", $0 } NR % 600 == 0 { print "\n" }' "$tmp/big.txt" > "$tmp/long.txt"
"$pactscan" -j 1 --format jsonl "$tmp/long.txt" > "$tmp/a" 2>&1
"$pactscan" -j 2 --format jsonl "$tmp/long.txt" > "$tmp/b" 2>&1
check "long paragraphs, jsonl: -j 2 = -j 1"
# No line ends at all: nowhere to cut, so one worker reads it through.
{ yes 'markets rose, and the talks went on. ' | head -c 80000000 | tr -d '\n'
  printf 'In Gaza, Israeli troops withdrew from the city.'; } > "$tmp/flat.txt"
"$pactscan" -j 1 --format summary "$tmp/flat.txt" > "$tmp/a" 2>&1
"$pactscan" -j 2 --format summary "$tmp/flat.txt" > "$tmp/b" 2>&1
check "80 MB with no place to cut: -j 2 = -j 1"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
