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
