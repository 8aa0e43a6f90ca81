use ruff_python_ast::{Expr, ModModule, Stmt};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::pyward::django::is_production_settings;

crate::declare_rule! {
    /// ## What it does
    /// Flags `DEBUG = True` at the top level of a Django settings module
    /// (see below for which modules count).
    ///
    /// ## Why is this bad?
    /// With `DEBUG` on, every error page shows the stack, local variables
    /// and most settings to whoever triggered it, and Django keeps every
    /// SQL query in memory.
    ///
    /// A settings module is a `settings*.py` file, or a module in a
    /// `settings` package, that assigns a Django setting (or any module
    /// that assigns two, such as `INSTALLED_APPS` and `ROOT_URLCONF`).
    /// Modules whose path says they are for development, tests or examples
    /// (`dev`, `local`, `test`, `ci`, `example`, ...) are left alone, as are
    /// assignments inside an `if`.
    ///
    /// ## Example
    /// ```python
    /// # mysite/settings.py
    /// DEBUG = True
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
    /// ```
    ///
    /// ## References
    /// - CWE-489: Active Debug Code
    /// - <https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug>
    pub(crate) static DJANGO_DEBUG_TRUE = Rule {
        code: "PW201",
        name: "django_debug_true",
        severity: Medium,
        confidence: Medium,
        message: "Django settings with DEBUG = True: error pages show code, variables and settings to anyone.",
        cwe: "CWE-489",
        check: Module(django_debug_true),
    };
}

fn django_debug_true(checker: &mut Checker<'_>, module: &ModModule) {
    let mut found = Vec::new();
    for stmt in &module.body {
        let (targets, value): (Vec<&Expr>, Option<&Expr>) = match stmt {
            Stmt::Assign(assign) => (assign.targets.iter().collect(), Some(&*assign.value)),
            Stmt::AnnAssign(assign) => (vec![&*assign.target], assign.value.as_deref()),
            _ => continue,
        };
        let is_debug = targets
            .iter()
            .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "DEBUG"));
        if is_debug && matches!(value, Some(Expr::BooleanLiteral(b)) if b.value) {
            found.push(stmt.range());
        }
    }
    if found.is_empty() || !is_production_settings(checker.path(), module, checker.source()) {
        return;
    }
    for range in found {
        checker.report(&DJANGO_DEBUG_TRUE, range);
    }
}
