use serde::{Deserialize, Serialize};

use crate::{Dependency, DependencyEdge, Finding, RuleInfo, Severity};

/// Everything one run of pyward found: what every report format renders.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Every rule, detector and advisory that produced a finding (reported
    /// or ignored), once, sorted by id.
    pub rules: Vec<RuleInfo>,
    /// What was scanned, for formats that name files as the user or the
    /// repository does.
    #[serde(skip)]
    pub root: ScanRoot,
    /// The dependency graphs read (lockfiles, compiled requirements,
    /// environments), for SBOMs.
    #[serde(skip)]
    pub graph: Vec<DependencyEdge>,
    /// How many vulnerability findings remain after each step that takes
    /// out noise, when dependencies were audited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub noise: Vec<NoiseStep>,
}

/// One step of the noise figures: what it did and how many vulnerability
/// findings remain after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoiseStep {
    /// `raw advisory matches`, `aliases merged`, `markers`, `--no-dev`,
    /// `VEX`, `ignores`, `baseline`, `reachability`.
    pub step: String,
    pub findings: usize,
    /// For `reachability`: how many of the findings left are on
    /// dependencies first-party code does not reach (`reachable: false`);
    /// counted in `findings` unless the policy says `unreachable = "warn"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<usize>,
}

/// How the scanned tree is named: paths in findings are relative to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanRoot {
    /// The tree as the user typed it (`Flask-2.0.0`, `.`): text reports
    /// put it in front of every path so that an editor can open them.
    pub display: String,
    /// The tree relative to the root of its git repository (`src/app`,
    /// empty at the top), when it is in one: SARIF paths are relative to
    /// the repository.
    pub in_repository: Option<String>,
}

impl ScanRoot {
    /// `path` (relative to the scanned tree) as the user would type it.
    pub fn display_path(&self, path: &str) -> String {
        join_display(&self.display, path)
    }

    /// `path` relative to the repository root, when the tree is in one;
    /// else relative to the scanned tree.
    pub fn repository_path(&self, path: &str) -> String {
        match &self.in_repository {
            Some(prefix) => join_display(prefix, path),
            None => path.to_string(),
        }
    }
}

fn join_display(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() || prefix == "." || path.starts_with('/') {
        path.to_string()
    } else if path.is_empty() {
        prefix.to_string()
    } else {
        format!("{prefix}/{path}")
    }
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
            rules: Vec::new(),
            root: ScanRoot::default(),
            graph: Vec::new(),
            noise: Vec::new(),
        }
    }

    /// The catalogue entry of a rule or advisory id.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|rule| rule.id == id)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_shown_as_typed() {
        let root = ScanRoot {
            display: "Flask-2.0.0".into(),
            in_repository: Some("vendor/Flask-2.0.0".into()),
        };
        assert_eq!(
            root.display_path("src/flask/app.py"),
            "Flask-2.0.0/src/flask/app.py"
        );
        assert_eq!(
            root.repository_path("src/flask/app.py"),
            "vendor/Flask-2.0.0/src/flask/app.py"
        );
        let here = ScanRoot {
            display: ".".into(),
            in_repository: Some(String::new()),
        };
        assert_eq!(here.display_path("a.py"), "a.py");
        assert_eq!(here.repository_path("a.py"), "a.py");
        assert_eq!(ScanRoot::default().display_path("a.py"), "a.py");
    }
}
