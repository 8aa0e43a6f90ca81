crate::declare_rule! {
    /// ## What it does
    /// Flags calls that parse XML with `xml.dom.pulldom`.
    ///
    /// ## Why is this bad?
    /// The standard library's XML parsers expand entities and can be made to
    /// read local files or exhaust memory (billion laughs, external entities)
    /// when the XML comes from outside.
    ///
    /// ## Example
    /// ```python
    /// import xml.etree.ElementTree as ET
    /// tree = ET.fromstring(request_body)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import defusedxml.ElementTree as ET
    /// tree = ET.fromstring(request_body)
    /// ```
    ///
    /// ## What counts
    /// Calls to `xml.dom.pulldom.parse`, `xml.dom.pulldom.parseString`, however
    /// imported (`import x as y`, `from x import f`).
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the document comes from: when only constants or sanitised values
    /// reach it (none: only constants) it is not reported; when untrusted data
    /// does (request data, or a source declared in `[code.taint]`) it is
    /// reported with high confidence and the path from the source; when that is
    /// not known (a parameter of a function, the result of a library call) it
    /// is reported as Bandit reports it. The `bandit` profile (`profile =
    /// "bandit"`) reports exactly what Bandit does.
    ///
    /// ## References
    /// - Bandit: B319 `xml_bad_pulldom` (call blacklist)
    pub(crate) static XML_BAD_PULLDOM = Rule {
        code: "B319",
        name: "xml_bad_pulldom",
        severity: Medium,
        confidence: High,
        message: "Using {name} to parse untrusted XML data is known to be vulnerable to XML attacks. Replace {name} with its defusedxml equivalent function or make sure defusedxml.defuse_stdlib() is called",
        cwe: "CWE-20",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "xml.dom.pulldom.parse",
    "xml.dom.pulldom.parseString",
];
