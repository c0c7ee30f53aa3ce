#!/usr/bin/env bash
# End-to-end tests of the pactscan command line.
#
# Each directory under cases/ is one test: `args` (one argument per line),
# optional `stdin`, and the expected `stdout`, `stderr` and `status`. The
# command runs in tests/data, so paths in its output are short and stable.
#
# usage: run.sh PACTSCAN [CASE...]     UPDATE=1 rewrites the expected files
#        (review the diff before committing them).
set -u
pactscan=$(realpath "$1"); shift
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=("$here"/cases/*/)
for dir in "${cases[@]}"; do
  dir=${dir%/}; name=$(basename "$dir")
  mapfile -t args < "$dir/args"
  input=/dev/null; [ -f "$dir/stdin" ] && input="$dir/stdin"
  (cd "$data" && env -u PACTSCAN_RULES NO_COLOR=1 timeout 20 "$pactscan" "${args[@]}" \
      < "$input" > "$tmp/stdout" 2> "$tmp/stderr"; echo $? > "$tmp/status")
  if [ "${UPDATE:-}" = 1 ]; then
    cp "$tmp/stdout" "$tmp/stderr" "$tmp/status" "$dir/"
  fi
  ok=1
  for f in status stdout stderr; do
    if ! diff -u --label "expected $name/$f" --label "actual $name/$f" "$dir/$f" "$tmp/$f" > "$tmp/diff"; then
      ok=0; cat "$tmp/diff"
    fi
  done
  if [ $ok = 1 ]; then passed=$((passed+1)); echo "ok   $name"; else failed=$((failed+1)); echo "FAIL $name"; fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
