use pyward_model::Severity;
use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};
use crate::rules::injection::names::{issue_at_keyword, qualified_name};
use crate::rules::injection::shell::{SUBPROCESS, command_is_literal, has_shell};

crate::declare_rule! {
    /// ## What it does
    /// Flags `subprocess` calls (`Popen`, `call`, `check_call`,
    /// `check_output`, `run`) made with `shell=True`.
    ///
    /// ## Why is this bad?
    /// With `shell=True` the command line is interpreted by `/bin/sh`: any
    /// part of it that comes from outside the program can add commands of
    /// its own (`; rm -rf ~`). A command that is a plain string constant is
    /// reported with low severity, anything built at run time with high.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run(f"convert {upload} out.png", shell=True)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// subprocess.run(["convert", upload, "out.png"])
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
    /// - Bandit: B602 `subprocess_popen_with_shell_equals_true`
    /// - CWE-78
    pub(crate) static SUBPROCESS_POPEN_WITH_SHELL_EQUALS_TRUE = Rule {
        code: "B602",
        name: "subprocess_popen_with_shell_equals_true",
        severity: High,
        confidence: High,
        message: "subprocess call with shell=True identified, security issue.",
        cwe: "CWE-78",
        check: Call(subprocess_popen_with_shell_equals_true),
    };
}

fn subprocess_popen_with_shell_equals_true(checker: &mut Checker<'_>, call: &ExprCall) {
    if call.arguments.args.is_empty() || !has_shell(call) {
        return;
    }
    if !qualified_name(checker, call).is_some_and(|name| SUBPROCESS.contains(&name)) {
        return;
    }
    let mut issue = issue_at_keyword(&SUBPROCESS_POPEN_WITH_SHELL_EQUALS_TRUE, call, "shell")
        .data(SinkClass::Command, select(call, Args::First(&["args"])));
    if command_is_literal(call) {
        issue = issue.severity(Severity::Low).message(
            "subprocess call with shell=True seems safe, but may be changed in the future, consider rewriting without shell",
        );
    }
    checker.report_issue(issue);
}
