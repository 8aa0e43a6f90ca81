use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::injection::names::call_name_is;

crate::declare_rule! {
    /// ## What it does
    /// Flags Paramiko clients told to accept unknown host keys
    /// (`set_missing_host_key_policy(AutoAddPolicy)` or `WarningPolicy`).
    ///
    /// ## Why is this bad?
    /// The host key is what proves the server is the one intended. Accepting
    /// any key lets a machine-in-the-middle pose as the server and capture
    /// credentials and commands.
    ///
    /// As in Bandit, the check runs in files that import something from
    /// `paramiko`.
    ///
    /// ## Example
    /// ```python
    /// client = paramiko.SSHClient()
    /// client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// client = paramiko.SSHClient()
    /// client.load_system_host_keys()
    /// client.set_missing_host_key_policy(paramiko.RejectPolicy())
    /// ```
    ///
    /// ## References
    /// - Bandit: B507 `ssh_no_host_key_verification`
    /// - CWE-295
    pub(crate) static SSH_NO_HOST_KEY_VERIFICATION = Rule {
        code: "B507",
        name: "ssh_no_host_key_verification",
        severity: High,
        confidence: Medium,
        message: "Paramiko call with policy set to automatically trust the unknown host key.",
        cwe: "CWE-295",
        check: Call(ssh_no_host_key_verification),
    };
}

fn ssh_no_host_key_verification(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(policy) = call.arguments.args.first() else {
        return;
    };
    if !call_name_is(checker, call, &["set_missing_host_key_policy"])
        || !checker.is_module_imported_like("paramiko")
    {
        return;
    }
    let name = match policy {
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Call(inner) => match &*inner.func {
            Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
            Expr::Name(name) => Some(name.id.as_str()),
            _ => None,
        },
        _ => None,
    };
    if matches!(name, Some("AutoAddPolicy" | "WarningPolicy")) {
        checker.report(&SSH_NO_HOST_KEY_VERIFICATION, call.range());
    }
}
