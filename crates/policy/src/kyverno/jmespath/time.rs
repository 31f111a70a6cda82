//! Kyverno's time functions (kyverno/kyverno `pkg/engine/jmespath/time.go`): times are RFC
//! 3339 strings, durations Go duration strings, and results are written back as Go's
//! `time.RFC3339` layout writes them (whole seconds, `Z` or `±hh:mm`, the input's offset kept).
//!
//! `time_parse` and `time_since` take a Go reference layout (`2006-01-02 15:04:05`); the
//! common layout elements are translated to `strftime` directives for jiff's parser.

use std::fmt::Write as _;

use jiff::civil::DateTime;
use jiff::fmt::strtime;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use super::quantity::{format_go_duration, parse_go_duration};
use super::{Arg, Args, Function, string_arg};

/// The time functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "time_since",
        args: &[Arg::String, Arg::String, Arg::String],
        call: time_since,
    },
    Function {
        name: "time_now",
        args: &[],
        call: |_| Ok(Value::from(GoTime::now().to_rfc3339())),
    },
    Function {
        name: "time_now_utc",
        args: &[],
        call: |_| Ok(Value::from(GoTime::now().to_rfc3339())),
    },
    Function {
        name: "time_add",
        args: &[Arg::String, Arg::String],
        call: |args| {
            let time = GoTime::parse_rfc3339(string_arg(args, 0)?)?;
            let duration = duration_arg(args, 1)?;
            let timestamp = time
                .timestamp
                .checked_add(SignedDuration::from_nanos(duration))
                .map_err(|error| error.to_string())?;
            Ok(Value::from(GoTime { timestamp, ..time }.to_rfc3339()))
        },
    },
    Function {
        name: "time_parse",
        args: &[Arg::String, Arg::String],
        call: time_parse,
    },
    Function {
        name: "time_to_cron",
        args: &[Arg::String],
        call: |args| {
            let time = GoTime::parse_rfc3339(string_arg(args, 0)?)?.civil();
            Ok(Value::from(format!(
                "{} {} {} {} {}",
                time.minute(),
                time.hour(),
                time.day(),
                time.month(),
                time.weekday().to_sunday_zero_offset()
            )))
        },
    },
    Function {
        name: "time_utc",
        args: &[Arg::String],
        call: |args| {
            let time = GoTime::parse_rfc3339(string_arg(args, 0)?)?;
            Ok(Value::from(GoTime::utc(time.timestamp).to_rfc3339()))
        },
    },
    Function {
        name: "time_diff",
        args: &[Arg::String, Arg::String],
        call: |args| {
            let start = GoTime::parse_rfc3339(string_arg(args, 0)?)?;
            let end = GoTime::parse_rfc3339(string_arg(args, 1)?)?;
            Ok(difference(start.timestamp, end.timestamp))
        },
    },
    Function {
        name: "time_before",
        args: &[Arg::String, Arg::String],
        call: |args| compare(args, |first, second| first < second),
    },
    Function {
        name: "time_after",
        args: &[Arg::String, Arg::String],
        call: |args| compare(args, |first, second| first > second),
    },
    Function {
        name: "time_between",
        args: &[Arg::String, Arg::String, Arg::String],
        call: |args| {
            let time = GoTime::parse_rfc3339(string_arg(args, 0)?)?.timestamp;
            let start = GoTime::parse_rfc3339(string_arg(args, 1)?)?.timestamp;
            let end = GoTime::parse_rfc3339(string_arg(args, 2)?)?.timestamp;
            Ok(Value::Bool(time > start && time < end))
        },
    },
    Function {
        name: "time_truncate",
        args: &[Arg::String, Arg::String],
        call: time_truncate,
    },
];

/// An instant with the UTC offset it was written in, like Go's `time.Time`.
#[derive(Debug, Clone, Copy)]
struct GoTime {
    timestamp: Timestamp,
    offset: Offset,
}

impl GoTime {
    fn now() -> Self {
        Self::utc(Timestamp::now())
    }

    fn utc(timestamp: Timestamp) -> Self {
        Self {
            timestamp,
            offset: Offset::UTC,
        }
    }

    /// Parses Go's `time.RFC3339` (fractional seconds accepted, as Go accepts them).
    fn parse_rfc3339(text: &str) -> Result<Self, String> {
        let invalid = || format!("parsing time \"{text}\" as RFC 3339 failed");
        let (civil, offset) = if let Some(civil) = text.strip_suffix(['Z', 'z']) {
            (civil, Offset::UTC)
        } else {
            let split = text.len().checked_sub(6).ok_or_else(invalid)?;
            let (civil, zone) = (text.get(..split).ok_or_else(invalid)?, text.get(split..));
            (
                civil,
                parse_offset(zone.ok_or_else(invalid)?).ok_or_else(invalid)?,
            )
        };
        if !civil.contains(['T', 't']) {
            return Err(invalid());
        }
        let datetime: DateTime = civil.parse().map_err(|_| invalid())?;
        let timestamp = offset.to_timestamp(datetime).map_err(|_| invalid())?;
        Ok(Self { timestamp, offset })
    }

    fn civil(self) -> DateTime {
        self.offset.to_datetime(self.timestamp)
    }

    /// Go's `Format(time.RFC3339)`.
    fn to_rfc3339(self) -> String {
        let civil = self.civil();
        let mut text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            civil.year(),
            civil.month(),
            civil.day(),
            civil.hour(),
            civil.minute(),
            civil.second()
        );
        let seconds = self.offset.seconds();
        if seconds == 0 {
            text.push('Z');
        } else {
            let sign = if seconds < 0 { '-' } else { '+' };
            let magnitude = seconds.unsigned_abs();
            let _ = write!(
                text,
                "{sign}{:02}:{:02}",
                magnitude / 3600,
                magnitude / 60 % 60
            );
        }
        text
    }
}

/// `+05:30` or `-07:00`.
fn parse_offset(zone: &str) -> Option<Offset> {
    let sign = match zone.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = zone.get(1..3)?.parse().ok()?;
    let minutes: i32 = zone.get(4..6)?.parse().ok()?;
    if zone.get(3..4)? != ":" {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

fn duration_arg(args: Args<'_>, index: usize) -> Result<i64, String> {
    let text = string_arg(args, index)?;
    parse_go_duration(text).ok_or_else(|| format!("time: invalid duration \"{text}\""))
}

/// `end - start` as a Go duration string, saturating as Go's `Time.Sub` does.
fn difference(start: Timestamp, end: Timestamp) -> Value {
    let nanos = end.as_nanosecond() - start.as_nanosecond();
    let nanos = i64::try_from(nanos).unwrap_or(if nanos < 0 { i64::MIN } else { i64::MAX });
    Value::from(format_go_duration(nanos))
}

fn compare(args: Args<'_>, test: fn(Timestamp, Timestamp) -> bool) -> Result<Value, String> {
    let first = GoTime::parse_rfc3339(string_arg(args, 0)?)?.timestamp;
    let second = GoTime::parse_rfc3339(string_arg(args, 1)?)?.timestamp;
    Ok(Value::Bool(test(first, second)))
}

/// `time_since(layout, start, end)`: `end - start`, with `end` now when empty and RFC 3339
/// when `layout` is empty.
fn time_since(args: Args<'_>) -> Result<Value, String> {
    let layout = string_arg(args, 0)?;
    let parse = |text| {
        if layout.is_empty() {
            GoTime::parse_rfc3339(text)
        } else {
            parse_layout(layout, text)
        }
    };
    let start = parse(string_arg(args, 1)?)?;
    let end_text = string_arg(args, 2)?;
    let end = if end_text.is_empty() {
        GoTime::now()
    } else {
        parse(end_text)?
    };
    Ok(difference(start.timestamp, end.timestamp))
}

/// `time_parse(layout, text)`: a Go layout, or any integer as the layout for Unix seconds.
fn time_parse(args: Args<'_>) -> Result<Value, String> {
    let layout = string_arg(args, 0)?;
    let text = string_arg(args, 1)?;
    if layout.parse::<i64>().is_ok() {
        let seconds: i64 = text
            .parse()
            .map_err(|_| format!("invalid epoch \"{text}\""))?;
        let timestamp = Timestamp::from_second(seconds).map_err(|error| error.to_string())?;
        return Ok(Value::from(GoTime::utc(timestamp).to_rfc3339()));
    }
    Ok(Value::from(parse_layout(layout, text)?.to_rfc3339()))
}

/// Go's reference-time layout elements and the `strftime` directive each becomes; longer
/// elements first, so `2006` wins over `2` and `January` over `Jan`.
const LAYOUT_ELEMENTS: &[(&str, &str)] = &[
    ("January", "%B"),
    ("Monday", "%A"),
    ("Z07:00", "%:z"),
    ("-07:00", "%:z"),
    ("Z0700", "%z"),
    ("-0700", "%z"),
    ("2006", "%Y"),
    (".000000000", "%.f"),
    (".999999999", "%.f"),
    (".000000", "%.f"),
    (".999999", "%.f"),
    (".000", "%.f"),
    (".999", "%.f"),
    ("Jan", "%b"),
    ("Mon", "%a"),
    ("MST", "%Z"),
    ("-07", "%z"),
    ("01", "%m"),
    ("02", "%d"),
    ("_2", "%e"),
    ("15", "%H"),
    ("03", "%I"),
    ("04", "%M"),
    ("05", "%S"),
    ("06", "%y"),
    ("PM", "%p"),
    ("pm", "%P"),
    ("1", "%m"),
    ("2", "%d"),
    ("3", "%I"),
    ("4", "%M"),
    ("5", "%S"),
];

/// Parses `text` with a Go layout; a layout without a zone gives UTC, as in Go.
fn parse_layout(layout: &str, text: &str) -> Result<GoTime, String> {
    let mut format = String::with_capacity(layout.len() * 2);
    let mut rest = layout;
    let mut zulu = false;
    while let Some(c) = rest.chars().next() {
        if let Some((element, directive)) = LAYOUT_ELEMENTS
            .iter()
            .find(|(element, _)| rest.starts_with(element))
        {
            zulu |= element.starts_with('Z');
            format.push_str(directive);
            rest = rest.get(element.len()..).unwrap_or_default();
        } else {
            if c == '%' {
                format.push('%');
            }
            format.push(c);
            rest = rest.get(c.len_utf8()..).unwrap_or_default();
        }
    }
    // Go's `Z07:00` reads a literal `Z` for UTC; jiff's `%:z` wants the numeric form.
    let text = match text.strip_suffix('Z') {
        Some(head) if zulu => {
            let numeric = if format.ends_with("%:z") {
                "+00:00"
            } else {
                "+0000"
            };
            format!("{head}{numeric}")
        }
        _ => text.to_owned(),
    };
    let parsed = strtime::parse(&format, &text)
        .map_err(|error| format!("parsing time \"{text}\" as \"{layout}\": {error}"))?;
    let offset = parsed.offset().unwrap_or(Offset::UTC);
    let datetime = parsed
        .to_datetime()
        .map_err(|error| format!("parsing time \"{text}\" as \"{layout}\": {error}"))?;
    let timestamp = offset
        .to_timestamp(datetime)
        .map_err(|error| error.to_string())?;
    Ok(GoTime { timestamp, offset })
}

/// Seconds from Go's zero time (0001-01-01 UTC), which `Truncate` rounds from, to 1970.
const GO_EPOCH_TO_UNIX_SECONDS: i128 = 62_135_596_800;

/// `time_truncate(time, duration)`: Go's `Time.Truncate`, rounding down to a multiple of
/// the duration since Go's zero time; a non-positive duration leaves the time unchanged.
fn time_truncate(args: Args<'_>) -> Result<Value, String> {
    let time = GoTime::parse_rfc3339(string_arg(args, 0)?)?;
    let step = i128::from(duration_arg(args, 1)?);
    if step <= 0 {
        return Ok(Value::from(time.to_rfc3339()));
    }
    let since_zero = time.timestamp.as_nanosecond() + GO_EPOCH_TO_UNIX_SECONDS * 1_000_000_000;
    let truncated =
        since_zero - since_zero.rem_euclid(step) - GO_EPOCH_TO_UNIX_SECONDS * 1_000_000_000;
    let timestamp = Timestamp::from_nanosecond(truncated).map_err(|error| error.to_string())?;
    Ok(Value::from(GoTime { timestamp, ..time }.to_rfc3339()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_with_offset() {
        let time = GoTime::parse_rfc3339("2021-01-02T15:04:05.5+05:30").unwrap();
        assert_eq!(time.to_rfc3339(), "2021-01-02T15:04:05+05:30");
        assert!(GoTime::parse_rfc3339("2021-01-02 15:04:05Z").is_err());
    }

    #[test]
    fn go_layouts_parse() {
        let time = parse_layout("2006-01-02", "2021-11-05").unwrap();
        assert_eq!(time.to_rfc3339(), "2021-11-05T00:00:00Z");
        let time = parse_layout(
            "Mon Jan 2 15:04:05 -0700 2006",
            "Fri Nov 5 10:00:00 +0100 2021",
        )
        .unwrap();
        assert_eq!(time.to_rfc3339(), "2021-11-05T10:00:00+01:00");
    }
}
