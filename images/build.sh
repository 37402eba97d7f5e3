#!/usr/bin/env bash
# Builds the sandbox images offline: a Debian bookworm base made from Debian packages with mmdebstrap and imported
# into Docker, then one image per VM type from its Dockerfile on top of it. An image is rebuilt only when the files
# it is built from changed (their hash is a label on the image), or with --force.
#
# With a registry at hand, build on the official slim image instead (KIFF_BASE_IMAGE=debian:bookworm-slim does the
# same through this script):
#   docker build --build-arg BASE_IMAGE=debian:bookworm-slim -f images/python-base/Dockerfile -t kiff/python-base images
#   docker build -f images/code-exec/Dockerfile -t kiff/code-exec images
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BASE_IMAGE="${KIFF_BASE_IMAGE:-kiff/base:bookworm}"
VM_TYPES=(code-exec ml-agent api-composition data-processing)
FORCE=false
LOGS="${TMPDIR:-/tmp}/kiff-images"
mkdir -p "$LOGS"
[ "${1:-}" = "--force" ] && FORCE=true

log() { printf 'images: %s\n' "$*" >&2; }

# The host's own Debian mirror, read from its apt sources: no mirror is named in this repository.
host_mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1 || true)
  [ -n "$uri" ] || uri=$(grep -hsE '^deb ' /etc/apt/sources.list | awk '{print $2}' | grep -v security | head -1 || true)
  [ -n "$uri" ] || { log "no Debian mirror in the host's apt sources"; exit 1; }
  echo "$uri"
}

hash_of() {
  (cd "$HERE" && cat "$@" | sha256sum | cut -c1-16)
}

image_id() {
  docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true
}

# A rebuild leaves the image it replaced untagged; drop it (and, through Docker, its untagged parents) so that
# rebuilds do not pile up. An image still used by a container stays.
drop_replaced() {
  local old=$1 image=$2
  if [ -n "$old" ] && [ "$old" != "$(image_id "$image")" ]; then docker image rm "$old" >/dev/null 2>&1 || true; fi
}

built_hash() {
  docker image inspect --format '{{ index .Config.Labels "dev.kiff.image.hash" }}' "$1" 2>/dev/null || true
}

build_base() {
  local hash
  hash=$(hash_of build.sh)
  if ! $FORCE && [ "$(built_hash "$BASE_IMAGE")" = "$hash" ]; then return; fi
  command -v mmdebstrap >/dev/null || { log "mmdebstrap is missing (apt-get install mmdebstrap)"; exit 1; }
  log "building $BASE_IMAGE from Debian packages (mmdebstrap)"
  local old
  old=$(image_id "$BASE_IMAGE")
  # variant 'apt': the Essential packages and apt, nothing else. The merged-usr hook stands in for usr-is-merged,
  # which would pull the whole of perl in. Docs, man pages and locales are never unpacked.
  mmdebstrap --variant=apt --quiet \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
    bookworm - "$(host_mirror)" \
    2>"$LOGS/base.log" \
    | docker import --change "LABEL dev.kiff.image.hash=$hash" --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null \
    || { tail -30 "$LOGS/base.log" >&2; log "building $BASE_IMAGE failed"; exit 1; }
  drop_replaced "$old" "$BASE_IMAGE"
}

# Builds images/<dir>/Dockerfile as <image> unless an image built from the same inputs exists.
build_image() {
  local dir=$1 image=$2 hash=$3 arg=$4
  if ! $FORCE && [ "$(built_hash "$image")" = "$hash" ]; then return; fi
  log "building $image (log: $LOGS/$dir.log)"
  local old started=$SECONDS
  old=$(image_id "$image")
  # Executable bits come from git; COPY keeps them (no BuildKit needed for --chmod).
  if ! docker build --build-arg "$arg" --label "dev.kiff.image.hash=$hash" \
      -f "$HERE/$dir/Dockerfile" -t "$image" "$HERE" 2>&1 | "$HERE/build-progress" "$image" "$LOGS/$dir.log"; then
    tail -30 "$LOGS/$dir.log" >&2
    log "building $image failed; the whole log is in $LOGS/$dir.log"
    exit 1
  fi
  log "built $image in $((SECONDS - started))s"
  drop_replaced "$old" "$image"
}

if [ "$BASE_IMAGE" = "kiff/base:bookworm" ]; then build_base; fi
# The shared layer first (Python, the sandbox user, the runner), then each VM type on top of it: a change to one
# type rebuilds only that type, a change to the runner rebuilds them all.
PYTHON_BASE=kiff/python-base:latest
base_hash=$(hash_of build.sh python-base/Dockerfile common/kiff-install runner/kiff-runner)
build_image python-base "$PYTHON_BASE" "$base_hash" "BASE_IMAGE=$BASE_IMAGE"
for type in "${VM_TYPES[@]}"; do
  inputs=("$type/Dockerfile")
  # The kiff client counts only for the types whose Dockerfile copies it in.
  if grep -q 'python/kiff.py' "$HERE/$type/Dockerfile"; then inputs+=(python/kiff.py); fi
  build_image "$type" "kiff/$type:latest" "$base_hash-$(hash_of "${inputs[@]}")" "PYTHON_BASE=$PYTHON_BASE"
done
for image in "$BASE_IMAGE" "$PYTHON_BASE" "${VM_TYPES[@]/#/kiff/}"; do
  bytes=$(docker image inspect --format '{{.Size}}' "$image" 2>/dev/null || echo 0)
  log "$(printf '%-24s %4d MB' "$image" "$((bytes / 1000000))")"
done
