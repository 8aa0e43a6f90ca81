use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::rules::crypto::ssl_with_bad_version::BAD_PROTOCOL_VERSIONS;

crate::declare_rule! {
    /// ## What it does
    /// Flags function definitions whose parameters default to a broken
    /// SSL/TLS protocol version (`def connect(version=ssl.PROTOCOL_TLSv1)`).
    ///
    /// ## Why is this bad?
    /// Callers that rely on the default get SSL 2, SSL 3, TLS 1.0 or
    /// TLS 1.1, all of which have published attacks that let a network
    /// attacker decrypt or tamper with traffic.
    ///
    /// As in Bandit, only positional parameters' defaults written as an
    /// attribute (`ssl.PROTOCOL_TLSv1`) of a plain `def` are checked.
    ///
    /// ## Example
    /// ```python
    /// def open_socket(sock, version=ssl.PROTOCOL_TLSv1):
    ///     ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def open_socket(sock, version=ssl.PROTOCOL_TLS_CLIENT):
    ///     ...
    /// ```
    ///
    /// ## References
    /// - Bandit: B503 `ssl_with_bad_defaults`
    /// - CWE-327
    pub(crate) static SSL_WITH_BAD_DEFAULTS = Rule {
        code: "B503",
        name: "ssl_with_bad_defaults",
        severity: Medium,
        confidence: Medium,
        message: "Function definition identified with insecure SSL/TLS protocol version by default, possible security issue.",
        cwe: "CWE-327",
        check: Stmt(ssl_with_bad_defaults),
    };
}

fn ssl_with_bad_defaults(checker: &mut Checker<'_>, stmt: &Stmt) {
    let Stmt::FunctionDef(function) = stmt else {
        return;
    };
    // Bandit visits `FunctionDef` only, not `AsyncFunctionDef`.
    if function.is_async {
        return;
    }
    let parameters = &function.parameters;
    let bad = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .filter_map(|p| p.default.as_deref())
        .any(|default| matches!(default, Expr::Attribute(a) if BAD_PROTOCOL_VERSIONS.contains(&a.attr.as_str())));
    if bad {
        // Bandit reports the `def` line (not a decorator's) and reads
        // `# nosec` on any line of the function.
        checker.report_issue(
            Issue::new(&SSL_WITH_BAD_DEFAULTS, function.name.range()).context(function.range()),
        );
    }
}
