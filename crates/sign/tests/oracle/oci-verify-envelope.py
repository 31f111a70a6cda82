"""Oracle for custody's legacy attestations: securesystemslib verifies the DSSE envelope of a
`sha256-<hex>.att` layer with the signer's public key, and prints its in-toto statement.

usage: python oci-verify-envelope.py ENVELOPE_JSON PUBLIC_KEY_PEM

cosign writes an empty `keyid`; securesystemslib only tries keys whose keyid matches the
signature's (its issue #416), so the key is given the empty keyid too. Exits 1 with the reason
when the envelope does not verify.
"""

import json
import sys

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey


def main() -> None:
    envelope_path, key_path = sys.argv[1:3]
    with open(envelope_path, "rb") as file:
        envelope = Envelope.from_dict(json.load(file))
    with open(key_path, "rb") as file:
        pem = file.read()
    # `from_crypto` computes a keyid when given an empty one.
    computed = SSlibKey.from_crypto(load_pem_public_key(pem))
    key = SSlibKey("", computed.keytype, computed.scheme, computed.keyval)
    envelope.verify([key], 1)
    if envelope.payload_type != "application/vnd.in-toto+json":
        raise SystemExit(f"payload type {envelope.payload_type}")
    print(json.dumps(json.loads(envelope.payload)))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # the oracle's answer is its exit status and message
        print(f"oci-verify-envelope: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
