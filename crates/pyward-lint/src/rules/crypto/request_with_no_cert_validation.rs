use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::helpers::keyword_is;
use crate::rules::injection::names::{call_name, issue_at_keyword, qualified_name};

crate::declare_rule! {
    /// ## What it does
    /// Flags `requests` and `httpx` calls made with `verify=False`.
    ///
    /// ## Why is this bad?
    /// `verify=False` turns off TLS certificate validation: anyone on the
    /// network path can pose as the server, read what is sent and change
    /// what comes back.
    ///
    /// ## Example
    /// ```python
    /// requests.get("https://internal.example.com/api", verify=False)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// requests.get("https://internal.example.com/api", verify="/etc/ssl/internal-ca.pem")
    /// ```
    ///
    /// ## References
    /// - Bandit: B501 `request_with_no_cert_validation`
    /// - CWE-295
    pub(crate) static REQUEST_WITH_NO_CERT_VALIDATION = Rule {
        code: "B501",
        name: "request_with_no_cert_validation",
        severity: High,
        confidence: High,
        message: "Call with verify=False disabling SSL certificate checks, security issue.",
        cwe: "CWE-295",
        check: Call(request_with_no_cert_validation),
    };
}

const HTTP_VERBS: &[&str] = &["get", "options", "head", "post", "put", "patch", "delete"];
const HTTPX_ATTRS: &[&str] = &[
    "get",
    "options",
    "head",
    "post",
    "put",
    "patch",
    "delete",
    "request",
    "stream",
    "Client",
    "AsyncClient",
];

fn request_with_no_cert_validation(checker: &mut Checker<'_>, call: &ExprCall) {
    if call.arguments.find_keyword("verify").is_none() {
        return;
    }
    let Some(qualified) = qualified_name(checker, call) else {
        return;
    };
    let module = match qualified.split('.').next() {
        Some("requests") => "requests",
        Some("httpx") => "httpx",
        _ => return,
    };
    let name = call_name(checker, call);
    let known = if module == "requests" {
        HTTP_VERBS
    } else {
        HTTPX_ATTRS
    };
    if !known.contains(&name.as_ref()) {
        return;
    }
    if keyword_is(call, "verify", &["False"]) == Some(true) {
        let issue = issue_at_keyword(&REQUEST_WITH_NO_CERT_VALIDATION, call, "verify").message(
            format!("Call to {module} with verify=False disabling SSL certificate checks, security issue."),
        );
        checker.report_issue(issue);
    }
}
