crate::declare_rule! {
    /// ## What it does
    /// Flags untrusted data written into response headers:
    /// `response.headers[name] = value`, Django's `response[name] = value`.
    ///
    /// ## Why is this bad?
    /// A carriage return and line feed in the value end the header: the
    /// attacker adds headers of their own (a `Set-Cookie`) or a whole second
    /// response (HTTP response splitting). Recent Werkzeug and Django versions
    /// reject new lines, older ones and other servers do not.
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
    /// @app.route("/lang")
    /// def lang():
    ///     response = make_response("ok")
    ///     response.headers["Content-Language"] = request.args["lang"]
    ///     return response
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/lang")
    /// def lang():
    ///     response = make_response("ok")
    ///     value = request.args["lang"].replace("\r", "").replace("\n", "")
    ///     response.headers["Content-Language"] = value
    ///     return response
    /// ```
    ///
    /// ## Sanitisers it knows
    /// Removing new lines (`.replace("\n", "")`, `.replace("\r", "")`); URL
    /// quoting (`urllib.parse.quote()`); numeric conversion; allow-list checks.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`header =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-113
    pub(crate) static HEADER_INJECTION = Rule {
        code: "PW714",
        name: "header_injection",
        severity: Medium,
        confidence: High,
        message: "Untrusted data reaches a response header.",
        cwe: "CWE-113",
        check: Flow(crate::taint::SinkClass::Header),
    };
}
