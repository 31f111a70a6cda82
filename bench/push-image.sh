#!/usr/bin/env bash
# Pushes a one-layer image (4 KiB of random bytes) to a loopback registry with the
# distribution API, and prints its manifest digest. Shared by the benchmarks that need a real
# image to sign and verify (verify-image.sh, admission.sh).
#
#   usage: bench/push-image.sh REGISTRY REPOSITORY TAG      e.g. 127.0.0.1:5000 bench 1.0
set -euo pipefail
registry=$1 repository=$2 tag=$3
base=http://$registry/v2/$repository
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

push_blob() {
  local digest location
  digest=sha256:$(sha256sum "$1" | cut -d' ' -f1)
  location=$(curl -sS -X POST -D - -o /dev/null "$base/blobs/uploads/" | tr -d '\r' |
    awk 'tolower($1) == "location:" {print $2}')
  [[ $location == http* ]] || location=http://$registry$location
  [[ $location == *\?* ]] && location="$location&" || location="$location?"
  curl -sS -f -X PUT -H 'Content-Type: application/octet-stream' --data-binary @"$1" \
    "${location}digest=$digest" -o /dev/null
  echo "$digest"
}
head -c 4096 /dev/urandom >"$work/layer"
layer=$(push_blob "$work/layer")
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$layer" >"$work/config"
config=$(push_blob "$work/config")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":4096}]}' \
  "$config" "$(stat -c %s "$work/config")" "$layer" >"$work/manifest"
curl -sS -f -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
  --data-binary @"$work/manifest" "$base/manifests/$tag" -o /dev/null
echo "sha256:$(sha256sum "$work/manifest" | cut -d' ' -f1)"
