use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags `requests` calls without a `timeout`, and `requests` or
    /// `httpx` calls with `timeout=None`.
    ///
    /// ## Why is this bad?
    /// Without a timeout the call can wait forever on a slow or hostile
    /// server, holding a worker (a cheap denial of service).
    ///
    /// ## Example
    /// ```python
    /// import requests
    /// requests.get(url)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import requests
    /// requests.get(url, timeout=10)
    /// ```
    ///
    /// ## Details
    /// As Bandit: `requests.get/options/head/post/put/patch/delete` (called
    /// through the module, not a session); a `timeout` whose value is not a
    /// literal, a name or an attribute (`timeout=cfg["t"]`) counts as
    /// missing, as Bandit reads it. `httpx` has a default timeout, so only
    /// `timeout=None` is flagged there.
    ///
    /// ## References
    /// - Bandit: B113 `request_without_timeout`
    /// - CWE-400
    pub(crate) static REQUEST_WITHOUT_TIMEOUT = Rule {
        code: "B113",
        name: "request_without_timeout",
        severity: Medium,
        confidence: Low,
        message: "Call to requests without timeout",
        cwe: "CWE-400",
        check: Call(request_without_timeout),
    };
}

const HTTP_VERBS: [&str; 7] = ["get", "options", "head", "post", "put", "patch", "delete"];
const HTTPX_ONLY: [&str; 4] = ["request", "stream", "Client", "AsyncClient"];

fn request_without_timeout(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(name) = checker.call_qualified_name(call) else {
        return;
    };
    let module = name.first();
    let function = name.last();
    let is_requests = module == "requests" && HTTP_VERBS.contains(&function);
    let is_httpx = module == "httpx" && (HTTP_VERBS.contains(&function) || HTTPX_ONLY.contains(&function));
    if !is_requests && !is_httpx {
        return;
    }
    let module = if is_requests { "requests" } else { "httpx" };
    if is_requests && helpers::keyword_is(call, "timeout", &[]).is_none() {
        checker.report_issue(
            Issue::new(&REQUEST_WITHOUT_TIMEOUT, call.range())
                .message(format!("Call to {module} without timeout")),
        );
        return;
    }
    if helpers::keyword_is(call, "timeout", &["None"]) == Some(true) {
        checker.report_issue(
            Issue::new(&REQUEST_WITHOUT_TIMEOUT, call.range())
                .message(format!("Call to {module} with timeout set to None")),
        );
    }
}
