#!/usr/bin/env bash
# Build the libFuzzer targets with clang, ASan and UBSan, and run each for a
# while on seeds from rules/ and corpus/. Crashes land in tests/fuzz/crashes/;
# copy a reproducer into tests/fuzz/regress/<target>/ with its fix, and
# meson test replays it from then on.
#
# usage: tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]   (default 600, all)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(ruleset segment scanner frontmatter jsonrec)
build="$root/build-fuzz"
if [ ! -d "$build" ]; then
  CC=clang meson setup "$build" "$root" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
    -Dbuildtype=debugoptimized >/dev/null
fi
meson compile -C "$build" >/dev/null
work="$build/fuzz-work"; mkdir -p "$work" "$root/tests/fuzz/crashes"
for t in "${targets[@]}"; do
  corpus="$work/corpus-$t"; mkdir -p "$corpus"
  case $t in
    ruleset) seeds=("$root/rules" "$root/tests/data/schema" "$root/tests/fuzz/regress/ruleset");;
    frontmatter) seeds=("$root/tests/fuzz/regress/frontmatter");;
    jsonrec) seeds=("$root/tests/fuzz/regress/jsonrec");;
    *) seeds=("$root/corpus" "$root/tests/data/docs" "$root/tests/fuzz/regress/$t");;
  esac
  dict=(); [ -f "$root/tests/fuzz/$t.dict" ] && dict=(-dict="$root/tests/fuzz/$t.dict")
  echo "== fuzz_$t for ${seconds}s"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/tests/fuzz/fuzz_$t" "$corpus" "${seeds[@]}" "${dict[@]}" -max_total_time="$seconds" \
    -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$root/tests/fuzz/crashes/$t-" 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::|INFO: seed|==[0-9]+==ERROR|SUMMARY|.*property failed)" || true
done
