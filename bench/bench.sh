#!/usr/bin/env bash
# `npm run bench [-- --quick] [-- --only 1,3]`: installs what is missing, starts PostgreSQL (if
# down) and a Kafka broker (stopped afterwards only if started here), then runs bench/run.ts with
# ts-node (transpile-only, no build). The table goes to stdout, progress to stderr.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"

ensure_node_modules
# Scenario 3's baseline (Emmett) has its own install: its peer uuid@^10 clashes with ours.
EMMETT="$ROOT/bench/emmett"
want="$(sha256sum "$EMMETT/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$EMMETT/node_modules/.lock-stamp" ] || [ "$(cat "$EMMETT/node_modules/.lock-stamp")" != "$want" ]; then
  log "installing the Emmett baseline's packages (bench/emmett)"
  (cd "$EMMETT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in bench/emmett failed"
  echo "$want" > "$EMMETT/node_modules/.lock-stamp"
fi
ensure_services
trap stop_kafka_if_started_here EXIT

# The bench needs PostgreSQL connections the server may not have: scenario 1's raw baseline opens
# 64 at once beside the service's own pools (API up to DATABASE_POOL_MAX=20 plus its sessions, the
# projector's pool and lock sessions), about 94 of the default max_connections=100. Beside a
# running `npm start` (or any other heavy client) the server refuses some of them, and the bench
# used to hang there (after "s1 HTTP c=64"). Refuse at once instead, saying who holds them.
connections_needed() {
  local only="" previous=""
  for arg in "$@"; do [ "$previous" = --only ] && only="$arg"; previous="$arg"; done
  if [ -z "$only" ] || [[ ",$only," == *,1,* ]]; then echo 94
  elif [[ ",$only," == *,2,* ]]; then echo 62
  else echo 30; fi
}
need="${BENCH_PG_CONNECTIONS:-$(connections_needed "$@")}"
server="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
free="$(psql "$server" -Atc "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")" \
  || die "cannot ask PostgreSQL ($server) how many connections are free"
if [ "$free" -lt "$need" ]; then
  held="$(psql "$server" -Atc "SELECT count(*) || ' by ' || coalesce(nullif(application_name, ''), '?') || ' on ' || coalesce(datname, '-') FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY application_name, datname ORDER BY count(*) DESC LIMIT 8" | sed 's/^/  /')" || true
  die "refusing to run: these scenarios need about $need PostgreSQL connections at once, but only $free are free on $server. In use now:
$held
Stop what holds them (a running \`npm start\` holds up to ~45 under load) or raise max_connections; \`-- --only 3,4,5\` needs about 30; BENCH_PG_CONNECTIONS overrides the estimate."
fi
log "PostgreSQL: $free connections free, these scenarios need about $need"

cd "$ROOT"
# BENCH_NODE_FLAGS, e.g. "--cpu-prof --cpu-prof-dir=bench/results" (profiles there are git-ignored).
# shellcheck disable=SC2086
node --max-old-space-size=4096 ${BENCH_NODE_FLAGS:-} -r ts-node/register/transpile-only -r tsconfig-paths/register bench/run.ts "$@"
