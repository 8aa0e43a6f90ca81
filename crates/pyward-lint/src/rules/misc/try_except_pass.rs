use ruff_python_ast::Stmt;

use crate::checker::Checker;
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags `except` clauses whose whole body is `pass`, when they catch
    /// everything (`except:`) or `Exception`.
    ///
    /// ## Why is this bad?
    /// Errors disappear without a trace, including the ones that show an
    /// attack or a broken security control.
    ///
    /// ## Example
    /// ```python
    /// try:
    ///     verify(token)
    /// except Exception:
    ///     pass
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// try:
    ///     verify(token)
    /// except InvalidToken:
    ///     log.warning("rejected token")
    ///     raise
    /// ```
    ///
    /// ## References
    /// - Bandit: B110 `try_except_pass`
    /// - CWE-703
    pub(crate) static TRY_EXCEPT_PASS = Rule {
        code: "B110",
        name: "try_except_pass",
        severity: Low,
        confidence: High,
        message: "Try, Except, Pass detected.",
        cwe: "CWE-703",
        check: Stmt(try_except_pass),
    };
}

fn try_except_pass(checker: &mut Checker<'_>, stmt: &Stmt) {
    for (handler, only) in helpers::catch_all_handlers_of_one_statement(stmt) {
        if matches!(only, Stmt::Pass(_)) {
            checker.report(&TRY_EXCEPT_PASS, handler.range);
        }
    }
}
