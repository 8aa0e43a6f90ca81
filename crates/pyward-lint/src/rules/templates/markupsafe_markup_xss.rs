use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;
use crate::rules::injection::names::qualified_name;

crate::declare_rule! {
    /// ## What it does
    /// Flags `markupsafe.Markup(...)` (or `flask.Markup`) called on
    /// anything but a constant.
    ///
    /// ## Why is this bad?
    /// `Markup` marks its argument as safe HTML that templates will not
    /// escape. Built from outside data, it lets that data inject HTML and
    /// scripts (cross-site scripting).
    ///
    /// ## Example
    /// ```python
    /// Markup(f"<b>{username}</b>")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// Markup("<b>{}</b>").format(username)  # format() escapes its arguments
    /// ```
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the text comes from: when only constants or sanitised values reach
    /// it (`html.escape`, `markupsafe.escape`, Django's `escape`, numeric
    /// conversion, allow-list checks) it is not reported; when untrusted data
    /// does (request data, or a source declared in `[code.taint]`) it is
    /// reported with high confidence and the path from the source; when that is
    /// not known (a parameter of a function, the result of a library call) it
    /// is reported as Bandit reports it. The `bandit` profile (`profile =
    /// "bandit"`) reports exactly what Bandit does.
    ///
    /// ## References
    /// - Bandit: B704 `markupsafe_markup_xss`
    /// - CWE-79
    pub(crate) static MARKUPSAFE_MARKUP_XSS = Rule {
        code: "B704",
        name: "markupsafe_markup_xss",
        severity: Medium,
        confidence: High,
        message: "Potential XSS with ``markupsafe.Markup`` detected. Do not use ``Markup`` on untrusted data.",
        cwe: "CWE-79",
        check: Call(markupsafe_markup_xss),
    };
}

fn is_constant(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_)
    )
}

fn markupsafe_markup_xss(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(first) = call.arguments.args.first() else {
        return;
    };
    if is_constant(first) {
        return;
    }
    let Some(qualified) = qualified_name(checker, call) else {
        return;
    };
    if !matches!(qualified, "markupsafe.Markup" | "flask.Markup") {
        return;
    }
    let message = format!(
        "Potential XSS with ``{qualified}`` detected. Do not use ``{}`` on untrusted data.",
        qualified.rsplit('.').next().unwrap_or(qualified)
    );
    checker.report_issue(
        Issue::new(&MARKUPSAFE_MARKUP_XSS, call.range())
            .message(message)
            .data(SinkClass::Xss, [first]),
    );
}
