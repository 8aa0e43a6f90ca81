crate::declare_rule! {
    /// ## What it does
    /// Flags imports of CGI handlers open to httpoxy
    /// (`wsgiref.handlers.CGIHandler`, `twisted.web.twcgi`).
    ///
    /// ## Why is this bad?
    /// Under CGI a client's `Proxy:` header becomes the `HTTP_PROXY` variable,
    /// redirecting the server's outgoing requests (httpoxy).
    ///
    /// ## Example
    /// ```python
    /// from wsgiref.handlers import CGIHandler
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// # Serve WSGI with a real server (gunicorn, uwsgi), not CGI.
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `wsgiref.handlers.CGIHandler`,
    /// `twisted.web.twcgi.CGIScript`, `twisted.web.twcgi.CGIDirectory` (and, as
    /// Bandit compares by prefix, of any name starting with one of them), and
    /// `__import__(...)`/`importlib.import_module(...)` of exactly those names.
    /// Bandit reports one import blacklist finding per statement: the first
    /// rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B412 `import_httpoxy` (import blacklist)
    pub(crate) static IMPORT_HTTPOXY = Rule {
        code: "B412",
        name: "import_httpoxy",
        severity: High,
        confidence: High,
        message: "Consider possible security implications associated with {name} module.",
        cwe: "CWE-284",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "wsgiref.handlers.CGIHandler",
    "twisted.web.twcgi.CGIScript",
    "twisted.web.twcgi.CGIDirectory",
];
