#!/usr/bin/env bash
# A single-node KRaft Kafka broker on loopback for Rewind's tests and local development.
# Jars come from Maven Central through mvn and are cached outside the repo, so a second start is cheap.
# Usage: scripts/kafka.sh start|stop|status|restart
set -euo pipefail

KAFKA_VERSION=3.9.1            # keep in step with scripts/kafka/pom.xml
PORT=${REWIND_KAFKA_PORT:-19092}          # PLAINTEXT
CONTROLLER_PORT=$((PORT + 1))
SASL_PORT=$((PORT + 2))                   # SASL_PLAINTEXT, PLAIN, user rewind / rewind-secret
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${REWIND_CACHE:-$HOME/.cache/rewind}/kafka-$KAFKA_VERSION
LIBS=$CACHE/libs
RUN=$CACHE/run-$PORT
PIDFILE=$RUN/broker.pid
LOG=$RUN/broker.log

say() { printf 'kafka: %s\n' "$*"; }

# port_open, running, wait_until_ready, stop
. "$HERE/service-lib.sh"

started() { port_open "$PORT" && grep -q "Kafka Server started" "$LOG"; }

fetch_jars() {
  # The jars follow the pom: a changed pom fetches again.
  local want; want=$(sha256sum "$HERE/kafka/pom.xml" | cut -c1-16)
  [ -f "$LIBS/.complete" ] && [ "$(cat "$LIBS/.complete")" = "$want" ] && return 0
  command -v mvn >/dev/null || { say "mvn is missing: apt-get install -y maven openjdk-17-jre-headless"; exit 1; }
  say "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  mvn -q -B -Dstyle.color=never -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIBS"
  echo "$want" > "$LIBS/.complete"
}

write_config() {
  mkdir -p "$RUN"
  cat > "$RUN/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT,SASL_PLAINTEXT://127.0.0.1:$SASL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_rewind="rewind-secret" user_reader="reader-secret";
# ACLs as secured clusters have them: "reader" may only read what ACLs grant it (the tests grant
# Read and Describe on topics); the PLAINTEXT listener (and the controller) run as super users.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:rewind
log.dirs=$RUN/data
num.partitions=1
# One node: the internal topics must not wait for replicas that will never exist (kafkajs#1752).
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
# group.initial.rebalance.delay.ms keeps Kafka's default (3 s), as real clusters do.
auto.create.topics.enable=false
delete.topic.enable=true
# Large-message tests send 10 MB records.
message.max.bytes=16777216
replica.fetch.max.bytes=16777216
PROPS
  cat > "$RUN/log4j.properties" <<PROPS
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
}

start() {
  if running && port_open "$PORT"; then say "already running on 127.0.0.1:$PORT"; return 0; fi
  if port_open "$PORT"; then say "port $PORT is taken by another process; set REWIND_KAFKA_PORT"; exit 1; fi
  command -v java >/dev/null || { say "java is missing: apt-get install -y openjdk-17-jre-headless"; exit 1; }
  fetch_jars
  write_config
  if [ ! -f "$RUN/data/meta.properties" ]; then
    local id
    id=$(java -cp "$LIBS/*" -Dlog4j.configuration="file:$RUN/log4j.properties" kafka.tools.StorageTool random-uuid)
    java -cp "$LIBS/*" -Dlog4j.configuration="file:$RUN/log4j.properties" \
      kafka.tools.StorageTool format -t "$id" -c "$RUN/server.properties" >/dev/null
  fi
  say "starting broker $KAFKA_VERSION on 127.0.0.1:$PORT (SASL on $SASL_PORT, log $LOG)"
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$RUN/log4j.properties" \
    -cp "$LIBS/*" kafka.Kafka "$RUN/server.properties" >"$LOG" 2>&1 &
  echo $! > "$PIDFILE"
  wait_until_ready broker 60 "$LOG" started
}

status() {
  if running && port_open "$PORT"; then say "running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
  else say "not running"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac
