use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};
use crate::rules::injection::names::qualified_name;
use crate::rules::injection::shell::NO_SHELL;

crate::declare_rule! {
    /// ## What it does
    /// Flags functions that start a process without a shell: `os.exec*`,
    /// `os.spawn*` and `os.startfile`, as a reminder to check where the
    /// program and its arguments come from.
    ///
    /// ## Why is this bad?
    /// There is no shell injection, but a program name or argument taken
    /// from outside still decides what runs. Low severity: a review aid.
    ///
    /// ## Example
    /// ```python
    /// os.execvp(program, [program, *args])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// os.execv("/usr/bin/rsync", ["rsync", "--", *validated_paths])
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
    /// - Bandit: B606 `start_process_with_no_shell`
    /// - CWE-78
    pub(crate) static START_PROCESS_WITH_NO_SHELL = Rule {
        code: "B606",
        name: "start_process_with_no_shell",
        severity: Low,
        confidence: Medium,
        message: "Starting a process without a shell.",
        cwe: "CWE-78",
        check: Call(start_process_with_no_shell),
    };
}

fn start_process_with_no_shell(checker: &mut Checker<'_>, call: &ExprCall) {
    if qualified_name(checker, call).is_some_and(|name| NO_SHELL.contains(&name)) {
        checker.report_issue(
            Issue::new(&START_PROCESS_WITH_NO_SHELL, call.range())
                .data(SinkClass::Command, select(call, Args::All)),
        );
    }
}
