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
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the code comes from: when only constants or sanitised values reach
    /// it (numeric conversion, allow-list checks) it is not reported; when
    /// untrusted data does (request data, or a source declared in
    /// `[code.taint]`) it is reported with high confidence and the path from
    /// the source; when that is not known (a parameter of a function, the
    /// result of a library call) it is reported as Bandit reports it. The
    /// `bandit` profile (`profile = "bandit"`) reports exactly what Bandit
    /// does.
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
