crate::declare_rule! {
    /// ## What it does
    /// Flags `ssl._create_unverified_context`.
    ///
    /// ## Why is this bad?
    /// The context it makes checks neither certificates nor host names, so
    /// anyone on the network path can impersonate the server.
    ///
    /// ## Example
    /// ```python
    /// import ssl
    /// context = ssl._create_unverified_context()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import ssl
    /// context = ssl.create_default_context()
    /// ```
    ///
    /// ## What counts
    /// Calls to `ssl._create_unverified_context`, however imported (`import x
    /// as y`, `from x import f`).
    ///
    /// ## References
    /// - Bandit: B323 `unverified_context` (call blacklist)
    pub(crate) static UNVERIFIED_CONTEXT = Rule {
        code: "B323",
        name: "unverified_context",
        severity: Medium,
        confidence: High,
        message: "By default, Python will create a secure, verified ssl context for use in such classes as HTTPSConnection. However, it still allows using an insecure context via the _create_unverified_context that  reverts to the previous behavior that does not validate certificates or perform hostname checks.",
        cwe: "CWE-295",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "ssl._create_unverified_context",
];
