crate::declare_rule! {
    /// ## What it does
    /// Flags imports of `subprocess`.
    ///
    /// ## Why is this bad?
    /// Running other programs is where command injection happens; the import
    /// marks code that needs review.
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import subprocess  # nosec B404: only fixed argument lists are run
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `subprocess` (and, as Bandit compares
    /// by prefix, of any name starting with one of them), and
    /// `__import__(...)`/`importlib.import_module(...)` of exactly those names.
    /// Bandit reports one import blacklist finding per statement: the first
    /// rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B404 `import_subprocess` (import blacklist)
    pub(crate) static IMPORT_SUBPROCESS = Rule {
        code: "B404",
        name: "import_subprocess",
        severity: Low,
        confidence: High,
        message: "Consider possible security implications associated with the subprocess module.",
        cwe: "CWE-78",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "subprocess",
];
