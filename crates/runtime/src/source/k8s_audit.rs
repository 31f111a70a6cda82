//! Kubernetes audit events, as kube-apiserver writes them to a log file (one JSON `Event` per
//! line) or posts them to an audit webhook (an `EventList` per request body).
//!
//! [`AuditEvents`] reads any sequence of JSON values — JSON lines, concatenated or
//! pretty-printed documents — and yields every `Event`, unpacking `EventList`s. A value that is
//! not an audit event is counted as malformed and skipped, as Falco's k8saudit plugin does, so
//! one bad line never hides the events after it; invalid JSON ends the stream with an error
//! naming the byte offset, since nothing after it can be framed reliably.

use std::io::Read;

use serde_json::Value;

/// The `apiVersion` kube-apiserver writes on audit events and lists.
pub const AUDIT_API_VERSION: &str = "audit.k8s.io/v1";

/// Why reading audit events stopped.
#[derive(Debug, thiserror::Error)]
pub enum AuditReadError {
    /// The input is not a sequence of JSON values.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The input could not be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The audit events of a byte stream, unpacking `EventList`s, with a count of skipped values.
///
/// [`AuditEvents::new`] reads from any [`Read`]; [`AuditEvents::from_slice`] parses bytes
/// already in memory (a request body, a mapped file) about twice as fast.
pub struct AuditEvents<'de, R: serde_json::de::Read<'de>> {
    values: serde_json::StreamDeserializer<'de, R, Value>,
    /// Events of the `EventList` being unpacked, in reverse order.
    pending: Vec<Value>,
    malformed: u64,
    done: bool,
}

impl<R: Read> AuditEvents<'static, serde_json::de::IoRead<R>> {
    /// Reads events from `reader`.
    pub fn new(reader: R) -> Self {
        Self::over(serde_json::Deserializer::from_reader(reader).into_iter())
    }
}

impl<'de> AuditEvents<'de, serde_json::de::SliceRead<'de>> {
    /// Reads events from bytes in memory.
    #[must_use]
    pub fn from_slice(bytes: &'de [u8]) -> Self {
        Self::over(serde_json::Deserializer::from_slice(bytes).into_iter())
    }
}

impl<'de, R: serde_json::de::Read<'de>> AuditEvents<'de, R> {
    fn over(values: serde_json::StreamDeserializer<'de, R, Value>) -> Self {
        Self {
            values,
            pending: Vec::new(),
            malformed: 0,
            done: false,
        }
    }

    /// How many values were skipped because they are not audit events.
    #[must_use]
    pub fn malformed(&self) -> u64 {
        self.malformed
    }

    /// Files one JSON value: an event is queued, a list's events are queued, anything else is
    /// counted.
    fn accept(&mut self, value: Value) {
        match classify(value) {
            Classified::Event(event) => self.pending.push(event),
            Classified::List { events, skipped } => {
                self.malformed += skipped;
                self.pending.extend(events.into_iter().rev());
            }
            Classified::Malformed(count) => self.malformed += count,
        }
    }
}

impl<'de, R: serde_json::de::Read<'de>> Iterator for AuditEvents<'de, R> {
    type Item = Result<Value, AuditReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(event) = self.pending.pop() {
                return Some(Ok(event));
            }
            if self.done {
                return None;
            }
            match self.values.next()? {
                Ok(value) => self.accept(value),
                Err(error) => {
                    self.done = true;
                    if error.is_io() {
                        return Some(Err(AuditReadError::Io(error.into())));
                    }
                    return Some(Err(AuditReadError::Json {
                        line: error.line(),
                        column: error.column(),
                        message: error.to_string(),
                    }));
                }
            }
        }
    }
}

/// What one JSON value holds.
enum Classified {
    Event(Value),
    /// A list's events, and how many of its items were not events.
    List {
        events: Vec<Value>,
        skipped: u64,
    },
    /// How many values or list items were not events.
    Malformed(u64),
}

/// Whether `value` is an audit event: an object of kind `Event` with the fields every audit
/// event has (`auditID`, `stage`, `verb`, `requestURI`); the apiVersion may be absent in
/// older log lines.
fn is_event(value: &Value) -> bool {
    value["kind"] == "Event"
        && ["auditID", "stage", "verb", "requestURI"]
            .iter()
            .all(|field| value.get(field).is_some_and(Value::is_string))
}

fn classify(value: Value) -> Classified {
    if is_event(&value) {
        return Classified::Event(value);
    }
    if value["kind"] != "EventList" {
        return Classified::Malformed(1);
    }
    let Value::Object(mut list) = value else {
        return Classified::Malformed(1);
    };
    let Some(Value::Array(items)) = list.remove("items") else {
        return Classified::Malformed(1);
    };
    let total = items.len();
    let events: Vec<Value> = items.into_iter().filter(is_event).collect();
    let skipped = u64::try_from(total - events.len()).unwrap_or(u64::MAX);
    Classified::List { events, skipped }
}

/// Reads the events of one request body or file held in memory: the events and how many values
/// were skipped.
///
/// # Errors
///
/// [`AuditReadError::Json`] when the bytes are not a sequence of JSON values.
pub fn events_of(bytes: &[u8]) -> Result<(Vec<Value>, u64), AuditReadError> {
    let mut events = AuditEvents::from_slice(bytes);
    let collected = events.by_ref().collect::<Result<Vec<_>, _>>()?;
    Ok((collected, events.malformed()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str) -> String {
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"{id}","stage":"ResponseComplete","verb":"create","requestURI":"/api/v1/namespaces"}}"#
        )
    }

    #[test]
    fn json_lines_lists_and_malformed_values() {
        let input = format!(
            "{}\n{{\"kind\": 0}}\n{{\"kind\":\"EventList\",\"items\":[{},{{\"kind\":\"Event\"}},{}]}}\n  {}",
            event("a"),
            event("b"),
            event("c"),
            event("d")
        );
        let (events, malformed) = events_of(input.as_bytes()).unwrap();
        let ids: Vec<_> = events
            .iter()
            .map(|event| event["auditID"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        // `{"kind": 0}` and the list item without the event fields.
        assert_eq!(malformed, 2);
    }

    #[test]
    fn invalid_json_stops_with_its_position() {
        let input = format!("{}\n{{\"kind\": \n", event("a"));
        let mut events = AuditEvents::new(input.as_bytes());
        assert!(events.next().unwrap().is_ok());
        let error = events.next().unwrap().unwrap_err();
        assert!(
            matches!(error, AuditReadError::Json { line: 3, .. }),
            "{error}"
        );
        assert!(events.next().is_none());
    }
}
