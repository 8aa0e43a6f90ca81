crate::declare_rule! {
    /// ## What it does
    /// Flags URLs built from untrusted data that the server fetches:
    /// `requests.*`, `httpx.*`, `urllib.request.urlopen()` and `Request()`,
    /// `http.client` connections.
    ///
    /// ## Why is this bad?
    /// The server can reach what the attacker cannot: `http://169.254.169.254/`
    /// (cloud credentials), internal admin pages, `file:///etc/passwd` through
    /// `urlopen`.
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
    /// @app.route("/preview")
    /// def preview():
    ///     return requests.get(request.args["url"], timeout=5).text
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/preview")
    /// def preview():
    ///     page = request.args["page"]
    ///     return requests.get(f"https://docs.example.com/{quote(page)}", timeout=5).text
    /// ```
    ///
    /// ## Sanitisers it knows
    /// A constant prefix that fixes scheme and host
    /// (`f"https://api.example.com/{x}"`); allow-list checks (`if host in
    /// ALLOWED_HOSTS:`); numeric conversion.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`ssrf =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-918
    pub(crate) static SERVER_SIDE_REQUEST_FORGERY = Rule {
        code: "PW708",
        name: "server_side_request_forgery",
        severity: Medium,
        confidence: High,
        message: "Untrusted data chooses where the server connects.",
        cwe: "CWE-918",
        check: Flow(crate::taint::SinkClass::Ssrf),
    };
}
