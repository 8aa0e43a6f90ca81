use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::checker::{Checker, Issue};
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags functions whose parameter named like a password has a string
    /// literal default (`def connect(password="hunter2")`).
    ///
    /// ## Why is this bad?
    /// A password in the source is known to everyone who can read the code
    /// or its history, and every caller that leaves the argument out uses
    /// it.
    ///
    /// ## Example
    /// ```python
    /// def connect(user, password="hunter2"):
    ///     ...
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def connect(user, password):
    ///     ...
    /// ```
    ///
    /// ## Details
    /// Names as in B105. As Bandit: positional-or-keyword parameters only,
    /// `def` functions only (not `async def`), one finding per function (the
    /// first such parameter), reported on the `def` line.
    ///
    /// ## References
    /// - Bandit: B107 `hardcoded_password_default`
    /// - CWE-259
    pub(crate) static HARDCODED_PASSWORD_DEFAULT = Rule {
        code: "B107",
        name: "hardcoded_password_default",
        severity: Low,
        confidence: Medium,
        message: "Possible hardcoded password",
        cwe: "CWE-259",
        check: Stmt(hardcoded_password_default),
    };
}

fn hardcoded_password_default(checker: &mut Checker<'_>, stmt: &Stmt) {
    let Stmt::FunctionDef(function) = stmt else {
        return;
    };
    if function.is_async {
        return;
    }
    let parameters = &function.parameters;
    // Python keeps one `defaults` list for positional-only and ordinary
    // parameters, aligned to the right; Bandit zips it with the ordinary
    // parameters alone. Rebuild both lists to pair them as Bandit does.
    let defaults: Vec<&Expr> = parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .filter_map(|p| p.default.as_deref())
        .collect();
    let args = &parameters.args;
    let padding = args.len().saturating_sub(defaults.len());
    let paired = args
        .iter()
        .enumerate()
        .map(|(i, arg)| (arg, i.checked_sub(padding).and_then(|j| defaults.get(j).copied())));
    for (arg, default) in paired {
        let Some(Expr::StringLiteral(string)) = default else {
            continue;
        };
        if helpers::looks_like_password(arg.parameter.name.as_str()) {
            let message = format!("Possible hardcoded password: {}", helpers::redacted(string.value.to_str()));
            let def_line = def_keyword_range(checker.source(), function.name.range());
            checker.report_issue(
                Issue::new(&HARDCODED_PASSWORD_DEFAULT, def_line)
                    .message(message)
                    .context(stmt.range()),
            );
            return;
        }
    }
}

/// Where Python's `FunctionDef.lineno`/`col_offset` point: the `def`
/// keyword before the name (ruff's range starts at the first decorator).
fn def_keyword_range(source: &str, name: TextRange) -> TextRange {
    let before = source.get(..name.start().to_usize()).unwrap_or("");
    match before.rfind("def") {
        Some(at) => {
            let at = TextSize::try_from(at).unwrap_or(name.start());
            TextRange::new(at, name.end())
        }
        None => name,
    }
}
