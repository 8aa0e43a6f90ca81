use ruff_python_ast::Expr;

use crate::checker::{Checker, Issue};
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags the string `"0.0.0.0"`.
    ///
    /// ## Why is this bad?
    /// A server bound to `0.0.0.0` listens on every network interface of
    /// the machine, including public ones, which is often more than was
    /// meant (a debug server, an admin port).
    ///
    /// ## Example
    /// ```python
    /// app.run(host="0.0.0.0")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// app.run(host="127.0.0.1")  # or the address of one interface, from configuration
    /// ```
    ///
    /// ## Details
    /// As Bandit: every string constant equal to `0.0.0.0` (including the
    /// literal parts of f-strings), except strings that are a statement of
    /// their own (docstrings). A finding in an f-string is reported where
    /// the f-string starts, as Bandit on Python 3.11.
    ///
    /// ## References
    /// - Bandit: B104 `hardcoded_bind_all_interfaces`
    /// - CWE-605
    pub(crate) static HARDCODED_BIND_ALL_INTERFACES = Rule {
        code: "B104",
        name: "hardcoded_bind_all_interfaces",
        severity: Medium,
        confidence: Medium,
        message: "Possible binding to all interfaces.",
        cwe: "CWE-605",
        check: Expr(hardcoded_bind_all_interfaces),
    };
}

fn hardcoded_bind_all_interfaces(checker: &mut Checker<'_>, expr: &Expr) {
    match expr {
        Expr::StringLiteral(string)
            if string.value.to_str() == "0.0.0.0" && !checker.is_expression_statement(expr) =>
        {
            let context = checker.parent_range();
            checker.report_issue(Issue::new(&HARDCODED_BIND_ALL_INTERFACES, string.range).context(context));
        }
        // Cheap test on the source text first: most f-strings have none.
        Expr::FString(fstring) if checker.slice(fstring.range).contains("0.0.0.0") => {
            for (text, _) in helpers::fstring_literal_runs(fstring) {
                if text == "0.0.0.0" {
                    checker.report_issue(
                        Issue::new(&HARDCODED_BIND_ALL_INTERFACES, fstring.range),
                    );
                }
            }
        }
        _ => {}
    }
}
