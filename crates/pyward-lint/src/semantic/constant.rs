//! Constant values and folding: enough of Python's arithmetic, comparisons
//! and truthiness to decide conditions such as `if 7 * 42 - num > 200:`
//! when `num` is known to be `86`.

use std::rc::Rc;

use ruff_python_ast::{self as ast, CmpOp, Expr, Number, Operator, UnaryOp};

/// Strings longer than this are not folded (their value is not needed to
/// decide a condition, and building them could cost memory).
const MAX_STRING: usize = 4096;

/// A value known before the program runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Const {
    None,
    Bool(bool),
    Int(i64),
    Str(Rc<str>),
}

impl Const {
    /// The value of a literal, if it is one of the kinds folded here.
    pub(crate) fn of_literal(expr: &Expr) -> Option<Self> {
        match expr {
            Expr::NoneLiteral(_) => Some(Const::None),
            Expr::BooleanLiteral(b) => Some(Const::Bool(b.value)),
            Expr::NumberLiteral(ast::ExprNumberLiteral {
                value: Number::Int(i),
                ..
            }) => i.as_i64().map(Const::Int),
            Expr::StringLiteral(s) => {
                let text = s.value.to_str();
                (text.len() <= MAX_STRING).then(|| Const::Str(Rc::from(text)))
            }
            _ => None,
        }
    }

    /// Python's `bool(value)`.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Const::None => false,
            Const::Bool(b) => *b,
            Const::Int(i) => *i != 0,
            Const::Str(s) => !s.is_empty(),
        }
    }

    /// `True` and `False` are the integers 1 and 0 in arithmetic.
    fn as_int(&self) -> Option<i64> {
        match self {
            Const::Int(i) => Some(*i),
            Const::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// `left op right`, when both are known and the result is of a kind
    /// folded here (integer division and modulo follow Python: towards
    /// negative infinity).
    pub(crate) fn binop(op: Operator, left: &Const, right: &Const) -> Option<Const> {
        if let (Some(a), Some(b)) = (left.as_int(), right.as_int()) {
            let value = match op {
                Operator::Add => a.checked_add(b)?,
                Operator::Sub => a.checked_sub(b)?,
                Operator::Mult => a.checked_mul(b)?,
                Operator::FloorDiv => {
                    if b == 0 {
                        return None;
                    }
                    let q = a.checked_div(b)?;
                    if (a % b != 0) && ((a < 0) != (b < 0)) {
                        q - 1
                    } else {
                        q
                    }
                }
                Operator::Mod => {
                    if b == 0 {
                        return None;
                    }
                    let r = a.checked_rem(b)?;
                    if r != 0 && ((r < 0) != (b < 0)) {
                        r + b
                    } else {
                        r
                    }
                }
                Operator::Pow => {
                    let exponent = u32::try_from(b).ok()?;
                    a.checked_pow(exponent)?
                }
                Operator::BitAnd => a & b,
                Operator::BitOr => a | b,
                Operator::BitXor => a ^ b,
                Operator::LShift => a.checked_shl(u32::try_from(b).ok()?)?,
                Operator::RShift => a >> u32::try_from(b).ok()?.min(63),
                Operator::Div | Operator::MatMult => return None,
            };
            return Some(Const::Int(value));
        }
        match (op, left, right) {
            (Operator::Add, Const::Str(a), Const::Str(b)) if a.len() + b.len() <= MAX_STRING => {
                Some(Const::Str(Rc::from(format!("{a}{b}").as_str())))
            }
            (Operator::Mult, Const::Str(s), n) | (Operator::Mult, n, Const::Str(s)) => {
                let n = usize::try_from(n.as_int()?.max(0)).ok()?;
                (s.len().saturating_mul(n) <= MAX_STRING)
                    .then(|| Const::Str(Rc::from(s.repeat(n).as_str())))
            }
            _ => None,
        }
    }

    /// `op value`.
    pub(crate) fn unary(op: UnaryOp, value: &Const) -> Option<Const> {
        match op {
            UnaryOp::Not => Some(Const::Bool(!value.truthy())),
            UnaryOp::USub => value.as_int()?.checked_neg().map(Const::Int),
            UnaryOp::UAdd => value.as_int().map(Const::Int),
            UnaryOp::Invert => value.as_int().map(|i| Const::Int(!i)),
        }
    }

    /// `left op right` for one comparison, when it can be decided.
    pub(crate) fn compare(op: CmpOp, left: &Const, right: &Const) -> Option<bool> {
        match op {
            CmpOp::Is | CmpOp::IsNot => {
                // Only `None` (and the booleans) have a reliable identity.
                let same = match (left, right) {
                    (Const::None, Const::None) => true,
                    (Const::None, _) | (_, Const::None) => false,
                    (Const::Bool(a), Const::Bool(b)) => a == b,
                    _ => return None,
                };
                Some(same == (op == CmpOp::Is))
            }
            CmpOp::Eq | CmpOp::NotEq => {
                let equal = match (left, right) {
                    (Const::Str(a), Const::Str(b)) => a == b,
                    (Const::None, Const::None) => true,
                    (Const::None, _) | (_, Const::None) => false,
                    (Const::Str(_), _) | (_, Const::Str(_)) => false,
                    (a, b) => a.as_int()? == b.as_int()?,
                };
                Some(equal == (op == CmpOp::Eq))
            }
            CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE => {
                let ordering = match (left, right) {
                    (Const::Str(a), Const::Str(b)) => a.cmp(b),
                    (a, b) => a.as_int()?.cmp(&b.as_int()?),
                };
                Some(match op {
                    CmpOp::Lt => ordering.is_lt(),
                    CmpOp::LtE => ordering.is_le(),
                    CmpOp::Gt => ordering.is_gt(),
                    _ => ordering.is_ge(),
                })
            }
            CmpOp::In | CmpOp::NotIn => match (left, right) {
                (Const::Str(needle), Const::Str(haystack)) => {
                    Some(haystack.contains(&**needle) == (op == CmpOp::In))
                }
                _ => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_like_python() {
        let i = Const::Int;
        assert_eq!(
            Const::binop(Operator::Sub, &i(7 * 42), &i(86)),
            Some(i(208))
        );
        assert_eq!(Const::binop(Operator::FloorDiv, &i(-7), &i(2)), Some(i(-4)));
        assert_eq!(Const::binop(Operator::Mod, &i(-7), &i(3)), Some(i(2)));
        assert_eq!(Const::binop(Operator::Mod, &i(7), &i(-3)), Some(i(-2)));
        assert_eq!(Const::binop(Operator::FloorDiv, &i(1), &i(0)), None);
        assert_eq!(Const::binop(Operator::Mult, &i(i64::MAX), &i(2)), None);
        assert_eq!(
            Const::binop(Operator::Add, &Const::Bool(true), &i(1)),
            Some(i(2))
        );
    }

    #[test]
    fn comparisons_and_truth() {
        let s = |v: &str| Const::Str(Rc::from(v));
        assert_eq!(
            Const::compare(CmpOp::Gt, &Const::Int(208), &Const::Int(200)),
            Some(true)
        );
        assert_eq!(
            Const::compare(CmpOp::Eq, &s("a"), &Const::Int(1)),
            Some(false)
        );
        assert_eq!(Const::compare(CmpOp::In, &s("b"), &s("abc")), Some(true));
        assert_eq!(
            Const::compare(CmpOp::Is, &Const::None, &Const::None),
            Some(true)
        );
        assert_eq!(
            Const::compare(CmpOp::Is, &Const::Int(1), &Const::Int(1)),
            None
        );
        assert!(!s("").truthy());
        assert_eq!(
            Const::unary(UnaryOp::Not, &Const::Int(0)),
            Some(Const::Bool(true))
        );
    }
}
