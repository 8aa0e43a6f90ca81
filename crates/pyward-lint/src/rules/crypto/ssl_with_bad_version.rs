use pyward_model::{Confidence, Severity};
use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::helpers::keyword_is;
use crate::rules::injection::names::{issue_at_keyword, qualified_name};

crate::declare_rule! {
    /// ## What it does
    /// Flags calls that ask for a broken SSL/TLS protocol version: SSL 2,
    /// SSL 3, TLS 1.0 or TLS 1.1 (`ssl_version=` or `method=` set to
    /// `PROTOCOL_SSLv2`, `SSLv3_METHOD`, `PROTOCOL_TLSv1`, ...), or
    /// pyOpenSSL's `SSLv23_METHOD`.
    ///
    /// ## Why is this bad?
    /// Every one of these versions has published attacks (DROWN, POODLE,
    /// BEAST) that let a network attacker decrypt or tamper with traffic.
    ///
    /// `ssl.wrap_socket` and `pyOpenSSL.SSL.Context` are reported with high
    /// severity and confidence; any other call with such a keyword argument
    /// with medium ones.
    ///
    /// ## Example
    /// ```python
    /// ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLSv1)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// context = ssl.create_default_context()
    /// context.minimum_version = ssl.TLSVersion.TLSv1_2
    /// context.wrap_socket(sock, server_hostname=host)
    /// ```
    ///
    /// ## References
    /// - Bandit: B502 `ssl_with_bad_version`
    /// - CWE-327
    pub(crate) static SSL_WITH_BAD_VERSION = Rule {
        code: "B502",
        name: "ssl_with_bad_version",
        severity: High,
        confidence: High,
        message: "ssl.wrap_socket call with insecure SSL/TLS protocol version identified, security issue.",
        cwe: "CWE-327",
        check: Call(ssl_with_bad_version),
    };
}

/// Bandit's default `bad_protocol_versions`, shared with B503.
pub(crate) const BAD_PROTOCOL_VERSIONS: &[&str] = &[
    "PROTOCOL_SSLv2",
    "SSLv2_METHOD",
    "SSLv23_METHOD",
    "PROTOCOL_SSLv3",
    "PROTOCOL_TLSv1",
    "SSLv3_METHOD",
    "TLSv1_METHOD",
    "PROTOCOL_TLSv1_1",
    "TLSv1_1_METHOD",
];

fn ssl_with_bad_version(checker: &mut Checker<'_>, call: &ExprCall) {
    let keywords = &call.arguments.keywords;
    if !keywords.iter().any(|k| {
        k.arg
            .as_ref()
            .is_some_and(|a| matches!(a.as_str(), "ssl_version" | "method"))
    }) {
        return;
    }
    let qualified = qualified_name(checker, call).unwrap_or("");
    let issue = if qualified == "ssl.wrap_socket" {
        if keyword_is(call, "ssl_version", BAD_PROTOCOL_VERSIONS) != Some(true) {
            return;
        }
        issue_at_keyword(&SSL_WITH_BAD_VERSION, call, "ssl_version")
    } else if qualified == "pyOpenSSL.SSL.Context" {
        if keyword_is(call, "method", BAD_PROTOCOL_VERSIONS) != Some(true) {
            return;
        }
        issue_at_keyword(&SSL_WITH_BAD_VERSION, call, "method").message(
            "SSL.Context call with insecure SSL/TLS protocol version identified, security issue.",
        )
    } else {
        let method = keyword_is(call, "method", BAD_PROTOCOL_VERSIONS) == Some(true);
        let version = keyword_is(call, "ssl_version", BAD_PROTOCOL_VERSIONS) == Some(true);
        if !method && !version {
            return;
        }
        // Bandit reports on the `method` argument when there is one.
        let keyword = if call.arguments.find_keyword("method").is_some() {
            "method"
        } else {
            "ssl_version"
        };
        issue_at_keyword(&SSL_WITH_BAD_VERSION, call, keyword)
            .severity(Severity::Medium)
            .confidence(Confidence::Medium)
            .message(
                "Function call with insecure SSL/TLS protocol identified, possible security issue.",
            )
    };
    checker.report_issue(issue);
}
