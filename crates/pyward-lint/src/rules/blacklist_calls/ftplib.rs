crate::declare_rule! {
    /// ## What it does
    /// Flags `ftplib.FTP`.
    ///
    /// ## Why is this bad?
    /// FTP sends credentials and data in clear text.
    ///
    /// ## Example
    /// ```python
    /// import ftplib
    /// ftp = ftplib.FTP(host)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import ftplib
    /// ftp = ftplib.FTP_TLS(host)  # or SFTP over SSH
    /// ```
    ///
    /// ## What counts
    /// Calls to `ftplib.FTP`, however imported (`import x as y`, `from x import
    /// f`).
    ///
    /// ## References
    /// - Bandit: B321 `ftplib` (call blacklist)
    pub(crate) static FTPLIB = Rule {
        code: "B321",
        name: "ftplib",
        severity: High,
        confidence: High,
        message: "FTP-related functions are being called. FTP is considered insecure. Use SSH/SFTP/SCP or some other encrypted protocol.",
        cwe: "CWE-319",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "ftplib.FTP",
];
