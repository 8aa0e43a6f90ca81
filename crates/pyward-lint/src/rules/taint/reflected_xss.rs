crate::declare_rule! {
    /// ## What it does
    /// Flags untrusted data written into an HTML response without escaping:
    /// `make_response()`, `Response()`, Django's `HttpResponse()`,
    /// `HTMLResponse`, strings returned by Flask views, and values marked safe
    /// with `Markup()`, `mark_safe()` or `format_html()`'s format string.
    ///
    /// ## Why is this bad?
    /// A `<script>` in a parameter runs in the victim's browser with the site's
    /// cookies (cross-site scripting).
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
    /// @app.route("/hello")
    /// def hello():
    ///     return "<h1>Hello " + request.args["name"] + "</h1>"
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/hello")
    /// def hello():
    ///     return render_template("hello.html", name=request.args["name"])
    /// ```
    ///
    /// ## Sanitisers it knows
    /// `html.escape()`, `markupsafe.escape()`, Flask's and Jinja's `escape`,
    /// Django's `escape()`, `conditional_escape()`, `strip_tags()`,
    /// `bleach.clean()`; rendering through a template (`render_template`,
    /// `render`), JSON responses (`jsonify`, `JsonResponse`); numeric
    /// conversion; allow-list checks. Escaping for HTML does not make a value
    /// safe for SQL or a shell.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`xss =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-79
    pub(crate) static REFLECTED_XSS = Rule {
        code: "PW705",
        name: "reflected_xss",
        severity: Medium,
        confidence: High,
        message: "Untrusted data reaches an HTML response.",
        cwe: "CWE-79",
        check: Flow(crate::taint::SinkClass::Xss),
    };
}
