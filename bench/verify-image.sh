#!/usr/bin/env bash
# Times `custody verify` of a signed image on a loopback registry (warm: the binary and the
# registry's files are in the page cache; nothing else is cached, every run resolves the tag
# and fetches the referrers index, the referrer manifest and the bundle) beside the sigstore-js
# oracle's verification of the same bundle (tests/oracle/oci-verify.js: @sigstore/verify with
# the public key, no log required; it reads the bundle from a file, so it does no registry
# round trips: the ratio flatters the oracle). Target: custody under 50 ms.
#
#   usage: bench/verify-image.sh
#
# Needs: docker-registry, curl, hyperfine, Node.js 20 and the peers' node_modules
# (CUSTODY_PEERS, default .peers; scripts/setup.sh). custody is built with the `profiling`
# profile. Every timed command's outcome is checked first, so a fast wrong answer cannot pass.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=${CUSTODY_PEERS:-$PWD/.peers}
runs=${RUNS:-30}
work=$(mktemp -d)
registry_pid=
cleanup() { [[ -n $registry_pid ]] && kill "$registry_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo build --profile profiling --locked -q -p custody-cli
custody=$PWD/target/profiling/custody
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
started=$(../shared/bench/start-registry.sh "$port")
registry_pid=$(awk '{print $4}' <<<"$started")
base=http://127.0.0.1:$port/v2/bench

# A one-layer image, pushed with the distribution API.
push_blob() {
  local digest location
  digest=sha256:$(sha256sum "$1" | cut -d' ' -f1)
  location=$(curl -sS -X POST -D - -o /dev/null "$base/blobs/uploads/" | tr -d '\r' |
    awk 'tolower($1) == "location:" {print $2}')
  [[ $location == http* ]] || location=http://127.0.0.1:$port$location
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
  --data-binary @"$work/manifest" "$base/manifests/1.0" -o /dev/null
digest=sha256:$(sha256sum "$work/manifest" | cut -d' ' -f1)
image=127.0.0.1:$port/bench:1.0

# Sign it (bundle format, a referrer listed on the sha256-<hex> tag), then fetch the bundle
# for the oracle.
COSIGN_PASSWORD= "$custody" key generate --output-key-prefix "$work/cosign" -q
COSIGN_PASSWORD= "$custody" sign "$image" --key "$work/cosign.key" --plain-http -q
accept_index='Accept: application/vnd.oci.image.index.v1+json'
accept_manifest='Accept: application/vnd.oci.image.manifest.v1+json'
referrer=$(curl -sS -f -H "$accept_index" "$base/manifests/sha256-${digest#sha256:}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["manifests"][0]["digest"])')
bundle_digest=$(curl -sS -f -H "$accept_manifest" "$base/manifests/$referrer" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["layers"][0]["digest"])')
curl -sS -f "$base/blobs/$bundle_digest" -o "$work/bundle.json"

custody_verify="$custody verify $image --key $work/cosign.pub --insecure-ignore-tlog --plain-http -q --output json"
oracle_verify="node tests/oracle/oci-verify.js $work/bundle.json $work/cosign.pub $digest"
export NODE_PATH=$peers/node_modules
$custody_verify | grep -q '"docker-manifest-digest":"'"$digest"'"' ||
  { echo "custody did not verify the signature" >&2; exit 1; }
(cd crates/sign && $oracle_verify >/dev/null) || { echo "sigstore-js did not verify" >&2; exit 1; }

echo "machine: $(nproc) cores; $(uname -sr)"
echo "custody: $($custody --version); node $(node --version); @sigstore/verify $(node -p \
  "require('$peers/node_modules/@sigstore/verify/package.json').version")"
hyperfine --warmup 3 --runs "$runs" --export-json "$work/times.json" -N \
  -n custody "$custody_verify" \
  -n sigstore-js "bash -c 'cd crates/sign && $oracle_verify'" >&2
python3 - "$work/times.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
custody, oracle = results["custody"]["mean"] * 1000, results["sigstore-js"]["mean"] * 1000
print(f"custody verify (registry round trips included): {custody:.1f} ms")
print(f"sigstore-js verify of the same bundle (from a file): {oracle:.1f} ms")
print(f"ratio sigstore-js / custody: {oracle / custody:.1f}x")
print("target < 50 ms:", "met" if custody < 50 else "MISSED")
PY
