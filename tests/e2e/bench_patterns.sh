#!/usr/bin/env bash
# The benchmark's baseline must take the shipped pack's patterns: rg's own
# engine, with --no-unicode -i, accepts them as tests/bench/rgpat.py
# converts them (a rule with an em dash in a class once stopped the
# benchmark). Skipped (exit 77) where ripgrep is not installed.
# usage: bench_patterns.sh PACTSCAN SOURCE_ROOT
set -u
pactscan=$1 root=$2
command -v rg >/dev/null 2>&1 || { echo "# ripgrep is not installed: skipped"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$pactscan" list --patterns "$root/rules" > "$tmp/patterns.txt" || { echo "FAIL pactscan list --patterns"; exit 1; }
python3 "$root/tests/bench/rgpat.py" rust "$tmp/patterns.txt" "$tmp/rust.txt" > "$tmp/conv.txt" || { echo "FAIL rgpat.py rust"; exit 1; }
echo "# $(cat "$tmp/conv.txt")"
printf 'Israeli troops withdrew from Gaza City on Monday.\n' > "$tmp/text.txt"
rc=0
rg --no-unicode -i -c -f "$tmp/rust.txt" "$tmp/text.txt" > "$tmp/out.txt" 2> "$tmp/err.txt" || rc=$?
if [ $rc != 0 ]; then
  echo "FAIL rg refuses the converted patterns (exit $rc): $(grep -m1 -i error "$tmp/err.txt")"
  exit 1
fi
if [ "$(cat "$tmp/out.txt")" != 1 ]; then
  echo "FAIL rg counted '$(cat "$tmp/out.txt")' matching lines in a line about the setting, not 1"
  exit 1
fi
echo "ok   rg takes the pack's patterns as converted, and matches a sentence about the setting"
