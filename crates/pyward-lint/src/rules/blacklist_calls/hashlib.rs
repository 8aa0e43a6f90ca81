use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers::{self, Value};

crate::declare_rule! {
    /// ## What it does
    /// Flags MD4, MD5 and SHA-1 from `hashlib` used for security (without
    /// `usedforsecurity=False`), and the weak `crypt` methods
    /// (`METHOD_CRYPT`, `METHOD_MD5`, `METHOD_BLOWFISH`).
    ///
    /// ## Why is this bad?
    /// These hashes have practical collision attacks; signatures,
    /// integrity checks and password hashes built on them can be forged or
    /// cracked.
    ///
    /// ## Example
    /// ```python
    /// import hashlib
    /// token_hash = hashlib.md5(token.encode()).hexdigest()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import hashlib
    /// token_hash = hashlib.sha256(token.encode()).hexdigest()
    /// # or, for a checksum that protects nothing:
    /// etag = hashlib.md5(body, usedforsecurity=False).hexdigest()
    /// ```
    ///
    /// ## Details
    /// As Bandit: any call whose qualified name has a `hashlib` part and
    /// ends in `md4`, `md5`, `sha` or `sha1` (or `new` with one of those
    /// names); `crypt.crypt`/`crypt.mksalt` with a weak method.
    ///
    /// ## References
    /// - Bandit: B324 `hashlib`
    /// - CWE-327
    pub(crate) static HASHLIB = Rule {
        code: "B324",
        name: "hashlib",
        severity: High,
        confidence: High,
        message: "Use of weak hash for security. Consider usedforsecurity=False",
        cwe: "CWE-327",
        check: Call(hashlib),
    };
}

const WEAK_HASHES: [&str; 4] = ["md4", "md5", "sha", "sha1"];
const WEAK_CRYPT_HASHES: [&str; 3] = ["METHOD_CRYPT", "METHOD_MD5", "METHOD_BLOWFISH"];

/// Bandit's `keywords.get(name, default)` compared as a string.
fn keyword_str(call: &ExprCall, name: &str, default: &'static str) -> Option<String> {
    match helpers::keyword_value(call, name) {
        None => Some(default.to_string()),
        Some(value) => value.as_str().map(str::to_string),
    }
}

/// Bandit's `args[i] if len(args) > i else keywords.get(name)`, when it is
/// a string.
fn argument_str(call: &ExprCall, index: usize, name: &str) -> Option<String> {
    let value = if call.arguments.args.len() > index {
        helpers::positional_value(call, index)
    } else {
        helpers::keyword_value(call, name)
    }?;
    match value {
        Value::Str(_) | Value::Name(_) | Value::Attribute(_) | Value::Bool(_) | Value::None => {
            value.as_str().map(str::to_string)
        }
        _ => None,
    }
}

fn hashlib(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(name) = checker.call_qualified_name(call) else {
        return;
    };
    let func = name.last();
    // The cheap test first: every call of every file comes here.
    if !(WEAK_HASHES.contains(&func) || matches!(func, "new" | "crypt" | "mksalt")) {
        return;
    }
    let in_module = |module: &str| name.segments().any(|part| part == module);
    let message = if in_module("hashlib") {
        let used_for_security = keyword_str(call, "usedforsecurity", "True").as_deref() == Some("True");
        if WEAK_HASHES.contains(&func) {
            used_for_security.then(|| {
                format!(
                    "Use of weak {} hash for security. Consider usedforsecurity=False",
                    func.to_uppercase()
                )
            })
        } else if func == "new" {
            argument_str(call, 0, "name")
                .filter(|hash| WEAK_HASHES.contains(&hash.to_lowercase().as_str()) && used_for_security)
                .map(|hash| {
                    format!(
                        "Use of weak {} hash for security. Consider usedforsecurity=False",
                        hash.to_uppercase()
                    )
                })
        } else {
            None
        }
    } else if (func == "crypt" || func == "mksalt") && in_module("crypt") {
        let method = if func == "crypt" {
            argument_str(call, 1, "salt")
        } else {
            argument_str(call, 0, "method")
        };
        let weak = method.filter(|m| WEAK_CRYPT_HASHES.contains(&m.as_str()));
        if let Some(method) = weak {
            let message = format!("Use of insecure crypt.{} hash function.", method.to_uppercase());
            checker.report_issue(
                Issue::new(&HASHLIB, call.range())
                    .severity(pyward_model::Severity::Medium)
                    .message(message),
            );
        }
        return;
    } else {
        None
    };
    if let Some(message) = message {
        checker.report_issue(Issue::new(&HASHLIB, call.range()).message(message));
    }
}
