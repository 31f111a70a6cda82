//! Arguments of `custody key generate|import|public-key`.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Subcommand};
use custody_sign::keys::KeyAlgorithm;

/// `custody key` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Generate a key pair: PREFIX.key (cosign's encrypted format, mode 0600) and PREFIX.pub.
    ///
    /// The password comes from `COSIGN_PASSWORD` when it is set (even to the empty string),
    /// else from a terminal prompt asked twice. The files are what `cosign generate-key-pair`
    /// writes: cosign reads PREFIX.key and PREFIX.pub, and custody reads cosign's.
    #[command(after_long_help = GENERATE_EXAMPLES)]
    Generate(GenerateArgs),
    /// Convert a plain PEM private key (PKCS#1, SEC1 or PKCS#8) into a cosign key pair.
    ///
    /// As `cosign import-key-pair`: ECDSA P-256/P-384/P-521, Ed25519 and RSA of 2048 to 4096
    /// bits are accepted; other curves and sizes are refused. The password is asked as for
    /// `generate`.
    #[command(after_long_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
    /// Print the public key (SPKI PEM) of a private key file.
    #[command(after_long_help = PUBLIC_KEY_EXAMPLES)]
    PublicKey(PublicKeyArgs),
}

/// The `--algorithm` names, as [`KeyAlgorithm`] displays them.
const ALGORITHMS: [&str; 7] = [
    "ecdsa-p256",
    "ecdsa-p384",
    "ecdsa-p521",
    "ed25519",
    "rsa-2048",
    "rsa-3072",
    "rsa-4096",
];

/// `custody key generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// Write PREFIX.key and PREFIX.pub (PREFIX may include a directory).
    #[arg(long, value_name = "PREFIX", default_value = "cosign")]
    pub(crate) output_key_prefix: PathBuf,
    /// The key algorithm; ECDSA P-256 is cosign's.
    #[arg(
        long,
        value_name = "ALGORITHM",
        default_value = "ecdsa-p256",
        value_parser = PossibleValuesParser::new(ALGORITHMS)
            .try_map(|name| name.parse::<KeyAlgorithm>())
    )]
    pub(crate) algorithm: KeyAlgorithm,
    /// Overwrite PREFIX.key and PREFIX.pub when they exist.
    #[arg(long)]
    pub(crate) force: bool,
}

const GENERATE_EXAMPLES: &str = "\
Examples:
  custody key generate                                   # cosign.key, cosign.pub
  COSIGN_PASSWORD= custody key generate                  # empty password, no prompt
  custody key generate --algorithm ed25519 --output-key-prefix keys/release
  custody key generate --algorithm rsa-4096 --force";

/// `custody key import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The PEM private key to import (`RSA PRIVATE KEY`, `EC PRIVATE KEY` or `PRIVATE KEY`).
    #[arg(value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// Write PREFIX.key and PREFIX.pub (PREFIX may include a directory).
    #[arg(long, value_name = "PREFIX", default_value = "import-cosign")]
    pub(crate) output_key_prefix: PathBuf,
    /// Overwrite PREFIX.key and PREFIX.pub when they exist.
    #[arg(long)]
    pub(crate) force: bool,
}

const IMPORT_EXAMPLES: &str = "\
Examples:
  openssl ecparam -name prime256v1 -genkey -noout -out ec.pem
  custody key import ec.pem                              # import-cosign.key, import-cosign.pub
  COSIGN_PASSWORD=... custody key import rsa.pem --output-key-prefix release";

/// `custody key public-key`.
#[derive(Debug, Args)]
pub(crate) struct PublicKeyArgs {
    /// The private key: a cosign key (password from `COSIGN_PASSWORD`, else a prompt) or a
    /// plain PEM private key.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// Write the public key to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

const PUBLIC_KEY_EXAMPLES: &str = "\
Examples:
  custody key public-key --key cosign.key > cosign.pub
  COSIGN_PASSWORD=... custody key public-key --key cosign.key --output cosign.pub";
