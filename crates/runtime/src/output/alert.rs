//! An alert: what a rule raised for one event, printed as Falco prints it — the text line of
//! its stdout, file and HTTP outputs, or the JSON object of `json_output: true`.
//!
//! # Wire format (JSON)
//!
//! One object per alert, on one line, exactly as falcosecurity/falco
//! `userspace/engine/formats.cpp` (`falco_formats::format_event`) builds it with nlohmann
//! JSON, whose objects are `std::map`s — so keys come out sorted, at every level:
//!
//! | key | value |
//! |---|---|
//! | `hostname` | the host running custody (the caller supplies it) |
//! | `output` | the full text line: `<time>: <Priority> <message>` |
//! | `output_fields` | every `%field` of the rule output by name (`name[arg]` with an argument): string, number, boolean, array, or `null` when missing; plus `evt.time` in nanoseconds, which Falco adds from its `%evt.time` prefix |
//! | `priority` | `Emergency` … `Debug`, see [`Priority`] |
//! | `rule` | the rule's name |
//! | `source` | the event source, such as `k8s_audit` |
//! | `tags` | the rule's tags, sorted and distinct (Falco keeps them in a `std::set`) |
//! | `time` | the event time, RFC 3339 in UTC with nanoseconds: `2023-05-25T13:44:05.478445995Z` |
//!
//! Those keys are stable: falcosidekick, event-generator and SIEM pipelines read them.
//!
//! ```text
//! {"hostname":"falco-xczjd","output":"13:44:05.478445995: Critical A shell was spawned …","output_fields":{"container.id":"ee97d9c4186f","evt.time":1685022245478445995,…},"priority":"Critical","rule":"Terminal shell in container","source":"syscall","tags":["container","mitre_execution","shell"],"time":"2023-05-25T13:44:05.478445995Z"}
//! ```
//!
//! # Text line
//!
//! `<HH:MM:SS.nnnnnnnnn>: <Priority> <message>`, Falco's default `%evt.time` prefix. Falco
//! prints the time of day in the local time zone; custody prints it in UTC, since an engine
//! does not read the environment (and Falco's container images run in UTC).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::Timestamp;
use serde::Serialize;

use super::priority::Priority;
use super::template::{FieldValue, Rendered};

/// The `output_fields` key Falco fills from its `%evt.time` output prefix.
const EVENT_TIME_FIELD: &str = "evt.time";

/// One alert raised by a rule for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// When the event happened.
    pub time: Timestamp,
    /// The rule's name.
    pub rule: String,
    /// The rule's priority.
    pub priority: Priority,
    /// The rule's output rendered for the event (without the time and priority prefix).
    pub message: String,
    /// The values of the output's fields (see [`Rendered::fields`]).
    pub output_fields: BTreeMap<String, Option<FieldValue>>,
    /// The event source, such as `k8s_audit`.
    pub source: String,
    /// The rule's tags.
    pub tags: BTreeSet<String>,
    /// The name of the host that raised the alert.
    pub hostname: String,
}

impl Alert {
    /// An alert from a rendered rule output; the other fields come from the rule, the event
    /// and the host.
    pub fn new(rendered: Rendered, details: AlertDetails) -> Self {
        let AlertDetails {
            time,
            rule,
            priority,
            source,
            tags,
            hostname,
        } = details;
        Self {
            time,
            rule,
            priority,
            message: rendered.message,
            output_fields: rendered.fields,
            source,
            tags,
            hostname,
        }
    }

    /// The text line Falco prints for the alert: `<time>: <Priority> <message>`.
    pub fn output(&self) -> String {
        let mut line = String::with_capacity(self.message.len() + 40);
        // Writing to a String cannot fail.
        let _ = write!(
            line,
            "{}.{:09}: {} {}",
            self.time.strftime("%H:%M:%S"),
            subsecond_nanoseconds(self.time),
            self.priority,
            self.message
        );
        line
    }

    /// The alert as Falco's `json_output` prints it (see the module docs), on one line.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .expect("an alert serializes: every key is a string and every value plain data")
    }

    /// The event time in nanoseconds since the Unix epoch, as Falco's `evt.time` holds it.
    fn time_nanoseconds(&self) -> FieldValue {
        let nanoseconds = self.time.as_nanosecond();
        u64::try_from(nanoseconds).map_or_else(
            // Before 1970; jiff's range (years -9999..=9999) always fits an i64 of nanoseconds
            // from 1678 on, and saturating is the only choice for earlier ones.
            |_| FieldValue::Integer(i64::try_from(nanoseconds).unwrap_or(i64::MIN)),
            FieldValue::Unsigned,
        )
    }
}

/// The nanoseconds past the civil second `strftime` prints: jiff's `subsec_nanosecond` is
/// negative before 1970, while the civil time is floored.
fn subsecond_nanoseconds(time: Timestamp) -> i128 {
    time.as_nanosecond().rem_euclid(1_000_000_000)
}

/// What an [`Alert`] takes besides the rendered output: the event time, the rule and the
/// host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertDetails {
    /// When the event happened.
    pub time: Timestamp,
    /// The rule's name.
    pub rule: String,
    /// The rule's priority.
    pub priority: Priority,
    /// The event source.
    pub source: String,
    /// The rule's tags.
    pub tags: BTreeSet<String>,
    /// The name of the host raising the alert.
    pub hostname: String,
}

/// The JSON object, its keys declared in the sorted order nlohmann writes them.
#[derive(Serialize)]
struct Wire<'a> {
    hostname: &'a str,
    output: String,
    output_fields: BTreeMap<&'a str, Option<&'a FieldValue>>,
    priority: Priority,
    rule: &'a str,
    source: &'a str,
    tags: &'a BTreeSet<String>,
    time: String,
}

impl Serialize for Alert {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let event_time = self.time_nanoseconds();
        let mut output_fields: BTreeMap<&str, Option<&FieldValue>> = self
            .output_fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_ref()))
            .collect();
        // Falco merges its prefix's fields after the rule's, so `evt.time` wins.
        output_fields.insert(EVENT_TIME_FIELD, Some(&event_time));
        Wire {
            hostname: &self.hostname,
            output: self.output(),
            output_fields,
            priority: self.priority,
            rule: &self.rule,
            source: &self.source,
            tags: &self.tags,
            time: format!(
                "{}.{:09}Z",
                self.time.strftime("%Y-%m-%dT%H:%M:%S"),
                subsecond_nanoseconds(self.time)
            ),
        }
        .serialize(serializer)
    }
}
