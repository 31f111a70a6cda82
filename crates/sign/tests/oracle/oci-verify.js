// Oracle for custody's image signing: @sigstore/verify checks a bundle custody attached to an
// image, with the signer's public key and no transparency log, CT log or timestamp required
// (custody signs with a key and no Rekor, as `cosign sign --tlog-upload=false` does).
//
// usage: node oci-verify.js BUNDLE_JSON PUBLIC_KEY_PEM sha256:HEX [PREDICATE_TYPE]
//
// Exits 0 and prints the statement when the bundle verifies and its in-toto statement names
// the image digest (and has PREDICATE_TYPE, default cosign's image signature type); exits 1
// with the reason otherwise.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

function main() {
  const [bundlePath, keyPath, digest, predicateType = 'https://sigstore.dev/cosign/sign/v1'] =
    process.argv.slice(2);
  if (!digest) {
    throw new Error('usage: oci-verify.js BUNDLE_JSON PUBLIC_KEY_PEM sha256:HEX [PREDICATE_TYPE]');
  }
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const publicKey = crypto.createPublicKey(fs.readFileSync(keyPath));
  const emptyRoot = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const trust = toTrustMaterial(emptyRoot, () => ({ publicKey, validFor: () => true }));
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  const statement = JSON.parse(bundle.content.dsseEnvelope.payload.toString('utf8'));
  const hex = digest.replace(/^sha256:/, '');
  if (!statement.subject.some((subject) => subject.digest && subject.digest.sha256 === hex)) {
    throw new Error(`no subject names ${digest}`);
  }
  if (statement.predicateType !== predicateType) {
    throw new Error(`predicate type ${statement.predicateType}, not ${predicateType}`);
  }
  process.stdout.write(JSON.stringify(statement) + '\n');
}

try {
  main();
} catch (error) {
  process.stderr.write(`oci-verify: ${error.stack || error}\n`);
  process.exit(1);
}
