# Shared by the e2e scripts: the arguments, a scratch directory removed on
# exit, a check that counts, and the closing line the test runners read.
# usage, from a script run as `script.sh PACTSCAN SOURCE_ROOT`:
#   . "$(dirname "$0")/lib.sh"; ...; check NAME COMMAND...; ...; finish
pactscan=$(realpath "$1") root=$(realpath "$2")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed+1)); echo "ok   $name"; else failed=$((failed+1)); echo "FAIL $name"; fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
