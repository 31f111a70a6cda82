//! Errors of the policy engines: values that cannot be parsed into policy settings.

/// An invalid policy setting given by a user (a command-line flag or a policy document).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// A Pod Security Standards version that is neither `latest` nor `v1.N`.
    #[error(
        "invalid Pod Security Standards version `{value}`: expected `latest` or `v1.N` with N at most {latest}"
    )]
    InvalidVersion {
        /// The value as given.
        value: String,
        /// The newest minor version custody knows.
        latest: u32,
    },
    /// A Pod Security Standards level other than `privileged`, `baseline` or `restricted`.
    #[error(
        "invalid Pod Security Standards level `{value}`: expected privileged, baseline or restricted"
    )]
    InvalidLevel {
        /// The value as given.
        value: String,
    },
    /// A check id that no Pod Security Standards check has.
    #[error("unknown Pod Security Standards check `{value}`")]
    UnknownCheck {
        /// The value as given.
        value: String,
    },
}
