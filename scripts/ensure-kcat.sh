#!/usr/bin/env bash
# Fidelity tests write Kafka records with kcat (librdkafka), never with Rewind's own code, and the
# Kafka bench measures against it; the decoder tests take their compressed frames and bombs from
# the zstd and lz4 tools. Debian's packages; idempotent.
set -euo pipefail
# Accepts and ignores a "start" argument so every provisioning script is called alike.
if command -v kcat >/dev/null && command -v zstd >/dev/null && command -v lz4 >/dev/null; then exit 0; fi
echo "kcat, zstd, lz4: installing Debian's packages for the fidelity and decoder tests"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_root apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq kcat zstd lz4 >/dev/null
for tool in kcat zstd lz4; do command -v "$tool" >/dev/null || { echo "$tool: still missing after install"; exit 1; }; done
