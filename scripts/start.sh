#!/usr/bin/env bash
# `npm start`: installs what is missing, starts PostgreSQL (if down) and the Kafka broker, applies
# migrations, then runs balance-api and projector in the foreground. Ctrl-C stops everything this
# script started (a broker that was already running is left alone).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_node_modules
ensure_services
bash "$ROOT/scripts/build.sh"
(cd "$ROOT" && node dist/apps/ledger-cli/src/main.js migrate)

pids=()
cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_kafka_if_started_here
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

for app in balance-api projector; do
  node "$ROOT/dist/apps/$app/src/main.js" > >(tee -a "$LOG_DIR/$app.log") 2>&1 &
  pids+=($!)
done

api="${PUBLIC_BASE_URL:-http://${HOST:-127.0.0.1}:${PORT:-3000}}"
for _ in $(seq 1 120); do
  if curl -fsS "$api/health" >/dev/null 2>&1; then break; fi
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || die "a process exited during start-up (logs in .run/logs/)"; done
  sleep 0.5
done
curl -fsS "$api/health" >/dev/null 2>&1 || die "the API did not become healthy within 60 s (see .run/logs/balance-api.log)"
log "ready: API on $api (OpenAPI: $api/docs, health: $api/health); logs in .run/logs/; Ctrl-C stops"
wait -n "${pids[@]}" || true
die "a process exited; stopping the rest (logs in .run/logs/)"
