crate::declare_rule! {
    /// ## What it does
    /// Flags untrusted data written to logs: `logging.info()` and the other
    /// levels, and the same methods of loggers (`logger.warning(...)`), message
    /// and arguments alike.
    ///
    /// ## Why is this bad?
    /// A new line in the value starts a forged log entry (`ok\nINFO admin
    /// logged in`), which misleads whoever reads the log or the tools that
    /// parse it.
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
    /// @app.route("/login", methods=["POST"])
    /// def login():
    ///     logger.info("login attempt for %s", request.form["user"])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/login", methods=["POST"])
    /// def login():
    ///     user = request.form["user"].replace("\n", " ").replace("\r", " ")
    ///     logger.info("login attempt for %s", user)
    /// ```
    ///
    /// ## Sanitisers it knows
    /// Removing new lines (`.replace("\n", ...)`); URL quoting; numeric
    /// conversion; allow-list checks.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`log =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-117
    pub(crate) static LOG_INJECTION = Rule {
        code: "PW715",
        name: "log_injection",
        severity: Low,
        confidence: High,
        message: "Untrusted data reaches a log message.",
        cwe: "CWE-117",
        check: Flow(crate::taint::SinkClass::Log),
    };
}
