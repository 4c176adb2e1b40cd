#!/usr/bin/env bash
# Checks the systemd units in systemd/ against freshly built binaries.
#
#   test/unit_files/verify.sh BUILD_DIR        e.g. test/unit_files/verify.sh build
#
# For every systemd/*.service whose binary exists in BUILD_DIR (a unit whose binary is not
# built yet is reported as "skip" and not counted), on a copy whose /usr/local/bin/ paths
# point into BUILD_DIR:
#   verify    `systemd-analyze verify` exits 0 and prints nothing. It exits 0 on a bad
#             value or an unknown key (it only warns), so any output counts as a failure.
#   security  `systemd-analyze security --offline=true` exposure <= UNIT_EXPOSURE_MAX
#             (default 2.0; "OK" is below 4.0); the score line is printed.
#   policy    the settings this project relies on are present with the right values
#             (readiness protocol, exit status 78 not restarted, no capabilities, ...).
#
# User=/Group=: systemd-analyze verify (systemd 252) does not look users up, because that
# happens when the service starts; it only warns ("Accepting user/group name ...") about a
# name that breaks the strict naming rules, and that warning fails `verify` here. So no
# user is created for the check (a test must not add system users), and `policy` checks
# that both units run as the unprivileged user `tudushka` that the install steps create.
#
# Needs no running systemd (works in a container). Last line: TALLY <n> passed, <m> failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
max=${UNIT_EXPOSURE_MAX:-2.0}
. "$here/../tally.sh"  # ok, bad, finish

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 BUILD_DIR   (the directory holding tudushka-api, tudushka-bot)" >&2
  bad "arguments" "BUILD_DIR missing or not a directory: ${1:-<none>}"
  finish
fi
build=$(cd "$1" && pwd)
if ! command -v systemd-analyze >/dev/null; then
  bad "systemd-analyze" "not installed (Debian package systemd)"
  finish
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SYSTEMD_COLORS=0 SYSTEMD_PAGER= SYSTEMD_LOG_COLOR=0

# policy_<unit> KEY=VALUE ...: each line must appear exactly (after trimming) in the unit.
common_policy=(
  "Type=notify" "NotifyAccess=main" "User=tudushka" "Group=tudushka"
  "Restart=on-failure" "RestartPreventExitStatus=78" "KillMode=mixed"
  "EnvironmentFile=-/etc/tudushka/tudushka.env" "CapabilityBoundingSet=" "AmbientCapabilities="
  "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes"
  "PrivateDevices=yes" "ProtectKernelTunables=yes" "ProtectKernelModules=yes"
  "ProtectKernelLogs=yes" "ProtectControlGroups=yes"
  "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" "RestrictNamespaces=yes"
  "LockPersonality=yes" "MemoryDenyWriteExecute=yes" "SystemCallFilter=@system-service"
)
policy_api=(
  "ExecStart=/usr/local/bin/tudushka-api" "ExecStartPre=/usr/local/bin/tudushka-api --migrate"
  'ExecReload=/bin/kill -HUP $MAINPID' "TimeoutStopSec=15" "RuntimeDirectory=tudushka"
  "RuntimeDirectoryMode=0750"
)
policy_bot=(
  "ExecStart=/usr/local/bin/tudushka-bot" "WatchdogSec=30" "After=network-online.target postgresql.service tudushka-api.service"
)

shopt -s nullglob
units=("$repo"/systemd/*.service)
[ ${#units[@]} -gt 0 ] || bad "units" "no systemd/*.service found"
for src in "${units[@]}"; do
  name=$(basename "$src")
  short=${name#tudushka-}; short=${short%.service}
  # Every binary the unit runs from /usr/local/bin/ must be built.
  missing=""
  for bin in $(grep -oE '/usr/local/bin/[A-Za-z0-9._-]+' "$src" | sort -u); do
    [ -x "$build/${bin#/usr/local/bin/}" ] || missing+=" ${bin#/usr/local/bin/}"
  done
  if [ -n "$missing" ]; then
    echo "skip $name: not built in $build:$missing"
    continue
  fi
  # One directory per unit: verify puts the unit's directory on the search path, and a
  # sibling named in After= would otherwise be loaded and its warnings blamed on this one.
  mkdir "$tmp/$short"
  unit="$tmp/$short/$name"
  sed "s#/usr/local/bin/#$build/#g" "$src" >"$unit"

  out=$(cd "$tmp/$short" && systemd-analyze verify --man=no --generators=no "$unit" 2>&1)
  rc=$?
  if [ $rc -eq 0 ] && [ -z "$out" ]; then ok "verify   $name"; else bad "verify   $name (exit $rc)" "$out"; fi

  out=$(cd "$tmp/$short" && systemd-analyze security --offline=true "$unit" 2>&1)
  rc=$?
  score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' <<<"$out")
  if [ $rc -ne 0 ] || [ -z "$score" ]; then
    bad "security $name (exit $rc)" "$out"
  elif awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'; then
    ok "security $name: exposure $score (max $max)"
  else
    bad "security $name: exposure $score > max $max" "$(grep '✗' <<<"$out")"
  fi

  want=("${common_policy[@]}")
  case $short in
    api) want+=("${policy_api[@]}") ;;
    bot) want+=("${policy_bot[@]}") ;;
  esac
  # Trimmed, comment-free lines of the original unit.
  lines=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^[#;]/d' "$src")
  problems=""
  for w in "${want[@]}"; do
    grep -qxF -- "$w" <<<"$lines" || problems+="missing: $w"$'\n'
  done
  for key in User Group; do
    v=$(sed -n "s/^$key=//p" <<<"$lines")
    [[ $v =~ ^[a-z_][a-z0-9_-]{0,30}$ ]] || problems+="$key=$v is not a valid system user/group name"$'\n'
  done
  if [ -z "$problems" ]; then ok "policy   $name"; else bad "policy   $name" "${problems%$'\n'}"; fi
done
finish
