#!/usr/bin/env bash
# A local 3-broker Apache Kafka 3.9.1 cluster (KRaft, three combined broker+controller nodes) from
# the same Maven jars as scripts/kafka.sh.
# Usage: kafka-cluster.sh start|stop|status [--dir DIR] [--base-port P]
#   --dir DIR        configs, data, logs and pid files (default .run/kafka-cluster)
#   --base-port P    node n (1..3) serves clients on P+2(n-1) and its controller on P+2(n-1)+1
#                    (default 19092: brokers 19092, 19094, 19096; controllers 19093, 19095, 19097)
#   start:  starts every node that is not running (so it also restarts a killed one), formats each
#           node's storage once with one shared cluster id, and waits until all three accept
#           connections and a metadata request lists 3 brokers.
#   stop:   SIGTERM to every node this directory started (SIGKILL after 30 s); data is kept.
#   status: one line per node, then the brokers a metadata request lists; exit 1 unless all 3 serve.
# Node logs: DIR/node-N/kafka.log
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HOST=127.0.0.1
NODES=(1 2 3)
LIBS="$ROOT/.kafka/libs"
START_TIMEOUT="${KAFKA_CLUSTER_START_TIMEOUT:-120}"

COMMAND="${1:-}"
[ $# -gt 0 ] && shift
DIR="$RUN_DIR/kafka-cluster"
BASE_PORT=19092
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="${2:?--dir needs a directory}"; shift 2 ;;
    --base-port) BASE_PORT="${2:?--base-port needs a port}"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$BASE_PORT" =~ ^[0-9]+$ ]] && [ "$BASE_PORT" -ge 1024 ] && [ "$BASE_PORT" -le 65530 ] \
  || die "--base-port must be a number between 1024 and 65530, got $BASE_PORT"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

broker_port() { echo $((BASE_PORT + 2 * ($1 - 1))); }
controller_port() { echo $((BASE_PORT + 2 * ($1 - 1) + 1)); }
node_dir() { echo "$DIR/node-$1"; }
bootstrap() { local n list=(); for n in "${NODES[@]}"; do list+=("$HOST:$(broker_port "$n")"); done; (IFS=,; echo "${list[*]}"); }
voters() { local n list=(); for n in "${NODES[@]}"; do list+=("$n@$HOST:$(controller_port "$n")"); done; (IFS=,; echo "${list[*]}"); }
node_pid() { local f; f="$(node_dir "$1")/kafka.pid"; [ -f "$f" ] && cat "$f"; }
node_alive() { local pid; pid="$(node_pid "$1")" && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

JAVA_ARGS=(-Xmx512m -Xms128m -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$ROOT/scripts/kafka/log4j.properties" -cp "$LIBS/*")

# The internal topics get replication factor 3 and min ISR 2, so consumer groups survive the loss of
# any one node. Topics created without settings keep Kafka's stock defaults (1 copy, min ISR 1): a
# client's topics are exactly as durable as the client asks for (the ledger asks for 3 and 2).
write_config() {
  local n="$1" dir; dir="$(node_dir "$n")"
  mkdir -p "$dir/data"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(voters)
listeners=PLAINTEXT://$HOST:$(broker_port "$n"),CONTROLLER://$HOST:$(controller_port "$n")
advertised.listeners=PLAINTEXT://$HOST:$(broker_port "$n")
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.cleaner.backoff.ms=1000
PROPS
}

# A metadata request through any node: how many brokers the cluster lists (0 when none answers).
metadata_brokers() {
  local quiet="$DIR/tools-log4j.properties"
  printf 'log4j.rootLogger=OFF\n' > "$quiet"
  timeout 30 java -Xmx128m -XX:TieredStopAtLevel=1 "-Dlog4j.configuration=file:$quiet" -cp "$LIBS/*" \
    kafka.admin.BrokerApiVersionsCommand --bootstrap-server "$(bootstrap)" 2>/dev/null \
    | grep -cE "^$HOST:[0-9]+ \(id: [0-9]+ rack" || true
}

start_node() {
  local n="$1" dir; dir="$(node_dir "$n")"
  local port; for port in "$(broker_port "$n")" "$(controller_port "$n")"; do
    port_open "$HOST" "$port" && die "port $port (node $n) is already in use by another process"
  done
  write_config "$n"
  if [ ! -f "$dir/data/meta.properties" ]; then
    java "${JAVA_ARGS[@]}" kafka.tools.StorageTool format -t "$(cat "$DIR/cluster-id")" -c "$dir/server.properties" \
      >>"$dir/kafka.log" 2>&1 || die "formatting node $n's storage failed (see $dir/kafka.log)"
  fi
  nohup java "${JAVA_ARGS[@]}" kafka.Kafka "$dir/server.properties" >>"$dir/kafka.log" 2>&1 &
  echo $! > "$dir/kafka.pid"
  log "node $n starting (pid $!, broker $HOST:$(broker_port "$n"), controller $(controller_port "$n"))"
}

wait_ready() {
  local deadline=$((SECONDS + START_TIMEOUT)) n brokers=0
  for n in "${NODES[@]}"; do
    until port_open "$HOST" "$(broker_port "$n")"; do
      node_alive "$n" || die "node $n exited while starting (see $(node_dir "$n")/kafka.log)"
      [ "$SECONDS" -lt "$deadline" ] || die "node $n did not serve within ${START_TIMEOUT}s (see $(node_dir "$n")/kafka.log)"
      sleep 0.5
    done
    log "node $n accepts connections on $HOST:$(broker_port "$n")"
  done
  until [ "$brokers" -eq "${#NODES[@]}" ]; do
    [ "$SECONDS" -lt "$deadline" ] || die "metadata lists $brokers of ${#NODES[@]} brokers after ${START_TIMEOUT}s"
    brokers="$(metadata_brokers)"
    [ "$brokers" -eq "${#NODES[@]}" ] || { log "metadata lists $brokers of ${#NODES[@]} brokers; waiting"; sleep 1; }
  done
}

start() {
  command -v java >/dev/null || die "java is needed to run the Kafka brokers"
  bash "$ROOT/scripts/kafka.sh" fetch
  if [ ! -f "$DIR/cluster-id" ]; then
    java "${JAVA_ARGS[@]}" kafka.tools.StorageTool random-uuid 2>>"$DIR/storage-tool.log" | tail -1 > "$DIR/cluster-id"
  fi
  local n started=0
  for n in "${NODES[@]}"; do
    if node_alive "$n"; then log "node $n already running (pid $(node_pid "$n"))"; else start_node "$n"; started=1; fi
  done
  wait_ready
  log "cluster up: bootstrap $(bootstrap) (cluster id $(cat "$DIR/cluster-id")$([ "$started" = 1 ] || echo ', nothing started'))"
}

stop() {
  local n pid
  for n in "${NODES[@]}"; do
    node_alive "$n" || { rm -f "$(node_dir "$n")/kafka.pid"; continue; }
    pid="$(node_pid "$n")"
    log "stopping node $n (pid $pid)"
    kill -TERM "$pid"
  done
  for n in "${NODES[@]}"; do
    pid="$(node_pid "$n")" || continue
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "node $n ignored SIGTERM for 30 s; killing"; kill -KILL "$pid"; }
    rm -f "$(node_dir "$n")/kafka.pid"
  done
}

status() {
  local n serving=0
  for n in "${NODES[@]}"; do
    if port_open "$HOST" "$(broker_port "$n")"; then
      echo "node $n: serving on $HOST:$(broker_port "$n") (pid $(node_pid "$n" || echo '?'))"; serving=$((serving + 1))
    else
      echo "node $n: not serving ($HOST:$(broker_port "$n"))"
    fi
  done
  local brokers=0
  [ "$serving" -gt 0 ] && brokers="$(metadata_brokers)"
  echo "metadata lists $brokers broker(s); bootstrap $(bootstrap)"
  [ "$serving" -eq "${#NODES[@]}" ] && [ "$brokers" -eq "${#NODES[@]}" ]
}

case "$COMMAND" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [--dir DIR] [--base-port P]" >&2; exit 2 ;;
esac
