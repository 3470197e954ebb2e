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
source "$ROOT/scripts/anchor-key.sh"
source "$ROOT/scripts/auth-keys.sh"

# Runs one app and restarts it whenever it exits: a crash, a fatal unhandled rejection (exit 70),
# anything. Backoff 1 s doubling to 30 s, back to 1 s once it has run for a minute; exit 78 (bad
# configuration) is not retried, since it would fail the same way. The app runs in a session of
# its own (setsid) so Ctrl-C reaches only this script, which stops it with TERM and is not taken
# for a crash. TERM to the supervisor stops the app and the loop.
supervise() {
  local app=$1 delay=1 started code
  child="" stopping=0
  trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM
  while :; do
    started=$SECONDS
    setsid node "$ROOT/dist/apps/$app/src/main.js" > >(tee -a "$LOG_DIR/$app.log") 2>&1 &
    child=$!
    code=0
    wait "$child" || code=$?
    # A TERM ends `wait` early: wait again until the app has finished its own shutdown.
    while kill -0 "$child" 2>/dev/null; do wait "$child" || code=$?; done
    [ "$stopping" = 1 ] && exit 0
    [ "$code" = 78 ] && { log "$app: invalid configuration (exit 78); not restarting it"; exit 78; }
    [ $((SECONDS - started)) -ge 60 ] && delay=1
    log "$app exited with code $code; restarting it in ${delay} s (log: .run/logs/$app.log)"
    sleep "$delay" & child=$!
    wait "$child" || true
    [ "$stopping" = 1 ] && exit 0
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}

supervisors=()
cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${supervisors[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${supervisors[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_kafka_if_started_here
}
trap 'cleanup; exit 0' INT TERM
trap cleanup EXIT

for app in balance-api projector; do
  supervise "$app" &
  supervisors+=($!)
done

api="${PUBLIC_BASE_URL:-http://${HOST:-127.0.0.1}:${PORT:-3000}}"
for _ in $(seq 1 120); do
  if curl -fsS "$api/health/ready" >/dev/null 2>&1; then break; fi
  for pid in "${supervisors[@]}"; do kill -0 "$pid" 2>/dev/null || die "an app cannot start (logs in .run/logs/)"; done
  sleep 0.5
done
curl -fsS "$api/health/ready" >/dev/null 2>&1 || die "the API did not become ready within 60 s (see .run/logs/balance-api.log)"
log "ready: API on $api (OpenAPI: $api/docs, readiness: $api/health/ready; projector: http://${HOST:-127.0.0.1}:${PROJECTOR_HEALTH_PORT:-3001}/health/ready); logs in .run/logs/; Ctrl-C stops"
# Supervisors only end on their own for a configuration error: then stop everything.
wait -n "${supervisors[@]}" || true
die "an app cannot run (invalid configuration); stopping the rest (logs in .run/logs/)"
