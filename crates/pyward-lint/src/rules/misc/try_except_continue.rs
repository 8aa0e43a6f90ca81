use ruff_python_ast::Stmt;

use crate::checker::Checker;
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags `except` clauses whose whole body is `continue`, when they
    /// catch everything (`except:`) or `Exception`.
    ///
    /// ## Why is this bad?
    /// Errors disappear without a trace inside a loop, including the ones
    /// that show an attack or a broken security control.
    ///
    /// ## Example
    /// ```python
    /// for item in items:
    ///     try:
    ///         check(item)
    ///     except Exception:
    ///         continue
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// for item in items:
    ///     try:
    ///         check(item)
    ///     except ValidationError as err:
    ///         log.warning("skipping %s: %s", item, err)
    ///         continue
    /// ```
    ///
    /// ## References
    /// - Bandit: B112 `try_except_continue`
    /// - CWE-703
    pub(crate) static TRY_EXCEPT_CONTINUE = Rule {
        code: "B112",
        name: "try_except_continue",
        severity: Low,
        confidence: High,
        message: "Try, Except, Continue detected.",
        cwe: "CWE-703",
        check: Stmt(try_except_continue),
    };
}

fn try_except_continue(checker: &mut Checker<'_>, stmt: &Stmt) {
    for (handler, only) in helpers::catch_all_handlers_of_one_statement(stmt) {
        if matches!(only, Stmt::Continue(_)) {
            checker.report(&TRY_EXCEPT_CONTINUE, handler.range);
        }
    }
}
