//! pip requirements files, with pip's whole syntax: comments, line
//! continuations, `-r`/`-c` includes, `-e`, URLs and local paths, per-line
//! options (`--hash`) and global options (`-i`, `--find-links`...), and the
//! `# via` annotations pip-compile and `uv pip compile` write, which give
//! the dependency graph.
//!
//! [`parse`] reads one file's text. [`read_file`] reads a file from disk
//! and follows its `-r` and `-c` includes, relative to the including file,
//! as pip does.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};

use pyward_model::{Dependency, DependencyKind, PackageName, ScanError};
use rustc_hash::FxHashMap;

use crate::format::ParseError;
use crate::manifest::is_dev_group;

/// The dependencies one requirements file states itself. `-r` and `-c`
/// lines are checked but not followed (that needs the file system: see
/// [`read_file`]). `source` is what each dependency's `source` says.
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    parse_text(text, source, Path::new(source).parent()).map(|file| file.dependencies)
}

/// What a `-r` or `-c` line brings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum IncludeKind {
    Requirements,
    Constraints,
}

/// One `-r FILE` or `-c FILE` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Include {
    pub line: u32,
    pub kind: IncludeKind,
    pub target: String,
}

/// One requirements file, parsed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParsedFile {
    pub dependencies: Vec<Dependency>,
    pub includes: Vec<Include>,
}

/// How pip reads an option on a requirements line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptionKind {
    Requirement,
    Constraint,
    Editable,
    /// `--hash`, `--config-settings`, `--global-option`: about the
    /// requirement on the same line.
    PerRequirement,
    /// `-i`, `--find-links`, `--pre`...: about the whole install, nothing
    /// to audit.
    Global,
}

/// pip's requirements-file options: (kind, takes a value).
fn option_spec(name: &str) -> Option<(OptionKind, bool)> {
    Some(match name {
        "-r" | "--requirement" => (OptionKind::Requirement, true),
        "-c" | "--constraint" => (OptionKind::Constraint, true),
        "-e" | "--editable" => (OptionKind::Editable, true),
        "--hash" | "--global-option" | "--config-settings" | "-C" | "--install-option" => {
            (OptionKind::PerRequirement, true)
        }
        "-i" | "--index-url" | "--extra-index-url" | "-f" | "--find-links" | "--trusted-host"
        | "--no-binary" | "--only-binary" | "--use-feature" => (OptionKind::Global, true),
        "--no-index" | "--pre" | "--prefer-binary" | "--require-hashes" => {
            (OptionKind::Global, false)
        }
        _ => return None,
    })
}

/// Parses one requirements file's text; `source` names it in the
/// dependencies it returns; `dir` is the folder it is in (which names a
/// `-e .` requirement).
pub(crate) fn parse_text(
    text: &str,
    source: &str,
    dir: Option<&Path>,
) -> Result<ParsedFile, ParseError> {
    let group = group_for_file(source);
    let mut file = ParsedFile::default();
    // Parents named by `# via` comments, per index in `file.dependencies`.
    let mut parents: Vec<Vec<String>> = Vec::new();
    let mut annotated = false;
    // The requirement the `# via` comments that follow belong to.
    let mut last_requirement: Option<usize> = None;
    let mut in_via_block = false;

    for (number, line) in logical_lines(text) {
        let (content, comment) = split_comment(&line);
        let content = content.trim();
        if content.is_empty() {
            match comment {
                Some(comment) => {
                    let trimmed = comment.trim();
                    if let Some(rest) = trimmed
                        .strip_prefix("via")
                        .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
                    {
                        annotated = true;
                        let rest = rest.trim();
                        in_via_block = rest.is_empty();
                        if let Some(index) = last_requirement {
                            parents[index].extend(via_names(rest));
                        }
                    } else if in_via_block && comment.starts_with("  ") {
                        if let Some(index) = last_requirement {
                            parents[index].extend(via_names(trimmed));
                        }
                    } else {
                        in_via_block = false;
                    }
                }
                None => in_via_block = false,
            }
            continue;
        }
        in_via_block = false;
        last_requirement = None;

        let (args, options) = split_args_options(content);
        let options = parse_options(options, number)?;
        let editable = options
            .iter()
            .find(|(kind, _, _)| *kind == OptionKind::Editable);
        let requirement_text = match (args.is_empty(), editable) {
            (false, _) => Some((args, false)),
            (true, Some((_, _, value))) => Some((value.as_str(), true)),
            (true, None) => None,
        };
        match requirement_text {
            Some((text, is_editable)) => {
                let mut dependency = parse_requirement(text, is_editable, source, dir, number)?;
                dependency.groups = vec![group.clone()];
                let inline_via = comment
                    .map(str::trim)
                    .and_then(|c| c.strip_prefix("via "))
                    .map(via_names)
                    .unwrap_or_default();
                if !inline_via.is_empty() {
                    annotated = true;
                }
                parents.push(inline_via);
                last_requirement = Some(file.dependencies.len());
                file.dependencies.push(dependency);
            }
            None => {
                for (kind, _, value) in options {
                    let kind = match kind {
                        OptionKind::Requirement => IncludeKind::Requirements,
                        OptionKind::Constraint => IncludeKind::Constraints,
                        OptionKind::PerRequirement => {
                            return Err(ParseError::at_line(
                                number,
                                "a per-requirement option (`--hash`, `--config-settings`) needs a requirement on its line",
                            ));
                        }
                        OptionKind::Editable | OptionKind::Global => continue,
                    };
                    file.includes.push(Include {
                        line: number,
                        kind,
                        target: value,
                    });
                }
            }
        }
    }
    if annotated {
        link_graph(&mut file.dependencies, &parents);
    }
    Ok(file)
}

/// The group a requirements file's dependencies belong to, from its name:
/// `requirements-dev.txt`, `dev-requirements.txt` and `requirements/dev.txt`
/// hold the `dev` group; everything else is `main`.
fn group_for_file(source: &str) -> String {
    let path = Path::new(source);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    stem.split(['-', '_', '.'])
        .filter(|word| *word != "requirements")
        .find(|word| is_dev_group(word))
        .map_or_else(|| "main".to_string(), str::to_string)
}

/// pip's logical lines: physical lines joined where one ends with `\`,
/// each numbered by its first physical line. A comment line ends a
/// continuation (pip's `join_lines`).
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let is_comment = line.trim_start().starts_with('#');
        if !line.ends_with('\\') || is_comment {
            let line = if is_comment {
                format!(" {line}")
            } else {
                line.to_string()
            };
            match pending.take() {
                Some((first, mut joined)) => {
                    joined.push_str(&line);
                    lines.push((first, joined));
                }
                None => lines.push((number, line)),
            }
        } else {
            let part = &line[..line.len() - 1];
            match &mut pending {
                Some((_, joined)) => joined.push_str(part),
                None => pending = Some((number, part.to_string())),
            }
        }
    }
    if let Some(rest) = pending {
        lines.push(rest);
    }
    lines
}

/// Splits a line at its comment: a `#` at the start or after whitespace
/// (so `#egg=` and `#sha256=` inside URLs are not comments).
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut previous_is_space = true;
    for (index, c) in line.char_indices() {
        if c == '#' && previous_is_space {
            return (&line[..index], Some(&line[index + 1..]));
        }
        previous_is_space = c.is_whitespace();
    }
    (line, None)
}

/// The names in a `# via` annotation: `flask, jinja2` or one name per
/// line; `-r requirements.in` and `pkg (pyproject.toml)` are kept as
/// written and mark the requirement as direct.
fn via_names(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// pip's `break_args_options`: the requirement is every word before the
/// first word that starts with `-`; the rest are options.
fn split_args_options(line: &str) -> (&str, &str) {
    let mut previous_is_space = true;
    for (index, c) in line.char_indices() {
        if c == '-' && previous_is_space {
            return (line[..index].trim_end(), &line[index..]);
        }
        previous_is_space = c.is_whitespace();
    }
    (line.trim_end(), "")
}

/// Splits an options string into words the way a POSIX shell does
/// (pip uses `shlex.split`): quotes group, backslash escapes.
fn shell_words(text: &str, line: u32) -> Result<Vec<String>, ParseError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => current.push(c),
                        None => return Err(ParseError::at_line(line, "unclosed `'` quote")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => current.push(c),
                            None => {
                                return Err(ParseError::at_line(line, "unclosed `\"` quote"));
                            }
                        },
                        Some(c) => current.push(c),
                        None => return Err(ParseError::at_line(line, "unclosed `\"` quote")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    current.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

/// Parses the options part of a line into (kind, option name, value).
fn parse_options(text: &str, line: u32) -> Result<Vec<(OptionKind, String, String)>, ParseError> {
    let words = shell_words(text, line)?;
    let mut options = Vec::new();
    let mut words = words.into_iter();
    while let Some(word) = words.next() {
        let (name, attached) = if word.starts_with("--") {
            match word.split_once('=') {
                Some((name, value)) => (name.to_string(), Some(value.to_string())),
                None => (word.clone(), None),
            }
        } else if word.starts_with('-') && word.len() > 2 && word.is_char_boundary(2) {
            (word[..2].to_string(), Some(word[2..].to_string()))
        } else {
            (word.clone(), None)
        };
        let Some((kind, takes_value)) = option_spec(&name) else {
            return Err(ParseError::at_line(
                line,
                format!("unknown option `{name}` (pip would refuse this line too)"),
            ));
        };
        let value = if takes_value {
            match attached.or_else(|| words.next()) {
                Some(value) if !value.is_empty() => value,
                _ => {
                    return Err(ParseError::at_line(
                        line,
                        format!("option `{name}` needs a value"),
                    ));
                }
            }
        } else {
            if attached.is_some() {
                return Err(ParseError::at_line(
                    line,
                    format!("option `{name}` takes no value"),
                ));
            }
            String::new()
        };
        options.push((kind, name, value));
    }
    Ok(options)
}

/// Whether a requirement starts with a URL pip knows (`https://`,
/// `git+ssh://`, `file:`...), as pip's `is_url` decides.
fn is_url(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    let scheme = scheme.to_ascii_lowercase();
    if matches!(scheme.as_str(), "http" | "https" | "file" | "ftp") {
        return true;
    }
    let vcs = scheme.split('+').next().unwrap_or_default();
    matches!(vcs, "git" | "hg" | "svn" | "bzr")
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+')
}

/// Whether a requirement (without markers and extras) is a local path,
/// statically (pip checks the file system; pyward does not need to).
fn looks_like_path(text: &str) -> bool {
    if text.contains(" @ ") {
        return false;
    }
    if let Some((before, _)) = text.split_once('@')
        && !(before.contains('/') || before.contains('\\') || before.starts_with('.'))
    {
        return false;
    }
    text.contains('/')
        || text.contains('\\')
        || text.starts_with('.')
        || text.starts_with('~')
        || is_archive(text)
}

const ARCHIVE_SUFFIXES: &[&str] = &[
    ".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar.lz", ".tlz", ".tar",
    ".zip",
];

fn is_archive(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ARCHIVE_SUFFIXES
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}

/// Parses a requirement: a PEP 508 specifier, or a URL or path (pip's
/// "unnamed" requirements, and everything after `-e`).
fn parse_requirement(
    text: &str,
    editable: bool,
    source: &str,
    dir: Option<&Path>,
    line: u32,
) -> Result<Dependency, ParseError> {
    let text = text.trim();
    let url = is_url(text);
    // pip splits URLs from their markers at `; ` (a URL may contain `;`).
    let (location, markers) = if url {
        match text.split_once("; ") {
            Some((location, markers)) => (location.trim(), Some(markers.trim())),
            None => (text, None),
        }
    } else {
        match text.split_once(';') {
            Some((location, markers)) => (location.trim(), Some(markers.trim())),
            None => (text, None),
        }
    };
    let without_extras = strip_extras(location);
    if editable || url || looks_like_path(without_extras) {
        let kind = if url && !location.to_ascii_lowercase().starts_with("file:") {
            DependencyKind::Url
        } else {
            DependencyKind::Path
        };
        if let Some(markers) = markers.filter(|m| !m.is_empty()) {
            markers.parse::<pep508_rs::MarkerTree>().map_err(|e| {
                ParseError::at_line(
                    line,
                    format!(
                        "invalid marker in `{text}`: {}",
                        first_line(&e.message.to_string())
                    ),
                )
            })?;
        }
        let mut dependency = Dependency::new(&guess_name(without_extras, dir), None, source);
        dependency.line = Some(line);
        dependency.kind = kind;
        dependency.markers = markers.filter(|m| !m.is_empty()).map(str::to_string);
        dependency.requirement = Some(if editable {
            format!("-e {text}")
        } else {
            text.to_string()
        });
        return Ok(dependency);
    }
    crate::manifest::pep508::dependency(text, source, "main", Some(line))
        .map_err(|message| ParseError::at_line(line, message))
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}

/// `./pkg[extra1,extra2]` without its extras.
fn strip_extras(text: &str) -> &str {
    if text.ends_with(']')
        && let Some(open) = text.rfind('[')
    {
        return &text[..open];
    }
    text
}

/// The package name of an unnamed requirement: the `#egg=` fragment,
/// else the name part of a wheel or sdist file name, else the last path
/// segment (a repository or folder name; for `.`, the folder `dir` is).
fn guess_name(location: &str, dir: Option<&Path>) -> String {
    if let Some((_, fragment)) = location.split_once('#') {
        for pair in fragment.split('&') {
            if let Some(egg) = pair.strip_prefix("egg=") {
                let egg = strip_extras(egg);
                if !egg.is_empty() {
                    return egg.to_string();
                }
            }
        }
    }
    let url = is_url(location);
    let mut path = location.split(['#', '?']).next().unwrap_or(location);
    if url {
        let scheme = path
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        path = match path.split_once("://") {
            // Past the host: `host/org/repo.git@rev`.
            Some((_, rest)) => rest.split_once('/').map_or("", |(_, p)| p),
            None => path.split_once(':').map_or(path, |(_, p)| p),
        };
        // A VCS URL ends in `@revision`, which may hold `/` itself.
        if scheme.contains('+') || ["git", "hg", "svn", "bzr"].contains(&scheme.as_str()) {
            path = path.rsplit_once('@').map_or(path, |(before, _)| before);
        }
    }
    let segment = path
        .trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path);
    let lower = segment.to_ascii_lowercase();
    if lower.ends_with(".whl") {
        return segment.split('-').next().unwrap_or(segment).to_string();
    }
    for suffix in ARCHIVE_SUFFIXES {
        if lower.ends_with(suffix) {
            let stem = &segment[..segment.len() - suffix.len()];
            return match stem.rsplit_once('-') {
                Some((name, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => {
                    name.to_string()
                }
                _ => stem.to_string(),
            };
        }
    }
    let name = segment.strip_suffix(".git").unwrap_or(segment);
    if !name.is_empty() && name != "." && name != ".." {
        return name.to_string();
    }
    // `.` or `..`: the folder it names.
    dir.filter(|_| !url)
        .map(|dir| normalize_lexically(&dir.join(path)))
        .and_then(|full| {
            full.file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| location.to_string())
}

/// Whether a `# via` entry says the requirement comes from the project
/// itself: `-r requirements.in`, `-r pyproject.toml`, `app (pyproject.toml)`.
fn is_direct_marker(parent: &str) -> bool {
    parent.starts_with("-r ")
        || parent.starts_with("--requirement")
        || (parent.ends_with(')') && parent.contains(" ("))
}

/// Sets `direct` and `via` from the `# via` annotations of a compiled
/// file: direct when annotated `-r ...` / `pkg (pyproject.toml)` or not
/// annotated at all; otherwise the shortest chain of parents back to a
/// direct dependency.
fn link_graph(dependencies: &mut [Dependency], parents: &[Vec<String>]) {
    let by_name: FxHashMap<PackageName, usize> = dependencies
        .iter()
        .enumerate()
        .map(|(index, d)| (d.name.clone(), index))
        .rev()
        .collect();
    let direct: Vec<bool> = parents
        .iter()
        .map(|list| {
            list.is_empty()
                || list.iter().any(|p| is_direct_marker(p))
                || list
                    .iter()
                    .all(|p| p.starts_with("-c ") || p.starts_with("--constraint"))
        })
        .collect();
    let parent_indices: Vec<Vec<usize>> = parents
        .iter()
        .map(|list| {
            list.iter()
                .filter(|p| !p.starts_with('-') && !is_direct_marker(p))
                .filter_map(|p| by_name.get(&PackageName::new(strip_extras(p))).copied())
                .collect()
        })
        .collect();
    let previous = shortest_chains(&direct, &parent_indices);
    for index in 0..dependencies.len() {
        dependencies[index].direct = direct[index];
        let mut chain = Vec::new();
        if !direct[index] {
            let mut current = previous[index];
            while let Some(parent) = current {
                chain.push(parent);
                current = previous[parent];
            }
            if chain.is_empty() {
                // No direct ancestor (a cycle, or parents missing from the
                // file): the immediate parent is the best chain there is.
                chain.extend(parent_indices[index].first().copied());
            }
            chain.reverse();
        }
        dependencies[index].via = chain
            .into_iter()
            .map(|i| dependencies[i].name.clone())
            .collect();
    }
}

/// One breadth-first search down the graph from every direct dependency
/// at once: for each dependency, its parent on a shortest chain from a
/// direct one (`None` for direct dependencies and unreachable ones).
fn shortest_chains(direct: &[bool], parents: &[Vec<usize>]) -> Vec<Option<usize>> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); parents.len()];
    for (child, list) in parents.iter().enumerate() {
        for &parent in list {
            children[parent].push(child);
        }
    }
    let mut previous: Vec<Option<usize>> = vec![None; parents.len()];
    let mut seen: Vec<bool> = direct.to_vec();
    let mut queue: VecDeque<usize> = (0..direct.len()).filter(|&i| direct[i]).collect();
    while let Some(node) = queue.pop_front() {
        for &child in &children[node] {
            if !seen[child] {
                seen[child] = true;
                previous[child] = Some(node);
                queue.push_back(child);
            }
        }
    }
    previous
}

/// A requirements file read from disk with its includes followed.
pub(crate) fn read_file(path: &Path, base: &Path) -> ReadResult {
    let mut reader = TreeReader {
        base,
        stack: Vec::new(),
        done: HashSet::new(),
        result: ReadResult::default(),
    };
    reader.read(path, IncludeKind::Requirements, None);
    reader.apply_constraints();
    reader.result
}

/// Everything read from one requirements file and what it includes.
#[derive(Debug, Default)]
pub(crate) struct ReadResult {
    pub dependencies: Vec<Dependency>,
    /// Pins from `-c` files: not dependencies themselves.
    pub constraints: Vec<Dependency>,
    pub errors: Vec<ScanError>,
    pub notes: Vec<String>,
    /// Every file read as constraints (so that discovery does not read
    /// them again as requirements).
    pub constraint_files: Vec<PathBuf>,
}

struct TreeReader<'a> {
    base: &'a Path,
    /// Files being read, outermost first (canonical path, display name):
    /// an include of one of them is a cycle.
    stack: Vec<(PathBuf, String)>,
    /// Files already read whole, and as what: a file two others include
    /// is read once (include graphs can be diamonds, nested).
    done: HashSet<(PathBuf, IncludeKind)>,
    result: ReadResult,
}

impl TreeReader<'_> {
    fn read(&mut self, path: &Path, kind: IncludeKind, included_from: Option<(&str, u32)>) {
        let name = relative_source(path, self.base);
        let error_at = |message: String| match included_from {
            Some((from, line)) => ScanError {
                path: from.to_string(),
                line: Some(line),
                message,
            },
            None => ScanError {
                path: name.clone(),
                line: None,
                message,
            },
        };
        let canonical = match fs_err::canonicalize(path) {
            Ok(canonical) => canonical,
            Err(e) => {
                let error = error_at(format!("cannot read `{name}`: {}", io_reason(&e)));
                self.result.errors.push(error);
                return;
            }
        };
        if let Some(position) = self.stack.iter().position(|(p, _)| *p == canonical) {
            let chain: Vec<&str> = self.stack[position..]
                .iter()
                .map(|(_, n)| n.as_str())
                .chain(std::iter::once(name.as_str()))
                .collect();
            let error = error_at(format!("include cycle: {}", chain.join(" -> ")));
            self.result.errors.push(error);
            return;
        }
        if !self.done.insert((canonical.clone(), kind)) {
            return;
        }
        let text = match fs_err::read(&canonical) {
            Ok(bytes) => crate::text_of(bytes),
            Err(e) => {
                let error = error_at(format!("cannot read `{name}`: {}", io_reason(&e)));
                self.result.errors.push(error);
                return;
            }
        };
        let parsed = match parse_text(&text, &name, canonical.parent()) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.result.errors.push(ScanError {
                    path: name,
                    line: e.line,
                    message: e.message,
                });
                return;
            }
        };
        if kind == IncludeKind::Constraints {
            self.result.constraint_files.push(canonical.clone());
            self.result.constraints.extend(parsed.dependencies);
        } else {
            self.result.dependencies.extend(parsed.dependencies);
        }
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        self.stack.push((canonical, name.clone()));
        for include in parsed.includes {
            if is_url(&include.target) {
                self.result.errors.push(ScanError {
                    path: name.clone(),
                    line: Some(include.line),
                    message: format!(
                        "`{}` is a remote requirements file; pyward does not fetch it",
                        include.target
                    ),
                });
                continue;
            }
            let target = dir.join(&include.target);
            // A constraints file's own includes are constraints too (pip).
            let kind = if kind == IncludeKind::Constraints {
                IncludeKind::Constraints
            } else {
                include.kind
            };
            self.read(&target, kind, Some((&name, include.line)));
        }
        self.stack.pop();
    }

    /// pip applies a constraint's pin to the requirement of the same name;
    /// an unpinned requirement so constrained is audited at that version.
    fn apply_constraints(&mut self) {
        if self.result.constraints.is_empty() {
            return;
        }
        let mut pins: HashMap<&PackageName, &Dependency> = HashMap::new();
        for constraint in &self.result.constraints {
            if constraint.version.is_some() && constraint.kind == DependencyKind::Registry {
                pins.entry(&constraint.name).or_insert(constraint);
            }
        }
        let mut applied = 0usize;
        for dependency in &mut self.result.dependencies {
            if dependency.version.is_some() || dependency.kind != DependencyKind::Registry {
                continue;
            }
            if let Some(pin) = pins.get(&dependency.name) {
                dependency.version.clone_from(&pin.version);
                applied += 1;
            }
        }
        if applied > 0 {
            self.result.notes.push(format!(
                "{applied} unpinned requirement(s) audited at the version their constraints file pins"
            ));
        }
    }
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        _ => {
            // fs-err's message repeats the path; the OS reason is enough.
            let text = error.to_string();
            text.rsplit(": ").next().unwrap_or(&text).to_string()
        }
    }
}

/// `path` relative to `base`, with `/` separators and `.`/`..` resolved
/// lexically (without touching the file system), for reports.
pub(crate) fn relative_source(path: &Path, base: &Path) -> String {
    let path = normalize_lexically(path);
    let base = normalize_lexically(base);
    let relative = path.strip_prefix(&base).unwrap_or(&path);
    let text: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if text.is_empty() {
        path.file_name().map_or_else(
            || path.to_string_lossy().into_owned(),
            |n| n.to_string_lossy().into_owned(),
        )
    } else {
        text.join("/").replace("//", "/")
    }
}

fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_normal =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if last_is_normal {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Dependency {
        let mut deps = parse(line, "requirements.txt").expect("valid line");
        assert_eq!(deps.len(), 1, "{line}");
        deps.remove(0)
    }

    #[test]
    fn pins_are_audited_and_ranges_are_not() {
        assert_eq!(one("Django==4.2.7").version.as_deref(), Some("4.2.7"));
        assert_eq!(one("django===4.2.7").version.as_deref(), Some("4.2.7"));
        let range = one("django>=4.2,<5");
        assert_eq!(range.version, None);
        assert_eq!(range.requirement.as_deref(), Some("django>=4.2,<5"));
        assert_eq!(one("django==4.*").version, None);
    }

    #[test]
    fn comments_are_stripped_but_url_fragments_are_not() {
        assert_eq!(split_comment("foo==1 # pin"), ("foo==1 ", Some(" pin")));
        assert_eq!(
            split_comment("https://x/y#egg=foo"),
            ("https://x/y#egg=foo", None)
        );
        assert_eq!(split_comment("# all"), ("", Some(" all")));
    }

    #[test]
    fn continuations_join_and_keep_the_first_line_number() {
        let lines = logical_lines("a==1 \\\n  --hash=sha256:00\nb==2\n");
        assert_eq!(lines[0], (1, "a==1   --hash=sha256:00".to_string()));
        assert_eq!(lines[1].0, 3);
        // A comment ends a continuation, as in pip.
        let lines = logical_lines("a==1 \\\n# note\nb==2");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1], (3, "b==2".to_string()));
    }

    #[test]
    fn hashes_and_per_requirement_options_are_accepted() {
        let d = one("flask==2.0.1 --hash=sha256:aaaa --hash sha256:bbbb");
        assert_eq!(d.version.as_deref(), Some("2.0.1"));
        assert_eq!(d.line, Some(1));
    }

    #[test]
    fn option_lines_are_not_dependencies() {
        let text = "-i https://pypi.org/simple\n--extra-index-url=https://x\n--pre\n-f ./wheels\n--trusted-host x\n--no-binary :all:\n--only-binary=:none:\n--prefer-binary\n--require-hashes\n--no-index\n";
        assert_eq!(parse(text, "r.txt").expect("options"), Vec::new());
    }

    #[test]
    fn unknown_options_and_bad_lines_name_the_line() {
        let err = parse("a==1\n--bogus\n", "r.txt").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("--bogus"), "{}", err.message);
        let err = parse("a==1\n\nrequests >>= 2\n", "r.txt").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("requests >>= 2"), "{}", err.message);
        let err = parse("--hash=sha256:00\n", "r.txt").unwrap_err();
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn urls_and_paths_are_listed_with_a_name() {
        for (line, name, kind) in [
            (
                "git+https://github.com/pallets/flask.git@2.0.1#egg=Flask",
                "flask",
                DependencyKind::Url,
            ),
            (
                "https://example.com/pkgs/foo_bar-1.0-py3-none-any.whl",
                "foo-bar",
                DependencyKind::Url,
            ),
            (
                "https://example.com/dl/some-pkg-2.1.tar.gz",
                "some-pkg",
                DependencyKind::Url,
            ),
            ("./vendor/mylib", "mylib", DependencyKind::Path),
            (
                "git+https://github.com/django/django.git@stable/4.2.x",
                "django",
                DependencyKind::Url,
            ),
            (
                "hg+https://hg.example.org/repo@tip",
                "repo",
                DependencyKind::Url,
            ),
            (
                "../wheels/dep-1.0-py3-none-any.whl",
                "dep",
                DependencyKind::Path,
            ),
            ("file:///opt/src/tool", "tool", DependencyKind::Path),
            (
                "pkg @ https://example.com/pkg-1.0.zip",
                "pkg",
                DependencyKind::Url,
            ),
            (
                "git+ssh://git@github.com/org/private-repo.git@main",
                "private-repo",
                DependencyKind::Url,
            ),
        ] {
            let d = one(line);
            assert_eq!(d.name.as_str(), name, "{line}");
            assert_eq!(d.kind, kind, "{line}");
            assert_eq!(d.version, None, "{line}");
            assert_eq!(d.requirement.as_deref(), Some(line), "{line}");
        }
    }

    #[test]
    fn the_current_folder_is_named_after_the_folder() {
        let deps = parse("-e .\n-e ..\n", "apps/web/requirements.txt").expect("valid");
        let names: Vec<&str> = deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["web", "apps"]);
    }

    #[test]
    fn editables_are_paths_or_urls() {
        let d = one("-e ./src/app[extra]");
        assert_eq!(d.kind, DependencyKind::Path);
        assert_eq!(d.name.as_str(), "app");
        assert_eq!(d.requirement.as_deref(), Some("-e ./src/app[extra]"));
        let d = one("--editable=git+https://github.com/o/r.git#egg=thing");
        assert_eq!(d.kind, DependencyKind::Url);
        assert_eq!(d.name.as_str(), "thing");
    }

    #[test]
    fn markers_and_extras_are_kept() {
        let d =
            one("requests[socks]==2.31.0 ; python_version < \"3.12\" and sys_platform != 'win32'");
        assert_eq!(d.version.as_deref(), Some("2.31.0"));
        assert_eq!(
            d.markers.as_deref(),
            Some("python_version < \"3.12\" and sys_platform != 'win32'")
        );
        let d = one("https://x.org/a-1.0.tar.gz; sys_platform == 'linux'");
        assert_eq!(d.markers.as_deref(), Some("sys_platform == 'linux'"));
        assert!(parse("https://x.org/a-1.0.tar.gz; bogus_marker == 1", "r").is_err());
    }

    #[test]
    fn includes_are_collected() {
        let file = parse_text(
            "-r base.txt\n--constraint=c.txt\n-rother.txt\nx==1\n",
            "r.txt",
            None,
        )
        .expect("valid");
        let targets: Vec<_> = file
            .includes
            .iter()
            .map(|i| (i.line, i.kind, i.target.as_str()))
            .collect();
        assert_eq!(
            targets,
            [
                (1, IncludeKind::Requirements, "base.txt"),
                (2, IncludeKind::Constraints, "c.txt"),
                (3, IncludeKind::Requirements, "other.txt"),
            ]
        );
    }

    #[test]
    fn via_comments_give_the_graph() {
        let text = "\
click==8.1.7
    # via flask
flask==3.0.0
    # via -r requirements.in
jinja2==3.1.2
    # via
    #   flask
    #   -r requirements.in
markupsafe==2.1.3
    # via
    #   jinja2
    #   werkzeug
werkzeug==3.0.1
    # via flask
";
        let deps = parse(text, "requirements.txt").expect("valid");
        let graph: Vec<_> = deps
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    d.direct,
                    d.via.iter().map(PackageName::as_str).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            graph,
            [
                ("click", false, vec!["flask"]),
                ("flask", true, vec![]),
                ("jinja2", true, vec![]),
                ("markupsafe", false, vec!["jinja2"]),
                ("werkzeug", false, vec!["flask"]),
            ]
        );
    }

    #[test]
    fn old_inline_via_comments_count() {
        let deps = parse("flask==1.0\nitsdangerous==1.1.0  # via flask\n", "r.txt").expect("valid");
        assert!(deps[0].direct);
        assert!(!deps[1].direct);
        assert_eq!(deps[1].via, vec![PackageName::new("flask")]);
    }

    #[test]
    fn chains_go_back_to_a_direct_dependency() {
        let text = "a==1\n# via -r r.in\nb==1\n# via a\nc==1\n# via b\nd==1\n# via c, a\n";
        let deps = parse(text, "r.txt").expect("valid");
        let via = |i: usize| {
            deps[i]
                .via
                .iter()
                .map(PackageName::as_str)
                .collect::<Vec<_>>()
        };
        assert_eq!(via(2), ["a", "b"]);
        // Shortest path: d is pulled in by a directly.
        assert_eq!(via(3), ["a"]);
    }

    #[test]
    fn file_names_give_dev_groups() {
        assert_eq!(group_for_file("requirements.txt"), "main");
        assert_eq!(group_for_file("requirements-dev.txt"), "dev");
        assert_eq!(group_for_file("test-requirements.txt"), "test");
        assert_eq!(group_for_file("requirements/docs.txt"), "docs");
        assert_eq!(group_for_file("requirements/prod.txt"), "main");
    }

    #[test]
    fn sources_are_relative_and_normalized() {
        assert_eq!(
            relative_source(Path::new("/p/sub/../x.txt"), Path::new("/p")),
            "x.txt"
        );
        assert_eq!(
            relative_source(Path::new("./a/b.txt"), Path::new(".")),
            "a/b.txt"
        );
        assert_eq!(
            relative_source(Path::new("/elsewhere/r.txt"), Path::new("/p")),
            "/elsewhere/r.txt"
        );
    }
}
