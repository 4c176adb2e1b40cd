#!/usr/bin/env bash
# Runs the production nginx site (nginx/tudushka.conf + nginx/snippets/) for real, in front
# of the running test stack's API, and checks what a deployment relies on.
#
#   test/nginx/site.sh      (needs var/test/env: `scripts/stack start test` first)
#
# The site is started as written, but with its machine paths moved into a scratch prefix:
# ports 80/443 become two free loopback ports, /run/tudushka/api.sock the test stack's
# socket, the web root frontend/dist, the certificate a self-signed one made here for
# tudushka.example.org (curl reaches that name with --resolve, so SNI is real).
# Checks: `nginx -t` says nothing but ok (the first Tudushka's deploy warned about hash
# sizes); HTTPS over HTTP/2 with the security headers and HSTS; TLS 1.2 and 1.3 only; an
# unknown SNI name refused in the handshake; an unknown Host answered 421 in JSON; plain
# HTTP moved to HTTPS with 308 except ACME challenges; gzip; cache headers; the SPA
# fallback; the API (register, create, list) through the site; JSON errors from nginx.
# Then testssl (package testssl.sh, ~20 s) rates the TLS setup; TUDUSHKA_TESTSSL=0 skips it.
#
# Last line: TALLY <n> passed, <m> failed.
set -u

cd "$(dirname "$0")/../.."
. scripts/lib.sh  # ROOT, port_free, load_env, nginx_user_line
. test/tally.sh  # ok, bad, finish

[ -f var/test/env ] || { bad "test stack" "var/test/env missing: run scripts/stack start test"; finish; }
load_env var/test/env
SOCKET=$(sed -n 's/^TUDUSHKA_SOCKET=//p' var/test/api.conf 2>/dev/null)
[ -S "${SOCKET:-}" ] || { bad "test stack" "no API socket (TUDUSHKA_SOCKET in var/test/api.conf)"; finish; }
[ -f frontend/dist/index.html ] || { bad "web app" "frontend/dist is not built"; finish; }

NAME=tudushka.example.org
free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do port_free "$p" && { echo "$p"; return; }; done
  return 1
}
HTTP=$(free_port 18480) && HTTPS=$(free_port 18680) || { bad "ports" "no free port near 18480/18680"; finish; }

tmp=$(mktemp -d)
chmod 0755 "$tmp"  # nginx's workers read the ACME root in here
NGINX_PID=
cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/tls" "$tmp/logs" "$tmp/temp" "$tmp/acme/.well-known/acme-challenge"

# A self-signed ECDSA certificate for the site's name.
if ! out=$(openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=$NAME" -addext "subjectAltName=DNS:$NAME" \
  -keyout "$tmp/tls/privkey.pem" -out "$tmp/tls/fullchain.pem" 2>&1); then
  bad "certificate" "$out"; finish
fi

# The site with its machine paths moved (see the top); everything else as shipped.
sed -e "s#listen \[::\]:80[^;]*;##" -e "s#listen \[::\]:443[^;]*;##" \
  -e "s#listen 80#listen 127.0.0.1:$HTTP#" -e "s#listen 443#listen 127.0.0.1:$HTTPS#" \
  -e "s#/etc/tudushka/tls/#$tmp/tls/#g" -e "s#unix:/run/tudushka/api.sock#unix:$SOCKET#" \
  -e "s#unix:/run/tudushka/chat.sock#unix:$tmp/chat.sock#" \
  -e "s#/var/log/nginx/#$tmp/logs/#g" -e "s#/var/www/acme#$tmp/acme#g" \
  -e "s#/usr/local/share/tudushka/www#$ROOT/frontend/dist#g" \
  -e "s#/usr/local/share/tudushka/openapi.yaml#$ROOT/openapi.yaml#g" \
  -e "s#include snippets/tudushka/#include $ROOT/nginx/snippets/#g" \
  -e "s#include fastcgi_params;#include /etc/nginx/fastcgi_params;#g" \
  nginx/tudushka.conf >"$tmp/site.conf"
left=$(grep -nE 'unix:/run/|/etc/tudushka|/var/log/|/var/www|/usr/local|listen (80|443)' "$tmp/site.conf" |
  grep -vE '^[0-9]+:[[:space:]]*#')
[ -z "$left" ] || { bad "site paths moved" "$left"; finish; }

user_line=$(nginx_user_line frontend/dist "$tmp/temp")

# Debian's nginx.conf in miniature: the http-level settings the site expects around it.
cat >"$tmp/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    types_hash_max_size 2048;
    client_body_temp_path $tmp/temp/body;
    fastcgi_temp_path $tmp/temp/fastcgi;
    proxy_temp_path $tmp/temp/proxy;
    uwsgi_temp_path $tmp/temp/uwsgi;
    scgi_temp_path $tmp/temp/scgi;
    access_log off;
    include $tmp/site.conf;
}
EOF

out=$(nginx -t -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf" 2>&1)
rc=$?
noise=$(grep -vE 'syntax is ok|test is successful' <<<"$out")
if [ $rc -eq 0 ] && [ -z "$noise" ]; then ok "nginx -t: no warnings"; else bad "nginx -t (exit $rc)" "$out"; finish; fi

nginx -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf" -g "daemon off;" 2>>"$tmp/logs/error.log" &
NGINX_PID=$!
for _ in $(seq 1 50); do port_free "$HTTPS" || break; sleep 0.1; done
port_free "$HTTPS" && { bad "nginx started" "$(tail -5 "$tmp/logs/error.log")"; finish; }

S=https://$NAME:$HTTPS
H=http://$NAME:$HTTP
CURL=(curl -sS --max-time 10 --cacert "$tmp/tls/fullchain.pem"
  --resolve "$NAME:$HTTPS:127.0.0.1" --resolve "$NAME:$HTTP:127.0.0.1")
# fetch CURL-ARGS...: headers (names lower-cased), a blank line, then the body.
fetch() { "${CURL[@]}" -D - "$@" 2>&1 | tr -d '\r' | sed '1,/^$/{s/^\([^:]*\):/\L\1:/}'; }
header() { sed -n "s/^$1: //p" <<<"$2" | head -n 1; }
status() { sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' <<<"$1"; }
body() { sed '1,/^$/d' <<<"$1"; }
# expect NAME ACTUAL WANTED [context]
expect() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "wanted: $3"$'\n'"got:    $2${4:+$'\n'$4}"; fi; }

# --- HTTPS, HTTP/2, headers -------------------------------------------------------------
r=$(fetch --http2 "$S/api/health")
expect "HTTPS /api/health over HTTP/2" "$(head -n 1 <<<"$r" | cut -d' ' -f1,2)" "HTTP/2 200" "$r"
expect "the health body" "$(body "$r")" '{"status":"ok","db":"ok"}'
expect "HSTS" "$(header strict-transport-security "$r")" "max-age=63072000; includeSubDomains"
expect "nosniff" "$(header x-content-type-options "$r")" "nosniff"
expect "frames denied" "$(header x-frame-options "$r")" "DENY"
csp=$(header content-security-policy "$r")
[[ $csp == *"default-src 'self'"* && $csp == *"frame-ancestors 'none'"* ]] &&
  ok "Content-Security-Policy" || bad "Content-Security-Policy" "$csp"
expect "no server version" "$(header server "$r")" "nginx"

# --- TLS policy ----------------------------------------------------------------------------
for v in 1.2 1.3; do
  if out=$("${CURL[@]}" -o /dev/null --tlsv$v --tls-max $v "$S/api/health" 2>&1); then
    ok "TLS $v accepted"
  else
    bad "TLS $v accepted" "$out"
  fi
done
# OpenSSL's client refuses TLS < 1.2 at its default security level, so lower it: only the
# server's refusal counts here.
for v in tls1 tls1_1; do
  if out=$(openssl s_client -connect "127.0.0.1:$HTTPS" -servername "$NAME" -"$v" \
    -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1) && grep -q '^New, ' <<<"$out"; then
    bad "$v refused" "$(grep -E '^(New|Protocol)' <<<"$out")"
  else
    ok "$v refused"
  fi
done
if out=$(curl -sS --max-time 10 -k --resolve "other.example:$HTTPS:127.0.0.1" -o /dev/null \
  "https://other.example:$HTTPS/" 2>&1); then
  bad "an unknown SNI name is refused in the handshake" "it was answered"
else
  ok "an unknown SNI name is refused in the handshake"
fi

# --- names, plain HTTP, ACME -----------------------------------------------------------
r=$(fetch -H "Host: other.example" "$S/api/health")
expect "an unknown Host over TLS gets 421" "$(status "$r")" "421" "$r"
expect "... in the API's error shape" "$(body "$r" | jq -r .error.code 2>/dev/null)" "misdirected_request"
r=$(fetch "http://127.0.0.1:$HTTP/")
expect "a bare IP over HTTP gets 421" "$(status "$r")" "421" "$r"
# Malformed HTTP that nginx finds before it knows the Host goes to the default server: it
# too must answer in the API's error shape, never nginx's HTML page.
raw() { # BYTES (printf %b) -> the answer, as fetch prints it
  (exec 3<>"/dev/tcp/127.0.0.1/$HTTP" && printf '%b' "$1" >&3 && timeout 5 cat <&3) 2>&1 |
    tr -d '\r' | sed '1,/^$/{s/^\([^:]*\):/\L\1:/}'
}
code() { body "$1" | jq -r .error.code 2>/dev/null; }
r=$(raw 'GARBAGE\r\n\r\n')
expect "a malformed request over HTTP gets a JSON 400" "$(status "$r"):$(code "$r")" "400:bad_request" "$r"
r=$(raw 'GET / HTTP/1.1\r\n\r\n')
expect "... and one without a Host" "$(status "$r"):$(code "$r")" "400:bad_request" "$r"
long=$(printf 'a%.0s' $(seq 1 9000))
r=$(fetch "$H/?q=$long")
expect "a URI too long over HTTP gets a JSON 414" "$(status "$r"):$(code "$r")" "414:too_large" "$r"
r=$(fetch --http1.1 "$S/api/tasks/?q=$long")  # HTTP/2 takes a longer path
expect "... and over HTTPS (HTTP/1.1)" "$(status "$r"):$(code "$r")" "414:too_large" "$r"
r=$(fetch "$H/.well-known/acme-challenge/none")
expect "a missing ACME file is a JSON 404" "$(status "$r"):$(code "$r")" "404:not_found" "$r"
r=$(fetch -X POST "$H/api/tasks/?limit=5")
expect "plain HTTP moves to HTTPS, keeping the method (308)" "$(status "$r")" "308" "$r"
expect "... to the same path" "$(header location "$r")" "https://$NAME/api/tasks/?limit=5"
echo "acme-token-proof" >"$tmp/acme/.well-known/acme-challenge/tok"
chmod -R a+rX "$tmp/acme"
r=$(fetch "$H/.well-known/acme-challenge/tok")
expect "ACME challenges are served over plain HTTP" "$(status "$r"):$(body "$r")" "200:acme-token-proof" "$r"

# --- the web app ---------------------------------------------------------------------------
r=$(fetch "$S/tasks/today")
expect "a client-side route serves the app shell" "$(status "$r")" "200" "$r"
[[ $(body "$r") == *'<div id="root">'* ]] && ok "... which is index.html" || bad "... which is index.html" "$(body "$r" | head -5)"
expect "... always revalidated" "$(header cache-control "$r")" "no-cache"
asset=$(grep -oE '/assets/[^"]+\.js' frontend/dist/index.html | head -n 1)
r=$(fetch -H "Accept-Encoding: gzip" "$S$asset" -o /dev/null)
expect "hashed bundles are cached for good" "$(header cache-control "$r")" "public, max-age=31536000, immutable" "$asset"
expect "... and sent gzipped" "$(header content-encoding "$r")" "gzip"
expect "... with the security headers too" "$(header x-content-type-options "$r")" "nosniff"

# --- the API through the site ----------------------------------------------------------------
user="site_$(date +%s)_$RANDOM"
r=$(fetch -X POST -H "Content-Type: application/json" \
  -d "{\"username\":\"$user\",\"password\":\"correct horse battery\"}" "$S/api/auth/register")
expect "register through the site" "$(status "$r")" "201" "$r"
token=$(body "$r" | jq -r .token 2>/dev/null)
auth=(-H "Authorization: Bearer $token")
for i in $(seq 1 12); do
  "${CURL[@]}" -o /dev/null "${auth[@]}" -H "Content-Type: application/json" \
    -d "{\"title\":\"Задача $i: проверить сайт 🚀\",\"description\":\"через nginx/tudushka.conf\"}" \
    "$S/api/tasks/"
done
r=$(fetch "${auth[@]}" -H "Accept-Encoding: gzip" "$S/api/tasks/?limit=50" -o /dev/null)
expect "the task list is gzipped" "$(header content-encoding "$r")" "gzip" "$r"
count=$("${CURL[@]}" "${auth[@]}" --compressed "$S/api/tasks/?limit=50" | jq -r .count 2>/dev/null)
expect "... and reads back whole" "$count" "12"
r=$(fetch "$S/api/metrics")
expect "metrics answer 127.0.0.1" "$(status "$r")" "200"
# Any other client address: as if the route did not exist. (All of 127/8 is this machine,
# so 127.0.0.2 stands in for a remote client.)
for path in /api/metrics /api/metrics/; do
  r=$(fetch --interface 127.0.0.2 "$S$path")
  expect "$path from elsewhere is a JSON 404" \
    "$(status "$r"):$(body "$r" | jq -r .error.code 2>/dev/null)" "404:not_found" "$r"
done
# Sign-in attempts: 30 a minute per address with bursts of 10, then 429 with Retry-After.
codes=""
for i in $(seq 1 14); do
  r=$(fetch --interface 127.0.0.3 -X POST -H "Content-Type: application/json" \
    -d '{"username":"nobody_here","password":"wrong password"}' "$S/api/auth/login")
  codes+="$(status "$r") "
  [ "$(status "$r")" = 429 ] && break
done
expect "sign-in bursts are limited (JSON 429)" \
  "$(status "$r"):$(body "$r" | jq -r .error.code 2>/dev/null)" "429:rate_limited" "statuses: $codes"
[ -n "$(header retry-after "$r")" ] && ok "... with Retry-After" || bad "... with Retry-After" "$r"
r=$(fetch -X DELETE "$S/api/")
expect "a wrong method gets the API's JSON 405" "$(status "$r"):$(body "$r" | jq -r .error.code 2>/dev/null)" "405:method_not_allowed" "$r"
r=$(fetch "$S/api/openapi.yaml")
expect "the spec is served" "$(status "$r"):$(header content-type "$r")" "200:application/yaml" "$r"
r=$(fetch -X POST -H "Content-Type: application/json" -d '{"message":"hi"}' "$S/api/chat/")
expect "an absent pool is a JSON 502, not nginx's page" \
  "$(status "$r"):$(body "$r" | jq -r .error.code 2>/dev/null)" "502:unavailable" "$r"
head -c 1100000 /dev/zero | tr '\0' 'a' >"$tmp/big.json"
for http in --http1.1 --http2; do
  r=$(fetch $http -X POST "${auth[@]}" -H "Content-Type: application/json" \
    --data-binary "@$tmp/big.json" "$S/api/tasks/")
  expect "a body over 1 MB is refused by nginx in JSON, naming the limit (${http#--})" \
    "$(status "$r"):$(body "$r" | jq -r .error.code 2>/dev/null):$(body "$r" | grep -o '1048576 bytes')" \
    "413:too_large:1048576 bytes" "$(head -c 600 <<<"$r")"
done

# --- testssl ------------------------------------------------------------------------------
if [ "${TUDUSHKA_TESTSSL:-1}" = 1 ]; then
  if command -v testssl >/dev/null; then
    # --ip: the name is only ours to resolve (like curl --resolve above); SNI stays the name.
    testssl --quiet --color 0 --warnings batch --ip 127.0.0.1 --add-ca "$tmp/tls/fullchain.pem" \
      -p -S -U --jsonfile-pretty "$tmp/tls.json" "$NAME:$HTTPS" >"$tmp/testssl.log" 2>&1
    # The scan must have run (TLS 1.3 found offered) before its silence means anything. The
    # certificate is this script's own two-day self-signed one (a deployment brings its
    # own), so its findings (cert_*) say nothing about the site.
    scanned=$(jq -r '.scanResult[0].protocols[]? | select(.id == "TLS1_3") | .finding' \
      "$tmp/tls.json" 2>/dev/null)
    worst=$(jq -r '.scanResult[0] | [.protocols[]?, .serverDefaults[]?, .vulnerabilities[]?] |
      map(select((.severity == "HIGH" or .severity == "CRITICAL") and (.id | startswith("cert") | not)))
      | .[] | .id + ": " + .finding' \
      "$tmp/tls.json" 2>/dev/null)
    if [[ $scanned != offered* ]]; then
      bad "testssl scanned the site" "$(tail -5 "$tmp/testssl.log")"
    elif [ -n "$worst" ]; then
      bad "testssl: no HIGH or CRITICAL finding" "$worst"
    else
      ok "testssl: no HIGH or CRITICAL finding (protocols, server defaults, vulnerabilities)"
    fi
  else
    bad "testssl" "testssl is not installed: apt-get install testssl.sh (or TUDUSHKA_TESTSSL=0)"
  fi
fi

finish
