use ruff_python_ast::ExprCall;

use crate::checker::Checker;

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
    /// ## References
    /// - Bandit: B307 `eval` (call blacklist)
    pub(crate) static EVAL = Rule {
        code: "B307",
        name: "eval",
        severity: Medium,
        confidence: High,
        message: "Use of possibly insecure function - consider using safer ast.literal_eval.",
        cwe: "CWE-78",
        check: Call(eval_call),
    };
}

/// The qualified names this rule flags.
pub(super) const QUALNAMES: &[&str] = &[
    "eval",
];

fn eval_call(checker: &mut Checker<'_>, call: &ExprCall) {
    super::check_call(checker, call, &EVAL);
}
