use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags calls that pass a string literal to a keyword argument named
    /// like a password (`login(password="hunter2")`).
    ///
    /// ## Why is this bad?
    /// A password in the source is known to everyone who can read the code
    /// or its history, and cannot be changed without a release.
    ///
    /// ## Example
    /// ```python
    /// client = Client(user="admin", password="hunter2")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import os
    /// client = Client(user="admin", password=os.environ["CLIENT_PASSWORD"])
    /// ```
    ///
    /// ## Details
    /// Names as in B105. One finding per call (the first such argument), on
    /// the line of the string, as Bandit reports it.
    ///
    /// ## References
    /// - Bandit: B106 `hardcoded_password_funcarg`
    /// - CWE-259
    pub(crate) static HARDCODED_PASSWORD_FUNCARG = Rule {
        code: "B106",
        name: "hardcoded_password_funcarg",
        severity: Low,
        confidence: Medium,
        message: "Possible hardcoded password",
        cwe: "CWE-259",
        check: Call(hardcoded_password_funcarg),
    };
}

fn hardcoded_password_funcarg(checker: &mut Checker<'_>, call: &ExprCall) {
    for keyword in &call.arguments.keywords {
        let Some(arg) = &keyword.arg else {
            continue;
        };
        let Expr::StringLiteral(string) = &keyword.value else {
            continue;
        };
        if helpers::looks_like_password(arg.as_str()) {
            let message = format!("Possible hardcoded password: {}", helpers::redacted(string.value.to_str()));
            checker.report_issue(
                Issue::new(&HARDCODED_PASSWORD_FUNCARG, call.range())
                    .line_at(string.range.start())
                    .message(message),
            );
            return;
        }
    }
}
