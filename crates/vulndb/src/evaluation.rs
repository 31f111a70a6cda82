//! OSV range evaluation, generic over the version type.
//!
//! This is the schema's `IsVulnerable` algorithm
//! (<https://ossf.github.io/osv-schema/#evaluation>) for one affected entry: an installed
//! version is affected when one of the entry's `ECOSYSTEM` or `SEMVER` ranges includes it, or
//! when it equals one of the listed `versions`. The caller brings the ordering: a `parse`
//! function from version strings to any [`Ord`] type (custody-version's comparators in the
//! CLI, integers or strings in tests), so this crate needs no knowledge of version schemes.
//!
//! Within a range, events are sorted by version (`introduced: "0"` before everything,
//! `limit: "*"` after everything; equal versions keep the record's order) and walked:
//! `introduced <= v` opens the range, `fixed <= v` or `last_affected < v` closes it. If the
//! range has `limit` events, `v` must be below one of them. A range with an event version
//! that does not parse is not evaluated at all and is reported in [`Evaluation::skipped`]:
//! evaluating the remaining events could report a version affected or safe on half the
//! evidence.
//!
//! `GIT` ranges are not evaluated: they order commits, and need the repository's history and
//! an installed commit. Packages identified by commit are future work; their advisories still
//! match through the `versions` list, which OSV requires alongside `GIT` ranges.

use std::cmp::Ordering;

use crate::database::AffectedRecord;
use crate::osv::{Event, Range, RangeType};

/// The outcome of evaluating one installed version against one affected entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Evaluation<E> {
    /// Why the version is affected, or `None` when it is not (as far as the parts that could
    /// be evaluated say).
    pub matched: Option<RangeMatch>,
    /// Ranges and listed versions that could not be evaluated because a version did not
    /// parse.
    pub skipped: Vec<Skipped<E>>,
}

impl<E> Evaluation<E> {
    /// Whether the installed version is affected.
    pub fn is_affected(&self) -> bool {
        self.matched.is_some()
    }
}

/// What made a version affected: the range (or the `versions` list) and the bounds around it,
/// as written in the record, for explaining the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeMatch {
    /// Which part of the affected entry matched.
    pub source: MatchSource,
    /// The `introduced` event that opened the matching interval.
    pub introduced: Option<String>,
    /// The `fixed` event that closes the interval: the version to upgrade to.
    pub fixed: Option<String>,
    /// The `last_affected` event that closes the interval, for ranges without a fix.
    pub last_affected: Option<String>,
    /// The `limit` event the version is below, when the range has limits.
    pub limit: Option<String>,
}

impl RangeMatch {
    /// The version that fixes the vulnerability, when the matching range names one.
    pub fn fixed_version(&self) -> Option<&str> {
        self.fixed.as_deref()
    }
}

/// The part of an affected entry that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchSource {
    /// `ranges[index]`, of the given type.
    Range {
        /// The range's position in the entry's `ranges`.
        index: usize,
        /// Its type (`ECOSYSTEM` or `SEMVER`).
        range_type: RangeType,
    },
    /// The entry's `versions` list, at the listed version that equals the installed one.
    Versions {
        /// The listed version as written.
        version: String,
    },
}

/// A version in a record that `parse` refused, and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped<E> {
    /// The range left unevaluated, or `None` for an entry of the `versions` list.
    pub range: Option<usize>,
    /// The version string that did not parse.
    pub version: String,
    /// `parse`'s error.
    pub error: E,
}

/// Evaluates `installed` against an affected entry from [`crate::Database::affected`].
///
/// ```
/// use custody_vulndb::{Event, Range, RangeType, evaluate_ranges};
///
/// let ranges = [Range {
///     range_type: RangeType::Ecosystem,
///     repo: None,
///     events: vec![Event::Introduced("0".into()), Event::Fixed("5".into())],
/// }];
/// let parse = |version: &str| version.parse::<u32>();
/// let evaluation = evaluate_ranges(&4, &ranges, &[], parse);
/// assert_eq!(evaluation.matched.unwrap().fixed_version(), Some("5"));
/// assert!(!evaluate_ranges(&5, &ranges, &[], parse).is_affected());
/// ```
pub fn evaluate<V, E>(
    installed: &V,
    affected: &AffectedRecord,
    parse: impl Fn(&str) -> Result<V, E>,
) -> Evaluation<E>
where
    V: Ord,
{
    evaluate_ranges(installed, &affected.ranges, &affected.versions, parse)
}

/// [`evaluate`] on ranges and a versions list directly, for callers holding an
/// [`crate::Affected`] from a parsed record rather than a database row.
///
/// Ranges are tried in order and the first that includes the version is reported; the
/// `versions` list is consulted only when no range does, since a range match says more
/// (the fixed version).
pub fn evaluate_ranges<V, E>(
    installed: &V,
    ranges: &[Range],
    versions: &[String],
    parse: impl Fn(&str) -> Result<V, E>,
) -> Evaluation<E>
where
    V: Ord,
{
    let mut skipped = Vec::new();
    for (index, range) in ranges.iter().enumerate() {
        if !matches!(range.range_type, RangeType::Ecosystem | RangeType::Semver) {
            continue;
        }
        match evaluate_range(installed, range, &parse) {
            Ok(Some(bounds)) => {
                return Evaluation {
                    matched: Some(RangeMatch {
                        source: MatchSource::Range {
                            index,
                            range_type: range.range_type.clone(),
                        },
                        ..bounds
                    }),
                    skipped,
                };
            }
            Ok(None) => {}
            Err((version, error)) => skipped.push(Skipped {
                range: Some(index),
                version,
                error,
            }),
        }
    }
    for version in versions {
        match parse(version) {
            Ok(listed) if listed.cmp(installed) == Ordering::Equal => {
                return Evaluation {
                    matched: Some(RangeMatch {
                        source: MatchSource::Versions {
                            version: version.clone(),
                        },
                        introduced: None,
                        fixed: None,
                        last_affected: None,
                        limit: None,
                    }),
                    skipped,
                };
            }
            Ok(_) => {}
            Err(error) => skipped.push(Skipped {
                range: None,
                version: version.clone(),
                error,
            }),
        }
    }
    Evaluation {
        matched: None,
        skipped,
    }
}

/// An event's position on the version line.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Bound<V> {
    /// `introduced: "0"`: before every version.
    Zero,
    /// A parsed version.
    Version(V),
    /// `limit: "*"`: after every version.
    Infinity,
}

impl<V: Ord> Bound<V> {
    /// How this bound compares with a version.
    fn cmp_version(&self, version: &V) -> Ordering {
        match self {
            Self::Zero => Ordering::Less,
            Self::Version(bound) => bound.cmp(version),
            Self::Infinity => Ordering::Greater,
        }
    }
}

/// One range: `Ok(None)` when it does not include `installed`, `Err` with the first version
/// that did not parse.
fn evaluate_range<V, E>(
    installed: &V,
    range: &Range,
    parse: &impl Fn(&str) -> Result<V, E>,
) -> Result<Option<RangeMatch>, (String, E)>
where
    V: Ord,
{
    let mut points = Vec::with_capacity(range.events.len());
    for event in &range.events {
        let bound = match event {
            Event::Introduced(version) if version == "0" => Bound::Zero,
            Event::Limit(version) if version == "*" => Bound::Infinity,
            _ => Bound::Version(
                parse(event.version()).map_err(|error| (event.version().to_owned(), error))?,
            ),
        };
        points.push((bound, event));
    }
    // Stable: events at equal versions keep the record's order.
    points.sort_by(|left, right| left.0.cmp(&right.0));

    let mut limit = None;
    if points
        .iter()
        .any(|(_, event)| matches!(event, Event::Limit(_)))
    {
        limit = points.iter().find(|(bound, event)| {
            matches!(event, Event::Limit(_)) && bound.cmp_version(installed) == Ordering::Greater
        });
        if limit.is_none() {
            return Ok(None);
        }
    }

    let mut open = None;
    for (position, (bound, event)) in points.iter().enumerate() {
        let order = bound.cmp_version(installed);
        match event {
            Event::Introduced(_) if order != Ordering::Greater => open = Some(position),
            Event::Fixed(_) if order != Ordering::Greater => open = None,
            Event::LastAffected(_) if order == Ordering::Less => open = None,
            _ => {}
        }
    }
    let Some(start) = open else {
        return Ok(None);
    };
    let introduced = points
        .get(start)
        .map(|(_, event)| event.version().to_owned());
    // Every fixed or last_affected event at or below the version after `start` would have
    // closed the interval, so the next one is its end.
    let end = points
        .iter()
        .skip(start + 1)
        .find(|(_, event)| matches!(event, Event::Fixed(_) | Event::LastAffected(_)));
    Ok(Some(RangeMatch {
        source: MatchSource::Versions {
            version: String::new(),
        },
        introduced,
        fixed: end.and_then(|(_, event)| match event {
            Event::Fixed(version) => Some(version.clone()),
            _ => None,
        }),
        last_affected: end.and_then(|(_, event)| match event {
            Event::LastAffected(version) => Some(version.clone()),
            _ => None,
        }),
        limit: limit.map(|(_, event)| event.version().to_owned()),
    }))
}

#[cfg(test)]
mod tests {
    //! The evaluation algorithm on integer and string versions: every event kind, sorting,
    //! multiple ranges and intervals, limits, the versions list and unparseable versions.

    use std::convert::Infallible;
    use std::num::ParseIntError;

    use super::*;

    fn range(range_type: RangeType, events: &[(&str, &str)]) -> Range {
        Range {
            range_type,
            repo: None,
            events: events
                .iter()
                .map(|(kind, version)| {
                    let version = (*version).to_owned();
                    match *kind {
                        "introduced" => Event::Introduced(version),
                        "fixed" => Event::Fixed(version),
                        "last_affected" => Event::LastAffected(version),
                        "limit" => Event::Limit(version),
                        other => panic!("unknown event kind {other}"),
                    }
                })
                .collect(),
        }
    }

    fn int(version: &str) -> Result<u64, ParseIntError> {
        version.parse()
    }

    /// The installed versions in 0..=20 that `ranges` and `versions` report affected.
    fn affected_ints(ranges: &[Range], versions: &[&str]) -> Vec<u64> {
        let versions: Vec<String> = versions.iter().map(|v| (*v).to_owned()).collect();
        (0..=20)
            .filter(|installed| evaluate_ranges(installed, ranges, &versions, int).is_affected())
            .collect()
    }

    #[test]
    fn introduced_fixed() {
        let ranges = [range(
            RangeType::Ecosystem,
            &[("introduced", "3"), ("fixed", "6")],
        )];
        assert_eq!(affected_ints(&ranges, &[]), [3, 4, 5]);
        let evaluation = evaluate_ranges(&4, &ranges, &[], int);
        assert_eq!(
            evaluation.matched,
            Some(RangeMatch {
                source: MatchSource::Range {
                    index: 0,
                    range_type: RangeType::Ecosystem
                },
                introduced: Some("3".into()),
                fixed: Some("6".into()),
                last_affected: None,
                limit: None,
            })
        );
        assert!(evaluation.skipped.is_empty());
    }

    #[test]
    fn introduced_zero_is_before_everything() {
        let ranges = [range(
            RangeType::Semver,
            &[("introduced", "0"), ("fixed", "2")],
        )];
        assert_eq!(affected_ints(&ranges, &[]), [0, 1]);
        let unfixed = [range(RangeType::Semver, &[("introduced", "0")])];
        assert_eq!(affected_ints(&unfixed, &[]).len(), 21);
        let matched = evaluate_ranges(&20, &unfixed, &[], int).matched.unwrap();
        assert_eq!(matched.introduced.as_deref(), Some("0"));
        assert_eq!(matched.fixed_version(), None);
    }

    #[test]
    fn last_affected_is_inclusive() {
        let ranges = [range(
            RangeType::Ecosystem,
            &[("introduced", "2"), ("last_affected", "5")],
        )];
        assert_eq!(affected_ints(&ranges, &[]), [2, 3, 4, 5]);
        let matched = evaluate_ranges(&5, &ranges, &[], int).matched.unwrap();
        assert_eq!(matched.last_affected.as_deref(), Some("5"));
        assert_eq!(matched.fixed, None);
    }

    #[test]
    fn several_intervals_in_one_range_unsorted() {
        // Out of order on purpose: evaluation sorts events by version.
        let ranges = [range(
            RangeType::Ecosystem,
            &[
                ("fixed", "12"),
                ("introduced", "1"),
                ("introduced", "10"),
                ("fixed", "3"),
            ],
        )];
        assert_eq!(affected_ints(&ranges, &[]), [1, 2, 10, 11]);
        let matched = evaluate_ranges(&11, &ranges, &[], int).matched.unwrap();
        assert_eq!(matched.introduced.as_deref(), Some("10"));
        assert_eq!(matched.fixed.as_deref(), Some("12"));
    }

    #[test]
    fn several_ranges_report_the_first_match() {
        let ranges = [
            range(RangeType::Ecosystem, &[("introduced", "1"), ("fixed", "3")]),
            range(RangeType::Ecosystem, &[("introduced", "7"), ("fixed", "9")]),
            range(
                RangeType::Ecosystem,
                &[("introduced", "8"), ("fixed", "15")],
            ),
        ];
        assert_eq!(
            affected_ints(&ranges, &[]),
            [1, 2, 7, 8, 9, 10, 11, 12, 13, 14]
        );
        let matched = evaluate_ranges(&8, &ranges, &[], int).matched.unwrap();
        assert_eq!(
            matched.source,
            MatchSource::Range {
                index: 1,
                range_type: RangeType::Ecosystem
            }
        );
        let matched = evaluate_ranges(&9, &ranges, &[], int).matched.unwrap();
        assert_eq!(
            matched.source,
            MatchSource::Range {
                index: 2,
                range_type: RangeType::Ecosystem
            }
        );
    }

    #[test]
    fn limits_cap_the_range() {
        let ranges = [range(
            RangeType::Ecosystem,
            &[("introduced", "2"), ("limit", "6")],
        )];
        assert_eq!(affected_ints(&ranges, &[]), [2, 3, 4, 5]);
        assert_eq!(
            evaluate_ranges(&5, &ranges, &[], int)
                .matched
                .unwrap()
                .limit
                .as_deref(),
            Some("6")
        );
        // A limit below the fixed version cuts the interval short; several limits: any will do.
        let ranges = [range(
            RangeType::Ecosystem,
            &[
                ("introduced", "0"),
                ("fixed", "10"),
                ("limit", "4"),
                ("limit", "8"),
            ],
        )];
        assert_eq!(affected_ints(&ranges, &[]), [0, 1, 2, 3, 4, 5, 6, 7]);
        let star = [range(
            RangeType::Ecosystem,
            &[("introduced", "5"), ("limit", "*")],
        )];
        assert_eq!(affected_ints(&star, &[]), (5..=20).collect::<Vec<_>>());
    }

    #[test]
    fn equal_versions_keep_record_order() {
        // introduced and fixed at one version: an empty interval.
        let ranges = [range(
            RangeType::Ecosystem,
            &[("introduced", "4"), ("fixed", "4")],
        )];
        assert_eq!(affected_ints(&ranges, &[]), Vec::<u64>::new());
    }

    #[test]
    fn no_introduced_means_nothing() {
        let ranges = [range(RangeType::Ecosystem, &[("fixed", "4")])];
        assert_eq!(affected_ints(&ranges, &[]), Vec::<u64>::new());
    }

    #[test]
    fn git_and_unknown_ranges_are_not_evaluated() {
        let ranges = [
            range(RangeType::Git, &[("introduced", "0")]),
            range(RangeType::Other("CUSTOM".into()), &[("introduced", "0")]),
        ];
        assert_eq!(affected_ints(&ranges, &[]), Vec::<u64>::new());
        // Their commits are never parsed, so they are not reported as skipped either.
        let ranges = [range(RangeType::Git, &[("introduced", "abc123")])];
        assert!(evaluate_ranges(&1, &ranges, &[], int).skipped.is_empty());
        // The versions list still matches.
        assert_eq!(affected_ints(&ranges, &["7", "9"]), [7, 9]);
    }

    #[test]
    fn versions_list_compares_parsed_values() {
        let versions = ["05".to_owned(), "x".to_owned()];
        let evaluation = evaluate_ranges(&5, &[], &versions, int);
        assert_eq!(
            evaluation.matched.unwrap().source,
            MatchSource::Versions {
                version: "05".into()
            }
        );
        assert!(evaluation.skipped.is_empty(), "stopped at the match");
        let evaluation = evaluate_ranges(&6, &[], &versions, int);
        assert!(!evaluation.is_affected());
        assert_eq!(evaluation.skipped.len(), 1);
        assert_eq!(evaluation.skipped[0].range, None);
        assert_eq!(evaluation.skipped[0].version, "x");
    }

    #[test]
    fn unparseable_event_skips_its_range_only() {
        let ranges = [
            range(
                RangeType::Ecosystem,
                &[("introduced", "0"), ("fixed", "1.5")],
            ),
            range(RangeType::Ecosystem, &[("introduced", "3"), ("fixed", "4")]),
        ];
        let evaluation = evaluate_ranges(&0, &ranges, &[], int);
        assert!(!evaluation.is_affected(), "range 0 is not half-evaluated");
        assert_eq!(evaluation.skipped.len(), 1);
        assert_eq!(evaluation.skipped[0].range, Some(0));
        assert_eq!(evaluation.skipped[0].version, "1.5");
        assert_eq!(
            evaluation.skipped[0].error.to_string(),
            "invalid digit found in string"
        );
        let evaluation = evaluate_ranges(&3, &ranges, &[], int);
        assert!(evaluation.is_affected());
        assert_eq!(evaluation.skipped.len(), 1);
    }

    #[test]
    fn string_versions() {
        // Lexical order: "1.10" < "1.9", which is why real callers bring a real comparator;
        // here it shows the algorithm uses only the order it is given.
        let parse = |version: &str| Ok::<_, Infallible>(version.to_owned());
        let ranges = [range(
            RangeType::Ecosystem,
            &[
                ("introduced", "0"),
                ("fixed", "b"),
                ("introduced", "d"),
                ("last_affected", "f"),
            ],
        )];
        let affected: Vec<&str> = ["a", "aa", "b", "c", "d", "e", "f", "g"]
            .into_iter()
            .filter(|installed| {
                evaluate_ranges(&(*installed).to_owned(), &ranges, &[], parse).is_affected()
            })
            .collect();
        assert_eq!(affected, ["a", "aa", "d", "e", "f"]);
        let matched = evaluate_ranges(
            &"1.10".to_owned(),
            &[range(
                RangeType::Semver,
                &[("introduced", "1.0"), ("fixed", "1.9")],
            )],
            &[],
            parse,
        )
        .matched
        .unwrap();
        assert_eq!(matched.fixed_version(), Some("1.9"));
        // "0" as introduced is the special minimum even when it parses.
        let zero = [range(RangeType::Ecosystem, &[("introduced", "0")])];
        assert!(evaluate_ranges(&String::new(), &zero, &[], parse).is_affected());
    }

    #[test]
    fn evaluates_database_records() {
        let record = AffectedRecord {
            id: "X-1".into(),
            aliases: Vec::new(),
            upstream: Vec::new(),
            summary: None,
            severity: Vec::new(),
            database_severity: None,
            urgency: None,
            modified: "2020-01-01T00:00:00Z".into(),
            published: None,
            references: Vec::new(),
            ecosystem: "PyPI".into(),
            package: "x".into(),
            purl: None,
            ranges: vec![range(
                RangeType::Ecosystem,
                &[("introduced", "0"), ("fixed", "3")],
            )],
            versions: vec!["7".into()],
        };
        assert!(evaluate(&2, &record, int).is_affected());
        assert!(!evaluate(&3, &record, int).is_affected());
        assert!(evaluate(&7, &record, int).is_affected());
    }
}
