# Sourced by kafka.sh and registry.sh: a Java service started in the background and known by its
# pid file. The script sets PIDFILE and defines say() before sourcing this.

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# wait_until_ready WHAT SECONDS LOG CHECK [ARGS…]: polls CHECK every half second; a service that
# dies while starting, or is not ready in time, ends the script with the log's last lines.
wait_until_ready() {
  local what=$1 seconds=$2 log=$3
  shift 3
  for _ in $(seq 1 $((seconds * 2))); do
    if ! running; then say "$what exited during start-up; last lines of $log:"; tail -20 "$log"; exit 1; fi
    if "$@"; then say "ready"; return 0; fi
    sleep 0.5
  done
  say "$what did not become ready in $seconds s; see $log"; exit 1
}

# Asks the service to end, waits up to 30 s, then kills it.
stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped"
  else
    say "not running"
  fi
  rm -f "$PIDFILE"
}
