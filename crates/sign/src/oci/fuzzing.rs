//! Entry points for the fuzz targets in `/fuzz`, behind the `fuzzing` feature: the image
//! reference parser and the simple-signing payload reader and writer, which are otherwise
//! private to [`super`].

use std::collections::BTreeMap;

use oci_client::Reference;
use serde_json::{Map, Value};

use super::Error;
use super::payload::{self, SimpleSigning};

/// Parses `text` as an image reference, as `custody sign` and `custody verify` do.
pub fn parse_reference(text: &str) -> Result<Reference, Error> {
    super::reference::parse(text)
}

/// What a simple-signing payload claims: its docker reference, its manifest digest and its
/// `optional` section (`None` for `null` or absent).
pub type SimpleSigningClaims = (String, String, Option<Map<String, Value>>);

/// Reads `payload` as `custody verify` reads a legacy `.sig` layer, or says why it is not a
/// cosign simple-signing payload.
pub fn read_simple_signing(payload: &[u8]) -> Result<SimpleSigningClaims, String> {
    let SimpleSigning {
        docker_reference,
        digest,
        optional,
    } = SimpleSigning::parse(payload)?;
    Ok((docker_reference, digest, optional))
}

/// The simple-signing payload `custody sign --format legacy` signs for `digest` of `name`.
pub fn write_simple_signing(
    name: &str,
    digest: &str,
    annotations: &BTreeMap<String, String>,
) -> Vec<u8> {
    payload::simple_signing(name, digest, annotations)
}
