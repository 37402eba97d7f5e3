#!/usr/bin/env bash
# Builds the images of the compose deployment (docker-compose.yml), offline, as images/build.sh builds the
# sandbox images: each is rebuilt only when the files it is built from changed (their hash is a label on the
# image), or with --force.
#   kiff/jre:17         Debian's openjdk-17-jre-headless on kiff/base:bookworm
#   kiff/api, kiff/worker, kiff/scheduler   the services from their jars (mvn -DskipTests package first)
#   kiff/kafka:4.1.2    Apache Kafka (KRaft, one node) from its artifacts on Maven Central
#   kiff/postgres:15    PostgreSQL from Debian's postgresql-15 package
# The base, kiff/base:bookworm, is images/build.sh's; it must exist (this script never rebuilds it, nor any
# sandbox image). With a registry: KIFF_BASE_IMAGE=debian:bookworm-slim, KIFF_JRE_IMAGE=eclipse-temurin:17-jre.
#
#   images/platform/build.sh [--force] [kafka]
# `kafka` builds only the JRE and the broker, which the integration tests run through Testcontainers (`./kiff
# test` calls it before the tests; it needs no jars, and costs two `docker image inspect` when both are current).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGES="$(dirname "$HERE")"
ROOT="$(dirname "$IMAGES")"
BASE_IMAGE="${KIFF_BASE_IMAGE:-kiff/base:bookworm}"
JRE_IMAGE="${KIFF_JRE_IMAGE:-kiff/jre:17}"
KAFKA_VERSION=4.1.2
FORCE=false
LOGS="${TMPDIR:-/tmp}/kiff-platform-images"
mkdir -p "$LOGS"
ONLY=""
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=true ;;
    kafka) ONLY=kafka ;;
    *) echo "usage: $0 [--force] [kafka]" >&2; exit 2 ;;
  esac
done

log() { printf 'platform images: %s\n' "$*" >&2; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
built_hash() { docker image inspect --format '{{ index .Config.Labels "dev.kiff.image.hash" }}' "$1" 2>/dev/null || true; }

# Builds DOCKERFILE in CONTEXT as IMAGE unless an image built from the same inputs (HASH) exists. A rebuild drops
# the image it replaced, so rebuilds do not pile up.
build() {
  local image=$1 hash=$2 dockerfile=$3 context=$4; shift 4
  if ! $FORCE && [ "$(built_hash "$image")" = "$hash" ]; then return; fi
  local name old started
  name=$(echo "$image" | tr '/:' '--')
  old=$(image_id "$image")
  started=$(date +%s)
  log "building $image (log: $LOGS/$name.log)"
  if ! docker build "$@" --label "dev.kiff.image.hash=$hash" -f "$dockerfile" -t "$image" "$context" 2>&1 \
      | "$IMAGES/build-progress" "$image" "$LOGS/$name.log"; then
    tail -30 "$LOGS/$name.log" >&2
    log "building $image failed; the whole log is in $LOGS/$name.log"
    exit 1
  fi
  log "built $image in $(( $(date +%s) - started ))s"
  if [ -n "$old" ] && [ "$old" != "$(image_id "$image")" ]; then docker image rm "$old" >/dev/null 2>&1 || true; fi
}

if [ "$BASE_IMAGE" = "kiff/base:bookworm" ] && [ -z "$(image_id "$BASE_IMAGE")" ]; then
  log "$BASE_IMAGE is missing: build it first with images/build.sh (./kiff images)"
  exit 1
fi
base_hash="$(built_hash "$BASE_IMAGE")"

# The JRE: its own files and the base it stands on.
if [ "$JRE_IMAGE" = "kiff/jre:17" ]; then
  build kiff/jre:17 "$(hash_of "$HERE/build.sh" "$HERE/jre/Dockerfile" "$IMAGES/common/kiff-install")-$base_hash" \
    "$HERE/jre/Dockerfile" "$IMAGES" --build-arg "BASE_IMAGE=$BASE_IMAGE"
fi
jre_hash="$(built_hash "$JRE_IMAGE")"

if [ "$ONLY" != kafka ]; then
  build kiff/postgres:15 "$(hash_of "$HERE/build.sh" "$HERE/postgres/"* "$IMAGES/common/kiff-install")-$base_hash" \
    "$HERE/postgres/Dockerfile" "$IMAGES" --build-arg "BASE_IMAGE=$BASE_IMAGE"
fi

# Kafka: Maven copies the broker's artifacts (from ~/.m2, or Maven Central the first time) into a context of its own.
kafka_context="$ROOT/target/kiff-images/kafka"
kafka_hash="$(hash_of "$HERE/build.sh" "$HERE/kafka/"*)-$jre_hash"
if $FORCE || [ "$(built_hash kiff/kafka:$KAFKA_VERSION)" != "$kafka_hash" ]; then
  rm -rf "$kafka_context" && mkdir -p "$kafka_context"
  log "copying Apache Kafka $KAFKA_VERSION's artifacts (Maven)"
  mvn -B -q -f "$HERE/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$kafka_context/libs" >"$LOGS/kafka-maven.log" 2>&1 \
    || { tail -30 "$LOGS/kafka-maven.log" >&2; log "copying Kafka's artifacts failed"; exit 1; }
  cp "$HERE/kafka/kafka-entrypoint" "$HERE/kafka/kafka-run" "$HERE/kafka/kafka-health" "$HERE/kafka/kafka-tool" \
    "$HERE/kafka/log4j2.properties" "$HERE/kafka/log4j2-tools.properties" "$kafka_context/"
  build "kiff/kafka:$KAFKA_VERSION" "$kafka_hash" "$HERE/kafka/Dockerfile" "$kafka_context" \
    --build-arg "BASE_IMAGE=$JRE_IMAGE"
fi

[ "$ONLY" = kafka ] && exit 0

# The services: each from its jar, whose hash is part of the image's.
app() {
  local image=$1 jar=$2 uid=$3 context="$ROOT/target/kiff-images/$1"
  [ -f "$ROOT/$jar" ] || { log "$jar is missing: build the jars first (mvn -DskipTests package)"; exit 1; }
  local hash
  hash="$(hash_of "$HERE/build.sh" "$HERE/app/"* "$ROOT/$jar")-$jre_hash"
  if ! $FORCE && [ "$(built_hash "kiff/$image")" = "$hash" ]; then return; fi
  rm -rf "$context" && mkdir -p "$context"
  cp "$ROOT/$jar" "$context/app.jar"
  cp "$HERE/app/kiff-health" "$context/"
  build "kiff/$image" "$hash" "$HERE/app/Dockerfile" "$context" --build-arg "BASE_IMAGE=$JRE_IMAGE" \
    --build-arg "APP_UID=$uid"
}
app api api-submitter/target/kiff-api-submitter-0.1.0-SNAPSHOT.jar 10100
app worker worker/target/kiff-worker-0.1.0-SNAPSHOT-exec.jar 0
app scheduler scheduler/target/kiff-scheduler-0.1.0-SNAPSHOT.jar 10100

for image in "$JRE_IMAGE" kiff/postgres:15 "kiff/kafka:$KAFKA_VERSION" kiff/api kiff/worker kiff/scheduler; do
  bytes=$(docker image inspect --format '{{.Size}}' "$image" 2>/dev/null || echo 0)
  log "$(printf '%-24s %4d MB' "$image" "$((bytes / 1000000))")"
done
