#!/usr/bin/env bash
# Run the README's library example on a fixture and compare its output.
set -eu
example=$1 data=$2
expected=$'2:1 withdrawal support\n3:1 withdrawal conflict\n4:1 withdrawal support'
actual=$("$example" "$data/packs/mini" < "$data/docs/gaza.txt")
if [ "$actual" != "$expected" ]; then
  printf 'expected:\n%s\nactual:\n%s\n' "$expected" "$actual"
  echo "0 passed, 1 failed"; exit 1
fi
echo "1 passed, 0 failed"
