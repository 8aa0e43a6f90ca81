crate::declare_rule! {
    /// ## What it does
    /// Flags LDAP filters and base DNs built from untrusted data that reach
    /// `python-ldap`'s `search_s()`/`search()`/`search_ext()` or `ldap3`'s
    /// `Connection.search()`, in files that import an LDAP library.
    ///
    /// ## Why is this bad?
    /// `*)(uid=*))(|(uid=*` turns a lookup of one user into a query for every
    /// entry; in a bind check it can log in without a password.
    ///
    /// A data-flow rule: it reports a sink only when untrusted data reaches it,
    /// with the path from the source (the message names both ends). Sources are
    /// request data (Flask/Werkzeug `request.*`, route parameters; Django
    /// `request.GET` and the rest, URL parameters of views; FastAPI/Starlette
    /// handler parameters and `Request`), also when a helper of the project
    /// returns them, and what `[code.taint]` declares; command-line arguments,
    /// `input()` and environment variables count when `local-sources = true`.
    ///
    /// ## Example
    /// ```python
    /// def find(request):
    ///     user = request.GET["user"]
    ///     conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={user})")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def find(request):
    ///     user = escape_filter_chars(request.GET["user"])
    ///     conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={user})")
    /// ```
    ///
    /// ## Sanitisers it knows
    /// `ldap.filter.escape_filter_chars()`,
    /// `ldap3.utils.conv.escape_filter_chars()`, `ldap.dn.escape_dn_chars()`;
    /// numeric conversion; allow-list checks.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`ldap =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-90
    pub(crate) static LDAP_INJECTION = Rule {
        code: "PW709",
        name: "ldap_injection",
        severity: Medium,
        confidence: High,
        message: "Untrusted data reaches an LDAP filter.",
        cwe: "CWE-90",
        check: Flow(crate::taint::SinkClass::Ldap),
    };
}
