#!/usr/bin/env bash
# Installs Virtuoso 7 from Debian for the store contract tests (idempotent; needs root or sudo).
# The tests start it themselves (tests/servers.py): a private database folder, .ci/virtuoso.ini with
# HTTP and SQL ports bound to 127.0.0.1, writes through /sparql-auth with digest auth.
# Debian's package starts a system-wide instance on install; it is stopped so only the test's own runs.
set -euo pipefail

command -v virtuoso-t >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "installing Debian package: virtuoso-opensource"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq virtuoso-opensource >/dev/null
if command -v service >/dev/null 2>&1; then
  $SUDO service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi
command -v virtuoso-t >/dev/null
