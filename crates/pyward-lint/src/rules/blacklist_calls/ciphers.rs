crate::declare_rule! {
    /// ## What it does
    /// Flags broken or weak ciphers: ARC2, ARC4, Blowfish, DES, XOR, CAST5,
    /// IDEA, SEED, TripleDES.
    ///
    /// ## Why is this bad?
    /// These ciphers have small blocks or keys or known attacks; data they
    /// protect can be recovered.
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Cipher import DES
    /// cipher = DES.new(key, DES.MODE_CBC, iv)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    /// cipher = AESGCM(key)
    /// ```
    ///
    /// ## What counts
    /// Calls to `Crypto.Cipher.ARC2.new`, `Crypto.Cipher.ARC4.new`,
    /// `Crypto.Cipher.Blowfish.new`, `Crypto.Cipher.DES.new`,
    /// `Crypto.Cipher.XOR.new`, `Cryptodome.Cipher.ARC2.new`,
    /// `Cryptodome.Cipher.ARC4.new`, `Cryptodome.Cipher.Blowfish.new`,
    /// `Cryptodome.Cipher.DES.new`, `Cryptodome.Cipher.XOR.new`,
    /// `cryptography.hazmat.primitives.ciphers.algorithms.ARC4`,
    /// `cryptography.hazmat.primitives.ciphers.algorithms.Blowfish`,
    /// `cryptography.hazmat.primitives.ciphers.algorithms.CAST5`,
    /// `cryptography.hazmat.primitives.ciphers.algorithms.IDEA`,
    /// `cryptography.hazmat.primitives.ciphers.algorithms.SEED`,
    /// `cryptography.hazmat.primitives.ciphers.algorithms.TripleDES`, however
    /// imported (`import x as y`, `from x import f`).
    ///
    /// ## References
    /// - Bandit: B304 `ciphers` (call blacklist)
    pub(crate) static CIPHERS = Rule {
        code: "B304",
        name: "ciphers",
        severity: High,
        confidence: High,
        message: "Use of insecure cipher {name}. Replace with a known secure cipher such as AES.",
        cwe: "CWE-327",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "Crypto.Cipher.ARC2.new",
    "Crypto.Cipher.ARC4.new",
    "Crypto.Cipher.Blowfish.new",
    "Crypto.Cipher.DES.new",
    "Crypto.Cipher.XOR.new",
    "Cryptodome.Cipher.ARC2.new",
    "Cryptodome.Cipher.ARC4.new",
    "Cryptodome.Cipher.Blowfish.new",
    "Cryptodome.Cipher.DES.new",
    "Cryptodome.Cipher.XOR.new",
    "cryptography.hazmat.primitives.ciphers.algorithms.ARC4",
    "cryptography.hazmat.primitives.ciphers.algorithms.Blowfish",
    "cryptography.hazmat.primitives.ciphers.algorithms.CAST5",
    "cryptography.hazmat.primitives.ciphers.algorithms.IDEA",
    "cryptography.hazmat.primitives.ciphers.algorithms.SEED",
    "cryptography.hazmat.primitives.ciphers.algorithms.TripleDES",
];
