//! `pyward deps`: the dependency audit alone.

use std::path::{Path, PathBuf};

use clap::Args;
use pyward_inventory::Inventory;
use std::collections::HashMap;

use pyward_model::{Dependency, Finding, PackageName, Report};

use crate::cli::{DbArgs, ReportArgs};
use crate::config::{self, LoadedConfig};
use crate::exit::ExitStatus;
use crate::{database, outcome, output};

#[derive(Debug, Args)]
pub struct DepsArgs {
    /// Project folders or dependency files (requirements file, lockfile,
    /// pyproject.toml) [default: . when nothing else is given]
    pub paths: Vec<PathBuf>,

    /// A requirements file, whatever its name (repeatable, as in pip)
    #[arg(short = 'r', long = "requirement", value_name = "FILE")]
    pub requirements: Vec<PathBuf>,

    #[command(flatten)]
    pub selection: SelectionArgs,

    #[command(flatten)]
    pub report: ReportArgs,

    #[command(flatten)]
    pub db: DbArgs,
}

/// Which installed environments and which variants of the dependencies to
/// audit: shared by `deps` and `scan`.
#[derive(Debug, Clone, Args)]
pub struct SelectionArgs {
    /// An installed environment: a virtual environment, a conda
    /// environment or a site-packages folder (repeatable)
    #[arg(long = "env", value_name = "DIR")]
    pub envs: Vec<PathBuf>,

    /// Every Python environment found on this machine
    #[arg(long)]
    pub system: bool,

    /// With --system: also the `.venv`/`venv` environments under DIR
    #[arg(long, value_name = "DIR", requires = "system")]
    pub root: Option<PathBuf>,

    /// Only dependencies in these groups (main, dev, an extra's name)
    #[arg(long = "only-group", value_name = "GROUP")]
    pub only_groups: Vec<String>,

    /// Leave out development dependency groups
    #[arg(long)]
    pub no_dev: bool,

    /// Audit what would be installed for this Python version (3.12)
    #[arg(long, value_name = "VERSION")]
    pub python_version: Option<String>,

    /// Audit what would be installed on this platform
    #[arg(long, value_parser = ["linux", "macos", "windows"])]
    pub platform: Option<String>,
}

impl SelectionArgs {
    fn options(&self) -> pyward_inventory::Options {
        pyward_inventory::Options {
            python_version: self.python_version.clone(),
            platform: self.platform.clone(),
            only_groups: self.only_groups.clone(),
            no_dev: self.no_dev,
        }
    }

    /// Whether anything beyond project paths was asked for.
    fn names_inputs(&self) -> bool {
        !self.envs.is_empty() || self.system
    }
}

pub fn run(args: &DepsArgs) -> anyhow::Result<ExitStatus> {
    let paths = default_paths(
        &args.paths,
        args.requirements.is_empty() && !args.selection.names_inputs(),
    );
    let base = base_dir(&paths, &args.requirements);
    let config = config::load(args.report.config.as_deref(), &base)?;
    let inventory = read_inventory(&paths, &args.requirements, &args.selection, &base)?;
    let report = audit(inventory, &args.db)?;
    finish(report, &args.report, &config)
}

/// The folders to scan: those given, or `.` when nothing names an input.
pub fn default_paths(paths: &[PathBuf], nothing_else_given: bool) -> Vec<PathBuf> {
    if paths.is_empty() && nothing_else_given {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

/// What sources are named relative to: the one folder scanned, the folder
/// of the one file scanned, or the current folder.
pub fn base_dir(paths: &[PathBuf], requirements: &[PathBuf]) -> PathBuf {
    match (paths, requirements) {
        ([one], []) if one.is_dir() => one.clone(),
        ([one], []) => one
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        _ => PathBuf::from("."),
    }
}

/// Reads every input the user named into one inventory.
pub fn read_inventory(
    paths: &[PathBuf],
    requirements: &[PathBuf],
    selection: &SelectionArgs,
    base: &Path,
) -> anyhow::Result<Inventory> {
    let options = selection.options();
    pyward_inventory::validate_options(&options)?;
    let mut inventory = Inventory::default();
    for path in paths {
        if !path.exists() {
            inventory.errors.push(pyward_model::ScanError {
                path: path.display().to_string(),
                line: None,
                message: "no such file or folder".into(),
            });
            continue;
        }
        inventory.extend(pyward_inventory::scan_path(path, base, &options));
    }
    for file in requirements {
        inventory.extend(pyward_inventory::scan_requirements_file(
            file, base, &options,
        ));
    }
    for env in &selection.envs {
        inventory.extend(pyward_inventory::scan_environment(env, &options));
    }
    if selection.system {
        inventory.extend(pyward_inventory::scan_system(
            selection.root.as_ref(),
            &options,
        ));
    }
    // A group no input has is a bad argument (exit 2), not an empty audit.
    inventory.check_groups(&options)?;
    for note in &inventory.notes {
        output::error_line(&format!("note: {note}"));
    }
    Ok(inventory)
}

/// Matches the inventory against the vulnerability database.
pub fn audit(inventory: Inventory, db_args: &DbArgs) -> anyhow::Result<Report> {
    let database = database::open(db_args)?;
    let mut report = Report::new(env!("CARGO_PKG_VERSION"));
    report.database = Some(database.info());
    // A package whose records are damaged is an error, not a silent miss.
    // One audit per installed environment (and one for the project's own
    // files): the same vulnerable package in two environments is two
    // problems to fix, each reported in its environment's section.
    let mut by_environment: Vec<(Option<&str>, Vec<Dependency>)> = Vec::new();
    for dependency in &inventory.dependencies {
        let environment = dependency.environment.as_deref();
        match by_environment.iter_mut().find(|(e, _)| *e == environment) {
            Some((_, group)) => group.push(dependency.clone()),
            None => by_environment.push((environment, vec![dependency.clone()])),
        }
    }
    let mut findings: Vec<Finding> = Vec::new();
    for (_, dependencies) in &by_environment {
        let mut found = database.try_audit(dependencies)?;
        tag_environments(&mut found, dependencies);
        findings.extend(found);
    }
    report.findings = findings;
    report.dependencies = dedup_dependencies(inventory.dependencies);
    report.environments = inventory.environments;
    report.errors = inventory.errors;
    Ok(report)
}

/// Installed packages get their environment named on the finding, so the
/// text report gives each environment its own section.
fn tag_environments(findings: &mut [Finding], dependencies: &[Dependency]) {
    let by_package: HashMap<(&PackageName, Option<&str>, &str), &str> = dependencies
        .iter()
        .filter_map(|d| {
            let environment = d.environment.as_deref()?;
            Some((
                (&d.name, d.version.as_deref(), d.source.as_str()),
                environment,
            ))
        })
        .collect();
    if by_package.is_empty() {
        return;
    }
    for finding in findings {
        if finding.environment().is_some() {
            continue;
        }
        let (Some(name), Some(source)) = (finding.package.as_ref(), finding.source.as_deref())
        else {
            continue;
        };
        let version = finding.version.clone().flatten();
        if let Some(environment) = by_package.get(&(name, version.as_deref(), source)) {
            finding
                .dependency
                .get_or_insert_with(Default::default)
                .environment = Some((*environment).to_string());
        }
    }
}

/// CONTRACT.md: every dependency once per (name, version, source). Entries
/// that differ only in their markers (a Poetry dependency with one
/// constraint per platform) become one whose markers say "either".
fn dedup_dependencies(dependencies: Vec<Dependency>) -> Vec<Dependency> {
    let mut index: HashMap<(PackageName, Option<String>, String, Option<String>), usize> =
        HashMap::new();
    let mut kept: Vec<Dependency> = Vec::with_capacity(dependencies.len());
    for dependency in dependencies {
        let key = (
            dependency.name.clone(),
            dependency.version.clone(),
            dependency.source.clone(),
            dependency.environment.clone(),
        );
        match index.get(&key) {
            None => {
                index.insert(key, kept.len());
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

fn finish(report: Report, args: &ReportArgs, config: &LoadedConfig) -> anyhow::Result<ExitStatus> {
    let incomplete = !report.errors.is_empty();
    outcome::conclude(report, args, config, incomplete)
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
