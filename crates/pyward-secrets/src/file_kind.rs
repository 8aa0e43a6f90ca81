//! What a file is, judged from its name: which assignment syntax it uses,
//! and whether it is a lockfile or a generated file whose long strings
//! are hashes rather than secrets.

/// The syntax of a file, as far as assignments go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Python,
    Yaml,
    Json,
    Toml,
    /// INI, `.cfg`, `.properties`, `.conf`.
    Ini,
    /// `.env` files: `NAME=value`, `export NAME=value`.
    Env,
    Other,
}

impl FileKind {
    /// Judges by the file name (`path` uses `/` separators).
    pub fn of(path: &str) -> Self {
        let name = file_name(path).to_ascii_lowercase();
        if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            return FileKind::Env;
        }
        if matches!(name.as_str(), ".pypirc" | ".npmrc" | "pip.conf" | ".netrc") {
            return FileKind::Ini;
        }
        match extension(&name) {
            "py" | "pyi" | "pyw" | "ipynb" => FileKind::Python,
            "yaml" | "yml" => FileKind::Yaml,
            "json" => FileKind::Json,
            "toml" => FileKind::Toml,
            "ini" | "cfg" | "conf" | "properties" => FileKind::Ini,
            _ => FileKind::Other,
        }
    }

    /// Whether bare (unquoted) values are strings in this syntax, as in
    /// `password: hunter2` (YAML) or `PASSWORD=hunter2` (`.env`).
    pub fn has_bare_values(self) -> bool {
        matches!(self, FileKind::Yaml | FileKind::Ini | FileKind::Env)
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn extension(name: &str) -> &str {
    match name.rfind('.') {
        Some(dot) if dot > 0 => &name[dot + 1..],
        _ => "",
    }
}

/// Lockfiles and hash-pinned requirement files: full of digests, never of
/// secrets someone typed. Only the detectors with a checked token shape
/// run on them.
pub fn is_lockfile(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    matches!(
        name.as_str(),
        "poetry.lock"
            | "pipfile.lock"
            | "uv.lock"
            | "pdm.lock"
            | "pylock.toml"
            | "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "cargo.lock"
            | "composer.lock"
            | "gemfile.lock"
            | "go.sum"
            | "conda-lock.yml"
    ) || (name.starts_with("pylock.") && name.ends_with(".toml"))
}

/// Names of generated files that are never read by people: minified
/// bundles and source maps.
pub fn is_generated_name(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    name.ends_with(".min.js")
        || name.ends_with(".min.css")
        || name.ends_with(".js.map")
        || name.ends_with(".css.map")
        || name.ends_with(".min.map")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        assert_eq!(FileKind::of("app/settings.py"), FileKind::Python);
        assert_eq!(FileKind::of("deploy/values.YAML"), FileKind::Yaml);
        assert_eq!(FileKind::of(".env"), FileKind::Env);
        assert_eq!(FileKind::of("conf/.env.production"), FileKind::Env);
        assert_eq!(FileKind::of("prod.env"), FileKind::Env);
        assert_eq!(FileKind::of("setup.cfg"), FileKind::Ini);
        assert_eq!(FileKind::of("README"), FileKind::Other);
        assert_eq!(FileKind::of(".bashrc"), FileKind::Other);
    }

    #[test]
    fn lockfiles_and_generated() {
        assert!(is_lockfile("sub/poetry.lock"));
        assert!(is_lockfile("pylock.dev.toml"));
        assert!(!is_lockfile("pyproject.toml"));
        assert!(is_generated_name("static/app.min.js"));
        assert!(!is_generated_name("static/app.js"));
    }
}
