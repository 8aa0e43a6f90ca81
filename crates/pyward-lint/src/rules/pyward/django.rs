//! Recognising a Django settings module, for PW201–PW203.

use ruff_python_ast::{Expr, ModModule, Stmt};

/// Settings only Django projects have.
const DJANGO_SETTINGS: &[&str] = &[
    "INSTALLED_APPS",
    "MIDDLEWARE",
    "MIDDLEWARE_CLASSES",
    "ROOT_URLCONF",
    "DATABASES",
    "TEMPLATES",
    "WSGI_APPLICATION",
    "ASGI_APPLICATION",
    "ALLOWED_HOSTS",
    "AUTH_PASSWORD_VALIDATORS",
    "STATIC_URL",
    "DEFAULT_AUTO_FIELD",
    "SECRET_KEY",
];

/// Path words of settings meant for development, tests or documentation,
/// where `DEBUG = True` and a literal key are expected.
const NOT_PRODUCTION: &[&str] = &[
    "dev",
    "develop",
    "development",
    "local",
    "test",
    "tests",
    "testing",
    "ci",
    "example",
    "examples",
    "sample",
    "docs",
    "doc",
    "demo",
    "tox",
];

/// The names a module's top-level statements assign.
fn assigned_names(module: &ModModule) -> impl Iterator<Item = &str> {
    module.body.iter().flat_map(|stmt| {
        let targets: Vec<&Expr> = match stmt {
            Stmt::Assign(assign) => assign.targets.iter().collect(),
            Stmt::AnnAssign(assign) => vec![&*assign.target],
            _ => Vec::new(),
        };
        targets.into_iter().filter_map(|t| match t {
            Expr::Name(name) => Some(name.id.as_str()),
            _ => None,
        })
    })
}

/// Whether `path` (relative, `/`-separated) holding `module` is a Django
/// settings module for a deployed site: named `settings*.py` or inside a
/// `settings` package and assigning a Django setting, or assigning two
/// Django settings whatever its name; and not named for development,
/// tests or documentation.
pub(crate) fn is_production_settings(path: &str, module: &ModModule, source: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let components: Vec<&str> = lower.split('/').collect();
    let Some(file) = components.last() else {
        return false;
    };
    let stem = file.strip_suffix(".py").unwrap_or(file);
    for component in components
        .iter()
        .take(components.len() - 1)
        .chain(std::iter::once(&stem))
    {
        if crate::rules::pyward::words::words(component)
            .iter()
            .any(|w| NOT_PRODUCTION.contains(&w.as_str()))
        {
            return false;
        }
    }
    let django_names = assigned_names(module)
        .filter(|name| DJANGO_SETTINGS.contains(name))
        .count();
    let named_settings =
        stem.starts_with("settings") || components.iter().rev().skip(1).any(|c| *c == "settings");
    (named_settings && (django_names >= 1 || source.contains("django"))) || django_names >= 2
}

#[cfg(test)]
mod tests {
    use super::is_production_settings;

    fn check(path: &str, source: &str) -> bool {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        is_production_settings(path, parsed.syntax(), source)
    }

    #[test]
    fn settings_modules() {
        assert!(check(
            "mysite/settings.py",
            "DEBUG = True\nINSTALLED_APPS = []\n"
        ));
        assert!(check(
            "mysite/settings/production.py",
            "from .base import *  # django\nDEBUG = True\n"
        ));
        assert!(check("conf.py", "ROOT_URLCONF = 'x'\nDATABASES = {}\n"));
        assert!(!check(
            "mysite/settings/dev.py",
            "DEBUG = True\nINSTALLED_APPS = []\n"
        ));
        assert!(!check(
            "mysite/local_settings.py",
            "DEBUG = True\nINSTALLED_APPS = []\n"
        ));
        assert!(!check(
            "tests/settings.py",
            "DEBUG = True\nINSTALLED_APPS = []\n"
        ));
        assert!(!check("app/config.py", "DEBUG = True\n"));
        assert!(!check("app/settings.py", "DEBUG = True\n"));
    }
}
