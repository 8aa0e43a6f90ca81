crate::declare_rule! {
    /// ## What it does
    /// Flags imports of PyCrypto's modules (`Crypto.*`).
    ///
    /// ## Why is this bad?
    /// PyCrypto is unmaintained and has known vulnerabilities.
    ///
    /// ## Example
    /// ```python
    /// from Crypto.Cipher import AES
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `Crypto.Cipher`, `Crypto.Hash`,
    /// `Crypto.IO`, `Crypto.Protocol`, `Crypto.PublicKey`, `Crypto.Random`,
    /// `Crypto.Signature`, `Crypto.Util` (and, as Bandit compares by prefix, of
    /// any name starting with one of them), and
    /// `__import__(...)`/`importlib.import_module(...)` of exactly those names.
    /// Bandit reports one import blacklist finding per statement: the first
    /// rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B413 `import_pycrypto` (import blacklist)
    pub(crate) static IMPORT_PYCRYPTO = Rule {
        code: "B413",
        name: "import_pycrypto",
        severity: High,
        confidence: High,
        message: "The pyCrypto library and its module {name} are no longer actively maintained and have been deprecated. Consider using pyca/cryptography library.",
        cwe: "CWE-327",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "Crypto.Cipher",
    "Crypto.Hash",
    "Crypto.IO",
    "Crypto.Protocol",
    "Crypto.PublicKey",
    "Crypto.Random",
    "Crypto.Signature",
    "Crypto.Util",
];
