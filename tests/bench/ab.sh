#!/usr/bin/env bash
# Compare the scanning speed of two builds of the library in one process.
#
#   tests/bench/ab.sh [--rounds N] [--piece-kib K] [--rules DIR] [--repeat-cache] A B FILE...
#
# A and B are git revisions, or "." for the working tree. See usage below
# and tests/bench/abscan.c.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: tests/bench/ab.sh [--rounds N] [--piece-kib K] [--rules DIR] [--repeat-cache] A B FILE...

Builds the library of A and of B (git revisions, or "." for the working
tree) as at meson's release settings, links both into one program with
tests/bench/abscan.c, and on each FILE scans it whole with each build
(their findings must be the same), then ROUNDS times (default 20) piece by
piece (K KiB, default 256), A and B by turns on each piece. Prints B's CPU
cycles over A's: over all rounds, and the median and quartiles of the
rounds' ratios. Below 1, B is faster. On a machine whose speed drifts,
this is steadier than timing two programs by turns: every piece is scanned
by both within a few milliseconds. It times the library only (no reading,
no output), with the rules of DIR (default: rules/ of the working tree),
on x86-64 (it reads the time-stamp counter). Exit 1 if the findings
differ; 2 for a revision that is none or a FILE it cannot read.

The scanners' repeat cache is off: every round scans the same text with
the same scanner, and the cache would answer the rounds after the first.
--repeat-cache leaves it on (builds from before it have none), to time
what it costs or saves: then give --rounds 1 and a FILE large enough for
many pieces.
USAGE
}

rounds=20 piece=256 rules='' cache=0
while [ $# -gt 0 ]; do
	case "$1" in
	--repeat-cache) cache=1; shift ;;
	--rounds) rounds=$2; shift 2 ;;
	--piece-kib) piece=$2; shift 2 ;;
	--rules) rules=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "ab.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	*) break ;;
	esac
done
if [ $# -lt 3 ]; then
	usage >&2
	exit 2
fi
top=$(git rev-parse --show-toplevel)
rules=${rules:-$top/rules}
rev_a=$1 rev_b=$2
shift 2
for rev in "$rev_a" "$rev_b"; do
	if [ "$rev" != . ] && ! git -C "$top" rev-parse --verify --quiet "$rev^{commit}" >/dev/null; then
		echo "ab.sh: '$rev' is no commit of this repository; give a revision (HEAD~1, a hash) or . for the working tree" >&2
		exit 2
	fi
done
for f in "$@"; do
	if [ ! -r "$f" ] || [ ! -s "$f" ]; then
		echo "ab.sh: $f: cannot read it, or it is empty; give text files to scan" >&2
		exit 2
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The tree of a revision ("." the working tree) under $tmp/$1.
tree() {
	mkdir -p "$tmp/$1"
	if [ "$2" = . ]; then
		mkdir -p "$tmp/$1/src"
		cp -r "$top/src/lib" "$tmp/$1/src/"
		cp -r "$top/include" "$tmp/$1/"
	else
		git -C "$top" archive "$2" src/lib include | tar -x -C "$tmp/$1"
	fi
}

# One relocatable object of a tree's library and the shim, its globals
# renamed with the prefix $1_ so that two can be linked together.
build() {
	local side=$1 dir=$tmp/$1 objs=()
	for f in "$dir"/src/lib/*.c "$top/tests/bench/abshim.c"; do
		local o=$dir/$(basename "$f" .c).o
		gcc -std=c11 -O3 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DPS_BUILDING_LIBRARY \
			-DAB_REPEAT_CACHE=$cache -fvisibility=hidden -I"$dir/include" -I"$dir/src/lib" -c "$f" -o "$o"
		objs+=("$o")
	done
	ld -r -o "$dir/all.o" "${objs[@]}"
	nm --defined-only "$dir/all.o" | awk -v p="$side" '$2 ~ /^[TDBR]$/ { print $3, p "_" $3 }' >"$dir/names"
	objcopy --redefine-syms="$dir/names" "$dir/all.o" "$tmp/$side.o"
}

tree A "$rev_a"
tree B "$rev_b"
build A
build B
gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$tmp/abscan" "$top/tests/bench/abscan.c" "$tmp/A.o" "$tmp/B.o" \
	$(pkg-config --libs libpcre2-8 yaml-0.1) -lpthread
# What a side is: its commit, and whether the working tree's changes are in.
describe() {
	if [ "$1" = . ]; then
		echo "the working tree (on $(git -C "$top" rev-parse --short HEAD))"
	else
		echo "$1 ($(git -C "$top" rev-parse --short "$1"))"
	fi
}
echo "A: $(describe "$rev_a")"
echo "B: $(describe "$rev_b")"
if [ $cache = 1 ]; then echo "repeat cache: on"; else echo "repeat cache: off"; fi
rc=0
for f in "$@"; do
	echo "== $f"
	"$tmp/abscan" "$rules" "$f" "$rounds" "$piece" || rc=1
done
exit $rc
