//! `pyproject.toml`: PEP 621 `[project]` dependencies and extras, PEP 735
//! `[dependency-groups]`, Poetry (`[tool.poetry.dependencies]`, groups and
//! the old `dev-dependencies`), PDM `[tool.pdm.dev-dependencies]` and uv
//! `[tool.uv] dev-dependencies` with `[tool.uv.sources]`.
//!
//! Dynamic metadata (`dynamic = ["dependencies"]`) is computed by the build
//! backend, which pyward never runs: it becomes a note, not an error.

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

use pep440_rs::VersionSpecifiers;
use pyward_model::{Dependency, DependencyKind, PackageName};
use toml_edit::{Item, TableLike};

use super::pep508::{self, and_markers};
use super::poetry_constraint;
use super::toml_doc::{TomlDoc, TomlString, string_array};
use super::{Manifest, merge_duplicates};
use crate::ParseError;
use crate::format::{Document, FormatSpec, NamePattern, Parsed};

/// The registry's entry for `pyproject.toml`.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "pyproject.toml",
    display_name: "pyproject.toml",
    found_as: &[NamePattern::Exact("pyproject.toml")],
    named_as: &[],
    parse: parse_document,
    follows_includes: false,
    lock: None,
};

/// The dependencies `text` (a `pyproject.toml`) states; `source` goes into
/// each [`Dependency::source`]. A bad entry fails the whole text.
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_with_notes(text, source).map(|manifest| manifest.dependencies)
}

/// [`parse`], plus notes on what the file alone cannot tell (dynamic
/// dependencies, Poetry entries of a shape pyward does not know).
pub fn parse_with_notes(text: &str, source: &str) -> Result<Manifest, ParseError> {
    read(text, source)?.into_strict()
}

/// Everything a `pyproject.toml` states; a requirement that does not parse
/// is left out and reported, the rest of the file is read.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    read(document.text, document.source).map(Manifest::into_parsed)
}

fn read(text: &str, source: &str) -> Result<Manifest, ParseError> {
    let doc = TomlDoc::parse(text)?;
    let mut reader = Reader {
        doc: &doc,
        source,
        project_name: None,
        dependencies: Vec::new(),
        notes: Vec::new(),
        errors: Vec::new(),
    };
    reader.read_project()?;
    reader.read_dependency_groups()?;
    reader.read_poetry();
    reader.read_pdm()?;
    reader.read_uv()?;
    reader.resolve_self_references();
    apply_uv_sources(&doc, &mut reader.dependencies);
    let mut dependencies = merge_duplicates(reader.dependencies);
    // File order, whatever order the sections were read in.
    dependencies.sort_by_key(|d| d.line.unwrap_or(u32::MAX));
    Ok(Manifest {
        dependencies,
        notes: reader.notes,
        errors: reader.errors,
    })
}

fn error_at(line: Option<u32>, message: impl Into<String>) -> ParseError {
    match line {
        Some(line) => ParseError::at_line(line, message),
        None => ParseError::new(message),
    }
}

/// Extra and group names compare after normalization (PEP 685, PEP 735).
fn group_name(raw: &str) -> String {
    PackageName::new(raw).as_str().to_string()
}

struct Reader<'d, 's> {
    doc: &'d TomlDoc<'s>,
    source: &'s str,
    project_name: Option<PackageName>,
    dependencies: Vec<Dependency>,
    notes: Vec<String>,
    errors: Vec<ParseError>,
}

impl Reader<'_, '_> {
    /// One PEP 508 string of the file as a dependency of `group`, placed
    /// for `fix`; one that does not parse is an entry error.
    fn requirement(&mut self, string: TomlString<'_>, group: &str) {
        match pep508::dependency(string.text, self.source, group, string.line) {
            Ok(mut dependency) => {
                if let Some(start) = string.start {
                    pep508::place(&mut dependency, string.text, start);
                }
                self.dependencies.push(dependency);
            }
            Err(message) => self.errors.push(error_at(string.line, message)),
        }
    }

    fn note(&mut self, line: Option<u32>, message: String) {
        match line {
            Some(line) => self
                .notes
                .push(format!("{}:{line}: {message}", self.source)),
            None => self.notes.push(format!("{}: {message}", self.source)),
        }
    }

    /// `[project]`: PEP 621.
    fn read_project(&mut self) -> Result<(), ParseError> {
        let doc = self.doc;
        let Some(item) = doc.get(&["project"]) else {
            return Ok(());
        };
        let Some(project) = item.as_table_like() else {
            return Err(error_at(doc.item_line(item), "`project` must be a table"));
        };
        self.project_name = project
            .get("name")
            .and_then(Item::as_str)
            .map(PackageName::new);

        let dynamic: Vec<&str> = project
            .get("dynamic")
            .and_then(Item::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let line = project.get("dynamic").and_then(|i| doc.item_line(i));
        // Poetry 2 projects may declare dependencies dynamic and keep them
        // in `[tool.poetry.dependencies]`, which is read below.
        let poetry_has_dependencies = doc
            .get(&["tool", "poetry", "dependencies"])
            .and_then(Item::as_table_like)
            .is_some_and(|t| t.iter().any(|(k, _)| !k.eq_ignore_ascii_case("python")));
        for field in ["dependencies", "optional-dependencies"] {
            if field == "dependencies" && poetry_has_dependencies {
                continue;
            }
            if dynamic.contains(&field) {
                let from = self.setuptools_dynamic_files(field);
                self.note(
                    line,
                    format!(
                        "`project.{field}` is dynamic: the build backend computes it and \
                         pyward does not run build backends{from}"
                    ),
                );
            }
        }

        if let Some(item) = project.get("dependencies") {
            for string in string_array(doc, item, "project.dependencies")? {
                self.requirement(string, "main");
            }
        }
        if let Some(item) = project.get("optional-dependencies") {
            let Some(extras) = item.as_table_like() else {
                return Err(error_at(
                    doc.item_line(item),
                    "`project.optional-dependencies` must be a table",
                ));
            };
            for (extra, item) in extras.iter() {
                let what = format!("project.optional-dependencies.{extra}");
                let group = group_name(extra);
                for string in string_array(doc, item, &what)? {
                    self.requirement(string, &group);
                }
            }
        }
        Ok(())
    }

    /// Where setuptools reads a dynamic field from
    /// (`[tool.setuptools.dynamic] dependencies = {file = [...]}`), as a
    /// hint for the note.
    fn setuptools_dynamic_files(&self, field: &str) -> String {
        fn files_of(item: &Item) -> Vec<&str> {
            match item.as_array() {
                Some(array) => array.iter().filter_map(|v| v.as_str()).collect(),
                None => item.as_str().into_iter().collect(),
            }
        }
        let Some(dynamic) = self.doc.get(&["tool", "setuptools", "dynamic", field]) else {
            return String::new();
        };
        let mut files: Vec<&str> = Vec::new();
        if let Some(table) = dynamic.as_table_like() {
            if let Some(item) = table.get("file") {
                files.extend(files_of(item));
            }
            // `optional-dependencies.<extra> = {file = [...]}`, one per extra.
            for (_, extra) in table.iter() {
                if let Some(item) = extra.as_table_like().and_then(|t| t.get("file")) {
                    files.extend(files_of(item));
                }
            }
        }
        if files.is_empty() {
            String::new()
        } else {
            format!(
                " (setuptools reads it from {}: audit that file)",
                files.join(", ")
            )
        }
    }

    /// `[dependency-groups]`: PEP 735, with `{include-group = "..."}`
    /// expanded.
    fn read_dependency_groups(&mut self) -> Result<(), ParseError> {
        let doc = self.doc;
        let Some(item) = doc.get(&["dependency-groups"]) else {
            return Ok(());
        };
        let Some(table) = item.as_table_like() else {
            return Err(error_at(
                doc.item_line(item),
                "`dependency-groups` must be a table",
            ));
        };
        let mut groups: BTreeMap<String, (&str, &Item)> = BTreeMap::new();
        for (raw, item) in table.iter() {
            let name = group_name(raw);
            if let Some((first, _)) = groups.insert(name.clone(), (raw, item)) {
                return Err(error_at(
                    doc.key_line(table, raw),
                    format!(
                        "dependency groups `{first}` and `{raw}` have the same normalized name `{name}`"
                    ),
                ));
            }
        }
        for name in groups.keys() {
            let mut entries = Vec::new();
            let mut stack = Vec::new();
            let mut expanded = HashSet::from([name.clone()]);
            expand_group(doc, &groups, name, &mut stack, &mut expanded, &mut entries)?;
            for string in entries {
                self.requirement(string, name);
            }
        }
        Ok(())
    }

    /// `[tool.poetry]`. Entries of a shape Poetry would not accept are
    /// skipped with a note, never an error: the rest of the file still
    /// counts.
    fn read_poetry(&mut self) {
        let doc = self.doc;
        let Some(poetry) = doc.get(&["tool", "poetry"]).and_then(Item::as_table_like) else {
            return;
        };
        let mut extras: BTreeMap<PackageName, Vec<String>> = BTreeMap::new();
        if let Some(table) = poetry.get("extras").and_then(Item::as_table_like) {
            for (extra, item) in table.iter() {
                for package in item
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str())
                {
                    extras
                        .entry(PackageName::new(package))
                        .or_default()
                        .push(group_name(extra));
                }
            }
        }
        // Poetry 2 reads `[project] dependencies` and uses the main
        // Poetry table only to add details (a git source) to them.
        let project_main: HashSet<PackageName> = self
            .dependencies
            .iter()
            .filter(|d| d.groups.iter().any(|g| g == "main"))
            .map(|d| d.name.clone())
            .collect();

        // Poetry 2.2 `include-groups`: a group also installs the members
        // of the groups it names.
        let mut includes: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut sections: Vec<(&dyn TableLike, String)> = Vec::new();
        if let Some(table) = poetry.get("dependencies").and_then(Item::as_table_like) {
            sections.push((table, "main".to_string()));
        }
        if let Some(table) = poetry.get("dev-dependencies").and_then(Item::as_table_like) {
            sections.push((table, "dev".to_string()));
        }
        if let Some(groups) = poetry.get("group").and_then(Item::as_table_like) {
            for (group, item) in groups.iter() {
                if let Some(names) = item
                    .as_table_like()
                    .and_then(|g| g.get("include-groups"))
                    .and_then(Item::as_array)
                {
                    includes.insert(
                        group_name(group),
                        names
                            .iter()
                            .filter_map(|v| v.as_str())
                            .map(group_name)
                            .collect(),
                    );
                }
                if let Some(table) = item
                    .as_table_like()
                    .and_then(|g| g.get("dependencies"))
                    .and_then(Item::as_table_like)
                {
                    sections.push((table, group_name(group)));
                }
            }
        }

        for (table, group) in sections {
            for (name, item) in table.iter() {
                if group == "main" && name.eq_ignore_ascii_case("python") {
                    continue;
                }
                let line = doc.key_line(table, name);
                let span = doc.entry_span(table, name);
                let versions = poetry_version_strings(doc, item);
                let entries = match poetry_entries(name, item) {
                    Ok(entries) => entries,
                    Err(why) => {
                        self.note(line, format!("skipped Poetry dependency `{name}`: {why}"));
                        continue;
                    }
                };
                let package = PackageName::new(name);
                if group == "main" && project_main.contains(&package) {
                    self.enrich_project_dependency(&package, &entries);
                    continue;
                }
                for (position, entry) in entries.into_iter().enumerate() {
                    let version = versions.get(position).copied().flatten();
                    let groups = if group == "main" && entry.optional {
                        extras
                            .get(&package)
                            .cloned()
                            .unwrap_or_else(|| vec![group.clone()])
                    } else {
                        vec![group.clone()]
                    };
                    let mut dependency = entry.into_dependency(self.source, line, groups);
                    dependency.span = span;
                    if let Some((start, constraint)) = version {
                        dependency.version_span =
                            constraint_span(constraint, start, dependency.version.is_some());
                    }
                    self.dependencies.push(dependency);
                }
            }
        }
        self.include_poetry_groups(&includes);
    }

    /// Adds each including group to the dependencies of the groups it
    /// includes, following chains and stopping at cycles.
    fn include_poetry_groups(&mut self, includes: &BTreeMap<String, Vec<String>>) {
        for group in includes.keys() {
            let mut members: Vec<String> = Vec::new();
            let mut pending: Vec<String> = includes.get(group).cloned().unwrap_or_default();
            while let Some(next) = pending.pop() {
                if next == *group || members.contains(&next) {
                    continue;
                }
                pending.extend(includes.get(&next).cloned().unwrap_or_default());
                members.push(next);
            }
            for dependency in &mut self.dependencies {
                if dependency.groups.iter().any(|g| members.contains(g))
                    && !dependency.groups.contains(group)
                {
                    dependency.groups.push(group.clone());
                }
            }
        }
    }

    /// A Poetry 2 table entry that names a git/path/url source for a
    /// `[project]` dependency changes where that dependency comes from.
    fn enrich_project_dependency(&mut self, package: &PackageName, entries: &[PoetryEntry]) {
        let Some(entry) = entries.iter().find(|e| e.kind != DependencyKind::Registry) else {
            return;
        };
        for dependency in self.dependencies.iter_mut().filter(|d| &d.name == package) {
            dependency.kind = entry.kind;
            dependency.version = None;
            dependency.requirement = Some(entry.requirement.clone());
        }
    }

    /// `[tool.pdm.dev-dependencies]`: groups of PEP 508 strings or `-e`
    /// editable lines.
    fn read_pdm(&mut self) -> Result<(), ParseError> {
        let doc = self.doc;
        let Some(item) = doc.get(&["tool", "pdm", "dev-dependencies"]) else {
            return Ok(());
        };
        let Some(table) = item.as_table_like() else {
            return Err(error_at(
                doc.item_line(item),
                "`tool.pdm.dev-dependencies` must be a table",
            ));
        };
        for (group, item) in table.iter() {
            let what = format!("tool.pdm.dev-dependencies.{group}");
            let group = group_name(group);
            for string in string_array(doc, item, &what)? {
                let (text, line) = (string.text, string.line);
                match text.trim().strip_prefix("-e") {
                    Some(editable) if editable.starts_with(char::is_whitespace) => {
                        match editable_dependency(editable.trim(), self.source, &group, line) {
                            Some(mut dependency) => {
                                if let Some(start) = string.start {
                                    let lead = text.len() - text.trim_start().len();
                                    let span_start = start + lead;
                                    dependency.span = Some(pyward_model::Span::new(
                                        span_start,
                                        span_start + text.trim().len(),
                                    ));
                                }
                                self.dependencies.push(dependency);
                            }
                            None => self.note(
                                line,
                                format!("skipped editable `{text}`: no package name in it"),
                            ),
                        }
                    }
                    _ => self.requirement(string, &group),
                }
            }
        }
        Ok(())
    }

    /// `[tool.uv] dev-dependencies` (group `dev`).
    fn read_uv(&mut self) -> Result<(), ParseError> {
        let doc = self.doc;
        if let Some(item) = doc.get(&["tool", "uv", "dev-dependencies"]) {
            for string in string_array(doc, item, "tool.uv.dev-dependencies")? {
                self.requirement(string, "dev");
            }
        }
        Ok(())
    }

    /// `myproject[postgres]` inside the project's own extras or groups
    /// means "the dependencies of those extras": list them under the
    /// referring group rather than as a package to look up.
    fn resolve_self_references(&mut self) {
        let Some(project) = self.project_name.clone() else {
            return;
        };
        let is_self = |d: &Dependency| d.name == project && d.kind == DependencyKind::Registry;
        if !self.dependencies.iter().any(is_self) {
            return;
        }
        let mut by_extra: BTreeMap<String, Vec<Dependency>> = BTreeMap::new();
        for dependency in &self.dependencies {
            for group in &dependency.groups {
                by_extra
                    .entry(group.clone())
                    .or_default()
                    .push(dependency.clone());
            }
        }
        let mut resolved = Vec::with_capacity(self.dependencies.len());
        for dependency in std::mem::take(&mut self.dependencies) {
            if !is_self(&dependency) {
                resolved.push(dependency);
                continue;
            }
            let mut visiting = Vec::new();
            for member in expand_self_reference(&dependency, &project, &by_extra, &mut visiting) {
                let mut member = member;
                let markers: Vec<String> = dependency
                    .markers
                    .iter()
                    .chain(member.markers.iter())
                    .cloned()
                    .collect();
                member.markers = and_markers(&markers);
                member.groups.clone_from(&dependency.groups);
                resolved.push(member);
            }
        }
        self.dependencies = resolved;
    }
}

/// `[tool.uv.sources]` (in `pyproject.toml` or a PEP 723 script): a
/// dependency listed there comes from git, a path, a URL or the workspace
/// rather than from the index.
pub(crate) fn apply_uv_sources(doc: &TomlDoc<'_>, dependencies: &mut [Dependency]) {
    let Some(sources) = doc
        .get(&["tool", "uv", "sources"])
        .and_then(Item::as_table_like)
    else {
        return;
    };
    for (name, item) in sources.iter() {
        let mut tables: Vec<&dyn TableLike> = Vec::new();
        if let Some(table) = item.as_table_like() {
            tables.push(table);
        } else if let Some(array) = item.as_array() {
            tables.extend(
                array
                    .iter()
                    .filter_map(|v| v.as_inline_table())
                    .map(|t| t as &dyn TableLike),
            );
        }
        // With per-platform sources, one of which is an index, the
        // package still comes from an index somewhere: keep it auditable.
        let resolved: Vec<_> = tables.iter().map(|t| uv_source(name, *t)).collect();
        if resolved.iter().any(Option::is_none) {
            continue;
        }
        let Some((kind, requirement)) = resolved.into_iter().flatten().next() else {
            continue;
        };
        let package = PackageName::new(name);
        for dependency in dependencies
            .iter_mut()
            .filter(|d| d.name == package && d.kind == DependencyKind::Registry)
        {
            dependency.kind = kind;
            dependency.version = None;
            dependency.requirement = Some(requirement.clone());
        }
    }
}

/// Appends the requirement strings of group `name` to `out`, following
/// `include-group` entries; `stack` holds the groups being expanded, to
/// catch cycles.
fn expand_group<'i>(
    doc: &TomlDoc<'_>,
    groups: &BTreeMap<String, (&str, &'i Item)>,
    name: &str,
    stack: &mut Vec<String>,
    expanded: &mut HashSet<String>,
    out: &mut Vec<TomlString<'i>>,
) -> Result<(), ParseError> {
    let Some(&(raw, item)) = groups.get(name) else {
        return Ok(());
    };
    let Some(array) = item.as_array() else {
        return Err(error_at(
            doc.item_line(item),
            format!("`dependency-groups.{raw}` must be an array"),
        ));
    };
    stack.push(name.to_string());
    for value in array {
        let line = doc.value_line(value);
        if let Some(text) = value.as_str() {
            out.push(TomlString {
                text,
                line,
                start: doc.string_start(value),
            });
            continue;
        }
        let include = value
            .as_inline_table()
            .filter(|t| t.len() == 1)
            .and_then(|t| t.get("include-group"))
            .and_then(|v| v.as_str());
        let Some(include) = include else {
            return Err(error_at(
                line,
                format!(
                    "`dependency-groups.{raw}` entries must be strings or `{{include-group = \"...\"}}` tables"
                ),
            ));
        };
        let target = group_name(include);
        if !groups.contains_key(&target) {
            return Err(error_at(
                line,
                format!("dependency group `{raw}` includes `{include}`, which is not defined"),
            ));
        }
        if let Some(start) = stack.iter().position(|g| *g == target) {
            let mut cycle: Vec<&str> = stack[start..].iter().map(String::as_str).collect();
            cycle.push(&target);
            return Err(error_at(
                line,
                format!(
                    "dependency groups include each other in a cycle: {}",
                    cycle.join(" -> ")
                ),
            ));
        }
        // A group included twice adds nothing the second time; skipping it
        // keeps a chain of double includes from growing exponentially.
        if expanded.insert(target.clone()) {
            expand_group(doc, groups, &target, stack, expanded, out)?;
        }
    }
    stack.pop();
    Ok(())
}

/// The dependencies a self-reference (`myproject[a,b]`) stands for.
fn expand_self_reference(
    dependency: &Dependency,
    project: &PackageName,
    by_extra: &BTreeMap<String, Vec<Dependency>>,
    visiting: &mut Vec<String>,
) -> Vec<Dependency> {
    let extras: Vec<String> = dependency
        .requirement
        .as_deref()
        .and_then(|text| pep508::parse_requirement(text).ok())
        .map(|r| r.extras.iter().map(|e| group_name(e.as_ref())).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for extra in extras {
        if visiting.contains(&extra) {
            continue;
        }
        visiting.push(extra.clone());
        for member in by_extra.get(&extra).into_iter().flatten() {
            if &member.name == project && member.kind == DependencyKind::Registry {
                out.extend(expand_self_reference(member, project, by_extra, visiting));
            } else {
                out.push(member.clone());
            }
        }
    }
    out
}

/// A `-e` line of PDM: `-e file:///${PROJECT_ROOT}/libs/core#egg=core`,
/// `-e ./libs/core`, `-e name @ file:///...`, `-e git+https://...#egg=x`.
fn editable_dependency(
    target: &str,
    source: &str,
    group: &str,
    line: Option<u32>,
) -> Option<Dependency> {
    if target.contains(" @ ") {
        let mut dependency = pep508::dependency(target, source, group, line).ok()?;
        dependency.kind = DependencyKind::Path;
        dependency.requirement = Some(format!("-e {target}"));
        return Some(dependency);
    }
    let name = target
        .split_once("#egg=")
        .map(|(_, egg)| egg.split('&').next().unwrap_or(egg).to_string())
        .or_else(|| {
            let path = target.split(['#', '?']).next().unwrap_or(target);
            path.trim_end_matches('/')
                .rsplit(['/', '\\'])
                .next()
                .map(str::to_string)
        })
        .filter(|n| !n.is_empty() && !n.contains('$') && n != "." && n != "..")?;
    let mut dependency = Dependency::new(&name, None, source);
    dependency.line = line;
    dependency.groups = vec![group.to_string()];
    dependency.kind = if pep508::is_local_reference(target) {
        DependencyKind::Path
    } else {
        DependencyKind::Url
    };
    dependency.requirement = Some(format!("-e {target}"));
    Some(dependency)
}

/// Where a `[tool.uv.sources]` entry says a package comes from, unless it
/// is just another index.
fn uv_source(name: &str, table: &dyn TableLike) -> Option<(DependencyKind, String)> {
    let get = |key: &str| table.get(key).and_then(Item::as_str);
    if let Some(git) = get("git") {
        let reference = get("rev").or_else(|| get("tag")).or_else(|| get("branch"));
        return Some((
            DependencyKind::Url,
            git_requirement(name, git, reference, get("subdirectory")),
        ));
    }
    if let Some(path) = get("path") {
        return Some((DependencyKind::Path, format!("{name} @ {path}")));
    }
    if let Some(url) = get("url") {
        return Some((DependencyKind::Url, format!("{name} @ {url}")));
    }
    if table.get("workspace").and_then(Item::as_bool) == Some(true) {
        return Some((DependencyKind::Path, format!("{name} (workspace member)")));
    }
    None
}

fn git_requirement(
    name: &str,
    url: &str,
    reference: Option<&str>,
    subdirectory: Option<&str>,
) -> String {
    let prefix = if url.starts_with("git+") { "" } else { "git+" };
    let mut text = format!("{name} @ {prefix}{url}");
    if let Some(reference) = reference {
        text.push('@');
        text.push_str(reference);
    }
    if let Some(subdirectory) = subdirectory {
        text.push_str("#subdirectory=");
        text.push_str(subdirectory);
    }
    text
}

/// One constraint of a Poetry dependency, before it gets its groups.
#[derive(Debug)]
struct PoetryEntry {
    name: String,
    version: Option<String>,
    requirement: String,
    markers: Option<String>,
    kind: DependencyKind,
    optional: bool,
}

impl PoetryEntry {
    fn into_dependency(self, source: &str, line: Option<u32>, groups: Vec<String>) -> Dependency {
        let mut dependency = Dependency::new(&self.name, self.version.as_deref(), source);
        dependency.line = line;
        dependency.groups = groups;
        dependency.markers = self.markers;
        dependency.kind = self.kind;
        if dependency.version.is_none() {
            dependency.requirement = Some(self.requirement);
        }
        dependency
    }
}

/// Where the version constraint of each entry of a Poetry (or Pipfile)
/// dependency value is written, in the order of [`poetry_entries`]: the
/// byte its text starts at and the text, for a string value or a table's
/// `version` string.
pub(crate) fn poetry_version_strings<'i>(
    doc: &TomlDoc<'_>,
    item: &'i Item,
) -> Vec<Option<(usize, &'i str)>> {
    let of_value = |value: &'i toml_edit::Value| {
        value
            .as_str()
            .and_then(|text| doc.string_start(value).map(|start| (start, text)))
    };
    let of_table = |table: &'i dyn TableLike| {
        table
            .get("version")
            .and_then(Item::as_value)
            .and_then(of_value)
    };
    if let Some(value) = item.as_value() {
        if let Some(array) = value.as_array() {
            return array
                .iter()
                .map(|v| match v.as_inline_table() {
                    Some(table) => of_table(table),
                    None => of_value(v),
                })
                .collect();
        }
        if let Some(table) = value.as_inline_table() {
            return vec![of_table(table)];
        }
        return vec![of_value(value)];
    }
    if let Some(table) = item.as_table() {
        return vec![of_table(table)];
    }
    if let Some(tables) = item.as_array_of_tables() {
        return tables.iter().map(|t| of_table(t)).collect();
    }
    Vec::new()
}

/// The span `fix` rewrites in a constraint string starting at `start`: the
/// version of an exact pin (`3.0.1` of `==3.0.1`), else the whole
/// constraint (`^3.0`).
pub(crate) fn constraint_span(constraint: &str, start: usize, pinned: bool) -> Option<pyward_model::Span> {
    let lead = constraint.len() - constraint.trim_start().len();
    let trimmed = constraint.trim();
    if trimmed.is_empty() || trimmed == "*" {
        return None;
    }
    let (skip, text) = if pinned {
        let bare = trimmed.trim_start_matches('=').trim_start();
        (trimmed.len() - bare.len(), bare)
    } else {
        (0, trimmed)
    };
    let from = start + lead + skip;
    Some(pyward_model::Span::new(from, from + text.len()))
}

/// A Poetry dependency value: a constraint string, a table, or a list of
/// tables (multiple constraints, each with its own markers).
fn poetry_entries(name: &str, item: &Item) -> Result<Vec<PoetryEntry>, String> {
    if let Some(constraint) = item.as_str() {
        return Ok(vec![poetry_constraint_entry(
            name,
            constraint,
            &[],
            Vec::new(),
        )?]);
    }
    if let Some(table) = item.as_table_like() {
        return Ok(vec![poetry_table(name, table)?]);
    }
    if let Some(array) = item.as_array() {
        let mut entries = Vec::new();
        for value in array {
            if let Some(table) = value.as_inline_table() {
                entries.push(poetry_table(name, table)?);
            } else if let Some(constraint) = value.as_str() {
                entries.push(poetry_constraint_entry(name, constraint, &[], Vec::new())?);
            } else {
                return Err("list entries must be tables or strings".to_string());
            }
        }
        return Ok(entries);
    }
    if let Some(tables) = item.as_array_of_tables() {
        return tables.iter().map(|t| poetry_table(name, t)).collect();
    }
    Err("value is neither a constraint, a table nor a list".to_string())
}

fn poetry_table(name: &str, table: &dyn TableLike) -> Result<PoetryEntry, String> {
    let get = |key: &str| -> Result<Option<&str>, String> {
        match table.get(key) {
            None => Ok(None),
            Some(item) => item
                .as_str()
                .map(Some)
                .ok_or_else(|| format!("`{key}` must be a string")),
        }
    };
    let extras: Vec<String> = match table.get("extras") {
        None => Vec::new(),
        Some(item) => item
            .as_array()
            .ok_or("`extras` must be a list")?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or("`extras` must hold strings")
            })
            .collect::<Result<_, _>>()?,
    };
    let mut markers = Vec::new();
    if let Some(marker) = get("markers")? {
        pep508::parse_marker(marker).map_err(|e| {
            format!("invalid markers `{}`: {e}", crate::excerpt::excerpt(marker))
        })?;
        markers.push(marker.to_string());
    }
    if let Some(python) = get("python")? {
        markers.extend(poetry_constraint::python_marker(python)?);
    }
    if let Some(platform) = get("platform")? {
        markers.push(format!("sys_platform == \"{platform}\""));
    }
    let optional = table
        .get("optional")
        .and_then(Item::as_bool)
        .unwrap_or(false);
    let extras_text = extras_suffix(&extras);

    let direct = if let Some(git) = get("git")? {
        let reference = get("rev")?.or(get("tag")?).or(get("branch")?);
        Some((
            DependencyKind::Url,
            git_requirement(
                &format!("{name}{extras_text}"),
                git,
                reference,
                get("subdirectory")?,
            ),
        ))
    } else if let Some(path) = get("path")? {
        Some((
            DependencyKind::Path,
            format!("{name}{extras_text} @ {path}"),
        ))
    } else {
        get("url")?.map(|url| (DependencyKind::Url, format!("{name}{extras_text} @ {url}")))
    };
    if let Some((kind, requirement)) = direct {
        return Ok(PoetryEntry {
            name: name.to_string(),
            version: None,
            requirement,
            markers: and_markers(&markers),
            kind,
            optional,
        });
    }
    let constraint = get("version")?.unwrap_or("*");
    let mut entry = poetry_constraint_entry(name, constraint, &extras, markers)?;
    entry.optional = optional;
    Ok(entry)
}

fn extras_suffix(extras: &[String]) -> String {
    if extras.is_empty() {
        String::new()
    } else {
        format!("[{}]", extras.join(","))
    }
}

fn poetry_constraint_entry(
    name: &str,
    constraint: &str,
    extras: &[String],
    markers: Vec<String>,
) -> Result<PoetryEntry, String> {
    let alternatives = poetry_constraint::parse(constraint)?;
    let specifiers: Vec<String> = alternatives
        .iter()
        .map(|a| poetry_constraint::specifier(a))
        .collect();
    for specifier in &specifiers {
        VersionSpecifiers::from_str(specifier)
            .map_err(|e| {
                format!(
                    "invalid version constraint `{}`: {e}",
                    crate::excerpt::excerpt(constraint)
                )
            })?;
    }
    let extras_text = extras_suffix(extras);
    let requirement = match specifiers.as_slice() {
        [one] => format!("{name}{extras_text}{one}"),
        _ => format!("{name}{extras_text} ({})", constraint.trim()),
    };
    Ok(PoetryEntry {
        name: name.to_string(),
        version: poetry_constraint::pinned(&alternatives),
        requirement,
        markers: and_markers(&markers),
        kind: DependencyKind::Registry,
        optional: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::test_support::{fixtures, render_manifest, snapshot};

    fn read(text: &str) -> Manifest {
        parse_with_notes(text, "pyproject.toml").expect("valid pyproject.toml")
    }

    fn fixture(name: &str) -> String {
        fixtures("pyproject")
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, text)| text)
            .unwrap_or_else(|| panic!("no fixture {name}"))
    }

    #[test]
    fn fixtures_match_snapshots() {
        let mut seen = 0;
        for (name, text) in fixtures("pyproject") {
            if name.starts_with("error_") {
                continue;
            }
            let manifest = parse_with_notes(&text, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                !manifest.dependencies.is_empty() || !manifest.notes.is_empty(),
                "{name}: nothing read"
            );
            snapshot(&format!("pyproject__{name}"), &render_manifest(&manifest));
            seen += 1;
        }
        assert!(seen >= 8, "only {seen} fixtures");
    }

    #[test]
    fn error_fixtures_name_the_line() {
        let cases = [
            ("error_syntax.toml", 6, "TOML syntax error"),
            (
                "error_missing_include.toml",
                5,
                "includes `lint`, which is not defined",
            ),
            ("error_cycle.toml", 4, "cycle: a -> b -> c -> a"),
            ("error_bad_requirement.toml", 5, "requests >>= 2"),
        ];
        for (name, line, message) in cases {
            let error = parse(&fixture(name), name).expect_err(name);
            assert_eq!(error.line, Some(line), "{name}: {error}");
            assert!(error.message.contains(message), "{name}: {error}");
        }
    }

    #[test]
    fn pep621_pins_extras_and_markers() {
        let deps = parse(&fixture("uv_project.toml"), "pyproject.toml").unwrap();
        let rich = deps.iter().find(|d| d.name.as_str() == "rich").unwrap();
        assert_eq!(rich.version.as_deref(), Some("13.7.1"));
        assert_eq!(rich.groups, ["main"]);
        assert_eq!(rich.line, Some(13));
        let tomli = deps.iter().find(|d| d.name.as_str() == "tomli").unwrap();
        assert_eq!(
            tomli.markers.as_deref(),
            Some("python_full_version < '3.11'")
        );
        let psycopg = deps.iter().find(|d| d.name.as_str() == "psycopg").unwrap();
        assert_eq!(psycopg.groups, ["postgres"]);
        assert_eq!(psycopg.version, None);
        let core = deps
            .iter()
            .find(|d| d.name.as_str() == "core-utils")
            .unwrap();
        assert_eq!(core.kind, DependencyKind::Path);
        let mypy = deps.iter().find(|d| d.name.as_str() == "mypy").unwrap();
        assert_eq!(mypy.groups, ["lint"]);
    }

    #[test]
    fn included_groups_list_each_dependency_once() {
        let deps = parse(&fixture("pep735_include.toml"), "pyproject.toml").unwrap();
        let pytest: Vec<_> = deps
            .iter()
            .filter(|d| d.name.as_str() == "pytest")
            .collect();
        assert_eq!(pytest.len(), 1);
        assert_eq!(pytest[0].groups, ["dev", "test", "typing-test"]);
        // `groups-demo[cli]` is the project's own extra, not a package.
        assert!(deps.iter().all(|d| d.name.as_str() != "groups-demo"));
        let click = deps.iter().find(|d| d.name.as_str() == "click").unwrap();
        assert_eq!(click.groups, ["cli", "all"]);
    }

    #[test]
    fn poetry_shapes() {
        let manifest = read(&fixture("poetry1_shapes.toml"));
        let deps = &manifest.dependencies;
        let get = |name: &str| {
            deps.iter()
                .filter(|d| d.name.as_str() == name)
                .collect::<Vec<_>>()
        };
        assert!(get("python").is_empty());
        let numpy = get("numpy");
        assert_eq!(numpy.len(), 2);
        assert_eq!(
            numpy[0].markers.as_deref(),
            Some("python_version < \"3.9\"")
        );
        assert_eq!(
            numpy[1].markers.as_deref(),
            Some("python_version >= \"3.9\"")
        );
        assert_eq!(get("pendulum")[0].version.as_deref(), Some("3.0.0"));
        assert_eq!(
            get("pywin32")[0].markers.as_deref(),
            Some("sys_platform == \"win32\"")
        );
        assert_eq!(get("flask")[0].kind, DependencyKind::Url);
        assert_eq!(
            get("flask")[0].requirement.as_deref(),
            Some("flask @ git+https://github.com/pallets/flask.git@3.0.3")
        );
        assert_eq!(get("internal-lib")[0].kind, DependencyKind::Path);
        assert_eq!(get("psycopg2")[0].groups, ["databases", "postgres"]);
        assert_eq!(get("pytest")[0].groups, ["dev"]);
        assert_eq!(get("pytest-cov")[0].version.as_deref(), Some("4.1.0"));
        assert_eq!(
            get("requests")[0].requirement.as_deref(),
            Some("requests[socks]>=2.31.0,<3.0")
        );
        // Shapes Poetry would reject are skipped with a note, not fatal.
        assert!(get("oddity").is_empty());
        assert!(get("broken-constraint").is_empty());
        assert_eq!(manifest.notes.len(), 2, "{:?}", manifest.notes);
        assert!(
            manifest.notes[0].contains("`oddity`"),
            "{:?}",
            manifest.notes
        );
    }

    #[test]
    fn repeated_includes_do_not_blow_up() {
        let mut text = String::from("[dependency-groups]\ng0 = [\"leaf\"]\n");
        for i in 1..40 {
            let p = i - 1;
            text.push_str(&format!(
                "g{i} = [{{include-group = \"g{p}\"}}, {{include-group = \"g{p}\"}}]\n"
            ));
        }
        let deps = parse(&text, "pyproject.toml").unwrap();
        assert_eq!(deps.len(), 1);
        assert_eq!(deps[0].groups.len(), 40);
    }

    #[test]
    fn poetry_include_groups() {
        let text = "[tool.poetry.group.lint.dependencies]\nruff = \"*\"\n\
                    [tool.poetry.group.test.dependencies]\npytest = \"*\"\n\
                    [tool.poetry.group.dev]\ninclude-groups = [\"lint\", \"test\"]\n\
                    [tool.poetry.group.dev.dependencies]\nipython = \"*\"\n\
                    [tool.poetry.group.ci]\ninclude-groups = [\"dev\", \"ci\"]\n";
        let deps = parse(text, "pyproject.toml").unwrap();
        let groups = |n: &str| {
            deps.iter()
                .find(|d| d.name.as_str() == n)
                .unwrap()
                .groups
                .clone()
        };
        assert_eq!(groups("ruff"), ["lint", "ci", "dev"]);
        assert_eq!(groups("pytest"), ["test", "ci", "dev"]);
        assert_eq!(groups("ipython"), ["dev", "ci"]);
    }

    #[test]
    fn poetry2_dynamic_dependencies_come_from_the_tool_table() {
        let text = "[project]\nname = \"x\"\ndynamic = [\"dependencies\"]\n\
                    [tool.poetry.dependencies]\npython = \"^3.10\"\nrequests = \"^2.32\"\n";
        let manifest = read(text);
        assert_eq!(manifest.dependencies.len(), 1);
        assert!(manifest.notes.is_empty(), "{:?}", manifest.notes);
    }

    #[test]
    fn poetry2_tool_table_only_enriches_project_dependencies() {
        let deps = parse(&fixture("poetry2_enriched.toml"), "pyproject.toml").unwrap();
        let fork: Vec<_> = deps
            .iter()
            .filter(|d| d.name.as_str() == "my-fork")
            .collect();
        assert_eq!(fork.len(), 1);
        assert_eq!(fork[0].kind, DependencyKind::Url);
        assert_eq!(fork[0].line, Some(7));
    }

    #[test]
    fn uv_sources_change_the_kind() {
        let deps = parse(&fixture("uv_legacy_dev_sources.toml"), "pyproject.toml").unwrap();
        let kind = |name: &str| deps.iter().find(|d| d.name.as_str() == name).unwrap().kind;
        assert_eq!(kind("selectolax"), DependencyKind::Url);
        assert_eq!(kind("shared-models"), DependencyKind::Path);
        // Linux installs it from an index: still audited.
        assert_eq!(kind("fastapi-utils"), DependencyKind::Registry);
        assert_eq!(kind("httpx"), DependencyKind::Registry);
        let respx = deps.iter().find(|d| d.name.as_str() == "respx").unwrap();
        assert_eq!(respx.groups, ["dev"]);
        assert_eq!(respx.version.as_deref(), Some("0.21.1"));
    }

    #[test]
    fn dynamic_dependencies_are_a_note() {
        let manifest = read(&fixture("setuptools_dynamic.toml"));
        assert!(manifest.dependencies.is_empty());
        assert_eq!(manifest.notes.len(), 2);
        assert!(
            manifest.notes[0].contains("requirements.in"),
            "{:?}",
            manifest.notes
        );
    }

    #[test]
    fn empty_and_unrelated_files_have_no_dependencies() {
        assert!(parse("", "p").unwrap().is_empty());
        assert!(
            parse("[tool.black]\nline-length = 100\n", "p")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn wrong_types_are_errors_with_lines() {
        let error = parse("[project]\ndependencies = \"requests\"\n", "p").unwrap_err();
        assert_eq!(error.line, Some(2));
        let error = parse("[project]\ndependencies = [\n  1,\n]\n", "p").unwrap_err();
        assert_eq!(error.line, Some(3));
        let error = parse("[dependency-groups]\ndev = [{ foo = 1 }]\n", "p").unwrap_err();
        assert_eq!(error.line, Some(2));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = parse(&text, "p");
        }

        #[test]
        fn never_panics_on_tomlish_text(
            text in "(\\[(project|dependency-groups|tool\\.poetry\\.dependencies)\\]\n|[a-z]{1,5} = (\"[a-z^~=<>.0-9 *|]{0,8}\"|\\[\"[a-z=<>0-9. ;']{0,12}\"\\]|\\{ ?[a-z]{1,4} = \"[a-z0-9^.]{0,5}\" ?\\}|\\[\\{include-group = \"[a-z]{1,3}\"\\}\\])\n){0,8}"
        ) {
            let _ = parse(&text, "p");
        }
    }
}
