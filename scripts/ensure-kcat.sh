#!/usr/bin/env bash
# Fidelity tests write Kafka records with kcat (librdkafka), never with Rewind's own code, and the
# Kafka bench measures against it. Debian's package; idempotent.
set -euo pipefail
# Accepts and ignores a "start" argument so every provisioning script is called alike.
if command -v kcat >/dev/null; then exit 0; fi
echo "kcat: installing Debian's kcat for the fidelity tests"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_root apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq kcat >/dev/null
command -v kcat >/dev/null || { echo "kcat: still missing after install"; exit 1; }
