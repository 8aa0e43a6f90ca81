//! Manifests: files where a project states what it wants (`pyproject.toml`,
//! `setup.cfg`, `Pipfile`, PEP 723 script metadata, conda
//! `environment.yml`). One module per format; each has its registry entry
//! (`FORMAT`), `parse_document` (everything, bad entries left out and
//! reported), `parse(text, source) -> Result<Vec<Dependency>, ParseError>`
//! and `parse_with_notes(text, source) -> Result<Manifest, ParseError>`,
//! the latter also telling what could not be read without running code
//! (dynamic dependencies, `file:` directives, `-r` includes).
//!
//! Adding a manifest format: a module here and one line in the
//! `manifests!` table below.

use crate::format::{FormatSpec, ParseError, Parsed};

/// Declares the manifest modules and the registry's list of them.
macro_rules! manifests {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every manifest format, in the order discovery tries them.
        pub(crate) static MANIFESTS: &[&FormatSpec] = &[$(&$module::FORMAT),*];
    };
}

manifests! {
    pyproject,
    setup_cfg,
    pipfile,
    pep723,
    conda,
}

pub(crate) mod pep508;
pub(crate) mod poetry_constraint;
pub(crate) mod toml_doc;

use std::collections::HashMap;

use pyward_model::Dependency;

/// Group names that mean "only for developing the project" (tests,
/// linters, docs). `--no-dev` drops dependencies whose every group is one
/// of these. Compare with [`is_dev_group`], which normalizes the name.
pub const DEV_GROUPS: &[&str] = &[
    "dev",
    "develop",
    "development",
    "test",
    "tests",
    "testing",
    "lint",
    "linting",
    "linters",
    "docs",
    "doc",
    "typing",
    "types",
    "mypy",
    "style",
    "format",
    "formatting",
    "coverage",
    "bench",
    "benchmark",
    "benchmarks",
    "ci",
];

/// Whether `group` names a development group ([`DEV_GROUPS`]), compared
/// after PEP 503 normalization (`Dev`, `dev_`, `DEV` all count).
pub fn is_dev_group(group: &str) -> bool {
    let normalized = pyward_model::PackageName::new(group);
    DEV_GROUPS.contains(&normalized.as_str())
}

/// What one manifest states: its dependencies, and notes on what could
/// not be read from the file alone (the scan is not incomplete because of
/// them, but the user should know).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub dependencies: Vec<Dependency>,
    pub notes: Vec<String>,
    /// Entries left out because they do not parse, each with its line.
    pub errors: Vec<ParseError>,
}

impl Manifest {
    /// The manifest, or its first entry error.
    pub fn into_strict(self) -> Result<Self, ParseError> {
        match self.errors.first() {
            Some(error) => Err(error.clone()),
            None => Ok(self),
        }
    }

    /// As the registry's parsers return it: each direct dependency an edge
    /// from the project.
    pub fn into_parsed(self) -> Parsed {
        Parsed {
            dependencies: self.dependencies,
            graph: Vec::new(),
            notes: self.notes,
            errors: self.errors,
        }
    }
}

/// 1-based line numbers for byte offsets of one text.
pub(crate) struct LineIndex {
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Self { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> u32 {
        let index = match self.starts.binary_search(&offset) {
            Ok(exact) => exact,
            Err(next) => next.saturating_sub(1),
        };
        u32::try_from(index + 1).unwrap_or(u32::MAX)
    }
}

/// Merges entries that say the same thing twice (a dependency group
/// included by another lists its members under both names): one entry,
/// the union of the groups, first position kept.
pub(crate) fn merge_duplicates(dependencies: Vec<Dependency>) -> Vec<Dependency> {
    type Key = (
        pyward_model::PackageName,
        Option<String>,
        Option<String>,
        Option<String>,
        pyward_model::DependencyKind,
        Option<u32>,
    );
    let mut merged: Vec<Dependency> = Vec::with_capacity(dependencies.len());
    let mut seen: HashMap<Key, usize> = HashMap::with_capacity(dependencies.len());
    for dependency in dependencies {
        let key = (
            dependency.name.clone(),
            dependency.version.clone(),
            dependency.requirement.clone(),
            dependency.markers.clone(),
            dependency.kind,
            dependency.line,
        );
        match seen.get(&key) {
            Some(&index) => {
                let groups = &mut merged[index].groups;
                for group in dependency.groups {
                    if !groups.contains(&group) {
                        groups.push(group);
                    }
                }
            }
            None => {
                seen.insert(key, merged.len());
                merged.push(dependency);
            }
        }
    }
    merged
}

#[cfg(test)]
pub(crate) mod test_support {
    use pyward_model::Dependency;

    /// One line per dependency, the way snapshots show parsed lists:
    /// `line name version [groups] kind; markers; requirement`.
    pub(crate) fn render(dependencies: &[Dependency]) -> String {
        let mut out = String::new();
        for d in dependencies {
            let line = d.line.map_or("-".to_string(), |l| l.to_string());
            let version = d.version.as_deref().unwrap_or("*");
            out.push_str(&format!(
                "{line:>3} {} {version} [{}] {:?}",
                d.name,
                d.groups.join(","),
                d.kind
            ));
            if let Some(markers) = &d.markers {
                out.push_str(&format!(" ; {markers}"));
            }
            if let Some(requirement) = &d.requirement {
                out.push_str(&format!(" | {requirement}"));
            }
            if !d.direct {
                out.push_str(" (transitive)");
            }
            out.push('\n');
        }
        out
    }

    /// Snapshots `content` as `name` in `src/manifest/snapshots/`.
    pub(crate) fn snapshot(name: &str, content: &str) {
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path("snapshots");
        settings.bind(|| insta::assert_snapshot!(name, content));
    }

    /// Snapshot text for one fixture: its dependencies, then its notes.
    pub(crate) fn render_manifest(manifest: &super::Manifest) -> String {
        let mut out = render(&manifest.dependencies);
        for note in &manifest.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        out
    }

    /// The fixture files of one format, sorted, as (file name, text).
    pub(crate) fn fixtures(format: &str) -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/manifest")
            .join(format);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("fixture dir entry").path())
            .filter(|path| path.is_file())
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|path| {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                (name, text)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_lines() {
        let index = LineIndex::new("a\nbc\n\nd");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(1), 1);
        assert_eq!(index.line(2), 2);
        assert_eq!(index.line(4), 2);
        assert_eq!(index.line(5), 3);
        assert_eq!(index.line(6), 4);
        assert_eq!(index.line(100), 4);
    }

    /// Every error fixture of every format, with the message a user sees.
    #[test]
    fn error_messages_snapshot() {
        type Parser = fn(&str, &str) -> Result<Vec<Dependency>, ParseError>;
        let formats: [(&str, Parser); 5] = [
            ("pyproject", pyproject::parse),
            ("setup_cfg", setup_cfg::parse),
            ("pipfile", pipfile::parse),
            ("pep723", pep723::parse),
            ("conda", conda::parse),
        ];
        let mut out = String::new();
        for (format, parse) in formats {
            for (name, text) in test_support::fixtures(format) {
                if !name.starts_with("error_") {
                    continue;
                }
                let error = parse(&text, &name).expect_err(&name);
                out.push_str(&format!("{format}/{name}: {error}\n"));
            }
        }
        assert!(out.lines().count() >= 12, "{out}");
        test_support::snapshot("error_messages", &out);
    }

    #[test]
    fn dev_groups_compare_normalized() {
        assert!(is_dev_group("dev"));
        assert!(is_dev_group("Tests"));
        assert!(is_dev_group("typing"));
        assert!(!is_dev_group("main"));
        assert!(!is_dev_group("postgres"));
    }
}
