// Oracle for custody's image verification: sigstore-js signs an image the way its own clients
// do and attaches the bundle as an OCI referrer, for `custody verify` to accept.
//
// usage: node oci-attach.js REGISTRY/REPOSITORY@sha256:HEX USER PASSWORD PUBLIC_KEY_OUT
//
// A fresh P-256 key signs (Node crypto, DER ECDSA over SHA-256) the cosign v3 image-signature
// statement (in-toto v1, predicate type https://sigstore.dev/cosign/sign/v1) in a DSSE bundle
// built by @sigstore/sign's DSSEBundleBuilder with no witnesses (no Rekor, no TSA), and
// @sigstore/oci's attachArtifactToImage pushes it with the annotations cosign and the GitHub
// attest actions use. The public key is written to PUBLIC_KEY_OUT (SPKI PEM); the referrer
// manifest's descriptor is printed as JSON.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const { DSSEBundleBuilder } = require('@sigstore/sign');
const { bundleToJSON } = require('@sigstore/bundle');
const { attachArtifactToImage } = require('@sigstore/oci');

async function main() {
  const [image, username, password, publicKeyOut] = process.argv.slice(2);
  if (!publicKeyOut || !image.includes('@sha256:')) {
    throw new Error('usage: oci-attach.js REGISTRY/REPOSITORY@sha256:HEX USER PASSWORD PUBLIC_KEY_OUT');
  }
  const [imageName, imageDigest] = image.split('@');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' });
  fs.writeFileSync(publicKeyOut, publicPem);
  const hint = crypto
    .createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  const signer = {
    sign: async (data) => ({
      signature: crypto.sign('sha256', data, privateKey),
      key: { $case: 'publicKey', publicKey: publicPem, hint },
    }),
  };
  const predicateType = 'https://sigstore.dev/cosign/sign/v1';
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: imageName, digest: { sha256: imageDigest.slice('sha256:'.length) } }],
    predicateType,
    predicate: {},
  };
  const bundle = await new DSSEBundleBuilder({ signer, witnesses: [] }).create({
    data: Buffer.from(JSON.stringify(statement)),
    type: 'application/vnd.in-toto+json',
  });
  const descriptor = await attachArtifactToImage({
    imageName,
    imageDigest,
    artifact: Buffer.from(JSON.stringify(bundleToJSON(bundle))),
    mediaType: bundle.mediaType,
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': predicateType,
    },
    credentials: { username, password },
  });
  process.stdout.write(JSON.stringify(descriptor) + '\n');
}

main().catch((error) => {
  process.stderr.write(`oci-attach: ${error.stack || error}\n${error.cause ? error.cause.stack || error.cause : ''}\n`);
  process.exit(1);
});
