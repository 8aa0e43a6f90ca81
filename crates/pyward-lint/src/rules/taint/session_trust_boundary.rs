crate::declare_rule! {
    /// ## What it does
    /// Flags untrusted data stored in the session (`session[key] = value` with
    /// Flask's `session`, `request.session[key] = value` in Django) without
    /// validation.
    ///
    /// ## Why is this bad?
    /// Code that reads the session trusts it as the server's own state: a role,
    /// a user id or a path put there from a request parameter crosses that
    /// boundary unchecked.
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
    /// @app.route("/prefs")
    /// def prefs():
    ///     session["role"] = request.args["role"]
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/prefs")
    /// def prefs():
    ///     role = request.args["role"]
    ///     if role in ALLOWED_ROLES:
    ///         session["role"] = role
    /// ```
    ///
    /// ## Sanitisers it knows
    /// Numeric conversion; allow-list checks (`in`, `==`, strict
    /// `re.fullmatch`, `isdigit()`).
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`trust-
    /// boundary = ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-501
    pub(crate) static SESSION_TRUST_BOUNDARY = Rule {
        code: "PW713",
        name: "session_trust_boundary",
        severity: Low,
        confidence: High,
        message: "Untrusted data is stored in the session.",
        cwe: "CWE-501",
        check: Flow(crate::taint::SinkClass::TrustBoundary),
    };
}
