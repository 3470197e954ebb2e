#!/usr/bin/env bash
# `npm test`: installs what is missing, starts PostgreSQL (if down) and the Kafka broker, type-checks,
# checks formatting and lint, then runs every jest project (unit, integration, e2e). Extra arguments go to jest, e.g.
# `npm test -- --selectProjects unit`. Tests create and drop their own databases and topics; the
# broker is stopped afterwards if this script started it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_node_modules
ensure_services
trap stop_kafka_if_started_here EXIT

log "type-checking"
(cd "$ROOT" && npx --no-install tsc -p tsconfig.json --noEmit)
log "checking formatting (prettier) and lint (eslint)"
(cd "$ROOT" && npx --no-install prettier --check --log-level warn .)
(cd "$ROOT" && npx --no-install eslint --max-warnings 0 apps libs test bench)
log "running jest"
cd "$ROOT" && npx --no-install jest --ci --maxWorkers=2 "$@"
