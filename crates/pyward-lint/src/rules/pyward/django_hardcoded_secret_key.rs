use ruff_python_ast::{Expr, ModModule, Stmt};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::pyward::django::is_production_settings;

crate::declare_rule! {
    /// ## What it does
    /// Flags a `SECRET_KEY` written in a Django settings module (the same
    /// modules as PW201): a non-empty string literal, or the default of
    /// `os.environ.get("...", "...")` / `os.getenv("...", "...")`.
    ///
    /// ## Why is this bad?
    /// The secret key signs sessions, password-reset tokens and signed
    /// cookies. Anyone who has the source (a leaked repository, a former
    /// contributor) can forge them and log in as any user.
    ///
    /// ## Example
    /// ```python
    /// SECRET_KEY = "django-insecure-3x!k..."
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    /// ```
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials
    /// - <https://docs.djangoproject.com/en/stable/ref/settings/#secret-key>
    pub(crate) static DJANGO_HARDCODED_SECRET_KEY = Rule {
        code: "PW203",
        name: "django_hardcoded_secret_key",
        severity: High,
        confidence: Medium,
        message: "Django SECRET_KEY written in the settings; read it from the environment or a secret store.",
        cwe: "CWE-798",
        check: Module(django_hardcoded_secret_key),
    };
}

/// The literal the value puts in the code, if any.
fn literal_key<'a>(checker: &Checker<'_>, value: &'a Expr) -> Option<&'a str> {
    match value {
        Expr::StringLiteral(string) => Some(string.value.to_str()),
        Expr::Call(call) => {
            let qualified = checker.resolve_qualified_name(&call.func)?;
            if !matches!(qualified.as_str(), "os.environ.get" | "os.getenv") {
                return None;
            }
            call.arguments
                .args
                .get(1)
                .or_else(|| crate::helpers::keyword(call, "default"))
                .and_then(crate::helpers::string_value)
        }
        _ => None,
    }
}

fn django_hardcoded_secret_key(checker: &mut Checker<'_>, module: &ModModule) {
    let mut found = Vec::new();
    for stmt in &module.body {
        let (targets, value): (Vec<&Expr>, Option<&Expr>) = match stmt {
            Stmt::Assign(assign) => (assign.targets.iter().collect(), Some(&*assign.value)),
            Stmt::AnnAssign(assign) => (vec![&*assign.target], assign.value.as_deref()),
            _ => continue,
        };
        let is_key = targets
            .iter()
            .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == "SECRET_KEY"));
        if is_key
            && let Some(value) = value
            && literal_key(checker, value).is_some_and(|key| !key.trim().is_empty())
        {
            found.push(stmt.range());
        }
    }
    if found.is_empty() || !is_production_settings(checker.path(), module, checker.source()) {
        return;
    }
    for range in found {
        checker.report(&DJANGO_HARDCODED_SECRET_KEY, range);
    }
}
