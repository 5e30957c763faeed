#!/usr/bin/env bash
# Makes sure the local RabbitMQ on 127.0.0.1:5672 runs with the management API (15672) and the
# stream plugin, installing Debian's rabbitmq-server where none is installed. Safe to run twice.
# Usage: scripts/rabbitmq.sh start|status
set -euo pipefail

say() { printf 'rabbitmq: %s\n' "$*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

mgmt_ready() {
  command -v curl >/dev/null && curl -fsS -u guest:guest -o /dev/null http://127.0.0.1:15672/api/overview
}

start() {
  if ! command -v rabbitmq-server >/dev/null; then
    say "installing Debian's rabbitmq-server"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq rabbitmq-server curl >/dev/null
  fi
  if ! port_open 5672; then
    say "starting rabbitmq-server"
    as_root rabbitmq-server -detached
    for _ in $(seq 1 120); do port_open 5672 && break; sleep 0.5; done
    port_open 5672 || { say "broker did not open 5672 in 60 s"; exit 1; }
    as_root rabbitmqctl await_startup >/dev/null
  fi
  # enable is a no-op for plugins already on; it only restarts what changed.
  local wanted="rabbitmq_management rabbitmq_stream rabbitmq_stream_management rabbitmq_shovel rabbitmq_shovel_management"
  local missing=""
  for p in $wanted; do
    as_root rabbitmq-plugins is_enabled "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    say "enabling$missing"
    # shellcheck disable=SC2086
    as_root rabbitmq-plugins enable $missing >/dev/null
  fi
  for _ in $(seq 1 120); do mgmt_ready && break; sleep 0.5; done
  mgmt_ready || { say "management API on 127.0.0.1:15672 did not answer in 60 s"; exit 1; }
  say "ready (amqp 127.0.0.1:5672, management http://127.0.0.1:15672, stream 5552)"
}

status() {
  if port_open 5672 && mgmt_ready; then say "running with management API"; else say "not ready"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  status) status ;;
  *) echo "usage: $0 start|status" >&2; exit 2 ;;
esac
