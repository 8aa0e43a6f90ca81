use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};
use crate::rules::injection::names::{issue_at_keyword, qualified_name};
use crate::rules::injection::shell::{SUBPROCESS, has_shell};

crate::declare_rule! {
    /// ## What it does
    /// Flags `subprocess` calls (`Popen`, `call`, `check_call`,
    /// `check_output`, `run`) made without a shell, as a reminder to check
    /// where the program and its arguments come from.
    ///
    /// ## Why is this bad?
    /// Without a shell there is no shell injection, but a program name or
    /// argument taken from outside still decides what runs (an option such
    /// as `--upload-pack=...` can be enough). Low severity: a review aid.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run([tool, *user_args])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// subprocess.run(["/usr/bin/convert", "--", *validated_files])
    /// ```
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the program and its arguments comes from: when only constants or
    /// sanitised values reach it (`shlex.quote`, numeric conversion, allow-list
    /// checks) it is not reported; when untrusted data does (request data, or a
    /// source declared in `[code.taint]`) it is reported with high confidence
    /// and the path from the source; when that is not known (a parameter of a
    /// function, the result of a library call) it is reported as Bandit reports
    /// it. The `bandit` profile (`profile = "bandit"`) reports exactly what
    /// Bandit does.
    ///
    /// ## References
    /// - Bandit: B603 `subprocess_without_shell_equals_true`
    /// - CWE-78
    pub(crate) static SUBPROCESS_WITHOUT_SHELL_EQUALS_TRUE = Rule {
        code: "B603",
        name: "subprocess_without_shell_equals_true",
        severity: Low,
        confidence: High,
        message: "subprocess call - check for execution of untrusted input.",
        cwe: "CWE-78",
        check: Call(subprocess_without_shell_equals_true),
    };
}

fn subprocess_without_shell_equals_true(checker: &mut Checker<'_>, call: &ExprCall) {
    if has_shell(call) {
        return;
    }
    if qualified_name(checker, call).is_some_and(|name| SUBPROCESS.contains(&name)) {
        checker.report_issue(
            issue_at_keyword(&SUBPROCESS_WITHOUT_SHELL_EQUALS_TRUE, call, "shell")
                .data(SinkClass::Command, select(call, Args::First(&["args"]))),
        );
    }
}
