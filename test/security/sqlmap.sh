#!/usr/bin/env bash
# sqlmap against the running test stack (through nginx): every query parameter, JSON body
# field, path id and header that reaches SQL.
#
#   test/security/sqlmap.sh      (needs var/test/env: `scripts/stack start test` first)
#
# Per target, each a check: sqlmap tested every parameter named (its log says so), found
# no injection point (its results CSV lists none), and met no 500 (an input that made a
# handler fail). Then: another user's task is unchanged and the API still answers.
# sqlmap exits 0 whatever it finds, so only its log and CSV count (../shared/TESTING.md).
#
# Last line: TALLY <n> passed, <m> failed.
set -u

cd "$(dirname "$0")/../.."
. scripts/lib.sh  # load_env
. test/tally.sh  # ok, bad, finish

command -v sqlmap >/dev/null || { bad "sqlmap" "not installed: apt-get install sqlmap"; finish; }
[ -f var/test/env ] || { bad "test stack" "var/test/env missing: run scripts/stack start test"; finish; }
load_env var/test/env
B=$TUDUSHKA_BASE_URL/api

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# register NAME: prints a token for a new user.
register() {
  curl -sS --max-time 10 -H "Content-Type: application/json" \
    -d "{\"username\":\"$1_$(date +%s)_$RANDOM\",\"password\":\"correct horse battery\"}" \
    "$B/auth/register" | jq -r .token
}
create() { # token title: prints the new task's id
  curl -sS --max-time 10 -H "Authorization: Bearer $1" -H "Content-Type: application/json" \
    -d "{\"title\":\"$2\",\"tags\":[\"home\"]}" "$B/tasks/" | jq -r .id
}
attacker=$(register sqlmap)
victim=$(register victim)
[[ $attacker =~ ^[A-Za-z0-9_-]{40,}$ && $victim =~ ^[A-Za-z0-9_-]{40,}$ ]] ||
  { bad "test users" "register failed: $attacker / $victim"; finish; }
mine=$(create "$attacker" "mine")
theirs=$(create "$victim" "theirs: private")
before=$(curl -sS -H "Authorization: Bearer $victim" "$B/tasks/$theirs")

# scan NAME "PARAMS" SQLMAP-ARGS...: one target; PARAMS are the names sqlmap must report.
scan() {
  local name=$1 params=$2 out=$tmp/$1
  shift 2
  sqlmap --batch --level=1 --risk=1 --threads=1 --dbms=PostgreSQL --output-dir="$out" \
    --disable-coloring -H "Authorization: Bearer $attacker" "$@" >"$out.log" 2>&1
  local missing=""
  for p in $params; do
    # sqlmap's names: 'q', 'JSON title', 'Idempotency-Key #1*', and '#1*' for the path.
    grep -qE "testing for SQL injection on .*parameter '(JSON )?$p( #1\*)?'" "$out.log" ||
      missing+=" $p"
  done
  if [ -n "$missing" ]; then bad "$name: sqlmap tested$missing" "$(tail -n 8 "$out.log")"; return; fi
  local found
  # Rows that sqlmap's own check rejected ("false positive or unexploitable") do not count:
  # answers that carry a new id and timestamps each time fool its boolean probes at first.
  found=$(cat "$out"/results-*.csv 2>/dev/null | tail -n +2 | grep -v '^\s*$' |
    grep -v ',false positive or unexploitable[[:space:]]*$')
  if grep -q "identified the following injection point" "$out.log" || [ -n "$found" ]; then
    bad "$name: no injection point" "$found"
  else
    ok "$name: no injection point (${params//\\/})"
  fi
  if grep -qE "^500 \(Internal Server Error\)" "$out.log"; then
    bad "$name: no input made a handler fail (500)" "$(grep -A3 'HTTP error codes' "$out.log")"
  else
    ok "$name: no 500"
  fi
}

scan "task list filters" "q tag ordering due_before due_after completed limit offset" \
  -u "$B/tasks/?q=mine&tag=home&ordering=position&due_before=2030-01-01&due_after=2020-01-01&completed=false&limit=5&offset=0"
scan "login body" "username password" \
  -u "$B/auth/login" --ignore-code=401 --data '{"username":"somebody","password":"correct horse battery"}'
scan "new task body" "title description" \
  -u "$B/tasks/" --data '{"title":"sqlmap probe","description":"body"}'
# A reused key is answered differently by design (a replay, or 422 for another body), which
# boolean probes mistake for a condition; the time-based and stacked probes (pg_sleep) and
# the error-based ones tell a real injection apart.
scan "Idempotency-Key header" "Idempotency-Key" --technique=EST \
  -u "$B/tasks/" -H "Idempotency-Key: sqlmap-key*" --data '{"title":"sqlmap probe"}'
scan "task update body" "title description" \
  -u "$B/tasks/$mine" --method PATCH --data '{"title":"renamed","description":"d"}'
scan "quick add" "text" -u "$B/tasks/quick" --data '{"text":"buy milk tomorrow #home"}'
scan "task id in the path" "#1\\*" -u "$B/tasks/${mine}*"

after=$(curl -sS -H "Authorization: Bearer $victim" "$B/tasks/$theirs")
if [ "$before" = "$after" ]; then ok "another user's task is unchanged"; else
  bad "another user's task is unchanged" "before: $before"$'\n'"after:  $after"; fi
health=$(curl -sS --max-time 10 "$B/health")
if [ "$health" = '{"status":"ok","db":"ok"}' ]; then ok "the API still answers"; else
  bad "the API still answers" "$health"; fi

finish
