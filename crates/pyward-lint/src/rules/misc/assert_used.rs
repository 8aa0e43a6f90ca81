use ruff_python_ast::Stmt;

use crate::checker::Checker;

crate::declare_rule! {
    /// ## What it does
    /// Flags `assert` statements.
    ///
    /// ## Why is this bad?
    /// Python removes `assert` statements when it compiles to optimised
    /// byte code (`python -O`, `PYTHONOPTIMIZE`). A check written as an
    /// `assert`, such as a permission check, silently disappears there.
    ///
    /// ## Example
    /// ```python
    /// def delete(user, item):
    ///     assert user.is_admin
    ///     item.delete()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def delete(user, item):
    ///     if not user.is_admin:
    ///         raise PermissionError("admins only")
    ///     item.delete()
    /// ```
    ///
    /// ## References
    /// - Bandit: B101 `assert_used`
    /// - CWE-703
    pub(crate) static ASSERT_USED = Rule {
        code: "B101",
        name: "assert_used",
        severity: Low,
        confidence: High,
        message: "Use of assert detected. The enclosed code will be removed when compiling to optimised byte code.",
        cwe: "CWE-703",
        check: Stmt(assert_used),
    };
}

fn assert_used(checker: &mut Checker<'_>, stmt: &Stmt) {
    if let Stmt::Assert(assert) = stmt {
        checker.report(&ASSERT_USED, assert.range);
    }
}
