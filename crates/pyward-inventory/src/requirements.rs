//! pip requirements files, with pip's whole syntax: comments, line
//! continuations, `-r`/`-c` includes, `-e`, URLs and local paths, per-line
//! options (`--hash`) and global options (`-i`, `--find-links`...), and the
//! `# via` annotations pip-compile and `uv pip compile` write, which give
//! the dependency graph.
//!
//! [`parse`] reads one file's text. [`read_file`] reads a file from disk
//! and follows its `-r` and `-c` includes, relative to the including file,
//! as pip does, but only inside the folder being scanned (a file named on
//! the command line may be anywhere; what it includes may not leave its
//! folder), never deeper than [`MAX_INCLUDE_DEPTH`].
//!
//! A line that does not parse is left out and reported with its line; the
//! rest of the file is read. A requirement that uses an environment
//! variable (`${VAR}`, which pip expands at install time) is listed as not
//! audited, with a note naming the variable.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};

use pyward_model::{
    Dependency, DependencyEdge, DependencyKind, FileHash, PackageName, PackageRef, ScanError, Span,
};
use rustc_hash::FxHashMap;

use crate::excerpt::{excerpt, redact_credentials};
use crate::format::{Document, FormatSpec, NamePattern, ParseError, Parsed};
use crate::manifest::is_dev_group;
use crate::manifest::pep508;
use crate::read::{Access, read_text};

/// How deep `-r`/`-c` includes may nest (pip sets no limit; a crafted
/// chain 20,000 files deep must not exhaust the stack).
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// The registry's entry for requirements files: `*requirements*.txt` and
/// any `.txt` in a `requirements/` folder when found in a tree; any `.txt`
/// or `.in` file when named.
pub(crate) static FORMAT: FormatSpec = FormatSpec {
    id: "requirements",
    display_name: "a requirements file",
    found_as: &[
        NamePattern::StemContains {
            word: "requirements",
            suffix: ".txt",
        },
        NamePattern::InFolder {
            folder: "requirements",
            suffix: ".txt",
        },
    ],
    named_as: &[NamePattern::Suffix(".txt"), NamePattern::Suffix(".in")],
    parse: parse_document,
    follows_includes: true,
    lock: None,
};

/// The dependencies one requirements file states itself. `-r` and `-c`
/// lines are checked but not followed (that needs the file system: see
/// [`read_file`]). `source` is what each dependency's `source` says. A
/// line that does not parse fails the whole text (see [`parse_document`]
/// for the rest of the file).
pub fn parse(text: &str, source: &str) -> Result<Vec<Dependency>, ParseError> {
    let file = parse_text(text, source, Path::new(source).parent());
    match file.errors.into_iter().next() {
        Some(error) => Err(error),
        None => Ok(file.dependencies),
    }
}

/// Everything one requirements file's text states, includes not followed:
/// bad lines are left out and reported, the rest is read.
pub fn parse_document(document: &Document<'_>) -> Result<Parsed, ParseError> {
    let file = parse_text(
        document.text,
        document.source,
        Path::new(document.source).parent(),
    );
    Ok(Parsed {
        dependencies: file.dependencies,
        graph: file.graph,
        notes: file.notes,
        errors: file.errors,
    })
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
    /// From `# via` annotations (compiled files); empty otherwise.
    pub graph: Vec<DependencyEdge>,
    pub notes: Vec<String>,
    /// Lines left out, each with its number.
    pub errors: Vec<ParseError>,
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

/// The first `${NAME}` pip would expand in `text` (NAME of capitals,
/// digits and `_`, as pip's `ENV_VAR_RE`).
fn environment_variable(text: &str) -> Option<&str> {
    let mut rest = text;
    while let Some(at) = rest.find("${") {
        let after = &rest[at + 2..];
        if let Some(end) = after.find('}') {
            let name = &after[..end];
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            {
                return Some(&rest[at..at + 3 + end]);
            }
        }
        rest = after;
    }
    None
}

/// Parses one requirements file's text; `source` names it in the
/// dependencies it returns; `dir` is the folder it is in (which names a
/// `-e .` requirement).
pub(crate) fn parse_text(text: &str, source: &str, dir: Option<&Path>) -> ParsedFile {
    let group = group_for_file(source);
    let mut file = ParsedFile::default();
    // Parents named by `# via` comments, per index in `file.dependencies`.
    let mut parents: Vec<Vec<String>> = Vec::new();
    let mut annotated = false;
    // The requirement the `# via` comments that follow belong to.
    let mut last_requirement: Option<usize> = None;
    let mut in_via_block = false;

    for line in logical_lines(text) {
        let number = line.number;
        let (content, comment) = split_comment(&line.text);
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
        let options = match parse_options(options, number) {
            Ok(options) => options,
            Err(error) => {
                file.errors.push(error);
                continue;
            }
        };
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
                let parsed = match environment_variable(text) {
                    Some(variable) if !is_editable && !is_url(text.trim()) => {
                        templated_requirement(text, variable, source, number, &mut file.notes)
                    }
                    _ => parse_requirement(text, is_editable, source, dir, number),
                };
                let mut dependency = match parsed {
                    Ok(dependency) => dependency,
                    Err(error) => {
                        file.errors.push(error);
                        continue;
                    }
                };
                dependency.groups = vec![group.clone()];
                // Where it is, for `fix`: the requirement (or, for `-e`,
                // the whole line's content) and the version in it.
                let placed = if is_editable { content } else { args };
                let start = offset_in(&line.text, placed);
                let lead = placed.len() - placed.trim_start().len();
                let placed_text = placed.trim();
                let span = Span::new(start + lead, start + lead + placed_text.len());
                dependency.span = line.file_span(span);
                dependency.version_span = (!is_editable
                    && dependency.kind == DependencyKind::Registry)
                    .then(|| pep508::version_range(placed_text, dependency.version.is_some()))
                    .flatten()
                    .and_then(|(from, to)| {
                        line.file_span(Span::new(span.start + from, span.start + to))
                    });
                dependency.hashes = options
                    .iter()
                    .filter(|(_, name, _)| name == "--hash")
                    .filter_map(|(_, _, value)| value.split_once(':'))
                    .map(|(algorithm, digest)| FileHash {
                        algorithm: algorithm.to_ascii_lowercase(),
                        digest: digest.to_ascii_lowercase(),
                    })
                    .collect();
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
                            file.errors.push(ParseError::at_line(
                                number,
                                "a per-requirement option (`--hash`, `--config-settings`) needs a requirement on its line",
                            ));
                            break;
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
        file.graph = link_graph(&mut file.dependencies, &parents, source);
    }
    file
}

/// A requirement naming an environment variable pip expands at install
/// time (`django==${DJANGO_VERSION}`): pyward does not read the
/// environment, so it lists the requirement, not audited, and says why.
fn templated_requirement(
    text: &str,
    variable: &str,
    source: &str,
    line: u32,
    notes: &mut Vec<String>,
) -> Result<Dependency, ParseError> {
    let text = text.trim();
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(text.len());
    let name = text[..name_end].trim_end_matches(['-', '_', '.']);
    if name.is_empty() {
        return Err(ParseError::at_line(
            line,
            format!(
                "`{}`: the package name comes from the environment variable `{variable}`, which pip expands at install time and pyward does not read",
                excerpt(text)
            ),
        ));
    }
    let mut dependency = Dependency::new(name, None, source);
    dependency.line = Some(line);
    dependency.requirement = Some(redact_credentials(text).into_owned());
    notes.push(format!(
        "{source}:{line}: `{name}` is not audited: its requirement uses the environment variable `{variable}`, which pip expands at install time and pyward does not read"
    ));
    Ok(dependency)
}

/// Where `part` (a slice of `whole`) starts in it.
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
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

/// One of pip's logical lines: physical lines joined where one ends with
/// `\`, numbered by its first physical line, with where each joined piece
/// came from in the file.
#[derive(Debug)]
struct LogicalLine<'t> {
    number: u32,
    text: Cow<'t, str>,
    /// (offset in `text`, offset in the file) where each piece starts.
    pieces: Vec<(usize, usize)>,
}

impl LogicalLine<'_> {
    /// The file offset of a byte of `text`.
    fn file_offset(&self, at: usize) -> usize {
        let index = self.pieces.partition_point(|&(start, _)| start <= at);
        let (start, file) = self.pieces[index.saturating_sub(1)];
        file + (at - start)
    }

    /// A span of `text` as a span of the file (which may hold the `\` and
    /// newline of a continuation inside it).
    fn file_span(&self, span: Span) -> Option<Span> {
        (span.end > span.start).then(|| {
            Span::new(
                self.file_offset(span.start),
                self.file_offset(span.end - 1) + 1,
            )
        })
    }
}

/// pip's logical lines: physical lines joined where one ends with `\`,
/// each numbered by its first physical line. A comment line ends a
/// continuation (pip's `join_lines`).
fn logical_lines(text: &str) -> Vec<LogicalLine<'_>> {
    let (text, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, '\u{feff}'.len_utf8()),
        None => (text, 0),
    };
    let mut lines = Vec::new();
    let mut pending: Option<LogicalLine<'_>> = None;
    let mut next_start = base;
    for (index, physical) in text.split_inclusive('\n').enumerate() {
        let start = next_start;
        next_start += physical.len();
        let line = physical.strip_suffix('\n').unwrap_or(physical);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let is_comment = line.trim_start().starts_with('#');
        if !line.ends_with('\\') || is_comment {
            match pending.take() {
                Some(mut joined) => {
                    let text = joined.text.to_mut();
                    if is_comment {
                        text.push(' ');
                    }
                    joined.pieces.push((text.len(), start));
                    text.push_str(line);
                    lines.push(joined);
                }
                None => lines.push(LogicalLine {
                    number,
                    text: Cow::Borrowed(line),
                    pieces: vec![(0, start)],
                }),
            }
        } else {
            let part = &line[..line.len() - 1];
            match &mut pending {
                Some(joined) => {
                    let text = joined.text.to_mut();
                    joined.pieces.push((text.len(), start));
                    text.push_str(part);
                }
                None => {
                    pending = Some(LogicalLine {
                        number,
                        text: Cow::Owned(part.to_string()),
                        pieces: vec![(0, start)],
                    });
                }
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
                format!(
                    "unknown option `{}` (pip would refuse this line too)",
                    excerpt(&name)
                ),
            ));
        };
        let value = if takes_value {
            match attached.or_else(|| words.next()) {
                Some(value) if !value.is_empty() => value,
                _ => {
                    return Err(ParseError::at_line(
                        line,
                        format!("option `{}` needs a value", excerpt(&name)),
                    ));
                }
            }
        } else {
            if attached.is_some() {
                return Err(ParseError::at_line(
                    line,
                    format!("option `{}` takes no value", excerpt(&name)),
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
            pep508::parse_marker(markers).map_err(|e| {
                ParseError::at_line(
                    line,
                    format!("invalid marker in `{}`: {}", excerpt(text), first_line(&e)),
                )
            })?;
        }
        let mut dependency = Dependency::new(&guess_name(without_extras, dir), None, source);
        dependency.line = Some(line);
        dependency.kind = kind;
        dependency.markers = markers.filter(|m| !m.is_empty()).map(str::to_string);
        let text = redact_credentials(text);
        dependency.requirement = Some(if editable {
            format!("-e {text}")
        } else {
            text.into_owned()
        });
        return Ok(dependency);
    }
    pep508::dependency(text, source, "main", Some(line))
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
fn link_graph(
    dependencies: &mut [Dependency],
    parents: &[Vec<String>],
    source: &str,
) -> Vec<DependencyEdge> {
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
            if chain.len() > crate::lockfile::graph::MAX_VIA {
                let half = crate::lockfile::graph::MAX_VIA / 2;
                chain.drain(half..chain.len() - half);
            }
        }
        dependencies[index].via = chain
            .into_iter()
            .map(|i| dependencies[i].name.clone())
            .collect();
    }
    let node = |d: &Dependency| PackageRef {
        name: d.name.clone(),
        version: d.version.clone(),
    };
    let mut edges = Vec::new();
    for (index, dependency) in dependencies.iter().enumerate() {
        if direct[index] {
            edges.push(DependencyEdge {
                source: source.to_string(),
                from: None,
                to: node(dependency),
            });
        }
        let mut seen = Vec::new();
        for &parent in &parent_indices[index] {
            if parent != index && !seen.contains(&parent) {
                seen.push(parent);
                edges.push(DependencyEdge {
                    source: source.to_string(),
                    from: Some(node(&dependencies[parent])),
                    to: node(dependency),
                });
            }
        }
    }
    edges
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

/// A requirements file read from disk with its includes followed. `root`
/// is the canonical folder of the scanned tree the file was found in; for
/// a file the user named (`None`), the file may be anywhere and its own
/// folder is the tree its includes must stay inside.
pub(crate) fn read_file(path: &Path, base: &Path, root: Option<&Path>) -> ReadResult {
    let named_root;
    let (root, access) = match root {
        // Resolved, not taken as walked: include cycles are found by the
        // canonical paths of the files on the chain.
        Some(root) => (Some(root), Access::resolved_in(root)),
        None => {
            let folder = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent,
                _ => Path::new("."),
            };
            named_root = std::fs::canonicalize(folder).ok();
            (named_root.as_deref(), Access::NAMED)
        }
    };
    let mut reader = TreeReader {
        base,
        root,
        stack: Vec::new(),
        done: HashSet::new(),
        result: ReadResult::default(),
    };
    reader.read(path, IncludeKind::Requirements, None, access);
    reader.apply_constraints();
    reader.result
}

/// Everything read from one requirements file and what it includes.
#[derive(Debug, Default)]
pub(crate) struct ReadResult {
    pub dependencies: Vec<Dependency>,
    /// Pins from `-c` files: not dependencies themselves.
    pub constraints: Vec<Dependency>,
    pub graph: Vec<DependencyEdge>,
    pub errors: Vec<ScanError>,
    pub notes: Vec<String>,
    /// Every file read as constraints (so that discovery does not read
    /// them again as requirements).
    pub constraint_files: Vec<PathBuf>,
}

/// The include line that names a file: (including file, line, option and
/// target as written).
type IncludedFrom<'a> = (&'a str, u32, &'a str, &'a str);

struct TreeReader<'a> {
    base: &'a Path,
    /// The canonical folder includes must resolve inside.
    root: Option<&'a Path>,
    /// Files being read, outermost first (canonical path, display name):
    /// an include of one of them is a cycle.
    stack: Vec<(PathBuf, String)>,
    /// Files already read whole, and as what: a file two others include
    /// is read once (include graphs can be diamonds, nested).
    done: HashSet<(PathBuf, IncludeKind)>,
    result: ReadResult,
}

impl TreeReader<'_> {
    /// Reads one file and, depth first, what it includes; the depth is
    /// bounded by [`MAX_INCLUDE_DEPTH`] before each step down.
    fn read(
        &mut self,
        path: &Path,
        kind: IncludeKind,
        included_from: Option<IncludedFrom<'_>>,
        access: Access<'_>,
    ) {
        let name = relative_source(path, self.base);
        let error_at = |reason: String| match included_from {
            Some((from, line, option, target)) => ScanError {
                path: from.to_string(),
                line: Some(line),
                message: format!("`{option} {}` is not read: {reason}", excerpt(target)),
            },
            None => ScanError {
                path: name.clone(),
                line: None,
                message: format!("cannot read `{name}`: {reason}"),
            },
        };
        let (canonical, text) = match read_text(path, access) {
            Ok(read) => read,
            Err(reason) => {
                self.result.errors.push(error_at(reason.to_string()));
                return;
            }
        };
        if let Some(position) = self.stack.iter().position(|(p, _)| *p == canonical) {
            let chain: Vec<&str> = self.stack[position..]
                .iter()
                .map(|(_, n)| n.as_str())
                .chain(std::iter::once(name.as_str()))
                .collect();
            let mut error = error_at(String::new());
            error.message = format!("include cycle: {}", chain.join(" -> "));
            self.result.errors.push(error);
            return;
        }
        if !self.done.insert((canonical.clone(), kind)) {
            return;
        }
        let mut parsed = parse_text(&text, &name, canonical.parent());
        for error in parsed.errors.drain(..) {
            self.result.errors.push(ScanError {
                path: name.clone(),
                line: error.line,
                message: error.message,
            });
        }
        self.result.notes.append(&mut parsed.notes);
        for dependency in &mut parsed.dependencies {
            dependency.file = Some(path.to_path_buf());
        }
        if kind == IncludeKind::Constraints {
            self.result.constraint_files.push(canonical.clone());
            self.result.constraints.extend(parsed.dependencies);
        } else {
            if parsed.graph.is_empty() {
                parsed.graph = crate::root_edges(&parsed.dependencies);
            }
            self.result.graph.append(&mut parsed.graph);
            self.result.dependencies.extend(parsed.dependencies);
        }
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        self.stack.push((canonical, name.clone()));
        for include in parsed.includes {
            let option = match include.kind {
                IncludeKind::Requirements => "-r",
                IncludeKind::Constraints => "-c",
            };
            let refuse = |reason: String| ScanError {
                path: name.clone(),
                line: Some(include.line),
                message: format!(
                    "`{option} {}` is not read: {reason}",
                    excerpt(&include.target)
                ),
            };
            if is_url(&include.target) {
                let error =
                    refuse("a remote requirements file; pyward does not fetch it".to_string());
                self.result.errors.push(error);
                continue;
            }
            if let Some(variable) = environment_variable(&include.target) {
                let error = refuse(format!(
                    "it names the environment variable `{variable}`, which pip expands at install time and pyward does not read"
                ));
                self.result.errors.push(error);
                continue;
            }
            if self.stack.len() >= MAX_INCLUDE_DEPTH {
                let error = refuse(format!(
                    "includes nest more than {MAX_INCLUDE_DEPTH} files deep"
                ));
                self.result.errors.push(error);
                continue;
            }
            let Some(root) = self.root else {
                let error =
                    refuse("the folder of the including file cannot be resolved".to_string());
                self.result.errors.push(error);
                continue;
            };
            let target = dir.join(&include.target);
            // A constraints file's own includes are constraints too (pip).
            let kind = if kind == IncludeKind::Constraints {
                IncludeKind::Constraints
            } else {
                include.kind
            };
            self.read(
                &target,
                kind,
                Some((&name, include.line, option, &include.target)),
                Access::included_in(root),
            );
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
        assert_eq!(
            (lines[0].number, &*lines[0].text),
            (1, "a==1   --hash=sha256:00")
        );
        assert_eq!(lines[1].number, 3);
        // A comment ends a continuation, as in pip.
        let lines = logical_lines("a==1 \\\n# note\nb==2");
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[1].number, &*lines[1].text), (3, "b==2"));
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
        );
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
