#!/usr/bin/env bash
# A real schema registry on loopback for Rewind's tests: Apicurio Registry 2.4.2.Final, which also serves
# the Confluent Schema Registry API (/apis/ccompat/v6 and /v7). Built once from its jars on Maven Central
# (scripts/registry/pom.xml: the app's classes through Quarkus' build step into a runner jar) and cached
# outside the repo, so a second start is cheap.
# Usage: scripts/registry.sh start|stop|status|restart|build
#   REWIND_REGISTRY_PORT  port (default 18081); each port has its own run folder and data
#   REWIND_REGISTRY_AUTH  user:password: the APIs answer 401 (WWW-Authenticate: Basic) without them
#                         (a test's "registry that refuses the password"); /health stays open
# Storage: Apicurio's H2 SQL storage (what it runs by default, in memory), kept in a file in the run
# folder, so schema ids survive a restart as a real registry's do (the bench's kept topic needs that).
set -euo pipefail

APICURIO_VERSION=2.4.2            # keep in step with scripts/registry/pom.xml
PORT=${REWIND_REGISTRY_PORT:-18081}
AUTH=${REWIND_REGISTRY_AUTH:-}
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${REWIND_CACHE:-$HOME/.cache/rewind}/apicurio-registry-$APICURIO_VERSION
APP=$CACHE/app
RUN=$CACHE/run-$PORT
PIDFILE=$RUN/registry.pid
LOG=$RUN/registry.log

say() { printf 'registry: %s\n' "$*"; }

# port_open, running, wait_until_ready, stop
. "$HERE/service-lib.sh"

ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/health/ready" 2>/dev/null; }

# What the build depends on: a changed pom or source builds again.
build_hash() { cat "$HERE/registry/pom.xml" "$HERE/registry/settings.xml" $(find "$HERE/registry/src" -type f | sort) | sha256sum | cut -c1-16; }

build() {
  local want; want=$(build_hash)
  [ -f "$APP/.complete" ] && [ "$(cat "$APP/.complete")" = "$want" ] && return 0
  command -v mvn >/dev/null || { say "mvn is missing: apt-get install -y maven openjdk-17-jre-headless"; exit 1; }
  mkdir -p "$CACHE"
  # Test runs start at once on a shared machine: one build, the others wait for it and find it done.
  exec 9>"$CACHE/.build.lock"
  flock 9
  if [ -f "$APP/.complete" ] && [ "$(cat "$APP/.complete")" = "$want" ]; then flock -u 9; return 0; fi
  say "building Apicurio Registry $APICURIO_VERSION from Maven Central into $APP (about a minute, more on a first fetch)"
  local work=$CACHE/build
  rm -rf "$work" "$APP" && mkdir -p "$work"
  cp -r "$HERE/registry/pom.xml" "$HERE/registry/src" "$work/"
  # Its poms name extra repositories; settings.xml sends every lookup to Maven Central.
  mvn -q -B -Dstyle.color=never -s "$HERE/registry/settings.xml" -f "$work/pom.xml" package
  mkdir -p "$APP"
  mv "$work"/target/*-runner.jar "$APP/registry-runner.jar"
  mv "$work/target/lib" "$APP/lib"   # the runner jar's manifest names lib/ beside it
  rm -rf "$work"
  echo "$want" > "$APP/.complete"
  flock -u 9
}

write_config() {
  mkdir -p "$RUN/config"
  # Quarkus reads config/application.properties in the working folder (above the app's own).
  {
    echo "quarkus.http.host=127.0.0.1"
    echo "quarkus.http.port=$PORT"
    echo "%prod.quarkus.datasource.jdbc.url=jdbc:h2:file:$RUN/data/registry_db"
    # A test registry: a small connection pool (the app's default keeps 20 open).
    echo "%prod.quarkus.datasource.jdbc.min-size=2"
    echo "%prod.quarkus.datasource.jdbc.initial-size=2"
    if [ -n "$AUTH" ]; then
      echo "rewind.registry.require-password=true"
      echo "quarkus.security.users.embedded.plain-text=true"
      echo "quarkus.security.users.embedded.users.${AUTH%%:*}=${AUTH#*:}"
    fi
  } > "$RUN/config/application.properties.new"
  chmod 600 "$RUN/config/application.properties.new"
  mv "$RUN/config/application.properties.new" "$RUN/config/application.properties"
}

start() {
  mkdir -p "$RUN"
  exec 8>"$RUN/.start.lock"
  flock 8
  local mode=open; [ -n "$AUTH" ] && mode="password for ${AUTH%%:*}"
  if running && ready; then
    if [ "$(cat "$RUN/mode" 2>/dev/null)" != "$mode" ]; then
      say "running on 127.0.0.1:$PORT with $(cat "$RUN/mode" 2>/dev/null), not $mode: stop it first or use another REWIND_REGISTRY_PORT"; exit 1
    fi
    say "already running on 127.0.0.1:$PORT ($mode)"; return 0
  fi
  if ! running && port_open "$PORT"; then say "port $PORT is taken by another process; set REWIND_REGISTRY_PORT"; exit 1; fi
  command -v java >/dev/null || { say "java is missing: apt-get install -y openjdk-17-jre-headless"; exit 1; }
  build
  if ! running; then
    write_config
    echo "$mode" > "$RUN/mode"
    say "starting Apicurio Registry $APICURIO_VERSION on 127.0.0.1:$PORT ($mode, log $LOG)"
    # The lock fds are closed for it, or the registry would hold the start lock while it runs.
    # C1 only and the serial collector: starts in about half the time on 2 busy cores, ~160 MB RSS.
    (cd "$RUN" && exec nohup java -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
      -jar "$APP/registry-runner.jar" >"$LOG" 2>&1 8>&- 9>&-) &
    echo $! > "$PIDFILE"
  fi
  wait_until_ready registry 180 "$LOG" ready
}

status() {
  if running && ready; then say "running on 127.0.0.1:$PORT ($(cat "$RUN/mode" 2>/dev/null), pid $(cat "$PIDFILE"))"
  else say "not running"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  build) build ;;
  *) echo "usage: $0 start|stop|status|restart|build" >&2; exit 2 ;;
esac
