//! `custody key generate|import|public-key`: cosign-format signing keys; and reading keys and
//! their passwords for the commands that sign or verify ([`read_signing_key`],
//! [`read_public_key`]).

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use custody_sign::keys::{KeyError, PublicKey, SigningKey};

use crate::args::{GenerateArgs, ImportArgs, KeyCommand, PublicKeyArgs};
use crate::{env_vars, printer};

/// Runs a `key` subcommand.
pub(crate) fn key(command: KeyCommand, quiet: bool) -> anyhow::Result<()> {
    match command {
        KeyCommand::Generate(args) => generate(&args, quiet),
        KeyCommand::Import(args) => import(&args, quiet),
        KeyCommand::PublicKey(args) => public_key(&args),
    }
}

/// `custody key generate`.
fn generate(args: &GenerateArgs, quiet: bool) -> anyhow::Result<()> {
    let pair = KeyPairPaths::new(&args.output_key_prefix, args.force)?;
    let key = SigningKey::generate(args.algorithm)
        .with_context(|| format!("cannot generate a {} key", args.algorithm))?;
    pair.write(&key, quiet)
}

/// `custody key import`.
fn import(args: &ImportArgs, quiet: bool) -> anyhow::Result<()> {
    let pair = KeyPairPaths::new(&args.output_key_prefix, args.force)?;
    let text = fs_err::read_to_string(&args.key)?;
    let key = SigningKey::from_pem(&text)
        .with_context(|| format!("cannot import the private key {}", args.key.display()))?;
    pair.write(&key, quiet)
}

/// `custody key public-key`.
fn public_key(args: &PublicKeyArgs) -> anyhow::Result<()> {
    let key = read_signing_key(&args.key)?;
    let pem = key.public_key().to_pem();
    printer::with_output(args.output.as_deref(), |out| out.write_all(pem.as_bytes()))
}

/// Where a key pair goes: `PREFIX.key` and `PREFIX.pub`.
struct KeyPairPaths {
    private: PathBuf,
    public: PathBuf,
    force: bool,
}

impl KeyPairPaths {
    /// The two paths for `prefix`, refusing existing files unless `force` (checked before a
    /// password is asked for).
    fn new(prefix: &Path, force: bool) -> anyhow::Result<Self> {
        let with_extension = |extension: &str| {
            let mut path = prefix.as_os_str().to_owned();
            path.push(extension);
            PathBuf::from(path)
        };
        let pair = Self {
            private: with_extension(".key"),
            public: with_extension(".pub"),
            force,
        };
        if !force {
            for path in [&pair.private, &pair.public] {
                if path.exists() {
                    bail!(
                        "{} already exists; pass --force to overwrite it or choose another \
                         --output-key-prefix",
                        path.display()
                    );
                }
            }
        }
        Ok(pair)
    }

    /// Encrypt `key` with a new password (asked twice) and write both files.
    fn write(&self, key: &SigningKey, quiet: bool) -> anyhow::Result<()> {
        let password = read_password(true)?;
        let private = key
            .to_cosign_pem(password.as_bytes())
            .context("cannot encrypt the private key")?;
        write_private(&self.private, private.as_bytes(), self.force)?;
        let public = key.public_key().to_pem();
        fs_err::write(&self.public, public)?;
        if !quiet {
            let mut stderr = anstream::stderr().lock();
            writeln!(stderr, "Private key written to {}", self.private.display())?;
            writeln!(stderr, "Public key written to {}", self.public.display())?;
        }
        Ok(())
    }
}

/// Write the private key file readable by its owner only (mode 0600, as cosign). Without
/// `force` the file must not exist, so a race cannot overwrite one either.
fn write_private(path: &Path, contents: &[u8], force: bool) -> anyhow::Result<()> {
    let mut options = fs_err::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use fs_err::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    // `mode` applies only to a new file; an overwritten one is narrowed too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    file.write_all(contents)?;
    Ok(())
}

/// The password of a cosign key: `COSIGN_PASSWORD` when set (even empty), else asked on the
/// terminal without echo, twice when `confirm` (a new key).
fn read_password(confirm: bool) -> anyhow::Result<String> {
    if let Some(value) = std::env::var_os(env_vars::COSIGN_PASSWORD) {
        return value
            .into_string()
            .map_err(|_| anyhow::anyhow!("{} is not valid UTF-8", env_vars::COSIGN_PASSWORD));
    }
    if !std::io::stdin().is_terminal() {
        bail!(
            "a key password is needed and there is no terminal to ask it on: set {} (it may be \
             empty)",
            env_vars::COSIGN_PASSWORD
        );
    }
    let password = rpassword::prompt_password("Enter password for private key: ")
        .context("cannot read the password from the terminal")?;
    if confirm {
        let again = rpassword::prompt_password("Enter password for private key again: ")
            .context("cannot read the password from the terminal")?;
        if again != password {
            bail!("the passwords do not match");
        }
    }
    Ok(password)
}

/// Read a signing key: a cosign encrypted key (its password from `COSIGN_PASSWORD` or a
/// prompt) or a plain PEM private key (PKCS#1, SEC1, PKCS#8).
pub(crate) fn read_signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let text = fs_err::read_to_string(path)?;
    let context = || format!("cannot read the private key {}", path.display());
    match SigningKey::from_pem(&text) {
        Err(KeyError::Encrypted { .. }) => {
            let password = read_password(false)?;
            SigningKey::from_cosign_pem(&text, password.as_bytes()).with_context(context)
        }
        result => result.with_context(context),
    }
}

/// Read a verifying key: a public key PEM (`cosign.pub`, SPKI or PKCS#1), a DER SPKI file,
/// or a private key file, whose public half is used.
pub(crate) fn read_public_key(path: &Path) -> anyhow::Result<PublicKey> {
    let bytes = fs_err::read(path)?;
    let context = || format!("cannot read the public key {}", path.display());
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return PublicKey::from_spki_der(&bytes).with_context(context);
    };
    match PublicKey::from_pem(text) {
        Err(KeyError::UnexpectedLabel { found, .. }) if found.contains("PRIVATE KEY") => {
            read_signing_key(path).map(|key| key.public_key())
        }
        Err(KeyError::NoPemBlock { .. }) => PublicKey::from_spki_der(&bytes).with_context(context),
        result => result.with_context(context),
    }
}
