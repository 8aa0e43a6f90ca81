crate::declare_rule! {
    /// ## What it does
    /// Flags calls to the built-in `eval`.
    ///
    /// ## Why is this bad?
    /// `eval` runs any Python expression; if any part of it comes from outside,
    /// an attacker can run code.
    ///
    /// ## Example
    /// ```python
    /// value = eval(request.args['value'])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import ast
    /// value = ast.literal_eval(request.args['value'])
    /// ```
    ///
    /// ## What counts
    /// Calls to `eval`, however imported (`import x as y`, `from x import f`).
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the expression comes from: when only constants or sanitised values
    /// reach it (numeric conversion, allow-list checks) it is not reported;
    /// when untrusted data does (request data, or a source declared in
    /// `[code.taint]`) it is reported with high confidence and the path from
    /// the source; when that is not known (a parameter of a function, the
    /// result of a library call) it is reported as Bandit reports it. The
    /// `bandit` profile (`profile = "bandit"`) reports exactly what Bandit
    /// does.
    ///
    /// ## References
    /// - Bandit: B307 `eval` (call blacklist)
    pub(crate) static EVAL = Rule {
        code: "B307",
        name: "eval",
        severity: Medium,
        confidence: High,
        message: "Use of possibly insecure function - consider using safer ast.literal_eval.",
        cwe: "CWE-78",
        check: SharedCall(&super::CHECK),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "eval",
];
