crate::declare_rule! {
    /// ## What it does
    /// Flags imports of `xmlrpc`.
    ///
    /// ## Why is this bad?
    /// `xmlrpc` parses XML from the network with the standard, attackable parsers.
    ///
    /// ## Example
    /// ```python
    /// import xmlrpc.client
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import xmlrpc.client
    /// import defusedxml.xmlrpc
    /// defusedxml.xmlrpc.monkey_patch()
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `xmlrpc` (and, as Bandit compares by
    /// prefix, of any name starting with one of them), and
    /// `__import__(...)`/`importlib.import_module(...)` of exactly those names.
    /// Bandit reports one import blacklist finding per statement: the first
    /// rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B411 `import_xmlrpclib` (import blacklist)
    pub(crate) static IMPORT_XMLRPCLIB = Rule {
        code: "B411",
        name: "import_xmlrpclib",
        severity: High,
        confidence: High,
        message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Use defusedxml.xmlrpc.monkey_patch() function to monkey-patch xmlrpclib and mitigate XML vulnerabilities.",
        cwe: "CWE-20",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "xmlrpc",
];
