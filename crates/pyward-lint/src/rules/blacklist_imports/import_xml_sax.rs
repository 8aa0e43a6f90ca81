crate::declare_rule! {
    /// ## What it does
    /// Flags imports of `xml.sax`.
    ///
    /// ## Why is this bad?
    /// The standard XML parsers are open to entity-expansion and
    /// external-entity attacks on untrusted XML.
    ///
    /// ## Example
    /// ```python
    /// import xml.sax
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import defusedxml.sax
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `xml.sax` (and, as Bandit compares by
    /// prefix, of any name starting with one of them), and
    /// `__import__(...)`/`importlib.import_module(...)` of exactly those names.
    /// Bandit reports one import blacklist finding per statement: the first
    /// rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B406 `import_xml_sax` (import blacklist)
    pub(crate) static IMPORT_XML_SAX = Rule {
        code: "B406",
        name: "import_xml_sax",
        severity: Low,
        confidence: High,
        message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with the equivalent defusedxml package, or make sure defusedxml.defuse_stdlib() is called.",
        cwe: "CWE-20",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "xml.sax",
];
