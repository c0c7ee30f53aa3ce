#!/usr/bin/env bash
# The loader and the JSON Schema must agree: every fixture the schema rejects,
# `pactscan lint` rejects for a reason of its own (not merely because a
# fragment holds no clause), and every fixture the schema accepts loads, or
# fails only because it is a fragment without a clause.
set -u
pactscan=$1 root=$2
passed=0 failed=0
# Errors that only the whole pack can settle: a fragment names lexicons or
# files defined elsewhere, or holds no clause.
fragment="the rules define no clause|no lexicon named|matches no file|does not exist"
for f in "$root"/tests/data/schema/bad/*.yaml; do
  err=$("$pactscan" lint "$f" 2>&1 >/dev/null); rc=$?
  reasons=$(printf '%s\n' "$err" | grep ': error: ' | grep -Ev "$fragment")
  if [ $rc = 2 ] && [ -n "$reasons" ]; then passed=$((passed+1))
  else failed=$((failed+1)); echo "FAIL $f: the schema rejects it, the loader does not (exit $rc)"; printf '%s\n' "$err"; fi
done
for f in "$root"/tests/data/schema/good/*.yaml; do
  err=$("$pactscan" lint "$f" 2>&1 >/dev/null); rc=$?
  others=$(printf '%s\n' "$err" | grep ': error: ' | grep -Ev "$fragment")
  if [ $rc = 0 ] || { [ $rc = 2 ] && [ -z "$others" ]; }; then passed=$((passed+1))
  else failed=$((failed+1)); echo "FAIL $f: the schema accepts it, the loader does not"; printf '%s\n' "$err"; fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
