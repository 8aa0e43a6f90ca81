crate::declare_rule! {
    /// ## What it does
    /// Flags redirects whose target comes from untrusted data: Flask's and
    /// Werkzeug's `redirect()`, Django's `redirect()`, `HttpResponseRedirect`,
    /// `HttpResponsePermanentRedirect`, FastAPI's and Starlette's
    /// `RedirectResponse`.
    ///
    /// ## Why is this bad?
    /// `/login?next=https://evil.example` sends users who trust the site to a
    /// look-alike that asks for their password (phishing).
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
    /// def login(request):
    ///     return redirect(request.GET["next"])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def login(request):
    ///     target = request.GET.get("next", "/")
    ///     if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
    ///         target = "/"
    ///     return redirect(target)
    /// ```
    ///
    /// ## Sanitisers it knows
    /// Django's `url_has_allowed_host_and_scheme()` (and the older
    /// `is_safe_url()`) in a condition; `url_for()`, `reverse()`; a constant
    /// prefix that fixes the host (`"/profile/" + name`,
    /// `f"https://example.com/{path}"`); allow-list checks.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`redirect =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-601
    pub(crate) static OPEN_REDIRECT = Rule {
        code: "PW707",
        name: "open_redirect",
        severity: Medium,
        confidence: High,
        message: "Untrusted data chooses where a redirect goes.",
        cwe: "CWE-601",
        check: Flow(crate::taint::SinkClass::Redirect),
    };
}
