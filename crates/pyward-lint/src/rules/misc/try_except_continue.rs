use ruff_python_ast::{ExceptHandler, Expr, Stmt};

use crate::checker::Checker;

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
        check: Stmt(try_except_continue),
    };
}

fn try_except_continue(checker: &mut Checker<'_>, stmt: &Stmt) {
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
        if catches_all && matches!(handler.body[0], Stmt::Continue(_)) {
            checker.report(&TRY_EXCEPT_CONTINUE, handler.range);
        }
    }
}
