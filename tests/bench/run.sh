#!/usr/bin/env bash
# pactscan benchmark: throughput against `cat` and ripgrep, one thread and
# every core, peak memory (also on a 1 GiB stream), pack load time, and a
# check that the prefilter changes nothing. See "Speed" in README.md.
#
#   tests/bench/run.sh [--size-mb N] [--runs N] [--seed N] [--rg-runs N] [--no-build]
#
# Environment: BUILD (build directory, default build), BENCH_DIR (where the
# generated corpora are cached, default $BUILD/bench).
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: tests/bench/run.sh [--size-mb N] [--runs N] [--seed N] [--rg-runs N] [--no-build]

Builds pactscan, generates (or reuses) two corpora of N MiB (default 200),
with 3% and 30% of the sentences about the Gaza plan's setting, and times
on each, in one invocation and on the same file:
  cat FILE > /dev/null                              the floor
  rg --no-unicode -i -c -f patterns FILE            ripgrep, same patterns
  rg --no-unicode -i --count-matches -f patterns FILE   ... every match
  pactscan -j 1 --format jsonl FILE > /dev/null     one thread
  pactscan -j $(nproc) --format jsonl FILE          every core (if -j exists)
each --runs times (default 5; --rg-runs for rg --count-matches, default
the same), taking the median wall time; rg -c, the one-thread and the
all-cores runs take turns, and their ratios (pactscan over rg, the
speedup) are the medians of the rounds' ratios. The same three, with cat
as the floor, on a directory of short articles (one file a document, N MiB
or 20, whichever is less, of the 3% kind): the archive case. Then: peak memory of pactscan reading a 1 GiB stream
on stdin, the time to load the whole rule pack (median of 20 in-process
loads), and whether --no-prefilter gives the same JSON Lines on a 5 MiB
sample of each corpus. Prints a table; exits 1 if that check fails.
--no-build benchmarks the binaries already in the build directory.

Environment: BUILD (default build), BENCH_DIR (default $BUILD/bench).
EOF
}

size=200 runs=5 seed=1 rg_runs='' build=1
while [ $# -gt 0 ]; do
	case $1 in
	--size-mb) size=${2:?--size-mb needs a value}; shift 2 ;;
	--size-mb=*) size=${1#*=}; shift ;;
	--runs) runs=${2:?--runs needs a value}; shift 2 ;;
	--runs=*) runs=${1#*=}; shift ;;
	--seed) seed=${2:?--seed needs a value}; shift 2 ;;
	--seed=*) seed=${1#*=}; shift ;;
	--rg-runs) rg_runs=${2:?--rg-runs needs a value}; shift 2 ;;
	--rg-runs=*) rg_runs=${1#*=}; shift ;;
	--no-build) build=0; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
for v in size runs seed; do
	[[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "run.sh: --${v/size/size-mb} must be a positive integer" >&2; exit 2; }
done
rg_runs=${rg_runs:-$runs}
[[ $rg_runs =~ ^[0-9]+$ ]] && [ "$rg_runs" -ge 1 ] || { echo "run.sh: --rg-runs must be a positive integer" >&2; exit 2; }

cd "$(dirname "$0")/../.."
SRC=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac
BENCH=${BENCH_DIR:-$BUILD/bench}
PS=$BUILD/pactscan
RULES=$SRC/rules
NPROC=$(nproc)
say() { printf '%s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 2; }

# ---------------------------------------------------------------- tools
need() { # need COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 && return 0
	say "== $1 is missing; installing the Debian package $2"
	local sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get install -y "$2" >/dev/null || { $sudo apt-get update >/dev/null && $sudo apt-get install -y "$2" >/dev/null; } ||
		die "could not install $2; install it and rerun"
}
need rg ripgrep
[ -x /usr/bin/time ] || need /usr/bin/time time
need python3 python3
need cc gcc
need meson meson

# ---------------------------------------------------------------- (a) build
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pactscan-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if [ $build = 1 ]; then
	say "== building in $BUILD"
	if [ ! -f "$BUILD/build.ninja" ]; then
		meson setup "$BUILD" >"$TMP/setup.log" 2>&1 || { tail -30 "$TMP/setup.log" >&2; die "meson setup $BUILD failed"; }
	fi
	if ! meson compile -C "$BUILD" >"$TMP/build.log" 2>&1; then
		tail -30 "$TMP/build.log" >&2
		die "the build failed (meson compile -C $BUILD); --no-build benchmarks the binaries already there"
	fi
else
	say "== using the binaries in $BUILD as they are (--no-build)"
fi
[ -x "$PS" ] || die "$PS not found after the build"
rev=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=$(git --no-optional-locks -C "$SRC" status --porcelain -- src rules include meson.build 2>/dev/null || true)
[ -n "$dirty" ] && rev="$rev+changes"
mkdir -p "$BENCH"

# ---------------------------------------------------------------- (b) corpora
# Cached by seed, size and share, and by a hash of the generator and the
# bundled corpus it draws from (a change to either makes new files).
key=$(cat tests/bench/gen.py corpus/*.txt | sha256sum | cut -c1-10)
corpus_file() { echo "$BENCH/corpus-s$seed-${1}mb-share$2-$key.${3:-txt}"; }
make_corpus() { # make_corpus SIZE SHARE [jsonl]
	local f
	f=$(corpus_file "$1" "$2" "${3:-txt}")
	if [ -s "$f" ]; then
		say "== reusing $f"
	else
		say "== generating $f"
		python3 tests/bench/gen.py --seed "$seed" --size-mb "$1" --setting-share "$2" \
			--format "${3:-text}" --out "$f"
	fi
}
# The text rows time one big document. When pactscan reads JSON Lines
# (--input jsonl, a document a line), the same kind of corpus in that form
# shows -j on many small documents too.
has_j=0 has_input=0 has_cache=0
help=$("$PS" --help 2>&1 || true) # (not piped into grep -q: pipefail and EPIPE)
grep -Eq -- '(^|[ ,])-j([ ,=]|$)|--jobs' <<<"$help" && has_j=1
grep -Eq -- '--input[ =]' <<<"$help" && has_input=1
grep -Eq -- '--no-repeat-cache' <<<"$help" && has_cache=1
has_profile_json=0
grep -Eq -- '--profile-json' <<<"$help" && has_profile_json=1
sample=$((size < 5 ? size : 5))
# A directory of short articles, one file a document with its front
# matter: what a researcher's archive looks like, where a run's cost is
# per file (opening and reading it, and handing it to a thread) more than
# per byte.
articles_mb=$((size < 20 ? size : 20))
articles=$BENCH/articles-s$seed-${articles_mb}mb-share0.03-$key
if [ -d "$articles" ]; then
	say "== reusing $articles"
else
	say "== generating $articles"
	python3 tests/bench/gen.py --seed "$seed" --size-mb "$articles_mb" --setting-share 0.03 --format jsonl \
		--out "$TMP/articles.jsonl"
	mkdir "$articles.tmp"
	python3 - "$TMP/articles.jsonl" "$articles.tmp" <<'PY'
import json, os, sys
with open(sys.argv[1], encoding='utf-8') as f:
    for n, line in enumerate(f):
        r = json.loads(line)
        front = ''.join(f'{k}: {json.dumps(r[k])}\n' for k in ('title', 'date', 'source') if r.get(k))
        with open(os.path.join(sys.argv[2], f'{n:06d}.txt'), 'w', encoding='utf-8') as out:
            out.write(f'---\n{front}---\n{r["text"]}\n')
PY
	mv "$articles.tmp" "$articles"
fi
for share in 0.03 0.30; do
	make_corpus "$size" "$share"
	# the same seed gives the same documents, so this is the big file's start
	make_corpus "$sample" "$share"
	[ $has_j = 1 ] && [ $has_input = 1 ] && make_corpus "$size" "$share" jsonl
done

# ---------------------------------------------------------------- (c) patterns
"$PS" list --patterns "$RULES" >"$BENCH/patterns.txt" || die "pactscan list --patterns failed"
npat=$(wc -l <"$BENCH/patterns.txt")
[ "$npat" -gt 0 ] || die "pactscan list --patterns printed no patterns"
rg_err() { # rg_err FLAGS...: fails, printing rg's first error line, if rg refuses them
	local out rc=0
	out=$(rg "$@" /dev/null 2>&1 >/dev/null) || rc=$?
	case $rc in 0 | 1) return 0 ;; esac # 1: parsed, nothing matched
	awk '/^error:|PCRE2/ && !hit { print; hit = 1 } END { if (!hit) print $0 }' <<<"$out"
	return 1
}
python3 tests/bench/rgpat.py pcre2 "$BENCH/patterns.txt" "$BENCH/patterns.plain.txt" >"$TMP/conv.plain"
python3 tests/bench/rgpat.py rust "$BENCH/patterns.txt" "$BENCH/patterns.rust.txt" >"$TMP/conv.rust"
rg_note=
if e=$(rg_err --no-unicode -i -c -f "$BENCH/patterns.plain.txt"); then
	RGPAT=$BENCH/patterns.plain.txt RGFLAGS=() rg_engine="Rust regex, patterns as listed (named groups made plain)"
else
	rg_note="rg's Rust engine refused the patterns as listed: $e"
	if e2=$(rg_err -P --no-unicode -i -c -f "$BENCH/patterns.plain.txt"); then
		RGPAT=$BENCH/patterns.plain.txt RGFLAGS=(-P) rg_engine="PCRE2 (rg -P), patterns as listed"
	else
		rg_note+=$'\n'"rg -P (PCRE2) refused them too: $e2"
		e3=$(rg_err --no-unicode -i -c -f "$BENCH/patterns.rust.txt") ||
			die "rg refuses even the converted patterns: $e3"
		RGPAT=$BENCH/patterns.rust.txt RGFLAGS=() rg_engine="Rust regex, converted: $(cat "$TMP/conv.rust")"
	fi
fi
# PCRE2 takes every pattern unchanged, split into passes small enough to
# compile; timed once on the 5 MiB sample (it is slow).
pcre_passes=0 pcre_chunk=30000
while [ $pcre_chunk -ge 2000 ]; do
	rm -f "$BENCH"/patterns.pcre2.txt.*
	pcre_passes=$(python3 tests/bench/rgpat.py pcre2 "$BENCH/patterns.txt" "$BENCH/patterns.pcre2.txt" $pcre_chunk | tail -1)
	ok=1
	for ((i = 0; i < pcre_passes; i++)); do
		rg_err -P --no-unicode -i -c -f "$BENCH/patterns.pcre2.txt.$i" >/dev/null || { ok=0; break; }
	done
	[ $ok = 1 ] && break
	pcre_chunk=$((pcre_chunk / 2)) pcre_passes=0
done

# ---------------------------------------------------------------- timing
now() { echo "$EPOCHREALTIME"; }
# measure OUT CMD...: run once; sets WALL (s), RSS (KiB), RC. Exit status 1
# (rg: no line matched; pactscan: --fail-on) and 3 (pactscan: some input
# not scanned) are accepted; anything else stops the benchmark.
measure() {
	local out=$1 t0 t1
	shift
	t0=$(now)
	RC=0
	/usr/bin/time -v -o "$TMP/time.txt" "$@" >"$out" 2>"$TMP/stderr.txt" || RC=$?
	t1=$(now)
	case $RC in
	0 | 1) ;;
	3) say "   (exit 3: some input was not scanned: $(head -1 "$TMP/stderr.txt"))" ;;
	*) cat "$TMP/stderr.txt" >&2; die "'$*' exited with status $RC" ;;
	esac
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
	RSS=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time.txt")
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# bench LABEL RUNS OUT CMD...: sets MED (median wall s), MAXRSS (KiB)
bench() {
	local label=$1 n=$2 out=$3 i times=()
	shift 3
	MAXRSS=0
	for ((i = 1; i <= n; i++)); do
		measure "$out" "$@"
		times+=("$WALL")
		[ "$RSS" -gt "$MAXRSS" ] && MAXRSS=$RSS
	done
	MED=$(median "${times[@]}")
	say "   $label: median $MED s of $n (${times[*]}), peak RSS $((MAXRSS / 1024)) MiB"
}
# bench_turns RUNS LABEL...: runs the commands in the arrays CMD_1, CMD_2,
# ... (one a label) by turns, RUNS rounds, so that all meet the same minutes
# of a machine whose speed drifts (a shared VM's does, by 20-50%); sets, for
# command k, TURN_MED[k] (median wall s), TURN_PEAK[k] (peak RSS KiB) and
# TURN_RATIO[k], the median over the rounds of command k's time over
# command k+1's, and TURN_OVER1[k], of the first command's time over
# command k's; TURN_TIMES[k], its times round by round. The first
# command's output goes to $TMP/rg.out, the others' to /dev/null.
bench_turns() {
	local n=$1 i k out cmd
	shift
	local labels=("$@") times=() ratios=() over1=()
	local m=${#labels[@]}
	TURN_MED=() TURN_PEAK=() TURN_RATIO=() TURN_OVER1=() TURN_TIMES=()
	for ((k = 1; k <= m; k++)); do TURN_PEAK[k]=0 times[k]='' ratios[k]='' over1[k]=''; done
	for ((i = 1; i <= n; i++)); do
		local round=()
		for ((k = 1; k <= m; k++)); do
			cmd="CMD_${k}[@]" out=/dev/null
			[ $k = 1 ] && out=$TMP/rg.out
			measure "$out" "${!cmd}"
			round[k]=$WALL times[k]+=" $WALL"
			[ "$RSS" -gt "${TURN_PEAK[k]}" ] && TURN_PEAK[k]=$RSS
		done
		for ((k = 1; k < m; k++)); do
			ratios[k]+=" $(awk -v a="${round[k]}" -v b="${round[k + 1]}" 'BEGIN { printf "%.4f", a / b }')"
		done
		for ((k = 2; k <= m; k++)); do
			over1[k]+=" $(awk -v a="${round[1]}" -v b="${round[k]}" 'BEGIN { printf "%.4f", a / b }')"
		done
	done
	for ((k = 1; k <= m; k++)); do
		TURN_TIMES[k]=${times[k]# }
		# shellcheck disable=SC2086 # the lists split on purpose
		TURN_MED[k]=$(median ${times[k]})
		say "   ${labels[k - 1]}: median ${TURN_MED[k]} s of $n (${times[k]# }), peak RSS $((TURN_PEAK[k] / 1024)) MiB"
	done
	for ((k = 1; k < m; k++)); do
		# shellcheck disable=SC2086
		TURN_RATIO[k]=$(median ${ratios[k]})
		say "   ${labels[k - 1]} over ${labels[k]}, round by round:${ratios[k]}; median ${TURN_RATIO[k]}"
	done
	for ((k = 3; k <= m; k++)); do
		# shellcheck disable=SC2086
		TURN_OVER1[k]=$(median ${over1[k]})
		say "   ${labels[0]} over ${labels[k - 1]}, round by round:${over1[k]}; median ${TURN_OVER1[k]}"
	done
}

# The corpus's first tenth, cut at a line's end: rg -c spends most of its
# time on a corpus's first megabytes, building its automata as the text
# asks for them, so a figure on the whole corpus is mostly that start-up.
# Timed beside the whole, the difference is what each pays once started.
head_mb=$((size / 10 > 0 ? size / 10 : 1))
head_file() { # head_file FILE: prints the path of FILE's first head_mb MB
	local h="${1%.txt}-head${head_mb}mb.txt"
	[ -s "$h" ] || head -c $((head_mb * 1000000)) "$1" | sed '$d' >"$h"
	echo "$h"
}
# per_round_median "A1 A2 ..." "B1 B2 ...": the median of A_i - B_i
per_round_median() {
	local i
	local -a a b d=()
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	for ((i = 0; i < ${#a[@]}; i++)); do d+=("$(awk -v x="${a[i]}" -v y="${b[i]}" 'BEGIN { printf "%.4f", x - y }')"); done
	median "${d[@]}"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A T R S Q M
for share in 0.03 0.30; do
	f=$(corpus_file "$size" "$share")
	s=$(corpus_file "$sample" "$share")
	say "== timing on $f"
	cat "$f" >/dev/null # into the page cache
	bench "cat" "$runs" /dev/null cat "$f"
	T[$share,cat]=$MED R[$share,cat]=$MAXRSS
	bench "rg --count-matches" "$rg_runs" "$TMP/rg.out" rg "${RGFLAGS[@]}" --no-unicode -i --count-matches -f "$RGPAT" "$f"
	T[$share,rgm]=$MED R[$share,rgm]=$MAXRSS
	if [ $has_j = 1 ]; then
		# rg -c, one thread and every core by turns: the ratios then
		# compare runs of the same minutes.
		# shellcheck disable=SC2034 # bench_turns reads CMD_k through ${!cmd}
		CMD_1=(rg "${RGFLAGS[@]}" --no-unicode -i -c -f "$RGPAT" "$f")
		CMD_2=("$PS" -j 1 --rules "$RULES" --format jsonl "$f")
		# shellcheck disable=SC2034
		CMD_3=("$PS" -j "$NPROC" --rules "$RULES" --format jsonl "$f")
		if [ $has_cache = 1 ]; then
			# The search alone: the corpora repeat their sentences far
			# more than news does, and the repeat cache answers them.
			# shellcheck disable=SC2034
			CMD_4=("$PS" -j 1 --no-repeat-cache --rules "$RULES" --format jsonl "$f")
			h=$(head_file "$f")
			# shellcheck disable=SC2034
			CMD_5=(rg "${RGFLAGS[@]}" --no-unicode -i -c -f "$RGPAT" "$h")
			# shellcheck disable=SC2034
			CMD_6=("$PS" -j 1 --rules "$RULES" --format jsonl "$h")
			# shellcheck disable=SC2034
			CMD_7=("$PS" -j 1 --no-repeat-cache --rules "$RULES" --format jsonl "$h")
			bench_turns "$runs" "rg -c" "pactscan -j 1" "pactscan -j $NPROC" "pactscan -j 1 --no-repeat-cache" \
				"rg -c, first ${head_mb} MB" "pactscan -j 1, first ${head_mb} MB" \
				"pactscan -j 1 --no-repeat-cache, first ${head_mb} MB"
			T[$share,ps1s]=${TURN_MED[4]} R[$share,ps1s]=${TURN_PEAK[4]} Q[$share,s]=${TURN_OVER1[4]}
			T[$share,rgh]=${TURN_MED[5]} R[$share,rgh]=${TURN_PEAK[5]} T[$share,psh]=${TURN_MED[6]} R[$share,psh]=${TURN_PEAK[6]}
			M[$share,rg]=$(per_round_median "${TURN_TIMES[1]}" "${TURN_TIMES[5]}")
			M[$share,ps]=$(per_round_median "${TURN_TIMES[2]}" "${TURN_TIMES[6]}")
			M[$share,pss]=$(per_round_median "${TURN_TIMES[4]}" "${TURN_TIMES[7]}")
			M[$share,rest]=$(($(stat -c %s "$f") - $(stat -c %s "$h")))
			say "   once started, the rest: rg -c ${M[$share,rg]} s more, pactscan -j 1 ${M[$share,ps]} s more, without the cache ${M[$share,pss]} s more (medians of the rounds' differences)"
		else
			bench_turns "$runs" "rg -c" "pactscan -j 1" "pactscan -j $NPROC"
		fi
		T[$share,rg]=${TURN_MED[1]} R[$share,rg]=${TURN_PEAK[1]} Q[$share]=${TURN_RATIO[1]}
		T[$share,ps1]=${TURN_MED[2]} R[$share,ps1]=${TURN_PEAK[2]} S[$share,ps]=${TURN_RATIO[2]}
		T[$share,psN]=${TURN_MED[3]} R[$share,psN]=${TURN_PEAK[3]}
	else
		bench "rg" "$rg_runs" "$TMP/rg.out" rg "${RGFLAGS[@]}" --no-unicode -i -c -f "$RGPAT" "$f"
		T[$share,rg]=$MED R[$share,rg]=$MAXRSS
		bench "pactscan" "$runs" /dev/null "$PS" --rules "$RULES" --format jsonl "$f"
		T[$share,ps1]=$MED R[$share,ps1]=$MAXRSS
	fi
	if [ $has_j = 1 ] && [ $has_input = 1 ]; then
		fj=$(corpus_file "$size" "$share" jsonl)
		cat "$fj" >/dev/null
		# shellcheck disable=SC2034 # bench_turns reads CMD_k through ${!cmd}
		CMD_1=("$PS" -j 1 --input jsonl --rules "$RULES" --format jsonl "$fj")
		# shellcheck disable=SC2034
		CMD_2=("$PS" -j "$NPROC" --input jsonl --rules "$RULES" --format jsonl "$fj")
		bench_turns "$runs" "pactscan --input jsonl -j 1" "pactscan --input jsonl -j $NPROC"
		T[$share,jl1]=${TURN_MED[1]} R[$share,jl1]=${TURN_PEAK[1]} S[$share,jl]=${TURN_RATIO[1]}
		T[$share,jlN]=${TURN_MED[2]} R[$share,jlN]=${TURN_PEAK[2]}
	fi
	if [ "$pcre_passes" -gt 0 ]; then
		cat "$s" >/dev/null
		total=0 maxr=0
		for ((i = 0; i < pcre_passes; i++)); do
			measure "$TMP/rg.out" rg -P --no-unicode -i -c -f "$BENCH/patterns.pcre2.txt.$i" "$s"
			total=$(awk -v a="$total" -v b="$WALL" 'BEGIN { print a + b }')
			[ "$RSS" -gt "$maxr" ] && maxr=$RSS
		done
		T[$share,pcre]=$total R[$share,pcre]=$maxr
		say "   rg -P, $pcre_passes passes on the ${sample} MiB sample: $total s"
	fi
done

# ---------------------------------------------------------------- (d) articles
n_articles=$(find "$articles" -type f | wc -l)
articles_bytes=$(find "$articles" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
say "== timing on $articles ($n_articles files)"
bench "cat" "$runs" /dev/null find "$articles" -type f -exec cat {} +
T[dir,cat]=$MED R[dir,cat]=$MAXRSS
# What rg spends on its patterns alone, which weighs more here than on the big files.
bench "rg on no input" "$runs" "$TMP/rg.out" rg "${RGFLAGS[@]}" --no-unicode -i -c -f "$RGPAT" /dev/null
rg_setup=$MED
# shellcheck disable=SC2034 # bench_turns reads CMD_k through ${!cmd}
CMD_1=(rg "${RGFLAGS[@]}" --no-unicode -i -c -f "$RGPAT" "$articles")
# shellcheck disable=SC2034
CMD_2=("$PS" -j 1 --rules "$RULES" --format jsonl "$articles")
# shellcheck disable=SC2034
CMD_3=("$PS" -j "$NPROC" --rules "$RULES" --format jsonl "$articles")
if [ $has_j = 1 ]; then
	bench_turns "$runs" "rg -c" "pactscan -j 1" "pactscan -j $NPROC"
	T[dir,rg]=${TURN_MED[1]} R[dir,rg]=${TURN_PEAK[1]} Q[dir]=${TURN_RATIO[1]}
	T[dir,ps1]=${TURN_MED[2]} R[dir,ps1]=${TURN_PEAK[2]} S[dir,ps]=${TURN_RATIO[2]}
	T[dir,psN]=${TURN_MED[3]} R[dir,psN]=${TURN_PEAK[3]}
fi

# ---------------------------------------------------------------- (e) stream
f=$(corpus_file "$size" 0.03)
reps=$(((1000 + size - 1) / size)) # 5 x 200 MiB
say "== pactscan on a $((reps * size)) MiB stream on stdin ($reps x the 3% corpus)"
t0=$(now)
RC=0
for ((i = 0; i < reps; i++)); do cat "$f"; done |
	/usr/bin/time -v -o "$TMP/time.txt" "$PS" --rules "$RULES" --format jsonl >/dev/null 2>"$TMP/stderr.txt" || RC=$?
t1=$(now)
case $RC in 0 | 1 | 3) ;; *) cat "$TMP/stderr.txt" >&2; die "pactscan on the stream exited with status $RC" ;; esac
stream_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
stream_bytes=$((reps * $(stat -c %s "$f")))
stream_rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time.txt")
say "   $stream_wall s, peak RSS $((stream_rss / 1024)) MiB"

# ---------------------------------------------------------------- (f) load time
say "== rule pack load time"
if cc -std=c11 -O2 -I"$SRC/include" tests/bench/loadtime.c "$BUILD/libpactscan.so" \
	-Wl,-rpath,"$BUILD" -o "$BENCH/loadtime" 2>"$TMP/cc.txt"; then
	load_lines=$("$BENCH/loadtime" "$RULES" 20) || die "loadtime failed"
	# The first line times the load; the second, the load and the JIT
	# compile of every pattern, which otherwise happens on first use.
	load_line=$(head -1 <<<"$load_lines")
	jit_line=$(sed -n 2p <<<"$load_lines")
	load_ms=$(sed -n 's/.*median \([0-9.]*\) ms.*/\1/p' <<<"$load_line")
	jit_ms=$(sed -n 's/.*median \([0-9.]*\) ms.*/\1/p' <<<"$jit_line")
	load_min=$(sed -n 's/.*min \([0-9.]*\) ms.*/\1/p' <<<"$load_line")
	load_first=$(sed -n 's/.*the first in the process \([0-9.]*\) ms.*/\1/p' <<<"$load_line")
	load_counts=$(sed -n 's/.*(\([0-9]* clauses, [0-9]* patterns\)).*/\1/p' <<<"$load_line")
	# The minimum too: on a machine whose speed wanders, the median of a
	# slow minute can sit well above what a quiet one gives. And the first
	# load of the process, before the median's warm-up: what a command pays.
	load_how="ps_ruleset_load in process, median of 20, min $load_min ms, the first in the process $load_first ms; $load_counts; $jit_ms ms with every pattern JIT-compiled"
else
	say "   (loadtime.c did not build: $(head -1 "$TMP/cc.txt"); timing 'pactscan lint' instead)"
	times=()
	for ((i = 0; i < 20; i++)); do
		measure /dev/null "$PS" lint "$RULES"
		times+=("$WALL")
	done
	load_ms=$(printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", 1000 * (v[10] + v[11]) / 2 }')
	load_how="pactscan lint $RULES as a process, median of 20"
fi
say "   $load_ms ms"
# A whole command on an empty file: the process, the load, the report.
: >"$TMP/empty.txt"
t0=$(now)
for ((i = 0; i < 20; i++)); do
	"$PS" --rules "$RULES" -q --format jsonl "$TMP/empty.txt" >/dev/null 2>&1 || die "pactscan failed on an empty file"
done
t1=$(now)
empty_ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 / 20 }')
say "   a command on an empty file: $empty_ms ms"

# ---------------------------------------------------------------- (h) prefilter guard
say "== prefilter check on the ${sample} MiB samples"
guard_ok=1
declare -A G P
for share in 0.03 0.30; do
	s=$(corpus_file "$sample" "$share")
	"$PS" --rules "$RULES" --format jsonl "$s" >"$TMP/fast.jsonl" 2>/dev/null || [ $? = 3 ] || die "pactscan failed on $s"
	"$PS" --rules "$RULES" --format jsonl --no-prefilter "$s" >"$TMP/plain.jsonl" 2>/dev/null || [ $? = 3 ] || die "pactscan --no-prefilter failed on $s"
	n=$(grep -c '"type":"finding"' "$TMP/plain.jsonl" || true)
	if cmp -s "$TMP/fast.jsonl" "$TMP/plain.jsonl"; then
		G[$share]="ok ($n findings, identical)"
	else
		G[$share]="FAIL (the prefilter changed the output; $n findings without it)"
		guard_ok=0
		diff "$TMP/plain.jsonl" "$TMP/fast.jsonl" | head -10 >&2 || true
	fi
	# The passes over the words, from the profile: the findings cannot show
	# that the setting gate is off (every sentence then runs the full pass).
	# Without the repeat cache, whose answers would hide the passes.
	nocache=()
	[ $has_cache = 1 ] && nocache=(--no-repeat-cache)
	if [ $has_profile_json = 1 ]; then
		"$PS" --rules "$RULES" --format jsonl --profile-json "$TMP/profile.json" -q "${nocache[@]}" "$s" \
			2>/dev/null >/dev/null || [ $? = 3 ] || die "pactscan --profile-json failed on $s"
		read -r sentences in_setting gate full <<<"$(python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
print(p["sentences"], p["in_setting"], p["passes"]["gate_words"], p["passes"]["every_word"])' "$TMP/profile.json")"
	else
		# A build from before --profile-json: the text's counts.
		"$PS" --rules "$RULES" --format jsonl --profile -q "${nocache[@]}" "$s" 2>"$TMP/profile.txt" >/dev/null ||
			[ $? = 3 ] || die "pactscan --profile failed on $s"
		read -r sentences in_setting gate full <<<"$(sed -nE \
			-e 's/^pactscan: profile: .* ([0-9]+) sentences, ([0-9]+) in the setting.*/\1 \2/p' \
			-e "s/.*the gate's words in ([0-9]+), every word in ([0-9]+)\).*/\1 \2/p" "$TMP/profile.txt" | tr '\n' ' ')"
	fi
	[ -n "${full:-}" ] || die "no pass counts in pactscan's profile on $s"
	P[$share]="the full pass over $full of $sentences sentences ($in_setting in the setting), the gate's own over $gate"
	if [ "$full" -ge "$sentences" ] && [ $((2 * in_setting)) -lt "$sentences" ]; then
		P[$share]="FAIL (the setting gate is off: ${P[$share]})"
		guard_ok=0
	fi
done

# ---------------------------------------------------------------- (g) table
mbs() { awk -v b="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", b / 1e6 / t; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.3g", a / b; else print "" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }'; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

echo
echo "pactscan benchmark — $(date -u +%Y-%m-%d) — $("$PS" --version 2>/dev/null | sed -n 1p) ($rev)"
echo "machine: ${cpu:-?}, $NPROC cores, load average at start $load0; $(rg --version | sed -n 1p)"
echo "corpora: gen.py --seed $seed --size-mb $size, 3% and 30% setting sentences; median of $runs runs (rg --count-matches: $rg_runs)"
echo "patterns: $npat from 'pactscan list --patterns'; rg engine: $rg_engine"
[ -n "$rg_note" ] && sed 's/^/  /' <<<"$rg_note"
echo "MB = 10^6 bytes; MB/s = input size / median wall time; RSS = peak resident set (/usr/bin/time -v)."
echo "vs rg -c, vs rg all, vs cat: this row's MB/s over theirs. rg -c stops at the first match in a line;"
echo "rg all (--count-matches) finds every match, nearer to pactscan's job of trying every pattern."
echo
fmt='%-7s %-44s %9s %8s %7s %9s %9s %9s\n'
printf "$fmt" corpus command "time s" "MB/s" "RSS MB" "vs rg -c" "vs rg all" "vs cat"
printf "$fmt" ------- -------------------------------------------- --------- -------- ------- --------- --------- ---------
row() { # row CORPUS LABEL TIME MB/S RSS_KIB
	printf "$fmt" "$1" "$2" "$3" "$4" "$(mb "$5")" "$(ratio "$4" "$rgr")" "$(ratio "$4" "$rgmr")" "$(ratio "$4" "$catr")"
}
for share in 0.03 0.30; do
	f=$(corpus_file "$size" "$share")
	bytes=$(stat -c %s "$f")
	sbytes=$(stat -c %s "$(corpus_file "$sample" "$share")")
	pct=$(awk -v s="$share" 'BEGIN { printf "%d%%", s * 100 + 0.5 }')
	rgr=$(mbs "$bytes" "${T[$share,rg]}") rgmr=$(mbs "$bytes" "${T[$share,rgm]}") catr=$(mbs "$bytes" "${T[$share,cat]}")
	row "$pct" "cat > /dev/null (floor)" "${T[$share,cat]}" "$catr" "${R[$share,cat]}"
	row "" "rg ${RGFLAGS[*]:+${RGFLAGS[*]} }--no-unicode -i -c -f" "${T[$share,rg]}" "$rgr" "${R[$share,rg]}"
	row "" "rg ${RGFLAGS[*]:+${RGFLAGS[*]} }--no-unicode -i --count-matches -f" "${T[$share,rgm]}" "$rgmr" "${R[$share,rgm]}"
	if [ "$pcre_passes" -gt 0 ]; then
		row "" "rg -P -c, exact, $pcre_passes passes, ${sample} MiB *" "${T[$share,pcre]}" "$(mbs "$sbytes" "${T[$share,pcre]}")" "${R[$share,pcre]}"
	fi
	if [ $has_j = 1 ]; then l1="pactscan -j 1 --format jsonl"; else l1="pactscan --format jsonl (1 thread)"; fi
	row "" "$l1" "${T[$share,ps1]}" "$(mbs "$bytes" "${T[$share,ps1]}")" "${R[$share,ps1]}"
	[ $has_j = 1 ] && printf "$fmt" "" "  over rg -c, run by turns ***" "$(ratio "${Q[$share]}" 1)x" "" "" "" "" ""
	if [ $has_j = 1 ]; then
		row "" "pactscan -j $NPROC --format jsonl" "${T[$share,psN]}" "$(mbs "$bytes" "${T[$share,psN]}")" "${R[$share,psN]}"
		printf "$fmt" "" "  speedup, $NPROC cores over 1 thread **" "$(ratio "${S[$share,ps]}" 1)x" "" "" "" "" ""
	else
		printf "$fmt" "" "pactscan -j $NPROC" "n/a (no -j yet)" "" "" "" "" ""
	fi
	if [ $has_j = 1 ] && [ $has_cache = 1 ]; then
		row "" "pactscan -j 1 --no-repeat-cache ****" "${T[$share,ps1s]}" "$(mbs "$bytes" "${T[$share,ps1s]}")" "${R[$share,ps1s]}"
		printf "$fmt" "" "  over rg -c, run by turns ***" "$(ratio "${Q[$share,s]}" 1)x" "" "" "" "" ""
	fi
	if [ -n "${M[$share,rg]:-}" ]; then
		hb=$(stat -c %s "$(head_file "$f")")
		printf "$fmt" "" "rg -c, the first $head_mb MB *****" "${T[$share,rgh]}" "$(mbs "$hb" "${T[$share,rgh]}")" "$(mb "${R[$share,rgh]}")" "" "" ""
		printf "$fmt" "" "pactscan -j 1, the first $head_mb MB" "${T[$share,psh]}" "$(mbs "$hb" "${T[$share,psh]}")" "$(mb "${R[$share,psh]}")" "" "" ""
		rest_mb=$((${M[$share,rest]} / 1000000))
		mrg=$(mbs "${M[$share,rest]}" "${M[$share,rg]}") mps=$(mbs "${M[$share,rest]}" "${M[$share,ps]}")
		printf "$fmt" "" "  the other $rest_mb MB, once started: rg -c" "${M[$share,rg]}" "$mrg" "" "" "" ""
		printf "$fmt" "" "  the other $rest_mb MB, once started: pactscan" "${M[$share,ps]}" "$mps" "" "$(ratio "$mps" "$mrg")" "" ""
		mpss=$(mbs "${M[$share,rest]}" "${M[$share,pss]}")
		printf "$fmt" "" "    the same, the search alone ****" "${M[$share,pss]}" "$mpss" "" "$(ratio "$mpss" "$mrg")" "" ""
	fi
	if [ $has_j = 1 ] && [ $has_input = 1 ]; then
		jb=$(stat -c %s "$(corpus_file "$size" "$share" jsonl)")
		row "" "JSON Lines: pactscan --input jsonl -j 1" "${T[$share,jl1]}" "$(mbs "$jb" "${T[$share,jl1]}")" "${R[$share,jl1]}"
		row "" "JSON Lines: pactscan --input jsonl -j $NPROC" "${T[$share,jlN]}" "$(mbs "$jb" "${T[$share,jlN]}")" "${R[$share,jlN]}"
		printf "$fmt" "" "  speedup, $NPROC cores over 1 thread **" "$(ratio "${S[$share,jl]}" 1)x" "" "" "" "" ""
	fi
done
if [ $has_j = 1 ]; then
	rgr=$(mbs "$articles_bytes" "${T[dir,rg]}") rgmr='' catr=$(mbs "$articles_bytes" "${T[dir,cat]}")
	row "dir" "cat, $n_articles files (floor)" "${T[dir,cat]}" "$catr" "${R[dir,cat]}"
	row "" "rg ${RGFLAGS[*]:+${RGFLAGS[*]} }--no-unicode -i -c -f" "${T[dir,rg]}" "$rgr" "${R[dir,rg]}"
	row "" "pactscan -j 1 --format jsonl" "${T[dir,ps1]}" "$(mbs "$articles_bytes" "${T[dir,ps1]}")" "${R[dir,ps1]}"
	printf "$fmt" "" "  over rg -c, run by turns ***" "$(ratio "${Q[dir]}" 1)x" "" "" "" "" ""
	row "" "pactscan -j $NPROC --format jsonl" "${T[dir,psN]}" "$(mbs "$articles_bytes" "${T[dir,psN]}")" "${R[dir,psN]}"
	printf "$fmt" "" "  speedup, $NPROC cores over 1 thread **" "$(ratio "${S[dir,ps]}" 1)x" "" "" "" "" ""
fi
rgr='' rgmr='' catr=''
row "stream" "pactscan < $((stream_bytes / 1048576)) MiB on stdin" "$stream_wall" "$(mbs "$stream_bytes" "$stream_wall")" "$stream_rss"
echo
[ "$pcre_passes" -gt 0 ] && echo "* rg -P runs every pattern unchanged, in $pcre_passes passes (one regex of all is too large for PCRE2), once on the first ${sample} MiB; its time is for that sample"
[ $has_j = 1 ] || echo "pactscan has no -j option yet: its row is the default (one thread); the all-cores row is n/a"
[ $has_j = 1 ] && echo "** one thread and every core run by turns; the speedup is the median over the rounds of the one-thread time over the all-cores time"
[ $has_j = 1 ] && echo "*** rg -c and pactscan -j 1 run by turns (with -j $NPROC): the median over the rounds of rg's time over pactscan's, robust to a machine whose speed drifts"
[ $has_j = 1 ] && [ $has_cache = 1 ] && echo "**** the search alone: the repeat cache answers a sentence met before; these corpora repeat theirs far more than news does (at 200 MB, 70% of the sentences occur more than once), so the figure for text without repeats is this row's"
[ -n "${M[0.03,rg]:-}" ] && echo "***** rg -c and pactscan -j 1 on the corpus's first $head_mb MB, by turns with the rest; the 'once started' rows divide the other bytes by the median of the rounds' differences (whole corpus less first $head_mb MB). rg -c spends most of its time on a corpus's first megabytes, building its automata as the text asks for them, so its figure on the whole corpus is mostly that start-up, and on a larger corpus its MB/s would near the 'once started' one (a floor: it may still be building past the first $head_mb MB); '-' or a huge figure: the difference was within the noise"
[ $has_j = 1 ] && echo "The text rows are one big document; the JSON Lines rows scan the same kind of corpus (same generator and seed) as many small ones, one a line, with --input jsonl; their ratios compare with the text file's rg and cat"
[ $has_j = 1 ] && echo "dir: $n_articles files of $((articles_bytes / 1000000)) MB, a record of the 3% corpus each with front matter; rg's time includes $rg_setup s for its patterns alone (rg on /dev/null), a larger share than on the big files"
echo "pack load: $load_ms ms ($load_how)"
echo "a command on an empty file (pactscan -q FILE, the process, the load, the report): $empty_ms ms, the mean of 20"
echo "prefilter check, 3% sample: ${G[0.03]}"
echo "prefilter check, 30% sample: ${G[0.30]}"
echo "word passes, 3% sample: ${P[0.03]}"
echo "word passes, 30% sample: ${P[0.30]}"
[ $guard_ok = 1 ] || exit 1
