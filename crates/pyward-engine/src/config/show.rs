//! `pyward config --show`: every setting in effect and where it came from
//! (a line of a file, a command-line flag, or the default).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::config::Located;
use crate::setup::Setup;

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A configuration file, at this line when known.
    File { path: PathBuf, line: Option<u32> },
    /// A command-line flag (or its environment variable).
    Flag(&'static str),
    /// Nothing set it.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                path,
                line: Some(line),
            } => write!(f, "{}:{line}", path.display()),
            Origin::File { path, line: None } => write!(f, "{}", path.display()),
            Origin::Flag(flag) => write!(f, "{flag}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// One setting in effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// As the configuration file spells it (`code.select`).
    pub key: String,
    /// As TOML would write it, or a description for defaults.
    pub value: String,
    pub origin: Origin,
}

/// Every setting of `setup`, in the order the configuration page
/// documents them.
pub fn effective(setup: &Setup) -> Vec<Setting> {
    let loaded = &setup.config;
    let config = &loaded.config;
    let request = &setup.request;
    let located = loaded.path.as_deref().and_then(locate);
    let file = |path: &[&str]| -> Origin {
        let line = located.as_ref().and_then(|l| l.line_of(path));
        Origin::File {
            path: loaded.path.clone().unwrap_or_default(),
            line,
        }
    };
    let mut out = Vec::new();
    let mut push = |key: &str, value: String, origin: Origin| {
        out.push(Setting {
            key: key.to_string(),
            value,
            origin,
        });
    };

    match (request.fail_on, config.fail_on) {
        (Some(flag), _) => push("fail-on", quoted(flag), Origin::Flag("--fail-on")),
        (None, Some(value)) => push("fail-on", quoted(value), file(&["fail-on"])),
        (None, None) => push("fail-on", "any finding".into(), Origin::Default),
    }
    match config.fail_on_unknown {
        Some(value) => push(
            "fail-on-unknown",
            value.to_string(),
            file(&["fail-on-unknown"]),
        ),
        None => push("fail-on-unknown", "true".into(), Origin::Default),
    }
    match (request.min_severity, config.min_severity) {
        (Some(flag), _) => push("min-severity", quoted(flag), Origin::Flag("--min-severity")),
        (None, Some(value)) => push("min-severity", quoted(value), file(&["min-severity"])),
        (None, None) => push(
            "min-severity",
            "none (every finding shown)".into(),
            Origin::Default,
        ),
    }
    match config.unreachable {
        Some(value) => push(
            "unreachable",
            quoted(value.as_str()),
            file(&["unreachable"]),
        ),
        None => push("unreachable", "\"fail\"".into(), Origin::Default),
    }
    for (index, rule) in config.ignore.iter().enumerate() {
        let mut value = format!("{} ({})", rule.label(), rule.reason);
        if let Some(expires) = &rule.expires {
            value.push_str(&format!(", expires {expires}"));
        }
        push(
            "ignore",
            value,
            Origin::File {
                path: loaded.path.clone().unwrap_or_default(),
                line: located.as_ref().and_then(|l| l.entry_line("ignore", index)),
            },
        );
    }
    for id in &request.ignore {
        push("ignore", id.clone(), Origin::Flag("--ignore"));
    }

    let code = config.code.clone().unwrap_or_default();
    let code_origin = |key: &str, set: bool| {
        if set {
            file(&["code", key])
        } else {
            Origin::Default
        }
    };
    let select = if request.code.select.is_empty() {
        (
            code.select
                .as_ref()
                .map_or_else(|| "every rule".into(), |s| list(s)),
            code_origin("select", code.select.is_some()),
        )
    } else {
        (list(&request.code.select), Origin::Flag("--select"))
    };
    push("code.select", select.0, select.1);
    push(
        "code.ignore",
        list(&code.ignore),
        code_origin("ignore", !code.ignore.is_empty()),
    );
    push(
        "code.exclude",
        list(&code.exclude),
        code_origin("exclude", !code.exclude.is_empty()),
    );

    let secrets = config.secrets.clone().unwrap_or_default();
    let (baseline, baseline_origin) = match (&request.secrets.baseline, &secrets.baseline) {
        (Some(path), _) => (path.display().to_string(), Origin::Flag("--baseline")),
        (None, Some(path)) => (
            setup.config_folder().join(path).display().to_string(),
            file(&["secrets", "baseline"]),
        ),
        (None, None) => (
            format!(
                "{} (read when it exists)",
                setup.config_folder().join(".secrets.baseline").display()
            ),
            Origin::Default,
        ),
    };
    push("secrets.baseline", baseline, baseline_origin);
    push(
        "secrets.exclude",
        list(&secrets.exclude),
        if secrets.exclude.is_empty() {
            Origin::Default
        } else {
            file(&["secrets", "exclude"])
        },
    );
    push(
        "secrets.max-file-size",
        secrets
            .max_file_size
            .unwrap_or(pyward_secrets::DEFAULT_MAX_FILE_SIZE)
            .to_string(),
        if secrets.max_file_size.is_some() {
            file(&["secrets", "max-file-size"])
        } else {
            Origin::Default
        },
    );

    let (database, database_origin) = match &request.db.path {
        Some(path) => (path.display().to_string(), Origin::Flag("--db / PYWARD_DB")),
        None => match pyward_osv::default_path().filter(|p| p.exists()) {
            Some(path) => (path.display().to_string(), Origin::Default),
            None => ("built-in snapshot".to_string(), Origin::Default),
        },
    };
    push("database", database, database_origin);
    push(
        "offline",
        request.db.offline.to_string(),
        if request.db.offline {
            Origin::Flag("--offline")
        } else {
            Origin::Default
        },
    );
    out
}

fn locate(path: &Path) -> Option<Located> {
    let text = fs_err::read_to_string(path).ok()?;
    let in_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    Located::parse(&text, in_pyproject)
}

fn quoted(value: impl fmt::Display) -> String {
    format!("\"{value}\"")
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Request;

    #[test]
    fn each_value_names_its_origin() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n\n[tool.pyward]\nfail-on = \"high\"\n\n[tool.pyward.code]\nexclude = [\"tests/**\"]\n",
        )
        .unwrap();
        let setup = Setup::new(Request {
            paths: vec![dir.path().to_path_buf()],
            min_severity: Some(pyward_model::Severity::Low),
            ..Request::default()
        })
        .unwrap();
        let settings = effective(&setup);
        let find = |key: &str| settings.iter().find(|s| s.key == key).unwrap();
        let fail_on = find("fail-on");
        assert_eq!(fail_on.value, "\"high\"");
        assert!(
            matches!(&fail_on.origin, Origin::File { line: Some(5), .. }),
            "{:?}",
            fail_on.origin
        );
        assert_eq!(find("min-severity").origin, Origin::Flag("--min-severity"));
        assert_eq!(find("fail-on-unknown").origin, Origin::Default);
        assert!(matches!(
            find("code.exclude").origin,
            Origin::File { line: Some(8), .. }
        ));
    }
}
