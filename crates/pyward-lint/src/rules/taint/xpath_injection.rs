crate::declare_rule! {
    /// ## What it does
    /// Flags XPath expressions built from untrusted data: lxml's `xpath()` and
    /// `XPath()`, ElementTree's `find()`, `findall()`, `findtext()` and
    /// `iterfind()` (in files that import an XML library).
    ///
    /// ## Why is this bad?
    /// `' or '1'='1` in a name makes `//user[@name='...']` match every user,
    /// which defeats a login check or leaks the whole document.
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
    /// def lookup(request):
    ///     name = request.GET["name"]
    ///     return tree.xpath(f"//user[@name='{name}']")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def lookup(request):
    ///     name = request.GET["name"]
    ///     return tree.xpath("//user[@name=$name]", name=name)
    /// ```
    ///
    /// ## Sanitisers it knows
    /// XPath variables (`xpath("...$name...", name=value)`: only the expression
    /// is checked); numeric conversion; allow-list checks.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`xpath =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-643
    pub(crate) static XPATH_INJECTION = Rule {
        code: "PW710",
        name: "xpath_injection",
        severity: Medium,
        confidence: High,
        message: "Untrusted data reaches an XPath expression.",
        cwe: "CWE-643",
        check: Flow(crate::taint::SinkClass::Xpath),
    };
}
