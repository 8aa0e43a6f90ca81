use pyward_model::Severity;
use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};
use crate::rules::injection::names::qualified_name;
use crate::rules::injection::shell::{SHELL, command_is_literal};

crate::declare_rule! {
    /// ## What it does
    /// Flags functions that run their command through a shell: `os.system`,
    /// `os.popen*`, `popen2.*`, `commands.getoutput`,
    /// `subprocess.getoutput` and `subprocess.getstatusoutput`.
    ///
    /// ## Why is this bad?
    /// The command line is interpreted by `/bin/sh`: any part of it that
    /// comes from outside the program can add commands of its own. A
    /// command that is a plain string constant is reported with low
    /// severity, anything built at run time with high.
    ///
    /// ## Example
    /// ```python
    /// os.system("ping -c 1 " + host)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// subprocess.run(["ping", "-c", "1", host], check=True)
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
    /// - Bandit: B605 `start_process_with_a_shell`
    /// - CWE-78
    pub(crate) static START_PROCESS_WITH_A_SHELL = Rule {
        code: "B605",
        name: "start_process_with_a_shell",
        severity: High,
        confidence: High,
        message: "Starting a process with a shell, possible injection detected, security issue.",
        cwe: "CWE-78",
        check: Call(start_process_with_a_shell),
    };
}

fn start_process_with_a_shell(checker: &mut Checker<'_>, call: &ExprCall) {
    if call.arguments.args.is_empty() {
        return;
    }
    if !qualified_name(checker, call).is_some_and(|name| SHELL.contains(&name)) {
        return;
    }
    let mut issue = Issue::new(&START_PROCESS_WITH_A_SHELL, call.range())
        .data(SinkClass::Command, select(call, Args::First(&["cmd", "command"])));
    if command_is_literal(call) {
        issue = issue.severity(Severity::Low).message(
            "Starting a process with a shell: Seems safe, but may be changed in the future, consider rewriting without shell",
        );
    }
    checker.report_issue(issue);
}
