crate::declare_rule! {
    /// ## What it does
    /// Flags imports of `ftplib`.
    ///
    /// ## Why is this bad?
    /// FTP sends credentials and data in clear text.
    ///
    /// ## Example
    /// ```python
    /// import ftplib
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import paramiko  # SFTP
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `ftplib` (and, as Bandit compares by
    /// prefix, of any name starting with one of them), and
    /// `__import__(...)`/`importlib.import_module(...)` of exactly those names.
    /// Bandit reports one import blacklist finding per statement: the first
    /// rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B402 `import_ftplib` (import blacklist)
    pub(crate) static IMPORT_FTPLIB = Rule {
        code: "B402",
        name: "import_ftplib",
        severity: High,
        confidence: High,
        message: "A FTP-related module is being imported.  FTP is considered insecure. Use SSH/SFTP/SCP or some other encrypted protocol.",
        cwe: "CWE-319",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "ftplib",
];
