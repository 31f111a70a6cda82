// sigstore-js as an independent oracle for custody's Sigstore bundles.
//
//   node sigstore_js.js verify BUNDLE ARTIFACT PUBLIC_KEY_PEM
//     Verifies a key-signed bundle with @sigstore/verify: the trust material holds only the
//     public key (under the hint cosign and custody write, base64 SHA-256 of its SPKI DER),
//     with zero tlog, CT log and timestamp thresholds, since an offline bundle has no log
//     entry. Exit 0 verified, 1 refused (the reason on stderr).
//
//   node sigstore_js.js check-ed25519 BUNDLE ARTIFACT PUBLIC_KEY_PEM
//     @sigstore/verify 3 cannot verify Ed25519 message signatures: it passes the bundle's
//     digest name to Node's crypto.verify, which refuses any digest for Ed25519. This reads
//     the bundle with @sigstore/bundle (schema checks included) and verifies its signature
//     over ARTIFACT with Node's pure Ed25519, the check @sigstore/verify would make.
//
//   node sigstore_js.js sign ALGORITHM KIND ARTIFACT BUNDLE_OUT PUBLIC_KEY_OUT
//     Generates a key (p256, p384, ed25519), signs ARTIFACT with @sigstore/sign's
//     MessageSignatureBundleBuilder (KIND message) or DSSEBundleBuilder (KIND dsse: ARTIFACT
//     is the in-toto statement) with a Node crypto signer and no witnesses, and writes the
//     bundle and the public key (SPKI PEM).
//
// NODE_PATH must name the node_modules holding @sigstore/* (CUSTODY_PEERS/node_modules).
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const { bundleFromJSON, bundleToJSON } = require('@sigstore/bundle');
const { MessageSignatureBundleBuilder, DSSEBundleBuilder } = require('@sigstore/sign');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

function keyHint(publicKey) {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return crypto.createHash('sha256').update(der).digest('base64');
}

function verify(bundlePath, artifactPath, publicKeyPath) {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const publicKey = crypto.createPublicKey(fs.readFileSync(publicKeyPath, 'utf8'));
  const hint = keyHint(publicKey);
  const keys = { [hint]: { rawBytes: publicKey.export({ format: 'der', type: 'spki' }) } };
  const emptyRoot = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const verifier = new Verifier(toTrustMaterial(emptyRoot, keys), {
    tlogThreshold: 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  });
  const artifact = fs.readFileSync(artifactPath);
  verifier.verify(toSignedEntity(bundle, artifact));
}

// Key types. sigstore-js signs with SHA-256 on every curve: its message bundles always record
// a SHA2_256 digest, and its DSSE verification uses Node's default digest, SHA-256.
const ALGORITHMS = {
  p256: { type: 'ec', options: { namedCurve: 'P-256' }, digest: 'sha256' },
  p384: { type: 'ec', options: { namedCurve: 'P-384' }, digest: 'sha256' },
  ed25519: { type: 'ed25519', options: {}, digest: null },
};

async function sign(algorithm, kind, artifactPath, bundlePath, publicKeyPath) {
  const spec = ALGORITHMS[algorithm];
  if (!spec) throw new Error(`unknown algorithm ${algorithm}`);
  const { publicKey, privateKey } = crypto.generateKeyPairSync(spec.type, spec.options);
  const pem = publicKey.export({ format: 'pem', type: 'spki' });
  const signer = {
    sign: async (data) => ({
      signature: crypto.sign(spec.digest, data, privateKey),
      key: { $case: 'publicKey', publicKey: pem, hint: keyHint(publicKey) },
    }),
  };
  const options = { signer, witnesses: [] };
  const data = fs.readFileSync(artifactPath);
  const bundle =
    kind === 'dsse'
      ? await new DSSEBundleBuilder(options).create({ data, type: 'application/vnd.in-toto+json' })
      : await new MessageSignatureBundleBuilder(options).create({ data });
  fs.writeFileSync(bundlePath, JSON.stringify(bundleToJSON(bundle)));
  fs.writeFileSync(publicKeyPath, pem);
}

function checkEd25519(bundlePath, artifactPath, publicKeyPath) {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const publicKey = crypto.createPublicKey(fs.readFileSync(publicKeyPath, 'utf8'));
  if (bundle.verificationMaterial.content.publicKey.hint !== keyHint(publicKey)) {
    throw new Error('the key hint is not base64 SHA-256 of the SPKI DER');
  }
  const signature = bundle.content.messageSignature.signature;
  if (!crypto.verify(null, fs.readFileSync(artifactPath), publicKey, signature)) {
    const error = new Error('signature verification failed');
    error.code = 'SIGNATURE_ERROR';
    throw error;
  }
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'verify' && args.length === 3) {
    verify(...args);
  } else if (command === 'check-ed25519' && args.length === 3) {
    checkEd25519(...args);
  } else if (command === 'sign' && args.length === 5) {
    await sign(...args);
  } else {
    throw new Error('usage: verify BUNDLE ARTIFACT KEY | sign ALGORITHM KIND ARTIFACT BUNDLE KEY');
  }
}

main().catch((error) => {
  console.error(`${error.code ? `${error.code}: ` : ''}${error.message}`);
  process.exit(1);
});
