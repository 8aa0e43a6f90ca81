//! `[tool.pyward.code.taint]`: the project's own sources, sinks and
//! sanitisers, and whether local input counts as untrusted.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::label::{ClassSet, SinkClass};

/// `[code.taint]` in `pyward.toml`, `[tool.pyward.code.taint]` in
/// `pyproject.toml`.
///
/// ```toml
/// [tool.pyward.code.taint]
/// local-sources = true                      # sys.argv, input(), os.environ
/// sources = ["myapp.http.param"]            # calls whose result is untrusted
/// [tool.pyward.code.taint.sinks]
/// sql = ["myapp.db.run_raw"]                # every argument is the sink
/// [tool.pyward.code.taint.sanitizers]
/// sql = ["myapp.db.quote"]
/// all = ["myapp.validate.strict_id"]        # safe for every sink
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TaintConfig {
    /// Command-line arguments, console input and environment variables
    /// count as untrusted (off by default: they come from whoever runs the
    /// program).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub local_sources: bool,
    /// Dotted names of functions whose result, or attributes whose value,
    /// is untrusted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Dotted names of sink functions, by class (`sql`, `command`, `code`,
    /// `path`, `xss`, `template`, `redirect`, `ssrf`, `ldap`, `xpath`, `xxe`,
    /// `deserialization`, `trust-boundary`, `header`, `log`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sinks: BTreeMap<String, Vec<String>>,
    /// Dotted names of sanitisers, by the class they make values safe for
    /// (`all`: every class).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sanitizers: BTreeMap<String, Vec<String>>,
}

/// A class name in `[code.taint]` that is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownClass(pub String);

/// [`TaintConfig`] checked and indexed for the analysis.
#[derive(Debug, Clone, Default)]
pub(crate) struct TaintSettings {
    pub(crate) local_sources: bool,
    pub(crate) sources: HashSet<String>,
    pub(crate) sinks: HashMap<String, SinkClass>,
    pub(crate) sanitizers: HashMap<String, ClassSet>,
}

impl TaintSettings {
    pub(crate) fn new(config: &TaintConfig) -> Result<Self, UnknownClass> {
        let mut settings = TaintSettings {
            local_sources: config.local_sources,
            sources: config
                .sources
                .iter()
                .map(|s| s.trim().to_string())
                .collect(),
            ..TaintSettings::default()
        };
        for (class, names) in &config.sinks {
            let class =
                SinkClass::from_name(class.trim()).ok_or_else(|| UnknownClass(class.clone()))?;
            for name in names {
                settings.sinks.insert(name.trim().to_string(), class);
            }
        }
        for (class, names) in &config.sanitizers {
            let classes = if class.trim() == "all" {
                ClassSet::ALL
            } else {
                ClassSet::of(&[SinkClass::from_name(class.trim())
                    .ok_or_else(|| UnknownClass(class.clone()))?])
            };
            for name in names {
                let entry = settings
                    .sanitizers
                    .entry(name.trim().to_string())
                    .or_default();
                *entry = entry.union(classes);
            }
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_checks_classes() {
        let config: TaintConfig = toml::from_str(
            "local-sources = true\nsources = [\"a.src\"]\n[sinks]\nsql = [\"a.raw\"]\n[sanitizers]\nall = [\"a.clean\"]\nxss = [\"a.esc\", \"a.clean\"]\n",
        )
        .unwrap();
        let settings = TaintSettings::new(&config).unwrap();
        assert!(settings.local_sources);
        assert_eq!(settings.sinks["a.raw"], SinkClass::Sql);
        assert!(settings.sanitizers["a.clean"].is_all());
        assert!(settings.sanitizers["a.esc"].contains(SinkClass::Xss));
        let bad: TaintConfig = toml::from_str("[sinks]\nsqll = [\"x\"]\n").unwrap();
        assert_eq!(
            TaintSettings::new(&bad).unwrap_err(),
            UnknownClass("sqll".into())
        );
        assert!(toml::from_str::<TaintConfig>("sink = 1").is_err());
    }
}
