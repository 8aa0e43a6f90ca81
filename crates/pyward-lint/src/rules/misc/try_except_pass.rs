use ruff_python_ast::{ExceptHandler, Expr, Stmt};

use crate::checker::Checker;

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
        check: Stmt(try_except_pass),
    };
}

fn try_except_pass(checker: &mut Checker<'_>, stmt: &Stmt) {
    let Stmt::Try(try_stmt) = stmt else {
        return;
    };
    for handler in &try_stmt.handlers {
        let ExceptHandler::ExceptHandler(handler) = handler;
        if handler.body.len() != 1 {
            continue;
        }
        // Bandit's default `check_typed_exception: False`: only bare
        // `except:` and `except Exception:` count.
        let catches_all = match handler.type_.as_deref() {
            None => true,
            Some(Expr::Name(name)) => name.id.as_str() == "Exception",
            Some(_) => false,
        };
        if catches_all && matches!(handler.body[0], Stmt::Pass(_)) {
            checker.report(&TRY_EXCEPT_PASS, handler.range);
        }
    }
}
