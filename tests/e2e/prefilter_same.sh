#!/usr/bin/env bash
# The prefilter must not change a single finding: scan the corpus (and any
# further paths given) with and without it and compare the JSON Lines.
set -u
pactscan=$1; shift
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
for input in "$@"; do
  "$pactscan" --format jsonl "$input" > "$tmp/fast" 2>/dev/null
  "$pactscan" --format jsonl --no-prefilter "$input" > "$tmp/plain" 2>/dev/null
  n=$(grep -c '"type":"finding"' "$tmp/plain")
  if cmp -s "$tmp/fast" "$tmp/plain" && [ "$n" -gt 0 ]; then
    passed=$((passed+1)); echo "ok   $input: $n findings, identical"
  else
    failed=$((failed+1)); echo "FAIL $input: the prefilter changed the output ($n findings without it)"
    diff "$tmp/plain" "$tmp/fast" | head -20
  fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
