crate::declare_rule! {
    /// ## What it does
    /// Flags `marshal.load` and `marshal.loads`.
    ///
    /// ## Why is this bad?
    /// `marshal` is not secure against erroneous or maliciously constructed
    /// data; it is meant for Python's own `.pyc` files.
    ///
    /// ## Example
    /// ```python
    /// import marshal
    /// code = marshal.loads(payload)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import json
    /// data = json.loads(payload)
    /// ```
    ///
    /// ## What counts
    /// Calls to `marshal.load`, `marshal.loads`, however imported (`import x as
    /// y`, `from x import f`).
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the data comes from: when only constants or sanitised values reach
    /// it (none: only constants) it is not reported; when untrusted data does
    /// (request data, or a source declared in `[code.taint]`) it is reported
    /// with high confidence and the path from the source; when that is not
    /// known (a parameter of a function, the result of a library call) it is
    /// reported as Bandit reports it. The `bandit` profile (`profile =
    /// "bandit"`) reports exactly what Bandit does.
    ///
    /// ## References
    /// - Bandit: B302 `marshal` (call blacklist)
    pub(crate) static MARSHAL = Rule {
        code: "B302",
        name: "marshal",
        severity: Medium,
        confidence: High,
        message: "Deserialization with the marshal module is possibly dangerous.",
        cwe: "CWE-502",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "marshal.load",
    "marshal.loads",
];
