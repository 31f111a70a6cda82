//! Kyverno's decoding functions (kyverno/kyverno `pkg/engine/jmespath/functions.go`):
//! `base64_decode`, `base64_encode`, `md5`, `parse_json` and `parse_yaml`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest as _, Md5};
use serde_json::Value;

use super::{Arg, Function, string_arg};

/// The decoding functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "base64_decode",
        args: &[Arg::String],
        call: |args| {
            // Go's `base64.StdEncoding`: padded standard alphabet; the bytes become a Go
            // string, so invalid UTF-8 is kept as replacement characters here.
            let bytes = STANDARD
                .decode(string_arg(args, 0)?)
                .map_err(|error| error.to_string())?;
            Ok(Value::from(String::from_utf8_lossy(&bytes).into_owned()))
        },
    },
    Function {
        name: "base64_encode",
        args: &[Arg::String],
        call: |args| Ok(Value::from(STANDARD.encode(string_arg(args, 0)?))),
    },
    Function {
        name: "md5",
        args: &[Arg::String],
        call: |args| Ok(Value::from(hex::encode(Md5::digest(string_arg(args, 0)?)))),
    },
    Function {
        name: "parse_json",
        args: &[Arg::String],
        call: |args| serde_json::from_str(string_arg(args, 0)?).map_err(|error| error.to_string()),
    },
    Function {
        name: "parse_yaml",
        args: &[Arg::String],
        call: |args| {
            // sigs.k8s.io/yaml `YAMLToJSON`: an empty document is JSON null.
            let text = string_arg(args, 0)?;
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_saphyr::from_str(text).map_err(|error| error.to_string())
        },
    },
];
