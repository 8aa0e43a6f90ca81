use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};
use crate::rules::injection::names::call_name_is;

crate::declare_rule! {
    /// ## What it does
    /// Flags Django's `QuerySet.extra()` given `select`, `where` or
    /// `tables` that are not all string constants.
    ///
    /// ## Why is this bad?
    /// `extra()` pastes its arguments into the SQL statement. Anything
    /// built at run time can change the statement (SQL injection); Django
    /// itself advises against `extra()`.
    ///
    /// ## Example
    /// ```python
    /// User.objects.extra(where=[f"username = '{name}'"])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// User.objects.filter(username=name)
    /// # or, when raw SQL is needed, with parameters:
    /// User.objects.extra(where=["username = %s"], params=[name])
    /// ```
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the SQL fragments comes from: when only constants or sanitised
    /// values reach it (numeric conversion, SQL quoting functions, allow-list
    /// checks) it is not reported; when untrusted data does (request data, or a
    /// source declared in `[code.taint]`) it is reported with high confidence
    /// and the path from the source; when that is not known (a parameter of a
    /// function, the result of a library call) it is reported as Bandit reports
    /// it. The `bandit` profile (`profile = "bandit"`) reports exactly what
    /// Bandit does.
    ///
    /// ## References
    /// - Bandit: B610 `django_extra_used`
    /// - CWE-89
    pub(crate) static DJANGO_EXTRA_USED = Rule {
        code: "B610",
        name: "django_extra_used",
        severity: Medium,
        confidence: Medium,
        message: "Use of extra potential SQL attack vector.",
        cwe: "CWE-89",
        check: Call(django_extra_used),
    };
}

fn is_str(expr: &Expr) -> bool {
    matches!(expr, Expr::StringLiteral(_))
}

/// The argument for `extra`'s parameter `name` at `position`: Bandit lets a
/// positional argument win over the keyword.
fn parameter<'a>(call: &'a ExprCall, name: &str, position: usize) -> Option<&'a Expr> {
    call.arguments
        .args
        .get(position)
        .or_else(|| call.arguments.find_keyword(name).map(|k| &k.value))
}

fn django_extra_used(checker: &mut Checker<'_>, call: &ExprCall) {
    if !call_name_is(checker, call, &["extra"]) {
        return;
    }
    let mut insecure =
        [("where", 1), ("tables", 3)]
            .iter()
            .any(|&(name, position)| match parameter(call, name, position) {
                None => false,
                Some(Expr::List(list)) => !list.elts.iter().all(is_str),
                Some(_) => true,
            });
    if !insecure && let Some(select) = parameter(call, "select", 0) {
        insecure = match select {
            Expr::Dict(dict) => !dict
                .items
                .iter()
                .all(|item| item.key.as_ref().is_some_and(is_str) && is_str(&item.value)),
            _ => true,
        };
    }
    if insecure {
        checker.report_issue(
            Issue::new(&DJANGO_EXTRA_USED, call.range()).data(SinkClass::Sql, select(call, Args::All)),
        );
    }
}
