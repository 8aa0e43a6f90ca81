//! Bandit's reading of call names, shared by the B5xx–B7xx rules.

use std::borrow::Cow;

use ruff_python_ast::{Expr, ExprCall};

use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::registry::Rule;

/// Bandit's `call_function_name`: the last name of what a call calls,
/// after import aliases (`run` after `from subprocess import run as go` for
/// `go()`); an attribute's name whatever it is on (`extra` in
/// `qs.filter().extra()`); empty for other callees (`f()()`).
pub(crate) fn call_name<'a>(checker: &mut Checker<'_>, call: &'a ExprCall) -> Cow<'a, str> {
    match &*call.func {
        Expr::Attribute(attribute) => Cow::Borrowed(attribute.attr.as_str()),
        Expr::Name(name) => match checker.call_qualified_name(call) {
            Some(qualified) if qualified.is_imported() => Cow::Owned(qualified.last().to_string()),
            // Not imported: the name itself, no allocation.
            _ => Cow::Borrowed(name.id.as_str()),
        },
        _ => Cow::Borrowed(""),
    }
}

/// Whether the call's name (see [`call_name`]) is one of `names`.
pub(crate) fn call_name_is(checker: &mut Checker<'_>, call: &ExprCall, names: &[&str]) -> bool {
    // Cheap test first: most calls are attributes or plain names.
    match &*call.func {
        Expr::Attribute(attribute) => names.contains(&attribute.attr.as_str()),
        Expr::Name(_) => names.contains(&call_name(checker, call).as_ref()),
        _ => false,
    }
}

/// Bandit's `call_function_name_qual`, as a string; `None` where Bandit's
/// would start with an empty segment (`f().x`), which no rule looks for.
pub(crate) fn qualified_name<'c>(checker: &'c mut Checker<'_>, call: &ExprCall) -> Option<&'c str> {
    checker.call_qualified_name(call).map(|q| q.as_str())
}

/// An issue reported where Bandit reports it for a call: at the value of
/// keyword argument `keyword` when the call has it (Bandit's
/// `get_lineno_for_call_arg`), else at the call; a `# nosec` anywhere on
/// the call's lines silences it.
pub(crate) fn issue_at_keyword(rule: &'static Rule, call: &ExprCall, keyword: &str) -> Issue {
    let range = call
        .arguments
        .find_keyword(keyword)
        .map_or_else(|| call.range(), |k| k.value.range());
    Issue::new(rule, range).context(call.range())
}
