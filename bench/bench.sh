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

cd "$ROOT"
# BENCH_NODE_FLAGS, e.g. "--cpu-prof --cpu-prof-dir=bench/results" (profiles there are git-ignored).
# shellcheck disable=SC2086
node --max-old-space-size=4096 ${BENCH_NODE_FLAGS:-} -r ts-node/register/transpile-only -r tsconfig-paths/register bench/run.ts "$@"
