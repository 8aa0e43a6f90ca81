use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::helpers::{Value, keyword_value};
use crate::rules::injection::names::{issue_at_keyword, qualified_name};

crate::declare_rule! {
    /// ## What it does
    /// Flags `ssl.wrap_socket` calls that do not say which protocol
    /// version to use.
    ///
    /// ## Why is this bad?
    /// The default favours compatibility and, depending on the Python and
    /// OpenSSL versions, may accept broken protocol versions. The function
    /// is also deprecated (removed in Python 3.12) in favour of
    /// `SSLContext.wrap_socket`.
    ///
    /// ## Example
    /// ```python
    /// ssl.wrap_socket(sock)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// context = ssl.create_default_context()
    /// context.wrap_socket(sock, server_hostname=host)
    /// ```
    ///
    /// ## References
    /// - Bandit: B504 `ssl_with_no_version`
    /// - CWE-327
    pub(crate) static SSL_WITH_NO_VERSION = Rule {
        code: "B504",
        name: "ssl_with_no_version",
        severity: Low,
        confidence: Medium,
        message: "ssl.wrap_socket call with no SSL/TLS protocol version specified, the default SSLv23 could be insecure, possible security issue.",
        cwe: "CWE-327",
        check: Call(ssl_with_no_version),
    };
}

fn ssl_with_no_version(checker: &mut Checker<'_>, call: &ExprCall) {
    if qualified_name(checker, call) != Some("ssl.wrap_socket") {
        return;
    }
    // Bandit counts a version it cannot read (a call, an f-string) as none.
    let missing = matches!(
        keyword_value(call, "ssl_version"),
        None | Some(Value::Unknown)
    );
    if missing {
        checker.report_issue(issue_at_keyword(&SSL_WITH_NO_VERSION, call, "ssl_version"));
    }
}
