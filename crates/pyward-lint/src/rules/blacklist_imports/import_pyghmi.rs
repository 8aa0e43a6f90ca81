crate::declare_rule! {
    /// ## What it does
    /// Flags imports of `pyghmi`.
    ///
    /// ## Why is this bad?
    /// IPMI is weakly authenticated and usually unencrypted.
    ///
    /// ## Example
    /// ```python
    /// import pyghmi
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// # Manage hardware over Redfish/HTTPS instead.
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `pyghmi` (and, as Bandit compares by
    /// prefix, of any name starting with one of them), and
    /// `__import__(...)`/`importlib.import_module(...)` of exactly those names.
    /// Bandit reports one import blacklist finding per statement: the first
    /// rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B415 `import_pyghmi` (import blacklist)
    pub(crate) static IMPORT_PYGHMI = Rule {
        code: "B415",
        name: "import_pyghmi",
        severity: High,
        confidence: High,
        message: "An IPMI-related module is being imported. IPMI is considered insecure. Use an encrypted protocol.",
        cwe: "CWE-319",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "pyghmi",
];
