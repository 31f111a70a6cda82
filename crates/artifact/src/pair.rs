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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{NoReporter, Scanner, Target};

    /// Reads files ending in `suffix` up to `limit` bytes, returning their text; fails on
    /// files containing `fail`.
    struct Suffix {
        suffix: &'static str,
        limit: u64,
    }

    impl Analyzer for Suffix {
        type Output = String;

        fn cache_version(&self) -> &str {
            self.suffix
        }

        fn wants(&self, path: &str) -> Interest {
            if path.ends_with(self.suffix) {
                Interest::Read
            } else {
                Interest::Skip
            }
        }

        fn max_file_size(&self) -> u64 {
            self.limit
        }

        fn analyze(
            &self,
            _: &FileMeta<'_>,
            content: &mut dyn Read,
        ) -> Result<Option<String>, String> {
            let mut text = String::new();
            content
                .read_to_string(&mut text)
                .map_err(|error| error.to_string())?;
            if text.contains("fail") {
                return Err(format!("{} refused", self.suffix));
            }
            Ok(Some(text))
        }
    }

    #[test]
    fn both_sides_read_a_shared_file_and_keep_their_own_limits_and_errors() {
        let root = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("a.txt", "only first"),
            ("b.md", "only second"),
            ("c.txt.md", "both"),
            ("d.txt.md", "a long file the first side may not read"),
            ("e.txt.md", "fail"),
            ("f.rs", "neither"),
        ] {
            fs_err::write(root.path().join(name), text).unwrap();
        }
        let pair = Pair::new(
            Contains {
                inner: Suffix {
                    suffix: ".txt",
                    limit: 8,
                },
            },
            Suffix {
                suffix: ".md",
                limit: 1024,
            },
        );
        assert_eq!(pair.cache_version(), ".txt+.md");
        let target = Target::Dir(root.path().to_owned());
        let scan = Scanner::default()
            .scan(&target, &pair, &NoReporter)
            .unwrap();
        let (first, second) = scan.split();
        let texts = |result: &ScanResult<String>| -> Vec<(String, String)> {
            result
                .files
                .iter()
                .map(|file| (file.path.clone(), file.output.clone()))
                .collect()
        };
        assert_eq!(
            texts(&first),
            [("c.txt.md".to_owned(), "both".to_owned())],
            "a.txt is over the first side's 8-byte limit; d is too; e fails"
        );
        assert_eq!(
            texts(&second),
            [
                ("b.md".to_owned(), "only second".to_owned()),
                ("c.txt.md".to_owned(), "both".to_owned()),
                (
                    "d.txt.md".to_owned(),
                    "a long file the first side may not read".to_owned()
                ),
            ]
        );
        let warnings: Vec<(Option<&str>, &str)> = first
            .warnings
            .iter()
            .map(|warning| (warning.path.as_deref(), warning.message.as_str()))
            .collect();
        assert!(
            warnings.contains(&(
                Some("a.txt"),
                "file of 10 bytes exceeds the 8 byte limit; not analyzed"
            )),
            "{warnings:?}"
        );
        assert!(
            warnings.contains(&(Some("e.txt.md"), ".txt refused")),
            "{warnings:?}"
        );
        assert!(
            warnings.contains(&(Some("e.txt.md"), ".md refused")),
            "{warnings:?}"
        );
        assert!(second.warnings.is_empty());
    }

    /// `inner`, wanting any path that contains its suffix.
    struct Contains {
        inner: Suffix,
    }

    impl Analyzer for Contains {
        type Output = String;

        fn cache_version(&self) -> &str {
            self.inner.cache_version()
        }

        fn wants(&self, path: &str) -> Interest {
            if path.contains(self.inner.suffix) {
                Interest::Read
            } else {
                Interest::Skip
            }
        }

        fn max_file_size(&self) -> u64 {
            self.inner.max_file_size()
        }

        fn analyze(
            &self,
            file: &FileMeta<'_>,
            content: &mut dyn Read,
        ) -> Result<Option<String>, String> {
            self.inner.analyze(file, content)
        }
    }
}
