crate::declare_rule! {
    /// ## What it does
    /// Flags untrusted XML parsed by a parser made to resolve external
    /// entities: lxml's `fromstring()`/`XML()`/`parse()` with an
    /// `XMLParser(resolve_entities=True)` (or `no_network=False`), and
    /// `xml.sax` readers with `feature_external_ges` switched on.
    ///
    /// ## Why is this bad?
    /// `<!ENTITY x SYSTEM "file:///etc/passwd">` makes the parser read local
    /// files (or internal URLs) into the document the attacker gets back.
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
    /// @app.route("/import", methods=["POST"])
    /// def import_xml():
    ///     parser = etree.XMLParser(resolve_entities=True)
    ///     return etree.fromstring(request.data, parser)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// @app.route("/import", methods=["POST"])
    /// def import_xml():
    ///     parser = etree.XMLParser(resolve_entities=False, no_network=True)
    ///     return etree.fromstring(request.data, parser)
    /// ```
    ///
    /// ## Sanitisers it knows
    /// A parser with entities off (`resolve_entities=False`, the default since
    /// lxml 5; `xml.sax` without `feature_external_ges`); `defusedxml`. Parsers
    /// whose settings are not known here are left to B313-B320.
    ///
    /// Declare your own in `[tool.pyward.code.taint.sanitizers]` (`xxe =
    /// ["myapp.clean"]`).
    ///
    /// ## References
    /// - CWE-611
    pub(crate) static XML_EXTERNAL_ENTITIES = Rule {
        code: "PW711",
        name: "xml_external_entities",
        severity: High,
        confidence: High,
        message: "Untrusted XML is parsed with external entities enabled.",
        cwe: "CWE-611",
        check: Flow(crate::taint::SinkClass::Xxe),
    };
}
