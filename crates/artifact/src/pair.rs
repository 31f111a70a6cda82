//! [`Pair`]: two analyzers behind one, so a target is still read once however many kinds of
//! results a scan wants (packages, secrets, misconfigurations).
//!
//! A file only one side wants is streamed to it directly; a file both want is read into
//! memory once (never more than [`Analyzer::max_file_size`] of the larger side) and handed to
//! each. Each side keeps its own size limit and its own errors, so one side failing on a file
//! never loses what the other found in it.

use std::io::Read;

use serde::{Deserialize, Serialize};

use custody_model::Warning;

use crate::{Analyzer, FileMeta, Interest, ScanResult, ScannedFile};

/// Runs `first` and `second` on every file either wants, in one pass.
#[derive(Debug, Clone)]
pub struct Pair<A, B> {
    first: A,
    second: B,
    cache_version: String,
}

impl<A: Analyzer, B: Analyzer> Pair<A, B> {
    /// Combines two analyzers; results come back as [`Paired`] values.
    pub fn new(first: A, second: B) -> Self {
        let cache_version = format!("{}+{}", first.cache_version(), second.cache_version());
        Self {
            first,
            second,
            cache_version,
        }
    }
}

/// What the two sides of a [`Pair`] made of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paired<X, Y> {
    /// The first analyzer's result.
    pub first: Option<X>,
    /// The second analyzer's result.
    pub second: Option<Y>,
    /// Errors of either side, which [`ScanResult::split`] turns into warnings naming the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

/// Whether `analyzer` takes `file`: it wants the path, the file's permissions match, and the
/// file is within its size limit (else the reason it is skipped).
fn takes<A: Analyzer>(analyzer: &A, file: &FileMeta<'_>) -> Result<bool, String> {
    if !analyzer.wants(file.path).accepts(file.executable) {
        return Ok(false);
    }
    let limit = analyzer.max_file_size();
    if file.size > limit {
        return Err(format!(
            "file of {} bytes exceeds the {limit} byte limit; not analyzed",
            file.size
        ));
    }
    Ok(true)
}

impl<A: Analyzer, B: Analyzer> Analyzer for Pair<A, B> {
    type Output = Paired<A::Output, B::Output>;

    fn cache_version(&self) -> &str {
        &self.cache_version
    }

    fn wants(&self, path: &str) -> Interest {
        match (self.first.wants(path), self.second.wants(path)) {
            (Interest::Read, _) | (_, Interest::Read) => Interest::Read,
            (Interest::ReadIfExecutable, _) | (_, Interest::ReadIfExecutable) => {
                Interest::ReadIfExecutable
            }
            (Interest::Skip, Interest::Skip) => Interest::Skip,
        }
    }

    fn max_file_size(&self) -> u64 {
        self.first.max_file_size().max(self.second.max_file_size())
    }

    fn analyze(
        &self,
        file: &FileMeta<'_>,
        content: &mut dyn Read,
    ) -> Result<Option<Self::Output>, String> {
        let mut errors = Vec::new();
        let mut decide = |decision: Result<bool, String>| {
            decision.unwrap_or_else(|error| {
                errors.push(error);
                false
            })
        };
        let first_takes = decide(takes(&self.first, file));
        let second_takes = decide(takes(&self.second, file));
        let (first, second) = match (first_takes, second_takes) {
            (false, false) => (Ok(None), Ok(None)),
            (true, false) => (self.first.analyze(file, content), Ok(None)),
            (false, true) => (Ok(None), self.second.analyze(file, content)),
            (true, true) => {
                let mut bytes = Vec::with_capacity(usize::try_from(file.size).unwrap_or(0));
                content
                    .take(file.size)
                    .read_to_end(&mut bytes)
                    .map_err(|error| format!("reading failed: {error}"))?;
                (
                    self.first.analyze(file, &mut bytes.as_slice()),
                    self.second.analyze(file, &mut bytes.as_slice()),
                )
            }
        };
        let paired = Paired {
            first: first.unwrap_or_else(|error| {
                errors.push(error);
                None
            }),
            second: second.unwrap_or_else(|error| {
                errors.push(error);
                None
            }),
            errors,
        };
        let empty = paired.first.is_none() && paired.second.is_none() && paired.errors.is_empty();
        Ok((!empty).then_some(paired))
    }
}

impl<X, Y> ScanResult<Paired<X, Y>> {
    /// Separates the two sides' results. Each side's errors become warnings naming the file
    /// and layer, in the first result (the one callers report warnings from).
    pub fn split(self) -> (ScanResult<X>, ScanResult<Y>) {
        let layer_digest = |layer: Option<usize>| {
            let image = self.target.image.as_ref()?;
            image.layers.get(layer?).map(|layer| layer.digest.clone())
        };
        let mut warnings = self.warnings.clone();
        let mut firsts = Vec::new();
        let mut seconds = Vec::new();
        for file in self.files {
            let ScannedFile {
                path,
                layer,
                visible,
                output:
                    Paired {
                        first,
                        second,
                        errors,
                    },
            } = file;
            for message in errors {
                warnings.push(Warning {
                    path: Some(path.clone()),
                    layer: layer_digest(layer),
                    message,
                });
            }
            if let Some(output) = first {
                let path = path.clone();
                firsts.push(ScannedFile {
                    path,
                    layer,
                    visible,
                    output,
                });
            }
            if let Some(output) = second {
                seconds.push(ScannedFile {
                    path,
                    layer,
                    visible,
                    output,
                });
            }
        }
        (
            ScanResult {
                target: self.target.clone(),
                files: firsts,
                warnings,
            },
            ScanResult {
                target: self.target,
                files: seconds,
                warnings: Vec::new(),
            },
        )
    }
}
