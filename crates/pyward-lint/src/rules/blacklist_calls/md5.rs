crate::declare_rule! {
    /// ## What it does
    /// Flags MD2, MD4, MD5 and SHA-1 from PyCrypto, PyCryptodome and
    /// `cryptography`.
    ///
    /// ## Why is this bad?
    /// These hashes have practical collision attacks; they must not protect
    /// integrity or authenticity.
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Hash import MD5
    /// digest = MD5.new(data).hexdigest()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from cryptography.hazmat.primitives import hashes
    /// digest = hashes.Hash(hashes.SHA256())
    /// ```
    ///
    /// ## What counts
    /// Calls to `Crypto.Hash.MD2.new`, `Crypto.Hash.MD4.new`,
    /// `Crypto.Hash.MD5.new`, `Crypto.Hash.SHA.new`, `Cryptodome.Hash.MD2.new`,
    /// `Cryptodome.Hash.MD4.new`, `Cryptodome.Hash.MD5.new`,
    /// `Cryptodome.Hash.SHA.new`, `cryptography.hazmat.primitives.hashes.MD5`,
    /// `cryptography.hazmat.primitives.hashes.SHA1`, however imported (`import
    /// x as y`, `from x import f`).
    ///
    /// ## References
    /// - Bandit: B303 `md5` (call blacklist)
    pub(crate) static MD5 = Rule {
        code: "B303",
        name: "md5",
        severity: Medium,
        confidence: High,
        message: "Use of insecure MD2, MD4, MD5, or SHA1 hash function.",
        cwe: "CWE-327",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "Crypto.Hash.MD2.new",
    "Crypto.Hash.MD4.new",
    "Crypto.Hash.MD5.new",
    "Crypto.Hash.SHA.new",
    "Cryptodome.Hash.MD2.new",
    "Cryptodome.Hash.MD4.new",
    "Cryptodome.Hash.MD5.new",
    "Cryptodome.Hash.SHA.new",
    "cryptography.hazmat.primitives.hashes.MD5",
    "cryptography.hazmat.primitives.hashes.SHA1",
];
