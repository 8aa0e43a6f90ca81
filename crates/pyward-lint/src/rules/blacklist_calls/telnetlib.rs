crate::declare_rule! {
    /// ## What it does
    /// Flags `telnetlib.Telnet`.
    ///
    /// ## Why is this bad?
    /// Telnet sends everything, passwords included, in clear text.
    ///
    /// ## Example
    /// ```python
    /// import telnetlib
    /// conn = telnetlib.Telnet(host)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import paramiko
    /// client = paramiko.SSHClient()
    /// ```
    ///
    /// ## What counts
    /// Calls to `telnetlib.Telnet`, however imported (`import x as y`, `from x
    /// import f`).
    ///
    /// ## References
    /// - Bandit: B312 `telnetlib` (call blacklist)
    pub(crate) static TELNETLIB = Rule {
        code: "B312",
        name: "telnetlib",
        severity: High,
        confidence: High,
        message: "Telnet-related functions are being called. Telnet is considered insecure. Use SSH or some other encrypted protocol.",
        cwe: "CWE-319",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "telnetlib.Telnet",
];
