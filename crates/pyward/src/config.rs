//! The one configuration: `pyward.toml`, `.pyward.toml` or `[tool.pyward]`
//! in `pyproject.toml`, found upward from the scanned path (CONTRACT.md,
//! "Configuration"). Every key is optional; an unknown key is an error that
//! names it, so a typo never silently turns a check off.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pyward_model::Severity;
use serde::Deserialize;

/// The configuration keys, as CONTRACT.md lists them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// As `--fail-on`.
    pub fail_on: Option<Severity>,
    /// Findings below this severity are not reported.
    pub min_severity: Option<Severity>,
    /// Reasoned, optionally expiring ignores.
    #[serde(default)]
    pub ignore: Vec<IgnoreRule>,
    /// `[licenses]`: accepted so that a policy file written for the license
    /// check is not rejected, but not applied yet (a warning says so).
    pub licenses: Option<toml::Table>,
    /// `[code]`: the code scanner's settings.
    pub code: Option<pyward_lint::CodeConfig>,
    /// `[secrets]`: the secrets scanner's settings.
    pub secrets: Option<pyward_secrets::SecretsConfig>,
    /// `[gateway]`: the package-index gateway's settings; not used by the
    /// scanning commands (a warning says so).
    pub gateway: Option<toml::Table>,
}

/// One `[[ignore]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IgnoreRule {
    /// An advisory id or any alias; or a rule id or secret detector id.
    pub id: String,
    /// Why it is safe to ignore: required, so every ignore explains itself.
    pub reason: String,
    /// `YYYY-MM-DD`: after this day the finding returns, with a warning.
    pub expires: Option<String>,
    /// Only for this package.
    pub package: Option<String>,
    /// Only for files matching this glob (code and secret findings).
    pub path: Option<String>,
}

/// A configuration and the file it came from.
#[derive(Debug, Clone, Default)]
pub struct LoadedConfig {
    pub config: Config,
    pub path: Option<PathBuf>,
}

/// `--config FILE` when given, else the first configuration found upward
/// from `start`; no file at all is an empty configuration.
pub fn load(explicit: Option<&Path>, start: &Path) -> anyhow::Result<LoadedConfig> {
    if let Some(path) = explicit {
        let config = read(path)?.unwrap_or_default();
        return Ok(LoadedConfig {
            config,
            path: Some(path.to_path_buf()),
        });
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
            if candidate.is_file()
                && let Some(config) = read(&candidate)?
            {
                return Ok(LoadedConfig {
                    config,
                    path: Some(candidate),
                });
            }
        }
    }
    Ok(LoadedConfig::default())
}

/// Reads one file. `pyproject.toml` without `[tool.pyward]` is `None`, so
/// the search goes on upward.
fn read(path: &Path) -> anyhow::Result<Option<Config>> {
    let text = fs_err::read_to_string(path)?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let config = if is_pyproject {
        let document: toml::Table = toml::from_str(&text)
            .with_context(|| format!("`{}` is not valid TOML", path.display()))?;
        let Some(section) = document
            .get("tool")
            .and_then(|tool| tool.get("pyward"))
            .cloned()
        else {
            return Ok(None);
        };
        Config::deserialize(section)
            .with_context(|| format!("invalid `[tool.pyward]` in `{}`", path.display()))?
    } else {
        toml::from_str(&text)
            .with_context(|| format!("invalid configuration in `{}`", path.display()))?
    };
    validate(&config, path)?;
    for (section, present) in [
        ("licenses", config.licenses.is_some()),
        ("gateway", config.gateway.is_some()),
    ] {
        if present {
            crate::output::warn(&format!(
                "`[{section}]` in `{}` is not applied by this version of pyward",
                path.display()
            ));
        }
    }
    Ok(Some(config))
}

fn validate(config: &Config, path: &Path) -> anyhow::Result<()> {
    for rule in &config.ignore {
        if rule.reason.trim().is_empty() {
            bail!(
                "`{}`: the ignore entry for `{}` needs a `reason`",
                path.display(),
                rule.id
            );
        }
        if let Some(expires) = &rule.expires
            && parse_date(expires).is_none()
        {
            bail!(
                "`{}`: the ignore entry for `{}` has `expires = \"{expires}\"`; expected a date like 2027-06-30",
                path.display(),
                rule.id
            );
        }
        if let Some(glob) = &rule.path {
            globset::Glob::new(glob).with_context(|| {
                format!(
                    "`{}`: bad `path` glob `{glob}` for `{}`",
                    path.display(),
                    rule.id
                )
            })?;
        }
    }
    Ok(())
}

/// `YYYY-MM-DD` as a comparable (year, month, day).
pub fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
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
        assert_eq!(loaded.config.fail_on, Some(Severity::High));
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
        let err = format!("{:#}", load(Some(&path), dir.path()).unwrap_err());
        assert!(err.contains("fail-onn"), "{err}");
    }

    #[test]
    fn ignore_needs_reason_and_date() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "pyward.toml",
            "[[ignore]]\nid = \"PYSEC-1\"\nreason = \"\"\n",
        );
        assert!(format!("{:#}", load(Some(&path), dir.path()).unwrap_err()).contains("reason"));
        let path = write(
            dir.path(),
            "pyward.toml",
            "[[ignore]]\nid = \"PYSEC-1\"\nreason = \"x\"\nexpires = \"soon\"\n",
        );
        assert!(format!("{:#}", load(Some(&path), dir.path()).unwrap_err()).contains("expires"));
    }

    #[test]
    fn dates_parse() {
        assert_eq!(parse_date("2027-06-30"), Some((2027, 6, 30)));
        assert_eq!(parse_date("2027-13-01"), None);
        assert!(parse_date("2026-01-02") < parse_date("2026-10-01"));
    }
}
