#!/usr/bin/env bash
# tests/bench/ab.sh builds two revisions' libraries into one program and
# compares their cycles: on the corpus, HEAD against itself must find the
# same findings (some) and print a ratio; a revision that is none and a
# file that cannot be read are refused with exit 2 before anything is
# built. Skipped (exit 77) outside a git checkout.
# usage: bench_ab.sh SOURCE_ROOT
set -u
root=$1
git -C "$root" rev-parse --verify --quiet HEAD >/dev/null 2>&1 || { echo "# not a git checkout: skipped"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat "$root"/corpus/*.txt > "$tmp/corpus.txt"
fail=0
cd "$root" || exit 1
rc=0
tests/bench/ab.sh --rounds 2 --piece-kib 16 HEAD HEAD "$tmp/corpus.txt" > "$tmp/out.txt" 2> "$tmp/err.txt" || rc=$?
if [ $rc != 0 ]; then
	echo "FAIL ab.sh HEAD HEAD exited $rc: $(tail -3 "$tmp/err.txt" "$tmp/out.txt")"
	fail=1
elif ! grep -Eq '^findings: A ([1-9][0-9]*), B \1, the same$' "$tmp/out.txt"; then
	echo "FAIL ab.sh HEAD HEAD: no line of the same, non-zero findings: $(cat "$tmp/out.txt")"
	fail=1
elif ! grep -Eq '^B/A cycles: [0-9]+\.[0-9]{4} over all 2 rounds' "$tmp/out.txt"; then
	echo "FAIL ab.sh HEAD HEAD: no ratio of cycles: $(cat "$tmp/out.txt")"
	fail=1
elif ! grep -qx 'repeat cache: off' "$tmp/out.txt"; then
	echo "FAIL ab.sh HEAD HEAD: does not say the repeat cache is off: $(cat "$tmp/out.txt")"
	fail=1
else
	echo "ok   ab.sh HEAD HEAD: $(grep -E '^(findings|B/A)' "$tmp/out.txt" | tr '\n' ' ')"
fi
# With the cache on, one round: the same findings, and said so.
rc=0
tests/bench/ab.sh --repeat-cache --rounds 1 --piece-kib 16 HEAD . "$tmp/corpus.txt" > "$tmp/out.txt" 2> "$tmp/err.txt" || rc=$?
if [ $rc != 0 ] || ! grep -qx 'repeat cache: on' "$tmp/out.txt" ||
	! grep -Eq '^findings: A ([1-9][0-9]*), B \1, the same$' "$tmp/out.txt"; then
	echo "FAIL ab.sh --repeat-cache HEAD .: exit $rc: $(cat "$tmp/out.txt" "$tmp/err.txt")"
	fail=1
else
	echo "ok   ab.sh --repeat-cache HEAD .: $(grep -E '^(repeat|findings)' "$tmp/out.txt" | tr '\n' ' ')"
fi
# Refused before any build.
for bad in "no-such-revision . $tmp/corpus.txt" "HEAD . $tmp/missing.txt"; do
	rc=0
	# shellcheck disable=SC2086
	tests/bench/ab.sh $bad > "$tmp/out.txt" 2> "$tmp/err.txt" || rc=$?
	if [ $rc != 2 ] || ! grep -q '^ab.sh: ' "$tmp/err.txt"; then
		echo "FAIL ab.sh $bad: exit $rc (want 2 and a message): $(cat "$tmp/err.txt")"
		fail=1
	else
		echo "ok   ab.sh $bad: $(cat "$tmp/err.txt")"
	fi
done
exit $fail
