crate::declare_rule! {
    /// ## What it does
    /// Flags untrusted data used as the *source* of a template:
    /// `render_template_string()`, `jinja2.Template()`,
    /// `Environment.from_string()`, Django's and Mako's `Template()`.
    ///
    /// ## Why is this bad?
    /// Template languages can reach Python objects: `{{
    /// ''.__class__.__mro__[1].__subclasses__() }}` in Jinja leads to running
    /// code on the server (server-side template injection).
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
    /// @app.route("/greet")
    /// def greet():
    ///     return render_template_string("Hello " + request.args["name"])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/greet")
    /// def greet():
    ///     return render_template_string("Hello {{ name }}", name=request.args["name"])
    /// ```
    ///
    /// ## Sanitisers it knows
    /// Passing the value as a template variable (the keyword arguments of
    /// `render_template_string` are not source); numeric conversion; allow-list
    /// checks. HTML escaping does not help: template syntax survives it.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`template =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-1336
    pub(crate) static TEMPLATE_INJECTION = Rule {
        code: "PW706",
        name: "template_injection",
        severity: High,
        confidence: High,
        message: "Untrusted data reaches template source.",
        cwe: "CWE-1336",
        check: Flow(crate::taint::SinkClass::Template),
    };
}
