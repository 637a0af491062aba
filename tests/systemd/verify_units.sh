#!/bin/sh
# verify_units.sh UNIT_DIR PAASMAKER_BINARY
#
# Runs `systemd-analyze verify` on each *.service in UNIT_DIR and fails on a
# non-zero exit or on any output at all: verify prints nothing for a clean
# unit, and every line it prints (unknown key, bad value, missing binary) is
# a real finding. verify checks that ExecStart's program exists, so it reads
# copies with /usr/local/bin/paasmaker replaced by the binary just built.
# --man=no: the units' Documentation= is not looked up in man pages.
set -u
unit_dir=$1
binary=$2
case $binary in
  /*) ;;
  *) echo "the paasmaker binary must be an absolute path: $binary"; exit 1 ;;
esac
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze not installed (Debian package systemd; scripts/install-deps installs it)"
  exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/pm-units.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
status=0
count=0
for unit in "$unit_dir"/*.service; do
  [ -e "$unit" ] || { echo "no units in $unit_dir"; exit 1; }
  name=$(basename "$unit")
  grep -q '^ExecStart=/usr/local/bin/paasmaker ' "$unit" || {
    echo "FAIL $name: ExecStart does not run /usr/local/bin/paasmaker"
    status=1
  }
  sed "s|/usr/local/bin/paasmaker|$binary|g" "$unit" > "$work/$name"
  output=$(systemd-analyze verify --man=no "$work/$name" 2>&1)
  rc=$?
  if [ $rc -ne 0 ] || [ -n "$output" ]; then
    echo "FAIL $name (exit $rc):"
    printf '%s\n' "$output"
    status=1
  else
    echo "ok   $name"
  fi
  count=$((count + 1))
done
echo "$count unit(s) verified"
exit $status
