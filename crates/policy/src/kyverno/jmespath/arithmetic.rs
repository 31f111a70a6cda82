//! Kyverno's arithmetic (kyverno/kyverno `pkg/engine/jmespath/arithmetic.go`): `add`, `sum`,
//! `subtract`, `multiply`, `divide`, `modulo` and `round` over numbers, Kubernetes quantities
//! and Go durations.
//!
//! Each operand is a number, or a string read first as a quantity and then as a duration
//! (so `'30m'` is 30 milli-units, not 30 minutes, exactly as in Kyverno). The result type
//! follows the operand types as the table in `arithmetic.go` lays out: quantity ± quantity
//! is a quantity in the first operand's format, duration / duration is a number, and so on;
//! any other mix is an error.

use serde_json::Value;

use super::quantity::{Quantity, format_go_duration, parse_go_duration};
use super::{Arg, Args, Function, number, number_arg};

/// The arithmetic functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "add",
        args: &[Arg::Any, Arg::Any],
        call: |args| binary(args, Operator::Add),
    },
    Function {
        name: "sum",
        args: &[Arg::Array],
        call: sum,
    },
    Function {
        name: "subtract",
        args: &[Arg::Any, Arg::Any],
        call: |args| binary(args, Operator::Subtract),
    },
    Function {
        name: "multiply",
        args: &[Arg::Any, Arg::Any],
        call: |args| binary(args, Operator::Multiply),
    },
    Function {
        name: "divide",
        args: &[Arg::Any, Arg::Any],
        call: |args| binary(args, Operator::Divide),
    },
    Function {
        name: "modulo",
        args: &[Arg::Any, Arg::Any],
        call: |args| binary(args, Operator::Modulo),
    },
    Function {
        name: "round",
        args: &[Arg::Number, Arg::Number],
        call: round,
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

/// One operand, typed as Kyverno's `parseArithemticOperands` types it.
#[derive(Debug, Clone, Copy)]
enum Operand {
    Scalar(f64),
    Quantity(Quantity),
    /// Nanoseconds.
    Duration(i64),
}

impl Operand {
    fn parse(value: &Value) -> Option<Self> {
        match value {
            Value::Number(number) => number.as_f64().map(Operand::Scalar),
            Value::String(text) => Quantity::parse(text)
                .map(Operand::Quantity)
                .or_else(|| parse_go_duration(text).map(Operand::Duration)),
            _ => None,
        }
    }
}

const MISMATCH: &str = "types mismatch";
const ZERO_DIVISION: &str = "zero divisor passed";
const NON_INTEGER_MODULO: &str = "non-integer argument(s) passed for modulo";

fn binary(args: Args<'_>, operator: Operator) -> Result<Value, String> {
    let operand = |index: usize| {
        args.get(index)
            .and_then(|arg| serde_json::to_value(&**arg).ok())
            .and_then(|value| Operand::parse(&value))
    };
    let (Some(left), Some(right)) = (operand(0), operand(1)) else {
        return Err("invalid operands".to_owned());
    };
    apply(left, right, operator)
}

fn apply(left: Operand, right: Operand, operator: Operator) -> Result<Value, String> {
    use Operand::{Duration, Quantity as Q, Scalar};
    match (operator, left, right) {
        (Operator::Divide, Scalar(_) | Duration(_), Scalar(0.0))
        | (Operator::Divide | Operator::Modulo, Duration(_), Duration(0)) => {
            Err(ZERO_DIVISION.to_owned())
        }
        (Operator::Add, Scalar(a), Scalar(b)) => number(a + b),
        (Operator::Subtract, Scalar(a), Scalar(b)) => number(a - b),
        (Operator::Multiply, Scalar(a), Scalar(b)) => number(a * b),
        (Operator::Divide, Scalar(a), Scalar(b)) => number(a / b),
        (Operator::Modulo, Scalar(a), Scalar(b)) => {
            let (a, b) = (integer(a)?, integer(b)?);
            if b == 0 {
                return Err(ZERO_DIVISION.to_owned());
            }
            Ok(Value::from(a % b))
        }
        (Operator::Add | Operator::Subtract, Q(a), Q(b)) => {
            let nanos = if operator == Operator::Add {
                a.nanos.checked_add(b.nanos)
            } else {
                a.nanos.checked_sub(b.nanos)
            };
            quantity(nanos, a)
        }
        (Operator::Multiply, Q(a), Scalar(b)) | (Operator::Multiply, Scalar(b), Q(a)) => {
            let factor = Quantity::parse(&b.to_string()).ok_or("invalid multiplier")?;
            quantity(
                a.nanos
                    .checked_mul(factor.nanos)
                    .map(|product| product / 1_000_000_000),
                a,
            )
        }
        (Operator::Divide, Q(a), Q(b)) => {
            if b.nanos == 0 {
                return Err(ZERO_DIVISION.to_owned());
            }
            number(a.as_f64() / b.as_f64())
        }
        (Operator::Divide, Q(a), Scalar(b)) => {
            let divisor = Quantity::parse(&b.to_string()).ok_or("invalid divisor")?;
            if divisor.nanos == 0 {
                return Err(ZERO_DIVISION.to_owned());
            }
            // Kyverno divides with `QuoRound(.., scale, RoundDown)`: the quotient keeps as
            // many decimals as the more precise operand and is truncated there.
            let step = 10i128.pow(9 - decimals(a.nanos).max(decimals(divisor.nanos)));
            quantity(
                a.nanos
                    .checked_mul(1_000_000_000)
                    .map(|scaled| scaled / divisor.nanos / step * step),
                a,
            )
        }
        (Operator::Modulo, Q(a), Q(b)) => {
            let (x, y) = (integer(a.as_f64())?, integer(b.as_f64())?);
            if y == 0 {
                return Err(ZERO_DIVISION.to_owned());
            }
            quantity(i128::from(x % y).checked_mul(1_000_000_000), a)
        }
        (Operator::Add, Duration(a), Duration(b)) => duration(a.checked_add(b)),
        (Operator::Subtract, Duration(a), Duration(b)) => duration(a.checked_sub(b)),
        (Operator::Multiply, Duration(a), Scalar(b))
        | (Operator::Multiply, Scalar(b), Duration(a)) => duration(scaled(a, b)),
        (Operator::Divide, Duration(a), Duration(b)) => {
            #[expect(clippy::cast_precision_loss, reason = "Kyverno divides float seconds")]
            let ratio = a as f64 / b as f64;
            number(ratio)
        }
        (Operator::Divide, Duration(a), Scalar(b)) => duration(scaled(a, 1.0 / b)),
        (Operator::Modulo, Duration(a), Duration(b)) => duration(a.checked_rem(b)),
        _ => Err(MISMATCH.to_owned()),
    }
}

/// The decimal places a nano-unit value needs (0 for whole units, 9 for nano precision).
fn decimals(nanos: i128) -> u32 {
    (0..9)
        .find(|&places| nanos % 10i128.pow(9 - places) == 0)
        .unwrap_or(9)
}

/// A float that must be an integer, as Kyverno's modulo requires.
fn integer(value: f64) -> Result<i64, String> {
    #[expect(clippy::cast_precision_loss, reason = "bounds of the i64 range")]
    let range = i64::MIN as f64..i64::MAX as f64;
    if value.fract() != 0.0 || !range.contains(&value) {
        return Err(NON_INTEGER_MODULO.to_owned());
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "an integer within range, checked above"
    )]
    Ok(value as i64)
}

/// `nanos × factor`, truncated toward zero as Go's `time.Duration(float)` conversion does.
fn scaled(nanos: i64, factor: f64) -> Option<i64> {
    #[expect(clippy::cast_precision_loss, reason = "Kyverno scales float seconds")]
    let product = nanos as f64 * factor;
    #[expect(clippy::cast_precision_loss, reason = "bounds check only")]
    let in_range = product.is_finite() && product.abs() <= i64::MAX as f64;
    #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
    in_range.then_some(product as i64)
}

fn quantity(nanos: Option<i128>, like: Quantity) -> Result<Value, String> {
    let nanos = nanos.ok_or("quantity overflow")?;
    Ok(Value::from(
        Quantity {
            nanos,
            format: like.format,
        }
        .to_text(),
    ))
}

fn duration(nanos: Option<i64>) -> Result<Value, String> {
    nanos
        .map(|nanos| Value::from(format_go_duration(nanos)))
        .ok_or_else(|| "duration overflow".to_owned())
}

/// `sum(array)`: `add` folded over the elements; an empty array is an error.
fn sum(args: Args<'_>) -> Result<Value, String> {
    let items = args
        .first()
        .and_then(|arg| arg.as_array())
        .ok_or(MISMATCH)?;
    let mut values = items.iter().map(|item| serde_json::to_value(&**item));
    let first = values
        .next()
        .ok_or("at least one element in the array is required")?
        .map_err(|error| error.to_string())?;
    values.try_fold(first, |total, item| {
        let item = item.map_err(|error| error.to_string())?;
        let (Some(left), Some(right)) = (Operand::parse(&total), Operand::parse(&item)) else {
            return Err("invalid operands".to_owned());
        };
        apply(left, right, Operator::Add)
    })
}

/// `round(value, digits)`: rounds half away from zero to `digits` decimal places.
fn round(args: Args<'_>) -> Result<Value, String> {
    let value = number_arg(args, 0)?;
    let digits = number_arg(args, 1)?;
    if digits.fract() != 0.0 {
        return Err("non-integer argument(s) passed for round off".to_owned());
    }
    if digits < 0.0 {
        return Err("one or more argument(s) out of bounds".to_owned());
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "powi saturates to infinity"
    )]
    let shift = 10f64.powi(digits.min(400.0) as i32);
    number((value * shift).round() / shift)
}
