crate::declare_rule! {
    /// ## What it does
    /// Flags imports of `telnetlib`.
    ///
    /// ## Why is this bad?
    /// Telnet sends everything, passwords included, in clear text.
    ///
    /// ## Example
    /// ```python
    /// import telnetlib
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import paramiko
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `telnetlib` (and, as Bandit compares
    /// by prefix, of any name starting with one of them), and
    /// `__import__(...)`/`importlib.import_module(...)` of exactly those names.
    /// Bandit reports one import blacklist finding per statement: the first
    /// rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B401 `import_telnetlib` (import blacklist)
    pub(crate) static IMPORT_TELNETLIB = Rule {
        code: "B401",
        name: "import_telnetlib",
        severity: High,
        confidence: High,
        message: "A telnet-related module is being imported.  Telnet is considered insecure. Use SSH or some other encrypted protocol.",
        cwe: "CWE-319",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "telnetlib",
];
