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
digest=$(bench/push-image.sh "127.0.0.1:$port" bench 1.0)
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
