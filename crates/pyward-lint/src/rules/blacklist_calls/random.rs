crate::declare_rule! {
    /// ## What it does
    /// Flags the `random` module's generators.
    ///
    /// ## Why is this bad?
    /// `random` is predictable: tokens, passwords or keys drawn from it can be
    /// guessed.
    ///
    /// ## Example
    /// ```python
    /// import random
    /// token = ''.join(random.choice(ALPHABET) for _ in range(32))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import secrets
    /// token = secrets.token_urlsafe(32)
    /// ```
    ///
    /// ## What counts
    /// Calls to `random.Random`, `random.random`, `random.randrange`,
    /// `random.randint`, `random.choice`, `random.choices`, `random.uniform`,
    /// `random.triangular`, `random.randbytes`, `random.sample`,
    /// `random.getrandbits`, however imported (`import x as y`, `from x import
    /// f`).
    ///
    /// ## References
    /// - Bandit: B311 `random` (call blacklist)
    pub(crate) static RANDOM = Rule {
        code: "B311",
        name: "random",
        severity: Low,
        confidence: High,
        message: "Standard pseudo-random generators are not suitable for security/cryptographic purposes.",
        cwe: "CWE-330",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "random.Random",
    "random.random",
    "random.randrange",
    "random.randint",
    "random.choice",
    "random.choices",
    "random.uniform",
    "random.triangular",
    "random.randbytes",
    "random.sample",
    "random.getrandbits",
];
