//! Which rules run and on which files: the `[code]` configuration, a
//! migrating user's Bandit configuration, and the [`Settings`] built from
//! them.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use pyward_model::{Confidence, Severity};
use serde::{Deserialize, Serialize};

use crate::registry::{
    self, CallCheck, Check, ExprCheck, ImportCheck, ModuleCheck, Rule, StmtCheck,
};
use crate::taint::SinkClass;
use crate::taint::config::{TaintConfig, TaintSettings};

/// How the checks whose danger depends on data (Bandit's B102, B307, B3xx
/// deserialisation and `urlopen`, B506, B601-B606, B608, B610, B611,
/// B703, B704) decide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// They ask the data-flow analysis: a call that only constants or
    /// sanitised values reach is not reported; one that untrusted data
    /// reaches is reported with high confidence and the path; one whose
    /// inputs are not known (parameters, library results) is reported as
    /// Bandit reports it.
    #[default]
    Precise,
    /// Exactly Bandit's findings, for teams migrating their `# nosec`
    /// markers.
    Bandit,
}

impl Profile {
    /// `precise` or `bandit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Precise => "precise",
            Profile::Bandit => "bandit",
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "precise" => Ok(Profile::Precise),
            "bandit" => Ok(Profile::Bandit),
            other => Err(format!("`{other}` is not a profile (precise, bandit)")),
        }
    }
}

/// `[code]` in `pyward.toml`, `[tool.pyward.code]` in `pyproject.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CodeConfig {
    /// Rule ids or prefixes to run (`B`, `B6`, `PW`, `B602`); every rule
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    /// Rule ids or prefixes never to run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Globs (relative to the scanned root) of files and folders to skip.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// Findings below this severity are not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Findings below this confidence are not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// `precise` (the default) or `bandit`: see [`Profile`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<Profile>,
    /// `[code.taint]`: the project's own sources, sinks and sanitisers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taint: Option<TaintConfig>,
}

/// Why the settings could not be built or a Bandit file not read.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("`{0}` is not a rule id or prefix (see `pyward rule --all`)")]
    UnknownRule(String),
    #[error("`{glob}` is not a valid glob: {source}")]
    BadGlob {
        glob: String,
        #[source]
        source: globset::Error,
    },
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}`: {message}")]
    BanditConfig { path: PathBuf, message: String },
    #[error(
        "`{0}` in `[code.taint]` is not a sink class (sql, command, code, path, xss, template, redirect, ssrf, ldap, xpath, xxe, deserialization, trust-boundary, header, log; `all` for sanitizers)"
    )]
    UnknownTaintClass(String),
}

/// The Bandit options pyward understands, from `[tool.bandit]` in
/// `pyproject.toml` or a `.bandit` file (INI `[bandit]` section or YAML).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct BanditConfig {
    /// Test ids not to run (`B101`).
    #[serde(default)]
    pub skips: Vec<String>,
    /// The only test ids to run.
    #[serde(default)]
    pub tests: Vec<String>,
    /// Folders not to scan.
    #[serde(default)]
    pub exclude_dirs: Vec<String>,
    /// Where it was read from.
    #[serde(skip)]
    pub source: PathBuf,
}

impl BanditConfig {
    /// The same choices as a `[code]` table, in the `bandit` profile (a
    /// project configured only for Bandit keeps Bandit's findings). Bandit's
    /// `B001` (every blacklist check) becomes `B3` and `B4`; ids pyward does
    /// not know (third-party plugins) are left out: see
    /// [`BanditConfig::unknown_ids`].
    pub fn to_code_config(&self) -> CodeConfig {
        let known = |ids: &[String]| -> Vec<String> {
            ids.iter()
                .flat_map(|id| match id.trim() {
                    "B001" => vec!["B3".to_string(), "B4".to_string()],
                    other => vec![other.to_string()],
                })
                .filter(|id| registry::all_rules().any(|r| r.matches_prefix(id)))
                .collect()
        };
        let tests = known(&self.tests);
        CodeConfig {
            select: (!tests.is_empty()).then_some(tests),
            ignore: known(&self.skips),
            exclude: self
                .exclude_dirs
                .iter()
                .map(|d| d.trim_start_matches("./").trim_matches('/').to_string())
                .filter(|d| !d.is_empty())
                .collect(),
            severity: None,
            confidence: None,
            profile: Some(Profile::Bandit),
            taint: None,
        }
    }
}

impl BanditConfig {
    /// The `tests` and `skips` ids that name no pyward rule.
    pub fn unknown_ids(&self) -> Vec<&str> {
        self.tests
            .iter()
            .chain(&self.skips)
            .map(|id| id.trim())
            .filter(|id| *id != "B001" && !registry::all_rules().any(|r| r.matches_prefix(id)))
            .collect()
    }
}

/// Reads a migrating user's Bandit configuration from `root`:
/// `[tool.bandit]` in `pyproject.toml` first, then `.bandit`. `Ok(None)`
/// when there is neither.
pub fn bandit_config(root: &Path) -> Result<Option<BanditConfig>, SettingsError> {
    let pyproject = root.join("pyproject.toml");
    if pyproject.is_file() {
        let text = read(&pyproject)?;
        let value: toml::Table =
            toml::from_str(&text).map_err(|e| SettingsError::BanditConfig {
                path: pyproject.clone(),
                message: e.to_string(),
            })?;
        if let Some(bandit) = value.get("tool").and_then(|t| t.get("bandit")).cloned() {
            let mut config: BanditConfig =
                bandit
                    .try_into()
                    .map_err(|e: toml::de::Error| SettingsError::BanditConfig {
                        path: pyproject.clone(),
                        message: e.to_string(),
                    })?;
            config.source = pyproject;
            return Ok(Some(config));
        }
    }
    let dot_bandit = root.join(".bandit");
    if dot_bandit.is_file() {
        let text = read(&dot_bandit)?;
        let mut config =
            parse_dot_bandit(&text).map_err(|message| SettingsError::BanditConfig {
                path: dot_bandit.clone(),
                message,
            })?;
        config.source = dot_bandit;
        return Ok(Some(config));
    }
    Ok(None)
}

fn read(path: &Path) -> Result<String, SettingsError> {
    fs_err::read_to_string(path).map_err(|source| SettingsError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// A `.bandit` file: an INI `[bandit]` section (`skips = B101,B601`,
/// `tests = ...`, `exclude = a,b`), or Bandit's YAML configuration.
fn parse_dot_bandit(text: &str) -> Result<BanditConfig, String> {
    if text.lines().any(|l| l.trim() == "[bandit]") {
        let mut config = BanditConfig::default();
        let mut in_section = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_section = line == "[bandit]";
                continue;
            }
            if !in_section || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            let Some((key, value)) = line.split_once(['=', ':']) else {
                continue;
            };
            let list = || {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            match key.trim() {
                "skips" => config.skips = list(),
                "tests" => config.tests = list(),
                "exclude" | "exclude_dirs" => config.exclude_dirs = list(),
                _ => {}
            }
        }
        Ok(config)
    } else if text.trim().is_empty() {
        Ok(BanditConfig::default())
    } else {
        serde_yaml_ng::from_str::<Option<BanditConfig>>(text)
            .map(Option::unwrap_or_default)
            .map_err(|e| e.to_string())
    }
}

/// The enabled rules' check functions, by node kind: what the walk calls.
#[derive(Default)]
pub(crate) struct Dispatch {
    pub(crate) call: Vec<(&'static Rule, CallCheck)>,
    pub(crate) stmt: Vec<(&'static Rule, StmtCheck)>,
    pub(crate) expr: Vec<(&'static Rule, ExprCheck)>,
    pub(crate) import: Vec<(&'static Rule, ImportCheck)>,
    pub(crate) module: Vec<(&'static Rule, ModuleCheck)>,
    /// The data-flow rules, by the class of sinks they report.
    pub(crate) flow: Vec<(&'static Rule, SinkClass)>,
}

/// Everything one run needs to know: which rules, which floors, which
/// files to leave out.
pub struct Settings {
    enabled: Vec<&'static Rule>,
    /// The enabled rules' addresses, sorted: `is_enabled` in a few
    /// comparisons.
    enabled_addresses: Vec<usize>,
    pub(crate) dispatch: Dispatch,
    /// Findings below are dropped.
    pub severity: Severity,
    /// Findings below are dropped.
    pub confidence: Confidence,
    pub(crate) exclude: Exclude,
    profile: Profile,
    pub(crate) taint: TaintSettings,
    report_unused_suppressions: bool,
    progress: Option<pyward_fs::FileCount>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field(
                "enabled",
                &self.enabled.iter().map(|r| r.code).collect::<Vec<_>>(),
            )
            .field("severity", &self.severity)
            .field("confidence", &self.confidence)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl Default for Settings {
    /// Every rule, no floors, nothing excluded.
    fn default() -> Self {
        Self::build(
            registry::all_rules().collect(),
            Severity::Unknown,
            Confidence::Low,
            Exclude::default(),
        )
    }
}

impl Settings {
    /// Settings from the `[code]` table. Without one, a Bandit
    /// configuration in `root` (`[tool.bandit]`, `.bandit`) is used, so a
    /// project that moves from Bandit keeps its skips and excludes.
    pub fn from_config(config: Option<&CodeConfig>, root: &Path) -> Result<Self, SettingsError> {
        let migrated;
        let config = match config {
            Some(config) => config,
            None => {
                migrated = bandit_config(root)?
                    .map(|b| b.to_code_config())
                    .unwrap_or_default();
                &migrated
            }
        };
        Self::from_code_config(config)
    }

    /// Settings from exactly this table (no Bandit fallback).
    pub fn from_code_config(config: &CodeConfig) -> Result<Self, SettingsError> {
        for prefix in config.select.iter().flatten().chain(&config.ignore) {
            if !registry::all_rules().any(|r| r.matches_prefix(prefix)) {
                return Err(SettingsError::UnknownRule(prefix.clone()));
            }
        }
        let enabled = registry::all_rules()
            .filter(|rule| {
                config
                    .select
                    .as_ref()
                    .is_none_or(|select| select.iter().any(|p| rule.matches_prefix(p)))
            })
            .filter(|rule| !config.ignore.iter().any(|p| rule.matches_prefix(p)))
            .collect();
        let taint = TaintSettings::new(config.taint.as_ref().unwrap_or(&TaintConfig::default()))
            .map_err(|e| SettingsError::UnknownTaintClass(e.0))?;
        let mut settings = Self::build(
            enabled,
            config.severity.unwrap_or(Severity::Unknown),
            config.confidence.unwrap_or(Confidence::Low),
            Exclude::new(&config.exclude)?,
        );
        settings.profile = config.profile.unwrap_or_default();
        settings.taint = taint;
        Ok(settings)
    }

    /// Only these rules (by exact id), every other setting default: for
    /// tests and the fixture harness.
    pub fn for_rules(codes: &[&str]) -> Self {
        let enabled = registry::all_rules()
            .filter(|r| codes.iter().any(|c| c.eq_ignore_ascii_case(r.code)))
            .collect();
        Self::build(
            enabled,
            Severity::Unknown,
            Confidence::Low,
            Exclude::default(),
        )
    }

    fn build(
        enabled: Vec<&'static Rule>,
        severity: Severity,
        confidence: Confidence,
        exclude: Exclude,
    ) -> Self {
        let mut dispatch = Dispatch::default();
        // The shared checks already dispatched, by address.
        let mut shared: Vec<usize> = Vec::new();
        let mut first = |address: usize| {
            let new = !shared.contains(&address);
            shared.push(address);
            new
        };
        for &rule in &enabled {
            match rule.check {
                Check::SharedCall(f) => {
                    if first(std::ptr::from_ref(f) as usize) {
                        dispatch.call.push((rule, *f));
                    }
                }
                Check::SharedImport(f) => {
                    if first(std::ptr::from_ref(f) as usize) {
                        dispatch.import.push((rule, *f));
                    }
                }
                Check::Call(f) => dispatch.call.push((rule, f)),
                Check::Stmt(f) => dispatch.stmt.push((rule, f)),
                Check::Expr(f) => dispatch.expr.push((rule, f)),
                Check::Import(f) => dispatch.import.push((rule, f)),
                Check::Module(f) => dispatch.module.push((rule, f)),
                Check::Flow(class) => dispatch.flow.push((rule, class)),
            }
        }
        let mut enabled_addresses: Vec<usize> = enabled
            .iter()
            .map(|rule| std::ptr::from_ref::<Rule>(rule) as usize)
            .collect();
        enabled_addresses.sort_unstable();
        Self {
            enabled,
            enabled_addresses,
            dispatch,
            severity,
            confidence,
            exclude,
            profile: Profile::default(),
            taint: TaintSettings::default(),
            report_unused_suppressions: false,
            progress: None,
        }
    }

    /// How the data-dependent Bandit checks decide (see [`Profile`]).
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Whether PW001 reports suppression comments that silence nothing
    /// (`--report-unused-suppressions`).
    pub fn reports_unused_suppressions(&self) -> bool {
        self.report_unused_suppressions
    }

    /// The same settings, reporting unused suppressions or not.
    #[must_use]
    pub fn with_unused_suppressions(mut self, report: bool) -> Self {
        self.report_unused_suppressions = report;
        self
    }

    /// The same settings, counting files found and checked in `progress`
    /// (for a progress display).
    #[must_use]
    pub fn with_progress(mut self, progress: Option<pyward_fs::FileCount>) -> Self {
        self.progress = progress;
        self
    }

    pub(crate) fn progress(&self) -> Option<&pyward_fs::FileCount> {
        self.progress.as_ref()
    }

    /// The same settings in another profile (for `--profile`).
    #[must_use]
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
    }

    /// The enabled data-flow rule for sinks of `class`.
    pub(crate) fn flow_rule(&self, class: SinkClass) -> Option<&'static Rule> {
        self.dispatch
            .flow
            .iter()
            .find(|(_, c)| *c == class)
            .map(|(rule, _)| *rule)
    }

    /// Whether the walk looks for sinks and sources at all.
    pub(crate) fn flow_enabled(&self) -> bool {
        !self.dispatch.flow.is_empty()
    }

    /// The rules that run, in registry order.
    pub fn enabled_rules(&self) -> &[&'static Rule] {
        &self.enabled
    }

    /// Whether `rule` runs.
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        let address = std::ptr::from_ref::<Rule>(rule) as usize;
        self.enabled_addresses.binary_search(&address).is_ok()
    }

    /// Whether a path (relative to the root, `/`-separated) is excluded.
    pub fn is_excluded(&self, relative: &str) -> bool {
        self.exclude.matches(relative)
    }
}

/// `exclude` globs. A glob excludes a path it matches, everything below a
/// folder it matches, and (when it has no `/`) any file or folder of that
/// name anywhere.
#[derive(Debug, Clone, Default)]
pub(crate) struct Exclude {
    set: Option<GlobSet>,
}

impl Exclude {
    fn new(globs: &[String]) -> Result<Self, SettingsError> {
        if globs.is_empty() {
            return Ok(Self::default());
        }
        let mut builder = GlobSetBuilder::new();
        for glob in globs {
            let pattern = glob.trim_start_matches("./").trim_end_matches('/');
            let bad = |source| SettingsError::BadGlob {
                glob: glob.clone(),
                source,
            };
            builder.add(Glob::new(pattern).map_err(bad)?);
            if !pattern.contains('/') {
                builder.add(Glob::new(&format!("**/{pattern}")).map_err(bad)?);
            }
        }
        let set = builder.build().map_err(|source| SettingsError::BadGlob {
            glob: globs.join(", "),
            source,
        })?;
        Ok(Self { set: Some(set) })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_none()
    }

    /// Whether `relative` or one of its parent folders is excluded.
    pub(crate) fn matches(&self, relative: &str) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        let mut path = relative;
        loop {
            if set.is_match(path) {
                return true;
            }
            match path.rfind('/') {
                Some(i) => path = &path[..i],
                None => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_config_is_kebab_case_and_strict() {
        let config: CodeConfig = toml::from_str(
            "select = [\"B\"]\nignore = [\"B101\"]\nexclude = [\"tests/**\"]\nseverity = \"medium\"\n",
        )
        .unwrap();
        assert_eq!(config.select, Some(vec!["B".to_string()]));
        assert_eq!(config.severity, Some(Severity::Medium));
        let err = toml::from_str::<CodeConfig>("selct = [\"B\"]").unwrap_err();
        assert!(err.to_string().contains("selct"), "{err}");
    }

    #[test]
    fn select_and_ignore_by_prefix() {
        let config = CodeConfig {
            select: Some(vec!["B1".into()]),
            ignore: vec!["B101".into()],
            ..CodeConfig::default()
        };
        let settings = Settings::from_code_config(&config).unwrap();
        assert!(
            settings
                .enabled_rules()
                .iter()
                .all(|r| r.code.starts_with("B1"))
        );
        assert!(!settings.enabled_rules().iter().any(|r| r.code == "B101"));
        assert!(!settings.enabled_rules().is_empty());
    }

    #[test]
    fn unknown_prefix_is_an_error() {
        let config = CodeConfig {
            ignore: vec!["X9".into()],
            ..CodeConfig::default()
        };
        let err = Settings::from_code_config(&config).unwrap_err();
        assert!(err.to_string().contains("`X9`"), "{err}");
    }

    #[test]
    fn excludes_paths_folders_and_names() {
        let exclude = Exclude::new(&["tests/**".into(), "build".into(), "./docs/".into()]).unwrap();
        assert!(exclude.matches("tests/test_a.py"));
        assert!(exclude.matches("build/lib/x.py"));
        assert!(exclude.matches("pkg/build/x.py"));
        assert!(exclude.matches("docs/conf.py"));
        assert!(!exclude.matches("src/app.py"));
    }

    #[test]
    fn bandit_from_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        fs_err::write(
            dir.path().join("pyproject.toml"),
            "[tool.bandit]\nexclude_dirs = [\"tests\", \"./venv/\"]\nskips = [\"B101\"]\n[tool.bandit.assert_used]\nskips = [\"*_test.py\"]\n",
        )
        .unwrap();
        let config = bandit_config(dir.path()).unwrap().unwrap();
        assert_eq!(config.skips, vec!["B101"]);
        assert!(config.unknown_ids().is_empty());
        let code = config.to_code_config();
        assert_eq!(code.exclude, vec!["tests", "venv"]);
        assert_eq!(code.ignore, vec!["B101"]);
    }

    #[test]
    fn bandit_from_ini_and_yaml() {
        let ini =
            parse_dot_bandit("[bandit]\nexclude = /tests,/docs\nskips = B101,B601\n").unwrap();
        assert_eq!(ini.skips, vec!["B101", "B601"]);
        assert_eq!(ini.exclude_dirs, vec!["/tests", "/docs"]);
        let yaml =
            parse_dot_bandit("skips: ['B105']\ntests: ['B1']\nexclude_dirs: ['x']\n").unwrap();
        assert_eq!(yaml.tests, vec!["B1"]);
        assert_eq!(yaml.exclude_dirs, vec!["x"]);
        assert!(parse_dot_bandit("skips: [").is_err());
    }

    #[test]
    fn bandit_blacklist_id_and_plugin_ids() {
        let config = BanditConfig {
            skips: vec!["B001".into(), "B999".into(), "B101".into()],
            ..BanditConfig::default()
        };
        assert_eq!(config.to_code_config().ignore, vec!["B3", "B4", "B101"]);
        assert_eq!(config.unknown_ids(), vec!["B999"]);
        assert!(Settings::from_code_config(&config.to_code_config()).is_ok());
    }

    #[test]
    fn no_bandit_config() {
        let dir = tempfile::tempdir().unwrap();
        assert!(bandit_config(dir.path()).unwrap().is_none());
        let settings = Settings::from_config(None, dir.path()).unwrap();
        assert_eq!(
            settings.enabled_rules().len(),
            registry::all_rules().count()
        );
    }
}
