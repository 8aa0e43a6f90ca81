//! The `[secrets]` table of `pyward.toml` and the settings a scan runs
//! with.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::baseline::Baseline;
use crate::{SecretsError, detectors};

/// `[secrets]` in `pyward.toml` (`[tool.pyward.secrets]` in
/// `pyproject.toml`). Every key is optional.
///
/// ```toml
/// [secrets]
/// baseline = ".secrets.baseline"     # report only secrets not listed here
/// exclude = ["tests/fixtures/**"]    # paths not scanned (globs, relative to the root)
/// max-file-size = 2_000_000          # bytes; larger files are skipped with a warning
/// disable = ["high-entropy-string"]  # detector ids switched off
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretsConfig {
    /// Baseline file (pyward's or detect-secrets' `.secrets.baseline`),
    /// relative to the root.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
    /// Globs of paths (relative to the root, `/` separators) not scanned.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Files larger than this many bytes are skipped, with a warning.
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Detector ids not run.
    #[serde(default)]
    pub disable: Vec<String>,
}

/// Files larger than this are skipped: 4 MiB is far beyond any
/// hand-written source or configuration file.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// Secrets further than this into a line are not reported: such lines are
/// data (minified code, embedded blobs), not something a person typed.
pub const DEFAULT_MAX_LINE_LENGTH: usize = 4096;

/// How a secrets scan runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub max_file_size: u64,
    pub max_line_length: usize,
    /// Paths (relative to the root) not scanned.
    pub exclude: GlobSet,
    /// Detector ids not run.
    pub disabled: HashSet<&'static str>,
    /// Secrets listed here are reported under `baselined`, not `findings`.
    pub baseline: Option<Baseline>,
    /// Counts the files found and scanned (for a progress display).
    pub progress: Option<pyward_fs::FileCount>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_line_length: DEFAULT_MAX_LINE_LENGTH,
            exclude: GlobSet::empty(),
            disabled: HashSet::new(),
            baseline: None,
            progress: None,
        }
    }
}

impl Settings {
    /// Settings from the `[secrets]` table; the baseline it names is read
    /// now (relative to `root`), so a missing or corrupt baseline stops
    /// the scan before it starts.
    pub fn from_config(config: Option<&SecretsConfig>, root: &Path) -> Result<Self, SecretsError> {
        let mut settings = Settings::default();
        let Some(config) = config else {
            return Ok(settings);
        };
        if let Some(size) = config.max_file_size {
            settings.max_file_size = size;
        }
        let mut builder = GlobSetBuilder::new();
        for pattern in &config.exclude {
            let glob = Glob::new(pattern).map_err(|source| SecretsError::Glob {
                glob: pattern.clone(),
                source,
            })?;
            builder.add(glob);
        }
        settings.exclude = builder.build().map_err(|source| SecretsError::Glob {
            glob: config.exclude.join(", "),
            source,
        })?;
        for id in &config.disable {
            let detector =
                detectors::by_id(id).ok_or_else(|| SecretsError::UnknownDetector(id.clone()))?;
            settings.disabled.insert(detector.id);
        }
        if let Some(baseline) = &config.baseline {
            settings.baseline = Some(Baseline::load(&root.join(baseline))?);
        }
        Ok(settings)
    }

    /// The path to the configured baseline, relative to `root`.
    pub fn baseline_path(config: Option<&SecretsConfig>, root: &Path) -> Option<PathBuf> {
        config
            .and_then(|c| c.baseline.as_ref())
            .map(|baseline| root.join(baseline))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_kebab_case_and_strict() {
        let config: SecretsConfig = toml_like(
            r#"{"baseline": ".secrets.baseline", "max-file-size": 10, "exclude": ["a/**"]}"#,
        )
        .unwrap();
        assert_eq!(config.max_file_size, Some(10));
        assert!(toml_like(r#"{"baselines": "x"}"#).is_err());
    }

    fn toml_like(json: &str) -> Result<SecretsConfig, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn unknown_detector_and_bad_glob_are_errors() {
        let config = SecretsConfig {
            disable: vec!["nope".into()],
            ..SecretsConfig::default()
        };
        assert!(matches!(
            Settings::from_config(Some(&config), Path::new(".")),
            Err(SecretsError::UnknownDetector(_))
        ));
        let config = SecretsConfig {
            exclude: vec!["a/[".into()],
            ..SecretsConfig::default()
        };
        assert!(Settings::from_config(Some(&config), Path::new(".")).is_err());
    }
}
