crate::declare_rule! {
    /// ## What it does
    /// Flags `tempfile.mktemp`.
    ///
    /// ## Why is this bad?
    /// `mktemp` returns a name without creating the file; another process can
    /// create it first (a race that can lead to reading or overwriting files).
    ///
    /// ## Example
    /// ```python
    /// import tempfile
    /// path = tempfile.mktemp()
    /// open(path, 'w').write(data)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import tempfile
    /// with tempfile.NamedTemporaryFile('w', delete=False) as f:
    ///     f.write(data)
    /// ```
    ///
    /// ## What counts
    /// Calls to `tempfile.mktemp`, however imported (`import x as y`, `from x
    /// import f`).
    ///
    /// ## References
    /// - Bandit: B306 `mktemp_q` (call blacklist)
    pub(crate) static MKTEMP_Q = Rule {
        code: "B306",
        name: "mktemp_q",
        severity: Medium,
        confidence: High,
        message: "Use of insecure and deprecated function (mktemp).",
        cwe: "CWE-377",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "tempfile.mktemp",
];
