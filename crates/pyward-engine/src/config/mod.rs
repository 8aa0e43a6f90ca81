//! The one configuration: `pyward.toml`, `.pyward.toml` or `[tool.pyward]`
//! in `pyproject.toml`, found upward from the scanned path (CONTRACT.md,
//! "Configuration"). Every key is optional; an unknown key is an error that
//! names it, so a typo never silently turns a check off.

use std::path::{Path, PathBuf};

use pyward_model::Severity;
use serde::Deserialize;

use crate::EngineError;
use crate::policy::FailOn;

pub mod safety;
pub mod show;
mod spans;

pub use spans::Located;

/// A configuration file larger than this is not a configuration file.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// The configuration keys, as CONTRACT.md lists them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// As `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// Whether an advisory with no severity fails at every `fail-on`
    /// threshold [default: true].
    pub fail_on_unknown: Option<bool>,
    /// Findings below this severity are not reported.
    pub min_severity: Option<Severity>,
    /// What a vulnerability on a dependency first-party code does not
    /// reach does to the exit status [default: fail].
    pub unreachable: Option<Unreachable>,
    /// Reasoned, optionally expiring ignores.
    #[serde(default)]
    pub ignore: Vec<IgnoreRule>,
    /// `[licenses]`: the license policy.
    pub licenses: Option<pyward_licenses::LicensePolicy>,
    /// `[typosquat]`: names never reported as look-alikes.
    pub typosquat: Option<TyposquatConfig>,
    /// `[code]`: the code scanner's settings.
    pub code: Option<pyward_lint::CodeConfig>,
    /// `[secrets]`: the secrets scanner's settings.
    pub secrets: Option<pyward_secrets::SecretsConfig>,
    /// `[gateway]`: the package-index gateway's settings (the scanning
    /// commands do not read them).
    pub gateway: Option<crate::judge::GatewayConfig>,
}

/// `unreachable`: whether findings marked `reachable: false` fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unreachable {
    /// They count as any other finding (the default).
    Fail,
    /// They are reported, marked, and do not fail the run.
    Warn,
}

impl Unreachable {
    pub fn as_str(self) -> &'static str {
        match self {
            Unreachable::Fail => "fail",
            Unreachable::Warn => "warn",
        }
    }
}

/// `[typosquat]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TyposquatConfig {
    /// Package names the project vouches for: never reported as
    /// look-alikes, whatever they resemble.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// One `[[ignore]]` entry: an id, a package pattern, or both.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IgnoreRule {
    /// An advisory id or any alias; or a rule id or secret detector id.
    /// Without one, the entry sets aside every finding of `package`
    /// (internal packages).
    pub id: Option<String>,
    /// Why it is safe to ignore: required, so every ignore explains itself.
    pub reason: String,
    /// `YYYY-MM-DD`: after this day the finding returns, with a warning.
    pub expires: Option<String>,
    /// Only for this package: a name or a glob (`acme-*`), compared with
    /// the normalized name.
    pub package: Option<String>,
    /// Only for versions in this PEP 440 range (`<3.2`).
    pub versions: Option<String>,
    /// Only for files matching this glob (code and secret findings).
    pub path: Option<String>,
}

impl IgnoreRule {
    /// How messages name the entry: its id, else its package pattern.
    pub fn label(&self) -> String {
        match (&self.id, &self.package) {
            (Some(id), _) => id.clone(),
            (None, Some(package)) => format!("package = {package}"),
            (None, None) => "(empty)".to_string(),
        }
    }

    /// The expiry day, when there is one (checked when the file was read).
    pub fn expiry(&self) -> Option<jiff::civil::Date> {
        self.expires
            .as_deref()
            .and_then(|text| parse_date(text).ok())
    }
}

/// A configuration and the file it came from.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    pub config: Config,
    pub path: Option<PathBuf>,
    /// What reading it has to tell the user (sections not applied yet).
    pub warnings: Vec<String>,
    /// What else was read (a Safety policy).
    pub notes: Vec<String>,
    /// Safety's `ignore-unpinned-requirements`: ranges are not assessed.
    pub ignore_unpinned: bool,
}

impl LoadedConfig {
    /// The folder paths in the configuration are relative to: the
    /// configuration file's own folder, else `fallback`.
    pub fn folder_or(&self, fallback: &Path) -> PathBuf {
        self.path
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| fallback.to_path_buf(), Path::to_path_buf)
    }
}

/// `--config FILE` when given, else the first configuration found upward
/// from `start`; no file at all is an empty configuration. A Safety policy
/// (`.safety-policy.yml`) beside the configuration, or in `start`, adds
/// its decisions.
pub fn load(explicit: Option<&Path>, start: &Path) -> Result<LoadedConfig, EngineError> {
    let mut loaded = load_pyward(explicit, start)?;
    let folders = [
        loaded
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf),
        Some(if start.is_file() {
            start.parent().unwrap_or(start).to_path_buf()
        } else {
            start.to_path_buf()
        }),
    ];
    for folder in folders.into_iter().flatten() {
        let candidate = folder.join(safety::FILE_NAME);
        let Ok(meta) = fs_err::symlink_metadata(&candidate) else {
            continue;
        };
        if meta.is_file() {
            let policy = safety::SafetyPolicy::load(&candidate)?;
            loaded.ignore_unpinned = policy.ignore_unpinned;
            let notes = policy.merge_into(&mut loaded.config, &candidate);
            loaded.notes.extend(notes);
            break;
        }
    }
    Ok(loaded)
}

fn load_pyward(explicit: Option<&Path>, start: &Path) -> Result<LoadedConfig, EngineError> {
    if let Some(path) = explicit {
        let mut loaded = LoadedConfig {
            path: Some(path.to_path_buf()),
            ..LoadedConfig::default()
        };
        if let Some(config) = read(path, &mut loaded.warnings)? {
            loaded.config = config;
        }
        return Ok(loaded);
    }
    let start = if start.is_file() {
        start.parent().unwrap_or(start)
    } else {
        start
    };
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        for name in ["pyward.toml", ".pyward.toml", "pyproject.toml"] {
            let candidate = dir.join(name);
            // A configuration found by looking around is a plain file:
            // never a link (it could point anywhere, `/proc/self/environ`
            // included) nor a device or pipe.
            let Ok(meta) = fs_err::symlink_metadata(&candidate) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let mut warnings = Vec::new();
            if let Some(config) = read(&candidate, &mut warnings)? {
                return Ok(LoadedConfig {
                    config,
                    path: Some(candidate),
                    warnings,
                    notes: Vec::new(),
                    ignore_unpinned: false,
                });
            }
        }
    }
    Ok(LoadedConfig::default())
}

/// Reads one file. `pyproject.toml` without `[tool.pyward]` is `None`, so
/// the search goes on upward.
fn read(path: &Path, _warnings: &mut Vec<String>) -> Result<Option<Config>, EngineError> {
    let text = read_text(path)?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let config = if is_pyproject {
        // Only `[tool.pyward]` is ours; the rest of the file is read for
        // its shape alone.
        #[derive(Deserialize)]
        struct Pyproject {
            tool: Option<Tool>,
        }
        #[derive(Deserialize)]
        struct Tool {
            pyward: Option<Config>,
        }
        let document: Pyproject =
            toml::from_str(&text).map_err(|e| config_error(path, &text, true, &e))?;
        match document.tool.and_then(|tool| tool.pyward) {
            Some(config) => config,
            None => return Ok(None),
        }
    } else {
        toml::from_str(&text).map_err(|e| config_error(path, &text, false, &e))?
    };
    validate(&config, path, &text, is_pyproject)?;
    Ok(Some(config))
}

/// A configuration error as one line: the line number, the key, the
/// nearest valid key for a typo; never a snippet of the file (which could
/// hold anything, passwords in source URLs included).
fn config_error(
    path: &Path,
    text: &str,
    in_pyproject: bool,
    error: &toml::de::Error,
) -> EngineError {
    let message = error
        .message()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let span_line = error
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    if let Some(field) = spans::unknown_field(&message) {
        let located = Located::parse(text, in_pyproject);
        let place = located.as_ref().and_then(|l| l.find_key(field));
        let line = place.as_ref().map(|(line, _)| *line as usize).or(span_line);
        let table = match place.map(|(_, table)| table) {
            Some(table) if !table.is_empty() => format!(" in `[{}]`", table.join(".")),
            _ if in_pyproject => " in `[tool.pyward]`".to_string(),
            _ => String::new(),
        };
        let hint = spans::nearest(field, spans::expected_fields(&message))
            .map(|near| format!("; did you mean `{near}`?"))
            .unwrap_or_default();
        let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
        return EngineError::config(path, format!("{at}unknown key `{field}`{table}{hint}"));
    }
    let what = if text.parse::<toml::Table>().is_err() {
        "not valid TOML"
    } else {
        "invalid configuration"
    };
    EngineError::config(
        path,
        match span_line {
            Some(line) => format!("line {line}: {what}: {message}"),
            None => format!("{what}: {message}"),
        },
    )
}

/// The file's text, refusing what is not a plain file of reasonable size
/// (`--config /dev/zero` must not hang or fill memory).
fn read_text(path: &Path) -> Result<String, EngineError> {
    let meta = fs_err::metadata(path).map_err(|e| EngineError::config(path, io_reason(&e)))?;
    if !meta.is_file() {
        return Err(EngineError::config(
            path,
            "not a regular file; a configuration is a TOML file",
        ));
    }
    if meta.len() > MAX_CONFIG_SIZE {
        return Err(EngineError::config(
            path,
            format!(
                "{} bytes is over the {MAX_CONFIG_SIZE} byte limit for a configuration file",
                meta.len()
            ),
        ));
    }
    let bytes = fs_err::read(path).map_err(|e| EngineError::config(path, io_reason(&e)))?;
    String::from_utf8(bytes).map_err(|_| EngineError::config(path, "not UTF-8 text"))
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => {
            let text = error.to_string();
            text.rsplit(": ").next().unwrap_or(&text).to_string()
        }
    }
}

fn validate(
    config: &Config,
    path: &Path,
    text: &str,
    in_pyproject: bool,
) -> Result<(), EngineError> {
    let located = Located::parse(text, in_pyproject);
    for (index, rule) in config.ignore.iter().enumerate() {
        let fail = |message: String| {
            let at = located
                .as_ref()
                .and_then(|l| l.entry_line("ignore", index))
                .map(|line| format!("line {line}: "))
                .unwrap_or_default();
            Err(EngineError::config(path, format!("{at}{message}")))
        };
        if rule.id.is_none() && rule.package.is_none() {
            return fail("an ignore entry needs an `id`, a `package`, or both".into());
        }
        if rule.reason.trim().is_empty() {
            return fail(format!(
                "the ignore entry for `{}` needs a `reason`",
                rule.label()
            ));
        }
        if let Some(versions) = &rule.versions
            && let Err(e) = versions.parse::<pep440_rs::VersionSpecifiers>()
        {
            return fail(format!(
                "the ignore entry for `{}` has `versions = \"{versions}\"`: {e}",
                rule.label()
            ));
        }
        if let Some(package) = &rule.package
            && let Err(e) = globset::Glob::new(package)
        {
            return fail(format!("bad `package` pattern `{package}`: {e}"));
        }
        if let Some(expires) = &rule.expires
            && let Err(why) = parse_date(expires)
        {
            return fail(format!(
                "the ignore entry for `{}` has `expires = \"{expires}\"`: {why}; expected a date like 2027-06-30",
                rule.label()
            ));
        }
        if let Some(glob) = &rule.path
            && let Err(e) = globset::Glob::new(glob)
        {
            return fail(format!(
                "bad `path` glob `{glob}` for `{}`: {e}",
                rule.label()
            ));
        }
    }
    Ok(())
}

/// `YYYY-MM-DD`, a real day of the calendar (`2027-02-31` is not).
pub fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    let text = text.trim();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err("not a date".to_string());
    }
    text.parse::<jiff::civil::Date>()
        .map_err(|_| "no such day".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        fs_err::write(&path, text).unwrap();
        path
    }

    #[test]
    fn finds_pyproject_section_upward() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[tool.pyward]\nfail-on = \"high\"\n",
        );
        let sub = dir.path().join("src/app");
        fs_err::create_dir_all(&sub).unwrap();
        let loaded = load(None, &sub).unwrap();
        assert_eq!(
            loaded.config.fail_on,
            Some(FailOn::AtOrAbove(Severity::High))
        );
    }

    #[test]
    fn pyproject_without_section_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "pyproject.toml", "[project]\nname = \"x\"\n");
        let loaded = load(None, dir.path()).unwrap();
        assert!(loaded.path.is_none() || loaded.path.unwrap().parent() != Some(dir.path()));
    }

    #[test]
    fn unknown_key_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "pyward.toml", "fail-onn = \"high\"\n");
        let err = load(Some(&path), dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 1: unknown key `fail-onn`"), "{err}");
        assert!(err.contains("did you mean `fail-on`?"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn unknown_keys_in_sections_name_the_section_and_line() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.pyward.code]\nselct = [\"B\"]\n",
        );
        let err = load(None, dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("line 5: unknown key `selct` in `[code]`"),
            "{err}"
        );
        assert!(err.contains("did you mean `select`?"), "{err}");
        let path = write(dir.path(), "pyward.toml", "fail-on = 5\n");
        let err = load(Some(&path), dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn ignore_entries_are_named_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "pyward.toml",
            "[[ignore]]\nid = \"A\"\nreason = \"x\"\n\n[[ignore]]\nid = \"B\"\nreason = \"\"\n",
        );
        let err = load(Some(&path), dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("line 5: the ignore entry for `B` needs a `reason`"),
            "{err}"
        );
    }

    #[test]
    fn ignore_needs_reason_and_a_real_date() {
        let dir = tempfile::tempdir().unwrap();
        for (entry, want) in [
            ("reason = \"\"\n", "reason"),
            ("reason = \"x\"\nexpires = \"soon\"\n", "not a date"),
            ("reason = \"x\"\nexpires = \"2027-02-31\"\n", "no such day"),
        ] {
            let path = write(
                dir.path(),
                "pyward.toml",
                &format!("[[ignore]]\nid = \"PYSEC-1\"\n{entry}"),
            );
            let err = load(Some(&path), dir.path()).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
        }
    }

    #[test]
    fn toml_errors_are_one_line_and_quote_nothing_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "pyward.toml",
            "fail-on = \"high\"\nurl = https://user:hunter2@example.com\n",
        );
        let err = load(Some(&path), dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn special_and_linked_configurations_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let err = load(Some(Path::new("/dev/zero")), dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a regular file"), "{err}");
        let outside = tempfile::tempdir().unwrap();
        let target = write(outside.path(), "pyward.toml", "fail-on = \"high\"\n");
        std::os::unix::fs::symlink(&target, dir.path().join("pyward.toml")).unwrap();
        let loaded = load(None, dir.path()).unwrap();
        assert_ne!(
            loaded.path.as_deref(),
            Some(dir.path().join("pyward.toml").as_path())
        );
    }

    #[test]
    fn unreachable_is_fail_or_warn_and_a_typo_is_named_by_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "pyward.toml", "unreachable = \"warn\"\n");
        let loaded = load(Some(&path), dir.path()).unwrap();
        assert_eq!(loaded.config.unreachable, Some(Unreachable::Warn));
        let path = write(
            dir.path(),
            "pyward.toml",
            "fail-on = \"high\"\nunreachable = \"ignore\"\n",
        );
        let err = load(Some(&path), dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("fail") && err.contains("warn"), "{err}");
        let path = write(dir.path(), "pyward.toml", "unreachabel = \"warn\"\n");
        let err = load(Some(&path), dir.path()).unwrap_err().to_string();
        assert!(err.contains("did you mean `unreachable`?"), "{err}");
    }

    #[test]
    fn dates_parse() {
        assert!(parse_date("2027-06-30").is_ok());
        assert!(parse_date("2027-13-01").is_err());
        assert!(parse_date("2024-02-29").is_ok());
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2026-01-02").unwrap() < parse_date("2026-10-01").unwrap());
    }
}
