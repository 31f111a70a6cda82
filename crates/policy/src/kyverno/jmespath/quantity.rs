//! Kubernetes quantities and Go durations as values Kyverno's arithmetic produces: parsed
//! from text (quantities exactly here, durations through the pattern language's parser) and
//! written back the way k8s.io/apimachinery `Quantity.String()` and Go's
//! `time.Duration.String()` write them.
//!
//! Quantities are held as an integer count of nano-units (`10^-9`), the finest scale
//! Kubernetes keeps (it rounds finer values up), so `1Gi + 512Mi` is exactly `1536Mi`.

use crate::kyverno::pattern::number::parse_duration;

/// Nano-units per unit.
const NANO: i128 = 1_000_000_000;

/// How a quantity is written, detected from its suffix as Kubernetes does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// `Ki`, `Mi`, ... powers of 1024.
    BinarySi,
    /// `m`, `k`, `M`, ... powers of 1000, or no suffix.
    DecimalSi,
    /// `e3`, `E6`: a decimal exponent.
    DecimalExponent,
}

/// A Kubernetes quantity: its value in nano-units and the format to write it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quantity {
    pub(super) nanos: i128,
    pub(super) format: Format,
}

impl Quantity {
    /// Parses `text` as `resource.ParseQuantity` does, exactly (no float rounding); `None`
    /// when it is not a quantity or does not fit. Values finer than a nano-unit round up in
    /// magnitude, as Kubernetes rounds them.
    pub(super) fn parse(text: &str) -> Option<Self> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, text.get(1..)?),
            b'+' => (false, text.get(1..)?),
            _ => (false, text),
        };
        let number_end = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_end);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
            return None;
        }
        let (exponent, binary_power, format) = match suffix {
            "" => (0, 0, Format::DecimalSi),
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = BINARY_SUFFIXES.iter().position(|known| *known == suffix)?;
                (0, 10 * u32::try_from(power).ok()?, Format::BinarySi)
            }
            _ => match decimal_exponent(suffix) {
                Some(exponent) => (exponent, 0, Format::DecimalSi),
                None => (parse_exponent(suffix)?, 0, Format::DecimalExponent),
            },
        };
        let digits = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        let mut value: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        value = value.checked_mul(1i128.checked_shl(binary_power)?)?;
        let scale = 9 + exponent - i32::try_from(fraction.len()).ok()?;
        let power = 10i128.checked_pow(scale.unsigned_abs())?;
        value = if scale >= 0 {
            value.checked_mul(power)?
        } else {
            value.checked_add(power - 1)? / power
        };
        Some(Self {
            nanos: if negative { -value } else { value },
            format,
        })
    }

    /// The value in units, as `AsApproximateFloat64`.
    #[expect(
        clippy::cast_precision_loss,
        reason = "an approximate float is what Kubernetes gives too"
    )]
    pub(super) fn as_f64(self) -> f64 {
        self.nanos as f64 / 1e9
    }

    /// The canonical text, as `Quantity.String()`.
    pub(super) fn to_text(self) -> String {
        let binary = self.format == Format::BinarySi
            && self.nanos % NANO == 0
            && self.nanos.unsigned_abs() >= 1024 * NANO.unsigned_abs();
        if binary {
            let mut units = self.nanos / NANO;
            let mut suffix = 0;
            while suffix < BINARY_SUFFIXES.len() - 1 && units % 1024 == 0 {
                units /= 1024;
                suffix += 1;
            }
            let suffix = BINARY_SUFFIXES.get(suffix).copied().unwrap_or_default();
            return format!("{units}{suffix}");
        }
        if self.nanos == 0 {
            return "0".to_owned();
        }
        // The largest power of 1000 (from nano up to exa) that divides the value exactly.
        let mut mantissa = self.nanos;
        let mut exponent = -9;
        while exponent < 18 && mantissa % 1000 == 0 {
            mantissa /= 1000;
            exponent += 3;
        }
        let suffix = match self.format {
            Format::DecimalExponent if exponent == 0 => String::new(),
            Format::DecimalExponent => format!("e{exponent}"),
            Format::DecimalSi | Format::BinarySi => decimal_suffix(exponent).to_owned(),
        };
        format!("{mantissa}{suffix}")
    }
}

const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// The power of ten of a decimal SI suffix (`m` is -3, `k` is 3).
fn decimal_exponent(suffix: &str) -> Option<i32> {
    [-9, -6, -3, 3, 6, 9, 12, 15, 18]
        .into_iter()
        .find(|&exponent| decimal_suffix(exponent) == suffix)
}

/// The exponent of a quantity suffix `e3`, `E-2`, `e+1`, bounded to what an `i128` of
/// nano-units can hold.
fn parse_exponent(suffix: &str) -> Option<i32> {
    let digits = suffix.strip_prefix(['e', 'E'])?;
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
    if unsigned.is_empty() || unsigned.len() > 3 || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse()
        .ok()
        .filter(|exponent: &i32| exponent.abs() <= 40)
}

fn decimal_suffix(exponent: i32) -> &'static str {
    match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => "",
    }
}

/// Parses a Go duration to whole nanoseconds; `None` when it is not one or overflows.
pub(super) fn parse_go_duration(text: &str) -> Option<i64> {
    let nanos = parse_duration(text)?.round();
    #[expect(
        clippy::cast_precision_loss,
        reason = "bounds check only; Go durations are int64 nanoseconds"
    )]
    let in_range = nanos.abs() <= i64::MAX as f64;
    #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
    in_range.then_some(nanos as i64)
}

/// Go's `time.Duration.String()`: `1h30m0s`, `1.5s`, `250ms`, `0s`.
pub(super) fn format_go_duration(nanos: i64) -> String {
    let negative = nanos < 0;
    let magnitude = nanos.unsigned_abs();
    let sign = if negative { "-" } else { "" };
    if magnitude == 0 {
        return "0s".to_owned();
    }
    if magnitude < 1_000_000_000 {
        let (unit, scale) = if magnitude < 1_000 {
            ("ns", 1)
        } else if magnitude < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{sign}{}{unit}", fraction(magnitude, scale));
    }
    let seconds = magnitude / 1_000_000_000;
    let hours = seconds / 3600;
    let minutes = seconds / 60 % 60;
    let rest = magnitude % 60_000_000_000;
    let seconds_text = fraction(rest, 1_000_000_000);
    if hours > 0 {
        format!("{sign}{hours}h{minutes}m{seconds_text}s")
    } else if minutes > 0 {
        format!("{sign}{minutes}m{seconds_text}s")
    } else {
        format!("{sign}{seconds_text}s")
    }
}

/// `value / scale` in decimal without trailing zeros.
fn fraction(value: u64, scale: u64) -> String {
    let whole = value / scale;
    let remainder = value % scale;
    if remainder == 0 {
        return whole.to_string();
    }
    let width = scale.ilog10() as usize;
    let digits = format!("{remainder:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        Quantity::parse(text).unwrap().to_text()
    }

    #[test]
    fn quantities_parse_exactly() {
        // 123456789012345 units: beyond what an f64 of nano-units holds exactly.
        assert_eq!(canonical("123456789012345"), "123456789012345");
        assert_eq!(canonical("1.0000000001"), "1000000001n");
        assert_eq!(canonical("-1.5Gi"), "-1536Mi");
        assert_eq!(canonical("5E"), "5E");
        assert!(Quantity::parse("1.5.5").is_none());
        assert!(Quantity::parse("1e999").is_none());
        assert!(Quantity::parse("12h").is_none());
        assert!(Quantity::parse("").is_none());
    }

    #[test]
    fn quantities_canonicalize_as_kubernetes() {
        assert_eq!(canonical("1536Mi"), "1536Mi");
        assert_eq!(canonical("2048Mi"), "2Gi");
        assert_eq!(canonical("1.5"), "1500m");
        assert_eq!(canonical("2000"), "2k");
        assert_eq!(canonical("1500"), "1500");
        assert_eq!(canonical("100m"), "100m");
        assert_eq!(canonical("1e3"), "1e3");
        assert_eq!(canonical("512Ki"), "512Ki");
        assert_eq!(canonical("0.5Gi"), "512Mi");
    }

    #[test]
    fn durations_format_as_go() {
        let text = |s| format_go_duration(parse_go_duration(s).unwrap());
        assert_eq!(text("90m"), "1h30m0s");
        assert_eq!(text("1.5s"), "1.5s");
        assert_eq!(text("250ms"), "250ms");
        assert_eq!(text("0"), "0s");
        assert_eq!(text("-2h"), "-2h0m0s");
        assert_eq!(text("1500us"), "1.5ms");
        assert_eq!(text("61.25s"), "1m1.25s");
    }
}
