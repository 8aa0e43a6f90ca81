crate::declare_rule! {
    /// ## What it does
    /// Flags untrusted data that reaches `eval()`, `exec()` or `compile()`.
    ///
    /// ## Why is this bad?
    /// `eval` and `exec` run any Python they are given (CWE-95 for `eval`): one
    /// request runs code of the attacker's choice on the server.
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
    /// @app.route("/calc")
    /// def calc():
    ///     return str(eval(request.args["expr"]))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/calc")
    /// def calc():
    ///     return str(ast.literal_eval(request.args["expr"]))
    /// ```
    ///
    /// ## Sanitisers it knows
    /// Numeric conversion (`int()`, `float()`); allow-list checks. No escaping
    /// makes text safe to evaluate: use `ast.literal_eval` or a parser of your
    /// own.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`code =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-94
    pub(crate) static CODE_INJECTION = Rule {
        code: "PW703",
        name: "code_injection",
        severity: High,
        confidence: High,
        message: "Untrusted data reaches code evaluation.",
        cwe: "CWE-94",
        check: Flow(crate::taint::SinkClass::Code),
    };
}
