#!/usr/bin/env bash
# A real Apache Kafka 3.9.1 broker (KRaft, combined broker+controller) from Apache's jars on
# Maven Central. Usage: kafka.sh start | stop | status | fetch (the jars only)
#   start: reuses a broker already serving on 127.0.0.1:9092; otherwise fetches the jars (cached
#          in .kafka/libs), formats storage once, starts the broker and waits until it serves.
#   stop:  stops the broker only if this project started it (pid file in .run/kafka.pid).
# Broker log: .run/logs/kafka.log
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
LIBS="$ROOT/.kafka/libs"
POM="$ROOT/scripts/kafka/pom.xml"
DATA="$RUN_DIR/kafka/data"
PROPS="$RUN_DIR/kafka/server.properties"
PID_FILE="$RUN_DIR/kafka.pid"
LOG_FILE="$LOG_DIR/kafka.log"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"

fetch_jars() {
  local stamp="$LIBS/.pom-sha256" want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Kafka's jars"
  log "fetching Apache Kafka jars from Maven Central into .kafka/libs"
  # Wiped first so two versions of one library never share the classpath.
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  mvn -B -q -f "$POM" dependency:copy-dependencies -DoutputDirectory="$LIBS" -DincludeScope=runtime \
    >"$LOG_DIR/kafka-fetch.log" 2>&1 || die "Maven could not fetch Kafka (see $LOG_DIR/kafka-fetch.log)"
  echo "$want" > "$stamp"
}

write_config() {
  mkdir -p "$DATA"
  cat > "$PROPS" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.cleaner.backoff.ms=1000
PROPS
}

JAVA_ARGS=(-Xmx512m -Xms256m -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$ROOT/scripts/kafka/log4j.properties" -cp "$LIBS/*")
java_cmd() { java "${JAVA_ARGS[@]}" "$@"; }

start() {
  if port_open "$HOST" "$PORT"; then
    log "Kafka already serving on $HOST:$PORT; reusing it"
    return
  fi
  command -v java >/dev/null || die "java is needed to run the Kafka broker"
  fetch_jars
  write_config
  if [ ! -f "$DATA/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java_cmd kafka.tools.StorageTool random-uuid 2>>"$LOG_FILE" | tail -1)"
    java_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" >>"$LOG_FILE" 2>&1 \
      || die "formatting Kafka storage failed (see $LOG_FILE)"
  fi
  log "starting Kafka broker on $HOST:$PORT (log: ${LOG_FILE#$ROOT/})"
  nohup java "${JAVA_ARGS[@]}" kafka.Kafka "$PROPS" >>"$LOG_FILE" 2>&1 &
  echo $! > "$PID_FILE"
  if ! wait_for_port "$HOST" "$PORT" "$START_TIMEOUT"; then
    stop
    die "Kafka did not serve on $HOST:$PORT within ${START_TIMEOUT}s (see $LOG_FILE)"
  fi
  log "Kafka is up (pid $(cat "$PID_FILE"))"
}

stop() {
  [ -f "$PID_FILE" ] || { log "no Kafka started by this project; nothing to stop"; return; }
  local pid; pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping Kafka (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "Kafka ignored SIGTERM for 30 s; killing"; kill -KILL "$pid"; }
  fi
  rm -f "$PID_FILE"
}

status() {
  if port_open "$HOST" "$PORT"; then echo "serving on $HOST:$PORT"; else echo "not serving"; exit 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  fetch) fetch_jars ;; # also used by scripts/kafka-cluster.sh: one jar cache for every broker
  *) echo "usage: $0 start|stop|status|fetch" >&2; exit 2 ;;
esac
