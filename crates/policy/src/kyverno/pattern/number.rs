//! Kubernetes quantities (`500m`, `1Gi`, `1e3`) as k8s.io/apimachinery `resource.ParseQuantity`
//! reads them and Go durations (`1h30m`, `250ms`) as `time.ParseDuration` reads them: the two
//! numeric forms Kyverno's pattern operators compare (kyverno/kyverno
//! `pkg/engine/pattern/pattern.go`).
//!
//! Both parse to `f64`: decimal mantissas are parsed in one step (`"100e-3"` and `"0.1"` round
//! to the same double) and binary suffixes multiply by powers of two, so equal quantities
//! written differently compare equal.

/// Parses a Kubernetes quantity to its value in base units; `None` when it is not one.
pub(crate) fn parse_quantity(text: &str) -> Option<f64> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'-') => ("-", text.get(1..)?),
        Some(b'+') => ("", text.get(1..)?),
        _ => ("", text),
    };
    let number_end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return None;
    }
    let (exponent, binary_power) = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        _ => (parse_exponent(suffix)?, 0),
    };
    let decimal: f64 = format!("{sign}{whole}.{fraction}0e{exponent}")
        .parse()
        .ok()?;
    Some(decimal * 2f64.powi(binary_power))
}

/// The exponent of a quantity suffix `e3`, `E-2`, `e+1`.
fn parse_exponent(suffix: &str) -> Option<i32> {
    let digits = suffix.strip_prefix(['e', 'E'])?;
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Parses a Go duration (`300ms`, `-1.5h`, `2h45m`, `0`) to nanoseconds.
pub(crate) fn parse_duration(text: &str) -> Option<f64> {
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        let nanos_per_unit = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        // Go accepts `1.` and `.5`; Rust's float parser needs a digit after the point.
        let value: f64 = if number.ends_with('.') {
            format!("{number}0").parse().ok()?
        } else {
            number.parse().ok()?
        };
        total += value * nanos_per_unit;
        rest = tail;
    }
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    //! Quantity and duration parsing against the forms the Kubernetes and Go docs list.
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("1Gi"), Some(1_073_741_824.0));
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("100m"), parse_quantity("0.1"));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("1E"), Some(1e18));
        assert_eq!(parse_quantity("-2k"), Some(-2000.0));
        assert_eq!(parse_quantity(".5"), Some(0.5));
        for bad in ["", "Gi", "1.2.3", "1h", "abc", "1e", "-"] {
            assert_eq!(parse_quantity(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h30m"), Some(5400e9));
        assert_eq!(parse_duration("1.5h"), parse_duration("90m"));
        assert_eq!(parse_duration("300ms"), Some(3e8));
        assert_eq!(parse_duration("0"), Some(0.0));
        for bad in ["", "1", "h", "1x", "1..5s", "-"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
