#!/usr/bin/env bash
# Browser tests use Debian's Chromium (never a browser downloaded by a test tool). Idempotent.
set -euo pipefail
CHROMIUM=${REWIND_CHROMIUM:-/usr/bin/chromium}
# Accepts and ignores a "start" argument so every provisioning script is called alike.
if [ -x "$CHROMIUM" ]; then exit 0; fi
echo "chromium: installing Debian's chromium for the browser tests"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "chromium: $CHROMIUM still missing after install"; exit 1; }
