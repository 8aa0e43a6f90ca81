use serde::{Deserialize, Serialize};

use crate::{Dependency, Finding, Severity};

/// Everything one run of pyward found: what every report format renders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// `pyward/1`: bumped only when a stable field changes meaning.
    pub schema: String,
    pub tool: ToolInfo,
    /// The vulnerability database used, when dependencies were audited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseInfo>,
    /// Installed environments audited (`--env`, `--system`), one section
    /// each in the text report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environments: Vec<Environment>,
    /// Every dependency audited, once per (name, version, source).
    pub dependencies: Vec<Dependency>,
    pub findings: Vec<Finding>,
    /// Findings suppressed by the policy file, kept for the record.
    pub ignored: Vec<Finding>,
    /// Inputs that could not be read or parsed; a non-empty list means the
    /// scan is incomplete.
    #[serde(default)]
    pub errors: Vec<ScanError>,
}

impl Report {
    pub const SCHEMA: &'static str = "pyward/1";

    pub fn new(version: &str) -> Self {
        Self {
            schema: Self::SCHEMA.to_string(),
            tool: ToolInfo {
                name: "pyward".to_string(),
                version: version.to_string(),
            },
            database: None,
            environments: Vec::new(),
            dependencies: Vec::new(),
            findings: Vec::new(),
            ignored: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Whether any finding is at or above `floor` (the `--fail-on` test).
    pub fn has_finding_at_or_above(&self, floor: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= floor)
    }

    /// Number of findings at each severity, most severe first.
    pub fn count_by_severity(&self) -> Vec<(Severity, usize)> {
        Severity::ALL
            .iter()
            .map(|&s| (s, self.findings.iter().filter(|f| f.severity == s).count()))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

/// Which vulnerability database answered, and how fresh it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseInfo {
    pub advisories: usize,
    /// When the database was built (RFC 3339).
    pub built: String,
    /// `built-in`, or the URL or path it was built from.
    pub source: String,
    /// Newest `modified` date among its records (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_modified: Option<String>,
}

/// An installed Python environment that was audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    /// Where it lives (the venv or site-packages folder).
    pub path: String,
    /// Its interpreter, when one was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<String>,
    /// Python version, from `pyvenv.cfg` or the folder name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python_version: Option<String>,
    /// What found it: `venv`, `conda`, `pyenv`, `pipx`, `system`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

/// An input that could not be read or parsed. The scan carries on without
/// it, and the exit status says the scan was incomplete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanError {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}
