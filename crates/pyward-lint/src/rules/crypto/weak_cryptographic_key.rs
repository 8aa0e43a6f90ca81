use pyward_model::Severity;
use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers::{Value, keyword_value, positional_value};
use crate::rules::injection::names::qualified_name;

crate::declare_rule! {
    /// ## What it does
    /// Flags RSA and DSA keys generated with fewer than 2048 bits, and
    /// elliptic-curve keys on curves of fewer than 224 bits, with the
    /// `cryptography`, PyCrypto or PyCryptodome packages.
    ///
    /// ## Why is this bad?
    /// Such keys can be broken with today's computing power; below 1024
    /// bits (160 for EC) it is cheap. High severity below those, medium
    /// below 2048 (224).
    ///
    /// ## Example
    /// ```python
    /// from cryptography.hazmat.primitives.asymmetric import rsa
    /// key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    /// ```
    ///
    /// ## References
    /// - Bandit: B505 `weak_cryptographic_key`
    /// - CWE-326
    /// - NIST SP 800-131A Rev. 2
    pub(crate) static WEAK_CRYPTOGRAPHIC_KEY = Rule {
        code: "B505",
        name: "weak_cryptographic_key",
        severity: Medium,
        confidence: High,
        message: "Key sizes below 2048 bits are considered breakable.",
        cwe: "CWE-326",
        check: Call(weak_cryptographic_key),
    };
}

#[derive(Clone, Copy)]
enum KeyType {
    Dsa,
    Rsa,
    Ec,
}

impl KeyType {
    fn name(self) -> &'static str {
        match self {
            KeyType::Dsa => "DSA",
            KeyType::Rsa => "RSA",
            KeyType::Ec => "EC",
        }
    }

    /// (high-severity threshold, medium-severity threshold), Bandit's.
    fn thresholds(self) -> (f64, f64) {
        match self {
            KeyType::Dsa | KeyType::Rsa => (1024.0, 2048.0),
            KeyType::Ec => (160.0, 224.0),
        }
    }
}

const CURVE_SIZES: &[(&str, i64)] = &[
    ("SECT571K1", 571),
    ("SECT571R1", 570),
    ("SECP521R1", 521),
    ("BrainpoolP512R1", 512),
    ("SECT409K1", 409),
    ("SECT409R1", 409),
    ("BrainpoolP384R1", 384),
    ("SECP384R1", 384),
    ("SECT283K1", 283),
    ("SECT283R1", 283),
    ("BrainpoolP256R1", 256),
    ("SECP256K1", 256),
    ("SECP256R1", 256),
    ("SECT233K1", 233),
    ("SECT233R1", 233),
    ("SECP224R1", 224),
    ("SECP192R1", 192),
    ("SECT163K1", 163),
    ("SECT163R2", 163),
];

/// Python's truthiness of a Bandit value, for Bandit's `a or b or 2048`.
fn is_truthy(value: &Value<'_>) -> bool {
    match value {
        Value::Unknown => false,
        // Bandit sees `True`, `False` and `None` as non-empty strings.
        Value::Bool(_) | Value::None | Value::Dict => true,
        Value::Name(_) | Value::Attribute(_) => true,
        other => other.truthy().unwrap_or(true),
    }
}

/// Bandit's `get_call_arg_value(keyword) or get_call_arg_at_position(index)`.
fn argument<'a>(call: &'a ExprCall, keyword: &str, index: usize) -> Option<Value<'a>> {
    keyword_value(call, keyword)
        .filter(is_truthy)
        .or_else(|| positional_value(call, index).filter(is_truthy))
}

fn weak_cryptographic_key(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(qualified) = qualified_name(checker, call) else {
        return;
    };
    let (key_type, size) = match qualified {
        "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key" => {
            (KeyType::Dsa, argument(call, "key_size", 0))
        }
        "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key" => {
            (KeyType::Rsa, argument(call, "key_size", 1))
        }
        "cryptography.hazmat.primitives.asymmetric.ec.generate_private_key" => {
            let curve = argument(call, "curve", 0);
            let size = curve
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|name| CURVE_SIZES.iter().find(|(curve, _)| *curve == name))
                .map_or(224, |(_, size)| *size);
            (KeyType::Ec, Some(Value::Int(size)))
        }
        "Crypto.PublicKey.DSA.generate" | "Cryptodome.PublicKey.DSA.generate" => {
            (KeyType::Dsa, argument(call, "bits", 0))
        }
        "Crypto.PublicKey.RSA.generate" | "Cryptodome.PublicKey.RSA.generate" => {
            (KeyType::Rsa, argument(call, "bits", 0))
        }
        _ => return,
    };
    // Bandit compares numbers only; a name or an expression is not judged.
    let size = match size {
        None => 2048.0,
        Some(Value::Int(size)) => size as f64,
        Some(Value::Float(size)) => size,
        Some(_) => return,
    };
    let (high, medium) = key_type.thresholds();
    let (severity, limit) = if size < high {
        (Severity::High, high)
    } else if size < medium {
        (Severity::Medium, medium)
    } else {
        return;
    };
    let issue = Issue::new(&WEAK_CRYPTOGRAPHIC_KEY, call.range())
        .severity(severity)
        .message(format!(
            "{} key sizes below {} bits are considered breakable. ",
            key_type.name(),
            limit as i64
        ));
    checker.report_issue(issue);
}
