use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};

crate::declare_rule! {
    /// ## What it does
    /// Flags calls to the built-in `exec`.
    ///
    /// ## Why is this bad?
    /// `exec` runs any Python code it is given. If any part of that code
    /// comes from outside the program, an attacker can run code of their
    /// choice.
    ///
    /// ## Example
    /// ```python
    /// exec(f"result = {user_expression}")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import ast
    /// result = ast.literal_eval(user_expression)
    /// ```
    ///
    /// ## References
    /// - Bandit: B102 `exec_used`
    /// - CWE-78
    pub(crate) static EXEC_USED = Rule {
        code: "B102",
        name: "exec_used",
        severity: Medium,
        confidence: High,
        message: "Use of exec detected.",
        cwe: "CWE-78",
        check: Call(exec_used),
    };
}

fn exec_used(checker: &mut Checker<'_>, call: &ExprCall) {
    if checker
        .call_qualified_name(call)
        .is_some_and(|name| name == "exec")
    {
        checker.report_issue(
            Issue::new(&EXEC_USED, call.range())
                .data(SinkClass::Code, select(call, Args::First(&[]))),
        );
    }
}
