crate::declare_rule! {
    /// ## What it does
    /// Flags the ECB cipher mode of `cryptography`.
    ///
    /// ## Why is this bad?
    /// ECB encrypts equal blocks to equal ciphertext, so patterns in the data
    /// show through.
    ///
    /// ## Example
    /// ```python
    /// from cryptography.hazmat.primitives.ciphers import modes
    /// mode = modes.ECB()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from cryptography.hazmat.primitives.ciphers import modes
    /// mode = modes.GCM(iv)
    /// ```
    ///
    /// ## What counts
    /// Calls to `cryptography.hazmat.primitives.ciphers.modes.ECB`, however
    /// imported (`import x as y`, `from x import f`).
    ///
    /// ## References
    /// - Bandit: B305 `cipher_modes` (call blacklist)
    pub(crate) static CIPHER_MODES = Rule {
        code: "B305",
        name: "cipher_modes",
        severity: Medium,
        confidence: High,
        message: "Use of insecure cipher mode {name}.",
        cwe: "CWE-327",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "cryptography.hazmat.primitives.ciphers.modes.ECB",
];
