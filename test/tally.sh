# Sourced by the shell test suites: a line per check, then the last line
#   TALLY <n> passed, <m> failed
# that scripts/test adds to the totals.
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
# bad NAME [DETAILS]: a failed check, with its details indented below it.
bad() {
  failed=$((failed + 1))
  echo "FAIL $1"
  [ -n "${2:-}" ] && sed 's/^/     | /' <<<"$2"
  return 0
}
# check NAME COMMAND...: ok when the command succeeds.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
# Prints the TALLY line and exits, non-zero when a check failed.
finish() {
  echo "TALLY $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
