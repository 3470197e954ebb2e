#!/usr/bin/env bash
# Ensures the local PostgreSQL server answers on 127.0.0.1:5432, starting the Debian cluster if
# it is down. Databases are created by migrate.sh and by each test for itself.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

PGHOST_CHECK="${PGHOST_CHECK:-127.0.0.1}"
PGPORT_CHECK="${PGPORT_CHECK:-5432}"

if port_open "$PGHOST_CHECK" "$PGPORT_CHECK"; then
  exit 0
fi
if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  log "PostgreSQL is down; starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || die "could not start PostgreSQL $version/main"
else
  die "PostgreSQL is not reachable on $PGHOST_CHECK:$PGPORT_CHECK and no local cluster is installed (set DATABASE_URL to a reachable server)"
fi
wait_for_port "$PGHOST_CHECK" "$PGPORT_CHECK" 30 || die "PostgreSQL did not open $PGHOST_CHECK:$PGPORT_CHECK within 30 s"
log "PostgreSQL is up"
