//! The project's dependencies, read once per run however many scanners
//! look at them (vulnerabilities, look-alike names, licenses).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use pyward_inventory::Inventory;
use pyward_model::{Dependency, PackageName, Report, ScanError};

use crate::request::{Request, Selection};

/// Reads every input the user named into one inventory, on first use.
pub struct SharedInventory {
    paths: Vec<PathBuf>,
    requirements: Vec<PathBuf>,
    environments: Vec<PathBuf>,
    system: bool,
    system_root: Option<PathBuf>,
    selection: Selection,
    base: PathBuf,
    progress: Option<pyward_fs::Progress>,
    read: OnceLock<Inventory>,
}

impl std::fmt::Debug for SharedInventory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedInventory")
            .field("paths", &self.paths)
            .field("read", &self.read.get().is_some())
            .finish_non_exhaustive()
    }
}

impl SharedInventory {
    pub(crate) fn new(request: &Request, paths: &[PathBuf], base: &std::path::Path) -> Self {
        Self {
            paths: paths.to_vec(),
            requirements: request.requirements.clone(),
            environments: request.environments.clone(),
            system: request.system,
            system_root: request.system_root.clone(),
            selection: request.selection.clone(),
            base: base.to_path_buf(),
            progress: request.progress.clone(),
            read: OnceLock::new(),
        }
    }

    /// The inventory, read the first time any scanner asks.
    pub fn get(&self) -> &Inventory {
        self.read.get_or_init(|| self.read_all())
    }

    /// Puts what was read (when a scanner read it) into the report: the
    /// dependencies once per (name, version, source), the environments,
    /// the graph, what could not be read; returns the inventory's notes.
    /// License fields a scanner filled in on its copies are kept.
    pub(crate) fn settle(&self, report: &mut Report) -> Vec<String> {
        let Some(inventory) = self.read.get() else {
            return Vec::new();
        };
        let mut dependencies = dedup_dependencies(inventory.dependencies.clone());
        // What scanners learnt about a dependency (its license, what its
        // range admits) rides on their copies of it.
        let mut learnt: HashMap<Key, Vec<&Dependency>> = HashMap::new();
        for dependency in &report.dependencies {
            learnt.entry(key(dependency)).or_default().push(dependency);
        }
        for dependency in &mut dependencies {
            for found in learnt.get(&key(dependency)).into_iter().flatten() {
                if found.license.is_some() || found.license_category.is_some() {
                    dependency.license.clone_from(&found.license);
                    dependency
                        .license_category
                        .clone_from(&found.license_category);
                }
                if found.range.is_some() {
                    dependency.range.clone_from(&found.range);
                }
            }
        }
        report.dependencies = dependencies;
        report
            .environments
            .extend(inventory.environments.iter().cloned());
        report.errors.extend(inventory.errors.iter().cloned());
        report.graph.extend(inventory.graph.iter().cloned());
        inventory.notes.clone()
    }

    /// `--only-group` naming a group that no input has is an error (exit
    /// 2), not an empty audit that passes.
    pub(crate) fn check_groups(&self) -> Result<(), crate::EngineError> {
        Ok(self.get().check_groups(&self.selection.options())?)
    }

    fn read_all(&self) -> Inventory {
        let options = pyward_inventory::Options {
            // Counted from the first read, whichever scanner asks.
            progress: self.progress.as_ref().map(|p| p.task("deps")),
            ..self.selection.options()
        };
        let mut inventory = Inventory::default();
        for path in &self.paths {
            if !path.exists() {
                inventory.errors.push(ScanError {
                    path: path.display().to_string(),
                    line: None,
                    message: "no such file or folder".into(),
                });
                continue;
            }
            inventory.extend(pyward_inventory::scan_path(path, &self.base, &options));
        }
        for file in &self.requirements {
            inventory.extend(pyward_inventory::scan_requirements_file(
                file, &self.base, &options,
            ));
        }
        for env in &self.environments {
            inventory.extend(pyward_inventory::scan_environment(env, &options));
        }
        if self.system {
            inventory.extend(pyward_inventory::scan_system(
                self.system_root.as_ref(),
                &options,
            ));
        }
        inventory
    }
}

type Key = (PackageName, Option<String>, String, Option<String>);

fn key(dependency: &Dependency) -> Key {
    (
        dependency.name.clone(),
        dependency.version.clone(),
        dependency.source.clone(),
        dependency.environment.clone(),
    )
}

/// CONTRACT.md: every dependency once per (name, version, source). Entries
/// that differ only in their markers (a Poetry dependency with one
/// constraint per platform) become one whose markers say "either".
pub(crate) fn dedup_dependencies(dependencies: Vec<Dependency>) -> Vec<Dependency> {
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut kept: Vec<Dependency> = Vec::with_capacity(dependencies.len());
    for dependency in dependencies {
        match index.get(&key(&dependency)) {
            None => {
                index.insert(key(&dependency), kept.len());
                kept.push(dependency);
            }
            Some(&at) => {
                let first = &mut kept[at];
                first.markers = match (first.markers.take(), dependency.markers) {
                    // Either entry applies everywhere: so does the union.
                    (None, _) | (_, None) => None,
                    (Some(a), Some(b)) if a == b => Some(a),
                    (Some(a), Some(b)) => Some(format!("({a}) or ({b})")),
                };
                for group in dependency.groups {
                    if !first.groups.contains(&group) {
                        first.groups.push(group);
                    }
                }
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dependency(markers: Option<&str>, group: &str) -> Dependency {
        let mut d = Dependency::new("numpy", Some("1.26.4"), "pyproject.toml");
        d.markers = markers.map(str::to_string);
        d.groups = vec![group.to_string()];
        d
    }

    #[test]
    fn same_dependency_under_two_markers_is_listed_once_with_both() {
        let merged = dedup_dependencies(vec![
            dependency(Some("python_version < \"3.9\""), "main"),
            dependency(Some("python_version >= \"3.9\""), "dev"),
            Dependency::new("numpy", Some("1.26.4"), "other/requirements.txt"),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(
            merged[0].markers.as_deref(),
            Some("(python_version < \"3.9\") or (python_version >= \"3.9\")")
        );
        assert_eq!(merged[0].groups, ["main", "dev"]);
    }

    #[test]
    fn an_unconditional_entry_makes_the_union_unconditional() {
        let merged = dedup_dependencies(vec![
            dependency(Some("sys_platform == \"win32\""), "main"),
            dependency(None, "main"),
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].markers, None);
    }
}
