crate::declare_rule! {
    /// ## What it does
    /// Flags imports of `pickle`, `cPickle`, `dill` and `shelve`.
    ///
    /// ## Why is this bad?
    /// Unpickling untrusted data runs code chosen by its author; the import
    /// marks code that needs review.
    ///
    /// ## Example
    /// ```python
    /// import pickle
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import json
    /// ```
    ///
    /// ## What counts
    /// `import` and `from ... import` of `pickle`, `cPickle`, `dill`, `shelve`
    /// (and, as Bandit compares by prefix, of any name starting with one of
    /// them), and `__import__(...)`/`importlib.import_module(...)` of exactly
    /// those names. Bandit reports one import blacklist finding per statement:
    /// the first rule (in id order) that matches.
    ///
    /// ## References
    /// - Bandit: B403 `import_pickle` (import blacklist)
    pub(crate) static IMPORT_PICKLE = Rule {
        code: "B403",
        name: "import_pickle",
        severity: Low,
        confidence: High,
        message: "Consider possible security implications associated with {name} module.",
        cwe: "CWE-502",
        check: SharedImport(&super::CHECK),
    };
}

/// The module names (prefixes) this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "pickle",
    "cPickle",
    "dill",
    "shelve",
];
