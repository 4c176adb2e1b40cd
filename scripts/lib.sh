# Shared by scripts/pg, scripts/stack, scripts/run, scripts/test, scripts/bench.
# Each profile is a private stack with its own ports and state under var/<profile>:
#   run    http://127.0.0.1:8080    (make run)
#   test   http://127.0.0.1:18080   (make test)
#   bench  http://127.0.0.1:28080   (make bench)
# PostgreSQL listens on a unix socket only (no TCP port to collide with).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)

profile_init() {
  PROFILE=${1:?profile (run, test or bench) required}
  case "$PROFILE" in
    run) HTTP_PORT=${TUDUSHKA_HTTP_PORT:-8080}; PG_PORT=55432 ;;
    test) HTTP_PORT=18080; PG_PORT=55433 ;;
    bench) HTTP_PORT=28080; PG_PORT=55434 ;;
    *) echo "unknown profile '$PROFILE' (run, test or bench)" >&2; exit 2 ;;
  esac
  VAR=$ROOT/var/$PROFILE
  RUN_DIR=$VAR/run
  mkdir -p "$RUN_DIR"
  PG_DIR=$(pg_home)/pg
  PG_SOCK=$(pg_home)/sock
  API_SOCKET=$RUN_DIR/api.sock
  API_PIDFILE=$RUN_DIR/api.pid
  BOT_PIDFILE=$RUN_DIR/bot.pid
  NGINX_PREFIX=$VAR/nginx
  NGINX_PIDFILE=$NGINX_PREFIX/nginx.pid
  DATABASE_URL="postgresql:///tudushka?host=$PG_SOCK&port=$PG_PORT&user=tudushka"
}

# PostgreSQL refuses to run as root, so as root it runs as the 'postgres' user, which
# must be able to reach its directory: var/ when the checkout is world-traversable,
# else a private folder under /var/tmp (var/<profile>/pg-home points to it).
pg_home() {
  local home=$VAR/pg-home
  if [ "$(id -u)" != 0 ]; then echo "$VAR"; return; fi
  if [ -L "$home" ]; then readlink "$home"; return; fi
  if runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
    echo "$VAR"
  else
    local alt
    alt=/var/tmp/tudushka-$(echo "$ROOT" | md5sum | cut -c1-8)/$PROFILE
    mkdir -p "$alt"
    ln -sfn "$alt" "$home"
    echo "$alt"
  fi
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Port check for the HTTP listener: fail with a clear message instead of nginx's.
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Exports the KEY=value lines of an env file such as var/<profile>/env, read literally
# (values hold '&', so the file must not be sourced); quotes around a value are dropped.
load_env() {
  local key value
  while IFS='=' read -r key value; do
    [[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    value=${value%$'\r'}
    if [[ $value == \"*\" || $value == \'*\' ]]; then value=${value:1:${#value}-2}; fi
    export "$key=$value"
  done <"$1"
}

# The `user` line of an nginx that serves STATIC_DIR and keeps its temp files in TEMP_DIR:
# as root, workers drop to nobody when nobody can read the site (TEMP_DIR is then handed
# to nobody), otherwise they stay root (loopback only). Not root: nothing to say.
nginx_user_line() {
  [ "$(id -u)" = 0 ] || return 0
  if runuser -u nobody -- test -r "$1/index.html" 2>/dev/null; then
    chown -R nobody:nogroup "$2"
    echo "user nobody nogroup;"
  else
    echo "user root root;"
  fi
}

secret_key() {
  local f=$ROOT/var/secret.key
  if [ ! -s "$f" ]; then
    mkdir -p "$ROOT/var"
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f")
  fi
  cat "$f"
}
