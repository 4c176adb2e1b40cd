#!/usr/bin/env bash
# Checks what `make install` lays down, into a scratch DESTDIR (nothing on the machine is
# touched), for a PREFIX other than the default so every path that follows PREFIX shows.
#
#   test/install/check.sh        (from anywhere; builds nothing new when `make` is done)
#
# Last line: TALLY <n> passed, <m> failed.
set -u

repo=$(cd "$(dirname "$0")/../.." && pwd)
prefix=/usr
. "$repo/test/tally.sh"  # ok, bad, check, finish

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
root=$dest$prefix

if out=$(make -s -C "$repo" install DESTDIR="$dest" PREFIX="$prefix" 2>&1); then
  ok "make install DESTDIR=... PREFIX=$prefix"
else
  bad "make install DESTDIR=... PREFIX=$prefix" "$out"
  finish
fi

for bin in tudushka-api tudushka-bot; do check "bin/$bin is executable" test -x "$root/bin/$bin"; done
# tudushka-api --migrate looks for <bin>/../share/tudushka/sql.
check "every migration is installed" \
  diff -q <(cd "$repo/sql" && ls) <(cd "$root/share/tudushka/sql" && ls)
check "openapi.yaml is installed" cmp -s "$repo/openapi.yaml" "$root/share/tudushka/openapi.yaml"
for unit in tudushka-api tudushka-bot; do
  file=$root/lib/systemd/system/$unit.service
  check "$unit.service is where systemd looks" test -f "$file"
  check "$unit.service runs $prefix/bin/$unit" grep -qx "ExecStart=$prefix/bin/$unit" "$file"
done
check "tudushka-api.service migrates with $prefix/bin/tudushka-api" \
  grep -qx "ExecStartPre=$prefix/bin/tudushka-api --migrate" "$root/lib/systemd/system/tudushka-api.service"
site=$root/share/tudushka/nginx/tudushka.conf
check "the nginx site serves $prefix/share/tudushka/www" \
  grep -qE "^[[:space:]]*root $prefix/share/tudushka/www;" "$site"
check "the nginx site serves the installed openapi.yaml" \
  grep -qE "^[[:space:]]*alias $prefix/share/tudushka/openapi.yaml;" "$site"
left=$(grep -rl /usr/local "$root" 2>/dev/null | grep -v '/www/' || true)
if [ -z "$left" ]; then ok "no installed file names /usr/local"; else bad "no installed file names /usr/local" "$left"; fi
for snippet in "$repo"/nginx/snippets/*.conf; do
  check "snippet $(basename "$snippet")" cmp -s "$snippet" "$root/share/tudushka/nginx/snippets/$(basename "$snippet")"
done
if [ -d "$repo/frontend/dist" ]; then
  check "the web app is installed" test -f "$root/share/tudushka/www/index.html"
fi

finish
