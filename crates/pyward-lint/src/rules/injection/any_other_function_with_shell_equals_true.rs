use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};
use crate::rules::injection::names::{issue_at_keyword, qualified_name};
use crate::rules::injection::shell::{SUBPROCESS, has_shell};

crate::declare_rule! {
    /// ## What it does
    /// Flags calls to functions other than `subprocess`'s that are passed
    /// `shell=True`, such as wrappers around `subprocess`.
    ///
    /// ## Why is this bad?
    /// A function that takes a `shell` argument most likely hands its
    /// command to `/bin/sh`, where any part that comes from outside the
    /// program can add commands of its own.
    ///
    /// ## Example
    /// ```python
    /// run_command(f"git log {branch}", shell=True)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// run_command(["git", "log", branch])
    /// ```
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the command comes from: when only constants or sanitised values
    /// reach it (`shlex.quote`, numeric conversion, allow-list checks) it is
    /// not reported; when untrusted data does (request data, or a source
    /// declared in `[code.taint]`) it is reported with high confidence and the
    /// path from the source; when that is not known (a parameter of a function,
    /// the result of a library call) it is reported as Bandit reports it. The
    /// `bandit` profile (`profile = "bandit"`) reports exactly what Bandit
    /// does.
    ///
    /// ## References
    /// - Bandit: B604 `any_other_function_with_shell_equals_true`
    /// - CWE-78
    pub(crate) static ANY_OTHER_FUNCTION_WITH_SHELL_EQUALS_TRUE = Rule {
        code: "B604",
        name: "any_other_function_with_shell_equals_true",
        severity: Medium,
        confidence: Low,
        message: "Function call with shell=True parameter identified, possible security issue.",
        cwe: "CWE-78",
        check: Call(any_other_function_with_shell_equals_true),
    };
}

fn any_other_function_with_shell_equals_true(checker: &mut Checker<'_>, call: &ExprCall) {
    if !has_shell(call) {
        return;
    }
    if !qualified_name(checker, call).is_some_and(|name| SUBPROCESS.contains(&name)) {
        checker.report_issue(
            issue_at_keyword(&ANY_OTHER_FUNCTION_WITH_SHELL_EQUALS_TRUE, call, "shell")
                .data(SinkClass::Command, select(call, Args::First(&["args", "cmd", "command"]))),
        );
    }
}
