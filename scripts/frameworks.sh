#!/usr/bin/env bash
# Real frameworks as test inputs: the jars of Spring Kafka and of a Kafka Connect worker, fetched from
# Maven Central with mvn into the cache (~/.cache/rewind/<name>/libs), once; a changed pom fetches again.
# The tests' setup calls this; the tests run the frameworks with `java -cp '<libs>/*'`.
# Usage: scripts/frameworks.sh [fetch] [spring-kafka] [kafka-connect]   (no name: all of them)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${REWIND_CACHE:-$HOME/.cache/rewind}

say() { printf 'frameworks: %s\n' "$*"; }

fetch() {
  local name=$1 pom=$HERE/frameworks/$1/pom.xml
  [ -f "$pom" ] || { say "no pom for $name ($pom)"; exit 2; }
  local libs=$CACHE/$name/libs want
  want=$(sha256sum "$pom" | cut -c1-16)
  [ -f "$libs/.complete" ] && [ "$(cat "$libs/.complete")" = "$want" ] && return 0
  command -v mvn >/dev/null || { say "mvn is missing: apt-get install -y maven openjdk-17-jre-headless"; exit 1; }
  mkdir -p "$CACHE/$name"
  # Test runs start at once on a shared machine: one fetch, the others wait for it and find it done.
  exec 9>"$CACHE/$name/.lock"
  flock 9
  if [ -f "$libs/.complete" ] && [ "$(cat "$libs/.complete")" = "$want" ]; then flock -u 9; return 0; fi
  say "fetching $name's jars from Maven Central into $libs"
  rm -rf "$libs" && mkdir -p "$libs"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs"
  echo "$want" > "$libs/.complete"
  flock -u 9
}

[ "${1:-}" = fetch ] && shift
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(spring-kafka kafka-connect)
for n in "${names[@]}"; do fetch "$n"; done
