use ruff_python_ast::{Expr, ExprCall, FStringPart, InterpolatedStringElement, Stmt};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers::keyword;
use crate::rules::pyward::words::{is_test_path, words};

crate::declare_rule! {
    /// ## What it does
    /// Flags passwords hashed with a fast, general-purpose hash:
    /// `hashlib.md5`, `sha1`, `sha256`, `sha512`, `sha3_*`, `blake2*` (or
    /// `hashlib.new(...)`) applied to a value whose name says it is a
    /// password (`password`, `passwd`, `pwd`, `passphrase`), directly or
    /// through `.encode()`, concatenation or an f-string.
    ///
    /// ## Why is this bad?
    /// These hashes are built to be fast: a stolen table of SHA-256
    /// password hashes can be tested at billions of guesses per second on
    /// one GPU, salt or not. Password hashing functions (Argon2, scrypt,
    /// bcrypt, PBKDF2) are slow on purpose and tunable.
    ///
    /// Hashes that pass `usedforsecurity=False`, and names that say the
    /// value is already a hash or a token (`password_hash`,
    /// `reset_password_token`), are not reported.
    ///
    /// ## Example
    /// ```python
    /// stored = hashlib.sha256(salt + password.encode()).hexdigest()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from argon2 import PasswordHasher
    /// stored = PasswordHasher().hash(password)
    /// # or, with the standard library only:
    /// stored = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    /// ```
    ///
    /// ## References
    /// - CWE-916: Use of Password Hash With Insufficient Computational Effort
    /// - OWASP Password Storage Cheat Sheet
    pub(crate) static PASSWORD_FAST_HASH = Rule {
        code: "PW101",
        name: "password_fast_hash",
        severity: Medium,
        confidence: Medium,
        message: "Password hashed with a fast hash; use a password hashing function (Argon2, scrypt, bcrypt, PBKDF2).",
        cwe: "CWE-916",
        check: Call(password_fast_hash),
    };
}

const FAST_HASHES: &[&str] = &[
    "md5",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha3_224",
    "sha3_256",
    "sha3_384",
    "sha3_512",
    "blake2b",
    "blake2s",
    "shake_128",
    "shake_256",
];

const PASSWORD_WORDS: &[&str] = &["password", "passwd", "pwd", "passphrase", "passcode"];

/// Words that say the value is not a password but something derived from
/// one, or about one.
const NOT_A_PASSWORD: &[&str] = &[
    "hash",
    "hashed",
    "digest",
    "token",
    "reset",
    "field",
    "label",
    "length",
    "len",
    "min",
    "max",
    "policy",
    "prompt",
    "url",
    "file",
    "path",
    "env",
    "encrypted",
    "validator",
    "widget",
    "form",
    "error",
    "errors",
    "message",
    "help",
    "template",
    "regex",
    "pattern",
    "mask",
    "masked",
];

/// Whether an identifier names a password (`new_password`, `userPwd`).
fn is_password_name(identifier: &str) -> bool {
    // Cheap test first: this runs on the first argument of every call.
    let bytes = identifier.as_bytes();
    let mentions = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    if !mentions(b"pass") && !mentions(b"pwd") {
        return false;
    }
    let words = words(identifier);
    let names_password = words.iter().any(|w| {
        PASSWORD_WORDS.contains(&w.as_str()) || w.contains("password") || w.contains("passwd")
    });
    names_password && !words.iter().any(|w| NOT_A_PASSWORD.contains(&w.as_str()))
}

/// The password-like name `expr` is built from, if any.
fn password_in(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => is_password_name(name.id.as_str()).then_some(name.id.as_str()),
        Expr::Attribute(attribute) => {
            is_password_name(attribute.attr.as_str()).then_some(attribute.attr.as_str())
        }
        Expr::Subscript(subscript) => match &*subscript.slice {
            Expr::StringLiteral(key) if is_password_name(key.value.to_str()) => {
                Some(key.value.to_str())
            }
            _ => None,
        },
        Expr::Call(call) => match &*call.func {
            // `form.get("password")`, `password.encode()`, `pw.strip()`
            Expr::Attribute(attribute) => match attribute.attr.as_str() {
                "get" | "getlist" | "pop" => match call.arguments.args.first() {
                    Some(Expr::StringLiteral(key)) if is_password_name(key.value.to_str()) => {
                        Some(key.value.to_str())
                    }
                    _ => None,
                },
                "encode" | "decode" | "strip" | "lower" | "upper" | "rstrip" | "lstrip"
                | "format" => password_in(&attribute.value)
                    .or_else(|| call.arguments.args.iter().find_map(password_in)),
                _ => None,
            },
            // `bytes(password, "utf-8")`, `str(pwd)`
            Expr::Name(name) if matches!(name.id.as_str(), "bytes" | "str" | "bytearray") => {
                call.arguments.args.first().and_then(password_in)
            }
            _ => None,
        },
        Expr::BinOp(binop) => password_in(&binop.left).or_else(|| password_in(&binop.right)),
        Expr::Tuple(tuple) => tuple.elts.iter().find_map(password_in),
        Expr::FString(fstring) => fstring.value.iter().find_map(|part| match part {
            FStringPart::Literal(_) => None,
            FStringPart::FString(f) => f.elements.iter().find_map(|element| match element {
                InterpolatedStringElement::Interpolation(interpolation) => {
                    password_in(&interpolation.expression)
                }
                InterpolatedStringElement::Literal(_) => None,
            }),
        }),
        _ => None,
    }
}

/// Whether `name` is bound, in the enclosing function (or module body when
/// there is none: `body`), to a fast `hashlib` hash.
fn is_fast_hash_object(checker: &Checker<'_>, name: &str, body: &[Stmt]) -> bool {
    body.iter().any(|stmt| match stmt {
        Stmt::Assign(assign) => {
            assign
                .targets
                .iter()
                .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == name))
                && matches!(&*assign.value, Expr::Call(call) if fast_hash(checker, call).is_some())
        }
        Stmt::If(s) => is_fast_hash_object(checker, name, &s.body),
        Stmt::Try(s) => is_fast_hash_object(checker, name, &s.body),
        Stmt::With(s) => is_fast_hash_object(checker, name, &s.body),
        _ => false,
    })
}

/// The hash a call makes, when it is one of `hashlib`'s fast ones.
fn fast_hash(checker: &Checker<'_>, call: &ExprCall) -> Option<String> {
    let qualified = checker.resolve_qualified_name(&call.func)?;
    let name = qualified.as_str().strip_prefix("hashlib.")?;
    if FAST_HASHES.contains(&name) {
        return Some(name.to_string());
    }
    if name == "new" {
        let algorithm = call
            .arguments
            .args
            .first()
            .or_else(|| keyword(call, "name"))
            .and_then(crate::helpers::string_value)?
            .to_ascii_lowercase()
            .replace('-', "_");
        return FAST_HASHES
            .contains(&algorithm.as_str())
            .then_some(algorithm);
    }
    None
}

fn password_fast_hash(checker: &mut Checker<'_>, call: &ExprCall) {
    // Cheap test first: an argument must name a password.
    let data = match &*call.func {
        Expr::Attribute(attribute) if attribute.attr.as_str() == "update" => {
            call.arguments.args.first()
        }
        Expr::Attribute(attribute) if attribute.attr.as_str() == "new" => call
            .arguments
            .args
            .get(1)
            .or_else(|| keyword(call, "data"))
            .or_else(|| keyword(call, "string")),
        _ => call
            .arguments
            .args
            .first()
            .or_else(|| keyword(call, "data"))
            .or_else(|| keyword(call, "string")),
    };
    let Some(password) = data.and_then(password_in) else {
        return;
    };
    if crate::helpers::keyword_is(call, "usedforsecurity", &["False"]) == Some(true) {
        return;
    }
    let algorithm = match &*call.func {
        // `digest.update(password)` on a hash object made in this function.
        Expr::Attribute(attribute) if attribute.attr.as_str() == "update" => {
            let fast = match &*attribute.value {
                Expr::Call(inner) => fast_hash(checker, inner),
                Expr::Name(name) => {
                    let body = checker.enclosing_function().map(|f| &f.body[..]);
                    body.filter(|body| is_fast_hash_object(checker, name.id.as_str(), body))
                        .map(|_| "hash".to_string())
                }
                _ => None,
            };
            let Some(fast) = fast else {
                return;
            };
            fast
        }
        _ => {
            let Some(fast) = fast_hash(checker, call) else {
                return;
            };
            fast
        }
    };
    if is_test_path(checker.path()) {
        return;
    }
    let message = format!(
        "Password (`{password}`) hashed with a fast hash ({algorithm}); use a password hashing function (Argon2, scrypt, bcrypt, PBKDF2)."
    );
    checker.report_issue(Issue::new(&PASSWORD_FAST_HASH, call.range()).message(message));
}
