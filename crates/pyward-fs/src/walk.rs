//! The one walker: which files of a scanned tree a scanner looks at.
//!
//! Built on the `ignore` crate's directory traversal (sequential or
//! parallel), with its own reading of ignore files so that only those of
//! the tree and of its own repository count:
//!
//! - `.gitignore` and `.ignore` files inside the named folder apply, as do
//!   `.git/info/exclude` of any repository inside it;
//! - when the named folder is inside a git repository (the nearest
//!   enclosing folder with a `.git`), the `.gitignore` and `.ignore` files
//!   between that repository's root and the folder apply too, and the
//!   repository's `.git/info/exclude`;
//! - nothing above the repository (or above the named folder when it is
//!   not in one) ever applies, nor the user's global git excludes; a
//!   repository nested in the tree starts afresh, as git does.
//!
//! An ignore file that is a symbolic link or not a regular file is not
//! read (git refuses such `.gitignore` files too): reported in
//! [`Walk::skipped`], and the files it would have hidden are walked.
//!
//! Symbolic links inside the tree are never followed. A path the user
//! named is followed even when it is a link: it is the tree. A named file
//! that is a link to a file outside the walker's root is the exception
//! (a pre-commit hook passes file names from the repository, and a link
//! in it may point at the CI runner's credentials): skipped, and
//! reported.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{DirEntry, WalkBuilder, WalkState};

use crate::path::relative;
use crate::read::{FileKind, ReadError, read};

/// Ignore files larger than this are not read: far beyond any real one.
pub const IGNORE_FILE_LIMIT: u64 = 1024 * 1024;

type DirPredicate = Arc<dyn Fn(&Path) -> bool + Send + Sync>;
type ExcludePredicate = Arc<dyn Fn(&str, bool) -> bool + Send + Sync>;
type FilePredicate = Arc<dyn Fn(&Path, &str) -> bool + Send + Sync>;

/// How a scanner walks: built once, then [`Walker::walk`]ed over the
/// paths the user named.
#[derive(Clone)]
pub struct Walker {
    root: PathBuf,
    skip_dir_names: Arc<HashSet<OsString>>,
    skip_dir: Option<DirPredicate>,
    exclude: Option<ExcludePredicate>,
    filter: Option<FilePredicate>,
    parallel: bool,
    ignore_files: bool,
    report_links: bool,
}

impl std::fmt::Debug for Walker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walker")
            .field("root", &self.root)
            .field("skip_dir_names", &self.skip_dir_names)
            .field("parallel", &self.parallel)
            .field("ignore_files", &self.ignore_files)
            .finish_non_exhaustive()
    }
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular files, sorted by `relative` (then path), each once even when
    /// named paths overlap.
    pub files: Vec<WalkedFile>,
    /// Paths that could not be walked or are not files: the scan is
    /// incomplete.
    pub errors: Vec<WalkError>,
    /// Paths deliberately not followed or not honoured, for a warning.
    pub skipped: Vec<Skipped>,
}

/// A file to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFile {
    /// Where to open it.
    pub path: PathBuf,
    /// What reports show: [`relative`] to the walker's root.
    pub relative: String,
    /// Named on the command line (not found in a folder): every filter
    /// and ignore rule was bypassed.
    pub named: bool,
}

/// A path that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkError {
    pub path: PathBuf,
    /// As reports show it.
    pub relative: String,
    /// The line of an ignore file the error is about.
    pub line: Option<u64>,
    /// Why, without the path: `cannot read: permission denied`.
    pub message: String,
}

/// A path deliberately left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub relative: String,
    pub reason: SkipReason,
}

/// Why a path was left alone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// A named symbolic link to a file outside the walker's root.
    LinkOutOfTree,
    /// A symbolic link found inside the tree (with
    /// [`Walker::report_links`]); never followed.
    LinkInTree,
    /// An ignore file that was not read (a link, not a regular file, too
    /// large): the files it lists are walked.
    IgnoreFileNotRead(String),
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.reason {
            SkipReason::LinkOutOfTree => write!(
                f,
                "`{}` is a symbolic link out of the scanned tree; not followed",
                self.relative
            ),
            SkipReason::LinkInTree => write!(
                f,
                "`{}` is a symbolic link; pyward follows no link inside a scanned tree",
                self.relative
            ),
            SkipReason::IgnoreFileNotRead(why) => {
                write!(f, "ignore file `{}` not read: {why}", self.relative)
            }
        }
    }
}

impl Walker {
    /// A walker whose files are shown relative to `root` (the scanned
    /// tree, or the folder the named paths are in). By default it honours
    /// ignore files, skips nothing, keeps every file and walks
    /// sequentially.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            skip_dir_names: Arc::new(HashSet::new()),
            skip_dir: None,
            exclude: None,
            filter: None,
            parallel: false,
            ignore_files: true,
            report_links: false,
        }
    }

    /// Folders with these names are never entered (below a named folder;
    /// the named folder itself always is).
    #[must_use]
    pub fn skip_dirs(mut self, names: &[&str]) -> Self {
        self.skip_dir_names = Arc::new(names.iter().map(OsString::from).collect());
        self
    }

    /// Folders for which `skip` says yes are never entered (a virtual
    /// environment, whatever its name).
    #[must_use]
    pub fn skip_dir_if(mut self, skip: impl Fn(&Path) -> bool + Send + Sync + 'static) -> Self {
        self.skip_dir = Some(Arc::new(skip));
        self
    }

    /// Paths (relative, `/`-separated; `true` for a folder) for which
    /// `exclude` says yes are left out; an excluded folder is not entered.
    /// Named files are never excluded.
    #[must_use]
    pub fn exclude(mut self, exclude: impl Fn(&str, bool) -> bool + Send + Sync + 'static) -> Self {
        self.exclude = Some(Arc::new(exclude));
        self
    }

    /// Keeps only files found in folders for which `keep(path, relative)`
    /// says yes. Named files are always kept.
    #[must_use]
    pub fn filter(mut self, keep: impl Fn(&Path, &str) -> bool + Send + Sync + 'static) -> Self {
        self.filter = Some(Arc::new(keep));
        self
    }

    /// Symbolic links inside the tree that the filter would keep are
    /// listed in [`Walk::skipped`] (`SkipReason::LinkInTree`) rather than
    /// passed over in silence; they are still never followed.
    #[must_use]
    pub fn report_links(mut self, yes: bool) -> Self {
        self.report_links = yes;
        self
    }

    /// Walks folders on several threads.
    #[must_use]
    pub fn parallel(mut self, yes: bool) -> Self {
        self.parallel = yes;
        self
    }

    /// Whether `.gitignore`, `.ignore` and `.git/info/exclude` count (by
    /// the rule in this module's documentation).
    #[must_use]
    pub fn ignore_files(mut self, yes: bool) -> Self {
        self.ignore_files = yes;
        self
    }

    /// The root files are shown relative to.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Walks `paths` (files and folders the user named).
    pub fn walk(&self, paths: &[PathBuf]) -> Walk {
        let mut walk = Walk::default();
        // Only overlapping arguments can yield a file twice: the walk never
        // follows links, so one folder has each file once.
        let dedupe = paths.len() > 1;
        let mut found: Vec<(Option<PathBuf>, WalkedFile)> = Vec::new();
        let mut canonical_root: Option<Option<PathBuf>> = None;
        for path in paths {
            let shown = relative(path, &self.root);
            let error = |message: String| WalkError {
                path: path.clone(),
                relative: shown.clone(),
                line: None,
                message,
            };
            let meta = match std::fs::symlink_metadata(path) {
                Ok(meta) => meta,
                Err(source) => {
                    walk.errors.push(error(
                        ReadError::Io {
                            path: path.clone(),
                            source,
                        }
                        .reason(),
                    ));
                    continue;
                }
            };
            let is_link = meta.file_type().is_symlink();
            let meta = if is_link {
                match std::fs::metadata(path) {
                    Ok(meta) => meta,
                    Err(source) => {
                        walk.errors.push(error(format!(
                            "a symbolic link that leads nowhere: {}",
                            ReadError::Io {
                                path: path.clone(),
                                source
                            }
                            .reason()
                        )));
                        continue;
                    }
                }
            } else {
                meta
            };
            if meta.is_dir() {
                self.walk_dir(path, dedupe, &mut found, &mut walk);
            } else if meta.is_file() {
                if is_link {
                    let root = canonical_root.get_or_insert_with(|| self.root.canonicalize().ok());
                    let inside = match (root, path.canonicalize()) {
                        (Some(root), Ok(target)) => target.starts_with(root),
                        _ => false,
                    };
                    if !inside {
                        walk.skipped.push(Skipped {
                            path: path.clone(),
                            relative: shown,
                            reason: SkipReason::LinkOutOfTree,
                        });
                        continue;
                    }
                }
                let key = if dedupe {
                    path.canonicalize().ok()
                } else {
                    None
                };
                found.push((
                    key,
                    WalkedFile {
                        path: path.clone(),
                        relative: shown,
                        named: true,
                    },
                ));
            } else {
                walk.errors.push(error(format!(
                    "{}, not a regular file; not read",
                    FileKind::of(&meta)
                )));
            }
        }
        if dedupe {
            let mut seen = HashSet::new();
            found.retain(|(key, _)| key.as_ref().is_none_or(|key| seen.insert(key.clone())));
        }
        walk.files = found.into_iter().map(|(_, file)| file).collect();
        walk.files
            .sort_by(|a, b| (&a.relative, &a.path).cmp(&(&b.relative, &b.path)));
        walk.errors
            .sort_by(|a, b| (&a.relative, a.line).cmp(&(&b.relative, b.line)));
        walk.errors.dedup();
        walk.skipped.sort_by(|a, b| a.relative.cmp(&b.relative));
        walk.skipped.dedup();
        walk
    }

    fn walk_dir(
        &self,
        dir: &Path,
        dedupe: bool,
        found: &mut Vec<(Option<PathBuf>, WalkedFile)>,
        walk: &mut Walk,
    ) {
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let notes = Notes::default();
        let rules = if self.ignore_files {
            let above = ancestor_rules(&canonical, &notes, &self.root);
            let own = dir_rules(dir, above, false, &notes, &self.root);
            let mut map = HashMap::new();
            map.insert(dir.to_path_buf(), own);
            Some(Arc::new(Rules {
                by_dir: RwLock::new(map),
                walked_root: dir.to_path_buf(),
                canonical_root: canonical.clone(),
            }))
        } else {
            None
        };
        let notes = Arc::new(notes);
        let filter = EntryFilter {
            walker: self.clone(),
            rules: rules.clone(),
            notes: Arc::clone(&notes),
        };
        let mut builder = WalkBuilder::new(dir);
        builder
            .standard_filters(false)
            .follow_links(false)
            .filter_entry(move |entry| filter.keep(entry));
        let kept = Mutex::new(Vec::new());
        let failed = Mutex::new(Vec::new());
        let visit = |entry: Result<DirEntry, ignore::Error>| match entry {
            Ok(entry) => {
                if entry.depth() > 0 && entry.file_type().is_some_and(|t| t.is_file()) {
                    let shown = relative(entry.path(), &self.root);
                    let key = dedupe.then(|| {
                        canonical.join(entry.path().strip_prefix(dir).unwrap_or(entry.path()))
                    });
                    if let Ok(mut kept) = kept.lock() {
                        kept.push((
                            key,
                            WalkedFile {
                                path: entry.into_path(),
                                relative: shown,
                                named: false,
                            },
                        ));
                    }
                }
            }
            Err(error) => {
                if let Ok(mut failed) = failed.lock() {
                    failed.push(walk_error(&error, dir, &self.root));
                }
            }
        };
        if self.parallel {
            builder.build_parallel().run(|| {
                Box::new(|entry| {
                    visit(entry);
                    WalkState::Continue
                })
            });
        } else {
            for entry in builder.build() {
                visit(entry);
            }
        }
        let mut kept = kept.into_inner().unwrap_or_default();
        kept.sort_by(|a, b| a.1.relative.cmp(&b.1.relative));
        found.extend(kept);
        walk.errors.extend(failed.into_inner().unwrap_or_default());
        if let Ok(mut notes) = notes.errors.lock() {
            walk.errors.append(&mut notes);
        }
        if let Ok(mut notes) = notes.skipped.lock() {
            walk.skipped.append(&mut notes);
        }
    }
}

/// What reading ignore files ran into, gathered from the walk's threads.
#[derive(Default)]
struct Notes {
    errors: Mutex<Vec<WalkError>>,
    skipped: Mutex<Vec<Skipped>>,
}

impl Notes {
    fn error(&self, error: WalkError) {
        if let Ok(mut errors) = self.errors.lock() {
            errors.push(error);
        }
    }

    fn skip(&self, skipped: Skipped) {
        if let Ok(mut all) = self.skipped.lock() {
            all.push(skipped);
        }
    }
}

/// The ignore rules in force in one folder: its own files, then its
/// parent's, up to the repository's root or the top of the tree.
struct Node {
    parent: Option<Arc<Node>>,
    /// This folder's matchers, lowest precedence first.
    matchers: Vec<Gitignore>,
    /// A repository's root: its `info/exclude`, weaker than every
    /// `.gitignore` below; nothing above it applies.
    repository: Option<Option<Gitignore>>,
    /// Above the named folder: matched against canonical paths.
    canonical: bool,
}

/// The rules of every folder walked so far, by the folder's path as
/// walked.
struct Rules {
    by_dir: RwLock<HashMap<PathBuf, Option<Arc<Node>>>>,
    walked_root: PathBuf,
    canonical_root: PathBuf,
}

impl Rules {
    fn of_dir(&self, dir: &Path) -> Option<Arc<Node>> {
        self.by_dir.read().ok()?.get(dir).cloned().flatten()
    }

    /// Whether the rules for the folder `dir` ignore `path`.
    fn ignores(&self, chain: Option<&Arc<Node>>, path: &Path, is_dir: bool) -> bool {
        let mut node = chain;
        let mut canonical: Option<PathBuf> = None;
        while let Some(current) = node {
            let candidate: &Path = if current.canonical {
                canonical.get_or_insert_with(|| {
                    self.canonical_root
                        .join(path.strip_prefix(&self.walked_root).unwrap_or(path))
                })
            } else {
                path
            };
            for matcher in current.matchers.iter().rev() {
                let verdict = matcher.matched(candidate, is_dir);
                if verdict.is_ignore() {
                    return true;
                }
                if verdict.is_whitelist() {
                    return false;
                }
            }
            if let Some(exclude) = &current.repository {
                return exclude
                    .as_ref()
                    .is_some_and(|m| m.matched(candidate, is_dir).is_ignore());
            }
            node = current.parent.as_ref();
        }
        false
    }
}

/// The walker's per-entry decision, shared by the walk's threads.
struct EntryFilter {
    walker: Walker,
    rules: Option<Arc<Rules>>,
    notes: Arc<Notes>,
}

impl EntryFilter {
    fn keep(&self, entry: &DirEntry) -> bool {
        if entry.depth() == 0 {
            return true;
        }
        let Some(kind) = entry.file_type() else {
            return false;
        };
        let is_dir = kind.is_dir();
        let is_reported_link = kind.is_symlink() && self.walker.report_links;
        if !is_dir && !kind.is_file() && !is_reported_link {
            // Links (never followed), FIFOs, devices, sockets.
            return false;
        }
        let path = entry.path();
        if is_dir
            && (self.walker.skip_dir_names.contains(entry.file_name())
                || self.walker.skip_dir.as_ref().is_some_and(|skip| skip(path)))
        {
            return false;
        }
        let needs_relative =
            self.walker.exclude.is_some() || (!is_dir && self.walker.filter.is_some());
        let shown = if needs_relative {
            relative(path, &self.walker.root)
        } else {
            String::new()
        };
        if self
            .walker
            .exclude
            .as_ref()
            .is_some_and(|exclude| exclude(&shown, is_dir))
        {
            return false;
        }
        if let Some(rules) = &self.rules {
            let parent = path.parent().unwrap_or(path);
            let chain = rules.of_dir(parent);
            if rules.ignores(chain.as_ref(), path, is_dir) {
                return false;
            }
            if is_dir {
                let own = dir_rules(path, chain, false, &self.notes, &self.walker.root);
                if let Ok(mut by_dir) = rules.by_dir.write() {
                    by_dir.insert(path.to_path_buf(), own);
                }
            }
        }
        if !is_dir
            && self
                .walker
                .filter
                .as_ref()
                .is_some_and(|keep| !keep(path, &shown))
        {
            return false;
        }
        if is_reported_link {
            self.notes.skip(Skipped {
                path: path.to_path_buf(),
                relative: relative(path, &self.walker.root),
                reason: SkipReason::LinkInTree,
            });
            return false;
        }
        true
    }
}

/// The rules of the folder `dir` on top of `parent`'s: its `.gitignore`,
/// its `.ignore`, and when it holds a `.git`, its repository's exclude
/// file (the chain then stops here).
fn dir_rules(
    dir: &Path,
    parent: Option<Arc<Node>>,
    canonical: bool,
    notes: &Notes,
    root: &Path,
) -> Option<Arc<Node>> {
    let mut matchers = Vec::new();
    for name in [".gitignore", ".ignore"] {
        if let Some(matcher) = ignore_file(dir, &dir.join(name), notes, root) {
            matchers.push(matcher);
        }
    }
    let dot_git = dir.join(".git");
    let repository = std::fs::symlink_metadata(&dot_git)
        .is_ok()
        .then(|| exclude_file(dir, &dot_git).and_then(|file| ignore_file(dir, &file, notes, root)));
    if repository.is_none() && matchers.is_empty() {
        return parent;
    }
    let parent = if repository.is_some() { None } else { parent };
    if repository.as_ref().is_some_and(Option::is_none) && matchers.is_empty() {
        // A repository root with no rules: nothing above applies either.
        return None;
    }
    Some(Arc::new(Node {
        parent,
        matchers,
        repository,
        canonical,
    }))
}

/// The rules of the folders between a named folder and the root of the
/// repository it is in (canonical paths): none when it is not in one, or
/// is that root.
fn ancestor_rules(canonical: &Path, notes: &Notes, root: &Path) -> Option<Arc<Node>> {
    if canonical.join(".git").symlink_metadata().is_ok() {
        return None;
    }
    let repository = canonical
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").symlink_metadata().is_ok())?;
    // From the repository's root down to the named folder's parent.
    let mut between: Vec<&Path> = canonical
        .ancestors()
        .skip(1)
        .take_while(|dir| *dir != repository)
        .collect();
    between.push(repository);
    let mut chain = None;
    for dir in between.into_iter().rev() {
        chain = dir_rules(dir, chain, true, notes, root);
    }
    chain
}

/// Where a repository keeps `info/exclude`: in `.git/`, or for a linked
/// worktree or submodule (`.git` is a `gitdir:` file), in the git folder
/// it names (its common folder, for worktrees).
fn exclude_file(dir: &Path, dot_git: &Path) -> Option<PathBuf> {
    let meta = std::fs::symlink_metadata(dot_git).ok()?;
    if meta.is_dir() {
        return Some(dot_git.join("info/exclude"));
    }
    if !meta.is_file() {
        return None;
    }
    let text = read(dot_git, 4096).ok()?;
    let text = String::from_utf8_lossy(&text);
    let git_dir = dir.join(text.lines().next()?.strip_prefix("gitdir:")?.trim());
    let common = read(&git_dir.join("commondir"), 4096)
        .ok()
        .and_then(|text| {
            let text = String::from_utf8_lossy(&text);
            text.lines().next().map(|line| git_dir.join(line.trim()))
        })
        .unwrap_or(git_dir);
    Some(common.join("info/exclude"))
}

/// Reads one ignore file (`base` is the folder its patterns are relative
/// to); `None` when there is none, or when it is not honoured.
fn ignore_file(base: &Path, file: &Path, notes: &Notes, root: &Path) -> Option<Gitignore> {
    let meta = std::fs::symlink_metadata(file).ok()?;
    let refuse = |why: String| {
        notes.skip(Skipped {
            path: file.to_path_buf(),
            relative: relative(file, root),
            reason: SkipReason::IgnoreFileNotRead(why),
        });
        None
    };
    if meta.file_type().is_symlink() {
        return refuse("a symbolic link".to_string());
    }
    let bytes = match read(file, IGNORE_FILE_LIMIT) {
        Ok(bytes) => bytes,
        Err(error) => return refuse(error.reason()),
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut builder = GitignoreBuilder::new(base);
    for (index, line) in text.lines().enumerate() {
        if let Err(error) = builder.add_line(Some(file.to_path_buf()), line) {
            notes.error(WalkError {
                path: file.to_path_buf(),
                relative: relative(file, root),
                line: Some(index as u64 + 1),
                message: innermost(&error),
            });
        }
    }
    match builder.build() {
        Ok(matcher) if !matcher.is_empty() => Some(matcher),
        Ok(_) => None,
        Err(error) => {
            notes.error(WalkError {
                path: file.to_path_buf(),
                relative: relative(file, root),
                line: None,
                message: innermost(&error),
            });
            None
        }
    }
}

fn walk_error(error: &ignore::Error, dir: &Path, root: &Path) -> WalkError {
    let path = error_path(error).unwrap_or(dir).to_path_buf();
    WalkError {
        relative: relative(&path, root),
        path,
        line: None,
        message: innermost(error),
    }
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

/// The message of the innermost error, without the path the outer layers
/// add.
fn innermost(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => innermost(err),
        ignore::Error::Partial(errors) => {
            errors.iter().map(innermost).collect::<Vec<_>>().join("; ")
        }
        ignore::Error::Io(io) => ReadError::Io {
            path: PathBuf::new(),
            source: std::io::Error::new(io.kind(), io.to_string()),
        }
        .reason(),
        other => other.to_string(),
    }
}
