use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags string literals that look like hardcoded passwords: assigned
    /// to a name like a password (`password = "..."`, `self.token =
    /// "..."`), stored under such a dict key (`{"password": "..."}`,
    /// `config["secret"] = "..."`), or compared with such a name
    /// (`if password == "..."`).
    ///
    /// ## Why is this bad?
    /// A password in the source is known to everyone who can read the code
    /// or its history, and cannot be changed without a release.
    ///
    /// ## Example
    /// ```python
    /// DB_PASSWORD = "hunter2"
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import os
    /// DB_PASSWORD = os.environ["DB_PASSWORD"]
    /// ```
    ///
    /// ## Details
    /// A name looks like a password when one of its `_`-separated parts is
    /// `password`, `passwd`, `pass`, `passphrase`, `pwd`, `token`, `secret`
    /// or `secrete` (any case), exactly as Bandit's pattern. As in Bandit,
    /// annotated assignments (`password: str = "..."`) are not checked, and
    /// a dict key like a password is reported whatever constant it maps to.
    ///
    /// ## References
    /// - Bandit: B105 `hardcoded_password_string`
    /// - CWE-259
    pub(crate) static HARDCODED_PASSWORD_STRING = Rule {
        code: "B105",
        name: "hardcoded_password_string",
        severity: Low,
        confidence: Medium,
        message: "Possible hardcoded password",
        cwe: "CWE-259",
        check: Expr(hardcoded_password_string),
    };
}

fn target_looks_like_password(target: &Expr) -> bool {
    match target {
        Expr::Name(name) => helpers::looks_like_password(name.id.as_str()),
        Expr::Attribute(attr) => helpers::looks_like_password(attr.attr.as_str()),
        _ => false,
    }
}

fn hardcoded_password_string(checker: &mut Checker<'_>, expr: &Expr) {
    let Expr::StringLiteral(string) = expr else {
        return;
    };
    let value = string.value.to_str();
    let reported: Option<String> = match checker.parent_expr() {
        // `candidate = "..."`
        None => match checker.current_stmt() {
            Some(Stmt::Assign(assign))
                if assign.value.range() == string.range
                    && assign.targets.iter().any(target_looks_like_password) =>
            {
                Some(value.to_string())
            }
            _ => None,
        },
        // `{"candidate": value}`
        Some(Expr::Dict(dict)) => dict
            .items
            .iter()
            .find(|item| item.key.as_ref().is_some_and(|k| k.range() == string.range))
            .filter(|_| helpers::looks_like_password(value))
            .and_then(|item| match &item.value {
                constant @ (Expr::StringLiteral(_)
                | Expr::BytesLiteral(_)
                | Expr::NumberLiteral(_)
                | Expr::BooleanLiteral(_)
                | Expr::NoneLiteral(_)
                | Expr::EllipsisLiteral(_)) => {
                    Some(helpers::python_str(constant, checker.slice(constant.range())).into_owned())
                }
                _ => None,
            }),
        // `d["candidate"] = "..."`
        Some(Expr::Subscript(subscript))
            if subscript.slice.range() == string.range && helpers::looks_like_password(value) =>
        {
            let subscript_is_target = checker.expr_ancestors().nth(1).is_none();
            match checker.current_stmt() {
                Some(Stmt::Assign(assign))
                    if subscript_is_target
                        && assign.targets.iter().any(|t| t.range() == subscript.range) =>
                {
                    helpers::string_value(&assign.value).map(str::to_string)
                }
                _ => None,
            }
        }
        // `candidate == "..."`
        Some(Expr::Compare(compare))
            if compare.comparators.iter().any(|c| c.range() == string.range) =>
        {
            if target_looks_like_password(&compare.left) {
                compare
                    .comparators
                    .first()
                    .and_then(helpers::string_value)
                    .map(str::to_string)
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some(secret) = reported {
        let context = checker.parent_range();
        checker.report_issue(
            Issue::new(&HARDCODED_PASSWORD_STRING, string.range)
                .message(format!("Possible hardcoded password: {}", helpers::redacted(&secret)))
                .context(context),
        );
    }
}
