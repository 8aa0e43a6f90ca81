use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};
use crate::rules::injection::names::call_name_is;

crate::declare_rule! {
    /// ## What it does
    /// Flags `exec_command` calls in files that import Paramiko.
    ///
    /// ## Why is this bad?
    /// `exec_command` runs its argument through the remote user's shell.
    /// If any part of the command comes from outside the program, an
    /// attacker can run commands of their choice on the remote host.
    ///
    /// ## Example
    /// ```python
    /// client.exec_command(f"tar czf /backups/{name}.tgz /srv")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import shlex
    /// client.exec_command(f"tar czf /backups/{shlex.quote(name)}.tgz /srv")
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
    /// - Bandit: B601 `paramiko_calls`
    /// - CWE-78
    pub(crate) static PARAMIKO_CALLS = Rule {
        code: "B601",
        name: "paramiko_calls",
        severity: Medium,
        confidence: Medium,
        message: "Possible shell injection via Paramiko call, check inputs are properly sanitized.",
        cwe: "CWE-78",
        check: Call(paramiko_calls),
    };
}

fn paramiko_calls(checker: &mut Checker<'_>, call: &ExprCall) {
    if call_name_is(checker, call, &["exec_command"]) && checker.is_module_imported_like("paramiko")
    {
        checker.report_issue(
            Issue::new(&PARAMIKO_CALLS, call.range())
                .data(SinkClass::Command, select(call, Args::First(&["command"]))),
        );
    }
}
