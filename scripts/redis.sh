#!/usr/bin/env bash
# Starts Rewind's own test Redis: Debian's redis-server on 127.0.0.1:${REWIND_REDIS_PORT:-6390}
# with its own data folder, so tests own their data and never touch the machine's Redis on 6379.
# Installs the package where it is missing. Safe to run twice.
# Usage: scripts/redis.sh start|status|stop
set -euo pipefail

PORT=${REWIND_REDIS_PORT:-6390}
DIR=${REWIND_REDIS_DIR:-${TMPDIR:-/tmp}/rewind-redis-$PORT}
PIDFILE=$DIR/redis.pid
LOG=$DIR/redis.log

say() { printf 'redis: %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
ping() { [ "$(redis-cli -h 127.0.0.1 -p "$PORT" --no-auth-warning ping 2>/dev/null)" = PONG ]; }

start() {
  if ! command -v redis-server >/dev/null; then
    say "installing Debian's redis-server"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
  fi
  if ping; then say "ready (127.0.0.1:$PORT)"; return 0; fi
  mkdir -p "$DIR"
  # No persistence: a test Redis starts empty after a reboot, as a test run expects.
  redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save '' --appendonly no \
    --daemonize yes --pidfile "$PIDFILE" --logfile "$LOG" --protected-mode yes
  for _ in $(seq 1 60); do ping && break; sleep 0.25; done
  ping || { say "redis-server did not answer on $PORT in 15 s; last lines of $LOG:"; tail -20 "$LOG"; exit 1; }
  say "ready (127.0.0.1:$PORT, data in $DIR)"
}

status() { if ping; then say "running on 127.0.0.1:$PORT"; else say "not running"; return 1; fi; }

stop() {
  if ping; then redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; say "stopped"; else say "not running"; fi
}

case "${1:-}" in
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
