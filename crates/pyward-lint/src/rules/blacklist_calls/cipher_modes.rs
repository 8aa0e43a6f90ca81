use ruff_python_ast::ExprCall;

use crate::checker::Checker;

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
        check: Call(cipher_modes_call),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "cryptography.hazmat.primitives.ciphers.modes.ECB",
];

fn cipher_modes_call(checker: &mut Checker<'_>, call: &ExprCall) {
    super::check_call(checker, call, &CIPHER_MODES);
}
