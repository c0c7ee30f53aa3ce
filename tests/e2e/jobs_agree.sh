#!/usr/bin/env bash
# -j 1 and -j 4 write byte-identical output, on stdout and on stderr, with
# the same exit status, in every format: on the bundled corpus, on the
# fixtures (skipped files, a link loop with --follow, JSON Lines input with
# malformed records), on a directory of 300 short files with a dangling
# link and a file of 600 KB among them (short files go to the workers in
# batches of up to 64; the large one is read in pieces), and on one of
# files around the sizes where that changes. The walk does not size a file
# its directory lists as regular: a batch's worker leaves one of 512 KiB
# or more unread, and the files after it once it has read 256 KiB, and
# they are scanned on every thread when the batch is delivered.
#
# usage: jobs_agree.sh PACTSCAN SOURCE_ROOT
set -u
pactscan=$(realpath "$1") root=$(realpath "$2")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
mkdir "$tmp/many"
for i in $(seq -w 1 300); do
  case $((10#$i % 3)) in
    0) echo "Report $i. Israeli troops withdrew from Gaza City on Tuesday." ;;
    1) echo "Report $i. Hamas said it would not disarm." ;;
    2) echo "Report $i. The markets were calm." ;;
  esac > "$tmp/many/r$i.txt"
done
ln -s no-such-file "$tmp/many/r150b.txt"
for i in $(seq 1 6000); do echo "Paragraph $i. Israeli troops withdrew from Rafah, officials said, and aid trucks crossed."; done > "$tmp/many/r200b.txt"
# Sizes: a chunk (64 KiB) exactly, one byte short of and exactly 512 KiB,
# two large files side by side, and 100 KB files, which pass 256 KiB read
# in a batch after three; short files between them.
mkdir "$tmp/mixed"
python3 - "$tmp/mixed" <<'PY'
import sys
d = sys.argv[1]
line = "Paragraph {}. Israeli troops withdrew from Rafah on Tuesday, officials said, and aid trucks crossed.\n"
def text(size, seed):
    out, i = [], 0
    while sum(map(len, out)) < size:
        out.append(line.format(seed * 100000 + i))
        i += 1
    return "".join(out)[:size - 1] + "\n"
sizes = [65536, 524287, 524288, 600000, 700000] + [100000] * 8 + [65535, 2000000]
for k, size in enumerate(sizes):
    with open(f"{d}/m{k:02d}a.txt", "w") as f:
        f.write(text(size, k))
    with open(f"{d}/m{k:02d}b.txt", "w") as f:
        f.write(f"Short note {k}. Hamas said it would not disarm.\n")
PY
runs=(
  "corpus|--rules $root/rules --include *.txt corpus"
  "fixtures|--rules $root/tests/data/packs/mini --follow tests/data/docs tests/data/tree tests/data/columns.txt"
  "jsonl|--rules $root/tests/data/packs/mini --input jsonl tests/data/jsonl/docs.jsonl"
  "many|--rules $root/rules $tmp/many"
  "mixed|--rules $root/rules $tmp/mixed"
)
cd "$root" || exit 1
for run in "${runs[@]}"; do
  name=${run%%|*}
  read -r -a args <<< "${run#*|}"
  for format in text json jsonl sarif junit csv summary; do
    for j in 1 4; do
      NO_COLOR=1 "$pactscan" -j $j --format $format "${args[@]}" > "$tmp/out.$j" 2> "$tmp/err.$j"
      echo $? > "$tmp/status.$j"
    done
    if cmp -s "$tmp/out.1" "$tmp/out.4" && cmp -s "$tmp/err.1" "$tmp/err.4" && cmp -s "$tmp/status.1" "$tmp/status.4" \
       && [ -s "$tmp/out.1" ]; then
      passed=$((passed+1)); echo "ok   $name $format: -j 1 and -j 4 agree"
    else
      failed=$((failed+1)); echo "FAIL $name $format: -j 1 and -j 4 differ"
      diff "$tmp/out.1" "$tmp/out.4" | head -5; diff "$tmp/err.1" "$tmp/err.4" | head -5
    fi
  done
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
