use ruff_python_ast::{Expr, ModModule, Stmt};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::pyward::django::is_production_settings;

crate::declare_rule! {
    /// ## What it does
    /// Flags `ALLOWED_HOSTS = ["*"]` at the top level of a Django settings
    /// module (the same modules as PW201).
    ///
    /// ## Why is this bad?
    /// `ALLOWED_HOSTS` is Django's defence against forged `Host` headers,
    /// which otherwise end up in password-reset links and absolute URLs
    /// (host header poisoning). `"*"` switches it off.
    ///
    /// ## Example
    /// ```python
    /// ALLOWED_HOSTS = ["*"]
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// ALLOWED_HOSTS = ["www.example.com", "example.com"]
    /// ```
    ///
    /// ## References
    /// - CWE-20
    /// - <https://docs.djangoproject.com/en/stable/ref/settings/#allowed-hosts>
    pub(crate) static DJANGO_ALLOWED_HOSTS_WILDCARD = Rule {
        code: "PW202",
        name: "django_allowed_hosts_wildcard",
        severity: Medium,
        confidence: Medium,
        message: "Django settings with ALLOWED_HOSTS = [\"*\"]: any Host header is accepted.",
        cwe: "CWE-20",
        check: Module(django_allowed_hosts_wildcard),
    };
}

fn has_wildcard(value: &Expr) -> bool {
    let elts = match value {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        Expr::Set(set) => &set.elts,
        _ => return false,
    };
    elts.iter()
        .any(|e| crate::helpers::string_value(e) == Some("*"))
}

fn django_allowed_hosts_wildcard(checker: &mut Checker<'_>, module: &ModModule) {
    let mut found = Vec::new();
    for stmt in &module.body {
        let (targets, value): (Vec<&Expr>, Option<&Expr>) = match stmt {
            Stmt::Assign(assign) => (assign.targets.iter().collect(), Some(&*assign.value)),
            Stmt::AnnAssign(assign) => (vec![&*assign.target], assign.value.as_deref()),
            _ => continue,
        };
        let is_hosts = targets
            .iter()
            .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "ALLOWED_HOSTS"));
        if is_hosts && value.is_some_and(has_wildcard) {
            found.push(stmt.range());
        }
    }
    if found.is_empty() || !is_production_settings(checker.path(), module, checker.source()) {
        return;
    }
    for range in found {
        checker.report(&DJANGO_ALLOWED_HOSTS_WILDCARD, range);
    }
}
