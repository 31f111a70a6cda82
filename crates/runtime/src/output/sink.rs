//! Where alerts go: any writer (stdout, in the CLI), an appended file, an HTTP endpoint
//! ([`HttpSink`](super::HttpSink)), and [`Sinks`], the fan-out the engine hands every alert
//! to. Each sink counts what it delivered, failed and dropped, for the shutdown summary.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::alert::Alert;

/// How a sink writes an alert: Falco's text line or its `json_output` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlertFormat {
    /// `<time>: <Priority> <message>` ([`Alert::output`]).
    #[default]
    Text,
    /// One JSON object per line ([`Alert::to_json`]).
    Json,
}

impl AlertFormat {
    /// The alert as one line in this format, without the newline.
    pub fn line(self, alert: &Alert) -> String {
        match self {
            Self::Text => alert.output(),
            Self::Json => alert.to_json(),
        }
    }
}

/// Counts a sink keeps, reported when custody shuts down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SinkStats {
    /// Alerts written or accepted by the endpoint.
    pub delivered: u64,
    /// Alerts given up on after an error (and, for HTTP, every retry).
    pub failed: u64,
    /// Alerts discarded without an attempt because the sink's queue was full.
    pub dropped: u64,
    /// Extra delivery attempts made after a failed one.
    pub retries: u64,
}

/// A destination for alerts.
pub trait Sink: Send {
    /// A short name for messages and the shutdown summary (`stdout`, a path, a URL).
    fn name(&self) -> &str;

    /// Delivers one alert, or queues it for delivery.
    fn send(&mut self, alert: &Alert) -> Result<(), SinkError>;

    /// Delivers everything buffered or queued and releases the sink's resources; later
    /// alerts are errors.
    fn close(&mut self) -> Result<(), SinkError>;

    /// The counts so far.
    fn stats(&self) -> SinkStats;
}

/// A failure to deliver alerts.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Writing to a sink failed.
    #[error("cannot write alerts to {sink}")]
    Write {
        /// The sink's name.
        sink: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Opening an alerts file failed.
    #[error("cannot open alerts file {path}")]
    Open {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An alert was sent after the sink was closed.
    #[error("alert sink {sink} is closed")]
    Closed {
        /// The sink's name.
        sink: String,
    },
    /// The HTTP client or its delivery thread could not start.
    #[error("cannot start the HTTP alert sink for {url}")]
    HttpStart {
        /// The endpoint.
        url: String,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Writes one alert per line to any writer: stdout in the CLI, a buffer in tests.
///
/// Lines are written whole, without flushing; [`Sink::close`] flushes.
#[derive(Debug)]
pub struct WriterSink<W> {
    name: String,
    writer: W,
    format: AlertFormat,
    flush_each: bool,
    closed: bool,
    stats: SinkStats,
}

impl<W: Write + Send> WriterSink<W> {
    /// A sink named `name` writing `format` lines to `writer`.
    pub fn new(name: impl Into<String>, writer: W, format: AlertFormat) -> Self {
        Self {
            name: name.into(),
            writer,
            format,
            flush_each: false,
            closed: false,
            stats: SinkStats::default(),
        }
    }

    /// Flushes after every alert, so a reader tailing the output sees each one at once.
    #[must_use]
    pub fn flush_each(mut self, flush_each: bool) -> Self {
        self.flush_each = flush_each;
        self
    }

    /// The writer back, to inspect what was written.
    pub fn into_inner(self) -> W {
        self.writer
    }

    fn write_error(&self, source: std::io::Error) -> SinkError {
        SinkError::Write {
            sink: self.name.clone(),
            source,
        }
    }
}

impl<W: Write + Send> Sink for WriterSink<W> {
    fn name(&self) -> &str {
        &self.name
    }

    fn send(&mut self, alert: &Alert) -> Result<(), SinkError> {
        if self.closed {
            self.stats.failed += 1;
            return Err(SinkError::Closed {
                sink: self.name.clone(),
            });
        }
        let writer = &mut self.writer;
        let mut line = self.format.line(alert);
        line.push('\n');
        let written = writer.write_all(line.as_bytes()).and_then(|()| {
            if self.flush_each {
                writer.flush()
            } else {
                Ok(())
            }
        });
        match written {
            Ok(()) => {
                self.stats.delivered += 1;
                Ok(())
            }
            Err(source) => {
                self.stats.failed += 1;
                Err(self.write_error(source))
            }
        }
    }

    fn close(&mut self) -> Result<(), SinkError> {
        self.closed = true;
        self.writer
            .flush()
            .map_err(|source| self.write_error(source))
    }

    fn stats(&self) -> SinkStats {
        self.stats
    }
}

/// Appends alerts to a file, creating it if needed, one line each and flushed at once (Falco's
/// `file_output`: never truncated nor rotated, so logrotate can work on it).
#[derive(Debug)]
pub struct FileSink(WriterSink<BufWriter<fs_err::File>>);

impl FileSink {
    /// Opens `path` for appending.
    pub fn append(path: &Path, format: AlertFormat) -> Result<Self, SinkError> {
        let file = fs_err::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| SinkError::Open {
                path: path.to_owned(),
                source,
            })?;
        let name = path.display().to_string();
        Ok(Self(
            WriterSink::new(name, BufWriter::new(file), format).flush_each(true),
        ))
    }
}

impl Sink for FileSink {
    fn name(&self) -> &str {
        self.0.name()
    }

    fn send(&mut self, alert: &Alert) -> Result<(), SinkError> {
        self.0.send(alert)
    }

    fn close(&mut self) -> Result<(), SinkError> {
        self.0.close()
    }

    fn stats(&self) -> SinkStats {
        self.0.stats()
    }
}

/// Every configured sink: each alert goes to all of them, and one failing does not keep the
/// alert from the others.
#[derive(Default)]
pub struct Sinks {
    sinks: Vec<Box<dyn Sink>>,
}

impl Sinks {
    /// No sinks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a sink.
    pub fn push(&mut self, sink: Box<dyn Sink>) {
        self.sinks.push(sink);
    }

    /// Sends `alert` to every sink; returns the errors of those that failed (each also
    /// counted in its [`SinkStats`]).
    pub fn send(&mut self, alert: &Alert) -> Vec<SinkError> {
        self.sinks
            .iter_mut()
            .filter_map(|sink| sink.send(alert).err())
            .collect()
    }

    /// Closes every sink, delivering what they hold; returns the errors.
    pub fn close(&mut self) -> Vec<SinkError> {
        self.sinks
            .iter_mut()
            .filter_map(|sink| sink.close().err())
            .collect()
    }

    /// Each sink's name and counts, in the order they were added.
    pub fn stats(&self) -> Vec<(String, SinkStats)> {
        self.sinks
            .iter()
            .map(|sink| (sink.name().to_owned(), sink.stats()))
            .collect()
    }
}

impl std::fmt::Debug for Sinks {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_list()
            .entries(self.sinks.iter().map(|sink| sink.name()))
            .finish()
    }
}
