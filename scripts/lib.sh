# Shared helpers for the project's scripts. Sourced, never executed.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${LEDGER_RUN_DIR:-$ROOT/.run}"
LOG_DIR="$RUN_DIR/logs"
mkdir -p "$LOG_DIR"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for_port() { # host port seconds what
  local deadline=$((SECONDS + $3))
  until port_open "$1" "$2"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# npm ci only when the lockfile changed since the last install, so both commands stay fast.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.lock-stamp"
  local want; want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing npm packages (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    echo "$want" > "$stamp"
  fi
}

# PostgreSQL up (started if down) and a Kafka broker serving; sets KAFKA_STARTED_HERE=true when
# this call started the broker, so the caller stops only what it started.
ensure_services() {
  bash "$ROOT/scripts/postgres.sh"
  KAFKA_STARTED_HERE=true
  port_open 127.0.0.1 "${KAFKA_PORT:-9092}" && KAFKA_STARTED_HERE=false
  bash "$ROOT/scripts/kafka.sh" start
}

stop_kafka_if_started_here() {
  [ "${KAFKA_STARTED_HERE:-false}" = true ] && bash "$ROOT/scripts/kafka.sh" stop || true
}
