#!/usr/bin/env bash
# A private Apache Kafka 3.9.1 broker (KRaft, one combined node, the jars of scripts/kafka.sh)
# whose client listeners require SASL: one in plain text, one over TLS. For testing the ledger's
# Kafka TLS/SASL settings against a real broker; never the shared one on 127.0.0.1:9092.
# Usage: kafka-sasl.sh start|stop|status --dir DIR [options]
#   --dir DIR              config, data, TLS material, pid and log (required; created if missing)
#   --user NAME            the SASL user (default ledger)
#   --password-file FILE   its password (required for start), for SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN
#   --sasl-port P          SASL_PLAINTEXT listener (default 29092)
#   --sasl-ssl-port P      SASL_SSL listener (default 29093)
#   --internal-port P      PLAINTEXT listener for the broker's own traffic (default 29094)
#   --controller-port P    KRaft controller (default 29095)
#   start:  creates a self-signed CA and a broker certificate for IP 127.0.0.1 with keytool
#           (DIR/tls/ca.pem is the CA a client must trust), formats storage once with the SCRAM
#           credentials (StorageTool --add-scram), starts the broker and waits until every
#           listener serves.
#   stop:   SIGTERM to the broker this DIR started (SIGKILL after 30 s).
# Broker log: DIR/kafka.log
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HOST=127.0.0.1
LIBS="$ROOT/.kafka/libs"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

COMMAND="${1:-}"
[ $# -gt 0 ] && shift
DIR="" USER_NAME=ledger PASSWORD_FILE=""
SASL_PORT=29092 SASL_SSL_PORT=29093 INTERNAL_PORT=29094 CONTROLLER_PORT=29095
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) DIR="${2:?--dir needs a directory}"; shift 2 ;;
    --user) USER_NAME="${2:?--user needs a name}"; shift 2 ;;
    --password-file) PASSWORD_FILE="${2:?--password-file needs a file}"; shift 2 ;;
    --sasl-port) SASL_PORT="${2:?}"; shift 2 ;;
    --sasl-ssl-port) SASL_SSL_PORT="${2:?}"; shift 2 ;;
    --internal-port) INTERNAL_PORT="${2:?}"; shift 2 ;;
    --controller-port) CONTROLLER_PORT="${2:?}"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$DIR" ] || die "--dir is required"
[[ "$USER_NAME" =~ ^[A-Za-z0-9._-]+$ ]] || die "--user must match [A-Za-z0-9._-]+"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
PROPS="$DIR/server.properties"
PID_FILE="$DIR/kafka.pid"
LOG_FILE="$DIR/kafka.log"
TLS="$DIR/tls"

JAVA_ARGS=(-Xmx512m -Xms128m -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j.configuration=file:$ROOT/scripts/kafka/log4j.properties" -cp "$LIBS/*")

alive() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

# A CA of this directory's own signs the broker's certificate (SAN IP:127.0.0.1, so clients
# verify the host name too); the keystore password never leaves DIR.
make_tls() {
  [ -f "$TLS/broker.p12" ] && return
  mkdir -p "$TLS"
  local pass; pass="$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
  echo "$pass" > "$TLS/store-password"
  local kt=(keytool -noprompt -storetype PKCS12 -storepass "$pass")
  "${kt[@]}" -genkeypair -alias ca -dname "CN=ledger test CA" -keyalg RSA -keysize 2048 -validity 30 \
    -ext bc:c -keystore "$TLS/ca.p12" >>"$LOG_FILE" 2>&1
  "${kt[@]}" -exportcert -rfc -alias ca -keystore "$TLS/ca.p12" -file "$TLS/ca.pem" >>"$LOG_FILE" 2>&1
  "${kt[@]}" -genkeypair -alias broker -dname "CN=$HOST" -keyalg RSA -keysize 2048 -validity 30 \
    -keystore "$TLS/broker.p12" >>"$LOG_FILE" 2>&1
  "${kt[@]}" -certreq -alias broker -keystore "$TLS/broker.p12" -file "$TLS/broker.csr" >>"$LOG_FILE" 2>&1
  "${kt[@]}" -gencert -alias ca -keystore "$TLS/ca.p12" -infile "$TLS/broker.csr" -outfile "$TLS/broker.pem" -rfc \
    -validity 30 -ext "SAN=IP:$HOST" -ext KU=digitalSignature,keyEncipherment -ext EKU=serverAuth >>"$LOG_FILE" 2>&1
  "${kt[@]}" -importcert -alias ca -file "$TLS/ca.pem" -keystore "$TLS/broker.p12" >>"$LOG_FILE" 2>&1
  "${kt[@]}" -importcert -alias broker -file "$TLS/broker.pem" -keystore "$TLS/broker.p12" >>"$LOG_FILE" 2>&1
  log "TLS: CA $TLS/ca.pem, broker certificate for IP $HOST"
}

jaas() { # listener: SCRAM users live in the cluster metadata; PLAIN's are listed in the JAAS line
  local l="$1" scram='org.apache.kafka.common.security.scram.ScramLoginModule required;'
  echo "listener.name.$l.scram-sha-512.sasl.jaas.config=$scram"
  echo "listener.name.$l.scram-sha-256.sasl.jaas.config=$scram"
  echo "listener.name.$l.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$USER_NAME=\"$PASSWORD\";"
}

write_config() {
  mkdir -p "$DIR/data"
  cat > "$PROPS" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=INTERNAL://$HOST:$INTERNAL_PORT,SASL_PLAINTEXT://$HOST:$SASL_PORT,SASL_SSL://$HOST:$SASL_SSL_PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=INTERNAL://$HOST:$INTERNAL_PORT,SASL_PLAINTEXT://$HOST:$SASL_PORT,SASL_SSL://$HOST:$SASL_SSL_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=INTERNAL:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN
$(jaas sasl_plaintext)
$(jaas sasl_ssl)
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS/broker.p12
ssl.keystore.password=$(cat "$TLS/store-password")
ssl.key.password=$(cat "$TLS/store-password")
ssl.client.auth=none
log.dirs=$DIR/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  chmod 600 "$PROPS"
}

start() {
  command -v java >/dev/null || die "java is needed to run the Kafka broker"
  command -v keytool >/dev/null || die "keytool (from the JDK) is needed for the broker's TLS listener"
  [ -n "$PASSWORD_FILE" ] || die "--password-file is required for start"
  PASSWORD="$(cat "$PASSWORD_FILE")"
  [[ "$PASSWORD" =~ ^[A-Za-z0-9._-]+$ ]] || die "the password must match [A-Za-z0-9._-]+ (it is quoted in JAAS and --add-scram)"
  if alive; then log "SASL broker already running (pid $(cat "$PID_FILE"))"; return; fi
  local port; for port in "$SASL_PORT" "$SASL_SSL_PORT" "$INTERNAL_PORT" "$CONTROLLER_PORT"; do
    port_open "$HOST" "$port" && die "port $port is already in use by another process"
  done
  bash "$ROOT/scripts/kafka.sh" fetch
  make_tls
  write_config
  if [ ! -f "$DIR/data/meta.properties" ]; then
    local id; id="$(java "${JAVA_ARGS[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOG_FILE" | tail -1)"
    java "${JAVA_ARGS[@]}" kafka.tools.StorageTool format -t "$id" -c "$PROPS" \
      --add-scram "SCRAM-SHA-512=[name=$USER_NAME,password=$PASSWORD]" \
      --add-scram "SCRAM-SHA-256=[name=$USER_NAME,password=$PASSWORD]" >>"$LOG_FILE" 2>&1 \
      || die "formatting Kafka storage failed (see $LOG_FILE)"
  fi
  log "starting SASL broker: SASL_PLAINTEXT $HOST:$SASL_PORT, SASL_SSL $HOST:$SASL_SSL_PORT (log: $LOG_FILE)"
  nohup java "${JAVA_ARGS[@]}" kafka.Kafka "$PROPS" >>"$LOG_FILE" 2>&1 &
  echo $! > "$PID_FILE"
  local deadline=$((SECONDS + START_TIMEOUT))
  for port in "$INTERNAL_PORT" "$SASL_PORT" "$SASL_SSL_PORT"; do
    until port_open "$HOST" "$port"; do
      alive || die "the SASL broker exited while starting (see $LOG_FILE)"
      [ "$SECONDS" -lt "$deadline" ] || { stop; die "the SASL broker did not serve within ${START_TIMEOUT}s (see $LOG_FILE)"; }
      sleep 0.5
    done
  done
  log "SASL broker is up (pid $(cat "$PID_FILE"))"
}

stop() {
  alive || { rm -f "$PID_FILE"; log "no SASL broker running from $DIR"; return; }
  local pid; pid="$(cat "$PID_FILE")"
  log "stopping SASL broker (pid $pid)"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && { log "the SASL broker ignored SIGTERM for 30 s; killing"; kill -KILL "$pid"; }
  rm -f "$PID_FILE"
}

status() {
  if alive && port_open "$HOST" "$SASL_PORT"; then echo "serving: SASL_PLAINTEXT $HOST:$SASL_PORT, SASL_SSL $HOST:$SASL_SSL_PORT"
  else echo "not serving"; exit 1; fi
}

case "$COMMAND" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status --dir DIR [--user U] [--password-file F] [--sasl-port P] [--sasl-ssl-port P] [--internal-port P] [--controller-port P]" >&2; exit 2 ;;
esac
