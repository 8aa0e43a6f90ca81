//! Static analysis of Python source: Bandit's checks with Bandit's ids, and
//! pyward's own (`PW`). The only crate that parses Python.
//!
//! [`check_paths`] walks folders (`pyward-fs`), parses each file once with
//! Ruff's parser and runs every enabled rule in a single pass over its
//! AST, files in parallel. Files that do not parse, are larger than
//! [`Limits::max_file_size`], nest deeper than [`Limits::max_depth`] or
//! are not text in their declared encoding (PEP 263) become
//! [`ScanError`]s and the scan carries on. Parsing and analysis run on
//! threads whose stack is sized for the depth limit, so no input can
//! overflow it. It never runs, imports or follows (symbolic links)
//! anything it examines.
//!
//! A taint analysis (`taint`, on the semantic layer of `semantic`) follows
//! untrusted data across functions and modules: the data-flow rules
//! (PW701-PW715) report where it reaches a sink, and in the default
//! [`Profile::Precise`] the Bandit checks whose danger depends on data are
//! dropped when only constants reach them and reported with the path when
//! untrusted data does. [`Profile::Bandit`] reproduces Bandit exactly.
//!
//! How to write a rule: `ENGINE.md` beside this crate's `Cargo.toml`;
//! what the profiles and the data-flow rules do: its `README.md`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use pyward_model::{Finding, ScanError};
use rayon::prelude::*;
use ruff_python_ast::token::TokenKind;
use ruff_source_file::LineIndex;
use ruff_text_size::Ranged;

pub mod checker;
pub mod helpers;
pub mod import_index;
pub mod imports;
pub mod registry;
mod rules;
mod run;
mod semantic;
pub mod settings;
pub mod suppress;
mod taint;
mod walk;

pub use checker::{Checker, DataDependence, Issue};
pub use import_index::{ImportIndex, Site, imports_of_paths};
pub use imports::{ImportKind, ImportedModule, QualifiedName};
pub use registry::{Check, Rule, all_rules, rule, rule_docs};
pub use settings::{BanditConfig, CodeConfig, Profile, Settings, SettingsError, bandit_config};
pub use taint::{SinkClass, TaintConfig};

/// What a run found.
#[derive(Debug, Default)]
pub struct LintOutcome {
    /// Sorted by path, line, column, id.
    pub findings: Vec<Finding>,
    /// Files that could not be read or parsed.
    pub errors: Vec<ScanError>,
    /// Files parsed and checked.
    pub files_checked: usize,
}

/// Files larger than this are not analysed: 8 MiB is over ten times the
/// largest Python file in the benchmark trees (Django, SQLAlchemy,
/// Sympy, Salt, ...: 0.5 MB), and generated modules (protobuf, Azure
/// SDK models) stay under it. Parsing costs about 50-100 bytes of memory
/// per byte of source, so this also bounds a file's memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Deepest nesting analysed, as the token pre-scan counts it (brackets,
/// operators, attribute dots, unary operators, calls, blocks along one
/// path). CPython refuses more than 200 nested brackets; the deepest file
/// in the benchmark trees (Sympy's generated `resolvent_lookup.py`, one
/// polynomial of hundreds of terms) counts 573, the next 231.
pub const DEFAULT_MAX_DEPTH: u32 = 2000;

/// Stack of the threads that parse and analyse: room for
/// [`DEFAULT_MAX_DEPTH`] levels of the parser, the rules' walk and the
/// drop of the tree. The deepest accepted inputs (`tests/hardening.rs`)
/// use at most an eighth of it in a release build, a quarter in a debug
/// build.
const ANALYSIS_STACK: usize = 32 * 1024 * 1024;

/// Files at least this large are analysed one at a time, so that peak
/// memory follows the largest file, not the number of threads.
const LARGE_FILE: u64 = 1024 * 1024;

/// What one file may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Files larger than this many bytes are not read: an error naming the
    /// file. Default [`DEFAULT_MAX_FILE_SIZE`].
    pub max_file_size: u64,
    /// Files nested deeper than this are not analysed: an error naming
    /// the file ("too deeply nested to analyse"). Default
    /// [`DEFAULT_MAX_DEPTH`]; at most [`DEFAULT_MAX_DEPTH`] (the analysis
    /// threads' stack is sized for it).
    pub max_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

/// Checks every Python file under `paths`; reported paths are relative to
/// `root`. The default [`Limits`].
///
/// Two phases: every file is parsed, walked and analysed on its own (in
/// parallel), then the data-flow pass over the whole tree decides the
/// findings that depend on where values come from (reading again the few
/// files whose functions it still needs).
pub fn check_paths(paths: &[PathBuf], root: &Path, settings: &Settings) -> LintOutcome {
    check_paths_with(paths, root, settings, Limits::default())
}

/// [`check_paths`] with other limits.
pub fn check_paths_with(
    paths: &[PathBuf],
    root: &Path,
    settings: &Settings,
    limits: Limits,
) -> LintOutcome {
    check_paths_collecting(paths, root, settings, limits, None).0
}

/// [`check_paths`], and in the same pass (each file parsed once) the
/// imports of the first-party files among them, as
/// [`imports_of_paths`] finds them.
pub fn check_paths_and_imports(
    paths: &[PathBuf],
    root: &Path,
    settings: &Settings,
) -> (LintOutcome, ImportIndex) {
    let (first_party, walk_errors) = import_index::first_party_files(paths, root, settings);
    let (outcome, collected) =
        check_paths_collecting(paths, root, settings, Limits::default(), Some(&first_party));
    let mut errors: Vec<ScanError> = outcome
        .errors
        .iter()
        .filter(|e| first_party.contains(&e.path))
        .cloned()
        .collect();
    errors.extend(walk_errors);
    errors.dedup();
    (outcome, ImportIndex::of_files(collected, errors))
}

/// The one pass of [`check_paths_with`]; with `collect`, also the imports
/// of the files it names (relative paths), in path order.
fn check_paths_collecting(
    paths: &[PathBuf],
    root: &Path,
    settings: &Settings,
    limits: Limits,
    collect: Option<&std::collections::HashSet<String>>,
) -> (LintOutcome, Vec<import_index::FileImports>) {
    let limits = limits.clamped();
    let (files, mut errors) = walk::python_files(paths, root, settings);
    let project = taint::project::ProjectIndex::new(
        files.iter().map(|f| (f.relative.clone(), f.path.clone())),
    );
    // One large file at a time: see `LARGE_FILE`.
    let large = Mutex::new(());
    type Checked = (run::FileOutcome, Option<import_index::FileImports>);
    let check_one = |(index, file): (usize, &walk::SourceFile)| -> Result<Checked, ScanError> {
        let bytes = read_source(&file.path, &file.relative, limits)?;
        let _turn = (bytes.len() as u64 >= LARGE_FILE).then(|| large.lock());
        let source = decode(&file.relative, &bytes)?;
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let wanted = collect.is_some_and(|set| set.contains(&file.relative));
        lint_file(
            &file.relative,
            &source,
            settings,
            &project,
            index,
            limits,
            wanted,
        )
    };
    let progress = settings.progress();
    if let Some(progress) = progress {
        progress.found(files.len());
    }
    let check = |entry: (usize, &walk::SourceFile)| -> Result<Checked, ScanError> {
        let outcome = check_one(entry);
        if let Some(progress) = progress {
            progress.done();
        }
        outcome
    };
    let both_phases = || {
        let results: Vec<Result<Checked, ScanError>> =
            files.par_iter().enumerate().map(check).collect();
        let mut outcome = LintOutcome::default();
        let mut facts = Vec::new();
        let mut collected = Vec::new();
        for (index, result) in results.into_iter().enumerate() {
            match result {
                Ok((file, imports)) => {
                    outcome.files_checked += 1;
                    collected.extend(imports);
                    outcome.findings.extend(file.findings);
                    if let Some(file_facts) = file.facts {
                        facts.push((u32::try_from(index).unwrap_or(u32::MAX), file_facts));
                    }
                }
                Err(error) => errors.push(error),
            }
        }
        let mut reread = run::TreeReread {
            project: &project,
            settings,
            limits,
        };
        outcome
            .findings
            .extend(run::finish(facts, &project, settings, &mut reread));
        (outcome, collected)
    };
    let (mut outcome, collected) = match stack::pool() {
        Some(pool) => pool.install(both_phases),
        // No threads to be had (a tight `ulimit -v`): one big-stack thread.
        None => stack::on_big_stack(both_phases),
    };
    run::sort(&mut outcome.findings);
    errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    outcome.errors = errors;
    (outcome, collected)
}

/// Reads a source file within the size limit, refusing special files.
fn read_source(path: &Path, shown: &str, limits: Limits) -> Result<Vec<u8>, ScanError> {
    pyward_fs::read(path, limits.max_file_size).map_err(|error| {
        let message = match &error {
            pyward_fs::ReadError::TooLarge { size, limit, .. } => format!(
                "{}larger than the {limit} byte limit for Python files; not analysed",
                size.map(|size| format!("{size} bytes: "))
                    .unwrap_or_default()
            ),
            other => other.reason(),
        };
        ScanError {
            path: shown.to_string(),
            line: None,
            message,
        }
    })
}

/// Checks one file's bytes: decoded as CPython would (a UTF-8 BOM, else
/// the PEP 263 declaration on the first two lines, else UTF-8). `path` is
/// what findings show. Runs on a thread with a stack sized for the depth
/// limit.
pub fn check_bytes(
    path: &str,
    bytes: &[u8],
    settings: &Settings,
) -> Result<Vec<Finding>, ScanError> {
    let limits = Limits::default();
    stack::on_big_stack(|| check_bytes_here(path, bytes, settings, limits))
}

fn check_bytes_here(
    path: &str,
    bytes: &[u8],
    settings: &Settings,
    limits: Limits,
) -> Result<Vec<Finding>, ScanError> {
    check_source_here(path, &decode(path, bytes)?, settings, limits)
}

/// A file's text from its bytes, decoded as CPython would (see
/// [`check_bytes`]).
pub(crate) fn decode<'b>(
    path: &str,
    bytes: &'b [u8],
) -> Result<std::borrow::Cow<'b, str>, ScanError> {
    encoding::decode(bytes).map_err(|(line, message)| ScanError {
        path: path.to_string(),
        line: Some(line),
        message,
    })
}

/// Checks one file's text. `path` is what findings show. Runs on a thread
/// with a stack sized for the depth limit. The data-flow analysis sees
/// this file alone: calls into other modules are unknown.
pub fn check_source(
    path: &str,
    source: &str,
    settings: &Settings,
) -> Result<Vec<Finding>, ScanError> {
    let limits = Limits::default();
    stack::on_big_stack(|| check_source_here(path, source, settings, limits))
}

/// Checks one file's text on this thread, which must have
/// [`ANALYSIS_STACK`].
fn check_source_here(
    path: &str,
    source: &str,
    settings: &Settings,
    limits: Limits,
) -> Result<Vec<Finding>, ScanError> {
    let project = taint::project::ProjectIndex::new([(path.to_string(), PathBuf::from(path))]);
    let (outcome, _) = lint_file(path, source, settings, &project, 0, limits, false)?;
    let mut findings = outcome.findings;
    let facts: Vec<_> = outcome.facts.into_iter().map(|f| (0, f)).collect();
    let mut reread = run::SourceReread {
        source,
        project: &project,
        settings,
        limits,
    };
    findings.extend(run::finish(facts, &project, settings, &mut reread));
    run::sort(&mut findings);
    Ok(findings)
}

/// Parses, walks and analyses one file (index `file` of `project`), on
/// this thread, which must have [`ANALYSIS_STACK`]; with `imports`, also
/// collects its imports from the same tree.
fn lint_file(
    path: &str,
    source: &str,
    settings: &Settings,
    project: &taint::project::ProjectIndex,
    file: u32,
    limits: Limits,
    imports: bool,
) -> Result<(run::FileOutcome, Option<import_index::FileImports>), ScanError> {
    let parsed = parse_within(path, source, limits)?;
    let line_index = LineIndex::from_source_text(source);
    let imports =
        imports.then(|| import_index::collect(path, source, &line_index, parsed.syntax()));
    let mut nosec = suppress::NosecLines::default();
    for token in parsed.tokens() {
        if token.kind() == TokenKind::Comment {
            let text = &source[token.range().start().to_usize()..token.range().end().to_usize()];
            let comment = match settings.profile() {
                Profile::Precise => suppress::parse_suppression(text),
                Profile::Bandit => suppress::parse_bandit_suppression(text),
            };
            if let Some(comment) = comment {
                let line = u32::try_from(line_index.line_index(token.start()).get()).unwrap_or(0);
                nosec.insert(line, comment);
            }
        }
    }
    let module_name = project
        .files
        .get(file as usize)
        .map_or("", |f| f.module.as_str());
    let checker = Checker::new(
        source,
        path,
        &line_index,
        settings,
        &nosec,
        project,
        module_name,
    );
    let walked = checker.run(parsed.syntax());
    let mut outcome = run::analyze(
        walked,
        source,
        &line_index,
        parsed.syntax(),
        settings,
        project,
        file,
    );
    if settings.reports_unused_suppressions() {
        outcome.findings.extend(unused_suppressions(
            path,
            source,
            &line_index,
            &nosec,
            settings,
        ));
    }
    Ok((outcome, imports))
}

/// PW001 for each suppression comment of the file that silenced nothing.
fn unused_suppressions(
    path: &str,
    source: &str,
    line_index: &LineIndex,
    nosec: &suppress::NosecLines,
    settings: &Settings,
) -> Vec<Finding> {
    let rule = &rules::pyward::UNUSED_SUPPRESSION_RULE;
    if !settings.is_enabled(rule) {
        return Vec::new();
    }
    let every_rule = settings.enabled_rules().len() == registry::all_rules().count();
    let enabled = |code: &str| settings.enabled_rules().iter().any(|r| r.code == code);
    nosec
        .unused(&enabled, every_rule)
        .into_iter()
        .filter_map(|line| {
            let text = line_index
                .line_range(ruff_source_file::OneIndexed::new(line as usize)?, source)
                .to_std_range();
            let text = source.get(text)?.trim_end();
            let lower = text.to_ascii_lowercase();
            let marker = lower.find("nosec").or_else(|| lower.find("noqa"))?;
            let hash = text[..marker].rfind('#')?;
            let column = u32::try_from(text[..hash].chars().count() + 1).ok()?;
            // The suppression alone, without a comment after it.
            let end = text[hash + 1..]
                .find('#')
                .map_or(text.len(), |at| hash + 1 + at);
            let comment: String = text[hash..end].trim_end().chars().take(80).collect();
            let mut finding =
                Finding::new(pyward_model::FindingKind::Code, rule.code, rule.severity);
            finding.rule = Some(rule.name.to_string());
            finding.cwe = rule.cwe.map(str::to_string);
            finding.confidence = Some(rule.confidence);
            finding.location = Some(
                pyward_model::Location::new(path, line, column)
                    .ending_at(line, u32::try_from(text.chars().count() + 1).ok()?),
            );
            finding.message = Some(format!("`{comment}` silences nothing; remove it."));
            let normalized: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            finding.fingerprint = pyward_model::fingerprint(&[rule.code, path, &normalized]);
            finding.detail = Some(pyward_model::Detail::Code(pyward_model::CodeDetail {
                snippet: Some(text.to_string()),
                flow: Vec::new(),
            }));
            Some(finding)
        })
        .collect()
}

/// Parses one file that nests no deeper than `limits` allows, on this
/// thread, which must have [`ANALYSIS_STACK`]. Every parse of a file goes
/// through here (the data-flow pass reads some files again).
pub(crate) fn parse_within(
    path: &str,
    source: &str,
    limits: Limits,
) -> Result<ruff_python_parser::Parsed<ruff_python_ast::ModModule>, ScanError> {
    let too_deep = |depth: u32, line: Option<u32>| ScanError {
        path: path.to_string(),
        line,
        message: format!(
            "too deeply nested to analyse (depth {depth} > limit {})",
            limits.max_depth
        ),
    };
    // Before parsing: the parser and the tree it builds recurse once per
    // level, so a file too deep must never reach them.
    let bound = match nesting::bound(source, limits.max_depth) {
        Ok(bound) => bound,
        Err(depth) => return Err(too_deep(depth, None)),
    };
    // Unchecked, so that a tree with syntax errors is measured (and, if
    // deep, dropped on a stack that fits it) before it is dropped.
    let parsed =
        ruff_python_parser::parse_unchecked_source(source, ruff_python_ast::PySourceType::Python);
    // The pre-scan's count is a bound in tokens, shown (by a property
    // test) to hold for code that parses; where error recovery built the
    // tree, or the bound comes near the limit, the tree's own depth (in
    // nodes, a few per token level) is measured without recursion before
    // any rule walks it or it is dropped. Measuring every file would cost
    // a walk of every tree.
    let node_limit = nesting::node_limit(limits.max_depth);
    let measure = !parsed.errors().is_empty() || bound > limits.max_depth / 4;
    if measure && nesting::ast_depth(parsed.syntax(), node_limit) > node_limit {
        // The pre-scan's bound was off (error recovery in broken code):
        // measure all of it, to size the stack its drop needs.
        let depth = nesting::ast_depth(parsed.syntax(), u32::MAX);
        stack::drop_deep(parsed, depth);
        return Err(too_deep(depth, None));
    }
    if let Some(err) = parsed.errors().first() {
        let index = LineIndex::from_source_text(source);
        let offset = err
            .range()
            .start()
            .min(ruff_text_size::TextSize::try_from(source.len()).unwrap_or_default());
        return Err(ScanError {
            path: path.to_string(),
            line: u32::try_from(index.line_index(offset).get()).ok(),
            message: format!("syntax error: {}", err.error),
        });
    }
    Ok(parsed)
}

impl Limits {
    /// The depth limit never goes past what the analysis stack holds.
    fn clamped(self) -> Self {
        Self {
            max_depth: self.max_depth.min(DEFAULT_MAX_DEPTH),
            ..self
        }
    }
}

/// Threads with a stack sized for the depth limit.
mod stack {
    use super::ANALYSIS_STACK;

    /// The analysis pool: as many threads as rayon would use, each with
    /// [`ANALYSIS_STACK`]. `None` when threads cannot be had.
    pub(super) fn pool() -> Option<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .stack_size(ANALYSIS_STACK)
            .thread_name(|i| format!("pyward-lint-{i}"))
            .build()
            .ok()
    }

    /// Runs `work` on a thread with [`ANALYSIS_STACK`] (this one, when it
    /// is an analysis thread already, or when no thread can be started:
    /// then the depth limit must do).
    pub(super) fn on_big_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
        if std::thread::current()
            .name()
            .is_some_and(|name| name.starts_with("pyward-lint"))
        {
            return work();
        }
        // Kept here until the thread takes it, so that it is not lost if
        // the thread cannot be started.
        let slot = std::sync::Mutex::new(Some(work));
        let ran = std::thread::scope(|scope| {
            let spawned = std::thread::Builder::new()
                .name("pyward-lint-main".to_string())
                .stack_size(ANALYSIS_STACK)
                .spawn_scoped(scope, || {
                    let work = slot.lock().ok().and_then(|mut slot| slot.take());
                    work.map(|work| work())
                });
            spawned.ok().map(|handle| handle.join())
        });
        match ran {
            Some(Ok(Some(value))) => value,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            _ => {
                let work = slot.into_inner().ok().flatten();
                match work {
                    Some(work) => work(),
                    None => unreachable!("the analysis thread took the work and returned"),
                }
            }
        }
    }

    /// Drops a tree deeper than the limit (the pre-scan's bound was off)
    /// on a thread whose stack fits it, so its recursive drop cannot
    /// overflow; when no such thread can be had, the tree is leaked
    /// rather than dropped here.
    pub(super) fn drop_deep<T: Send>(tree: T, depth: u32) {
        // Generous per level: a node's drop glue is a few hundred bytes.
        let stack = (depth as usize)
            .saturating_mul(1024)
            .saturating_add(ANALYSIS_STACK);
        let slot = std::sync::Mutex::new(Some(tree));
        std::thread::scope(|scope| {
            let spawned = std::thread::Builder::new()
                .stack_size(stack)
                .spawn_scoped(scope, || {
                    let tree = slot.lock().ok().and_then(|mut slot| slot.take());
                    drop(tree);
                });
            if let Ok(handle) = spawned {
                let _ = handle.join();
            }
        });
        if let Ok(Some(tree)) = slot.into_inner() {
            std::mem::forget(tree);
        }
    }
}

/// How deep a file nests, measured twice: a linear pass over the tokens
/// before parsing (a bound that the parser and the tree's drop never
/// exceed), and after parsing an exact measure of the tree with an
/// explicit stack.
mod nesting {
    #[cfg(test)]
    use ruff_python_ast::token::TokenKind;
    use ruff_python_ast::visitor::source_order::{SourceOrderVisitor, TraversalSignal};
    use ruff_python_ast::{AnyNodeRef, ModModule};
    #[cfg(test)]
    use ruff_python_parser::{Mode, lexer};

    /// Precedence classes of the tokens that add a level to the tree, from
    /// `lambda` (binds loosest) to postfix `.`, calls and subscripts.
    const CLASSES: usize = 16;

    /// The class of a token that can add a level; `None` for names,
    /// literals and punctuation that only separates.
    #[cfg(test)]
    fn class(kind: TokenKind) -> Option<usize> {
        use TokenKind as T;
        Some(match kind {
            T::Lambda
            | T::Yield
            | T::For
            | T::Async
            | T::ColonEqual
            | T::Return
            | T::Del
            | T::Assert
            | T::Raise
            | T::Import
            | T::From
            | T::As
            | T::Global
            | T::Nonlocal
            | T::Def
            | T::Class
            | T::With
            | T::While
            | T::Try
            | T::Except
            | T::Finally
            | T::Elif
            | T::Pass
            | T::Break
            | T::Continue
            | T::At
            | T::Exclamation
            | T::Question => 0,
            T::If | T::Else => 1,
            T::Or => 2,
            T::And => 3,
            T::Not => 4,
            T::Less
            | T::Greater
            | T::EqEqual
            | T::NotEqual
            | T::LessEqual
            | T::GreaterEqual
            | T::In
            | T::Is => 5,
            T::Vbar => 6,
            T::CircumFlex => 7,
            T::Amper => 8,
            T::LeftShift | T::RightShift => 9,
            T::Plus | T::Minus => 10,
            T::Star | T::Slash | T::DoubleSlash | T::Percent => 11,
            T::Tilde => 12,
            T::DoubleStar => 13,
            T::Await => 14,
            T::Dot | T::Lpar | T::Lsqb | T::Lbrace | T::FStringStart | T::TStringStart => 15,
            kind if kind.as_augmented_assign_operator().is_some() => 0,
            _ => return None,
        })
    }

    /// One bracket level of the pre-scan. Within one comma-separated part
    /// of an expression, a path from the top of its tree down passes each
    /// precedence class in at most one unbroken chain (`a + b + c` is a
    /// chain of `+`; a `*` inside a term is a chain of its own, ended by
    /// the next `+`), so the part is at most the sum over classes of the
    /// longest chain, plus the deepest bracket in it.
    #[derive(Default)]
    struct Level {
        chains: [u32; CLASSES],
        longest: [u32; CLASSES],
        /// Classes whose `chains` entry is not zero.
        open_chains: u16,
        /// Classes whose entries have been set in this part (the others
        /// are zero, whatever the arrays hold): parts end at every comma,
        /// and most touch two or three classes.
        used: u16,
        inner: u32,
        deepest: u32,
        /// `lambda`s whose parameters (where commas do not separate
        /// siblings) are still open.
        lambdas: u32,
    }

    /// The classes of a mask, as indexes.
    fn classes(mut mask: u16) -> impl Iterator<Item = usize> {
        std::iter::from_fn(move || {
            (mask != 0).then(|| {
                let class = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                class
            })
        })
    }

    impl Level {
        /// Counts a token of class `class`; returns its chain's length.
        fn add(&mut self, class: usize) -> u32 {
            let bit = 1u16 << class;
            // The chains of looser classes end here.
            let looser = self.open_chains & !(bit | (bit - 1));
            for looser in classes(looser) {
                self.longest[looser] = self.longest[looser].max(self.chains[looser]);
                self.chains[looser] = 0;
            }
            self.open_chains &= !looser;
            if self.used & bit == 0 {
                self.used |= bit;
                self.chains[class] = 0;
                self.longest[class] = 0;
            }
            self.open_chains |= bit;
            self.chains[class] = self.chains[class].saturating_add(1);
            self.chains[class]
        }

        fn part(&self) -> u32 {
            classes(self.used).fold(self.inner, |sum, class| {
                sum.saturating_add(self.chains[class].max(self.longest[class]))
            })
        }

        fn end_part(&mut self) {
            self.deepest = self.deepest.max(self.part());
            self.open_chains = 0;
            self.used = 0;
            self.inner = 0;
        }

        fn finish(&mut self) -> u32 {
            self.end_part();
            self.deepest
        }
    }

    fn close(levels: &mut Vec<Level>) {
        if levels.len() > 1
            && let Some(mut closed) = levels.pop()
            && let Some(outer) = levels.last_mut()
        {
            outer.inner = outer.inner.max(closed.finish().saturating_add(1));
        }
    }

    /// An upper bound of the file's nesting, in token levels, or the count
    /// that passed `limit`. Tokens that can add a level to the tree
    /// (brackets, operators, dots, keywords such as `lambda`, `not`,
    /// `await`, `if`/`else`) are counted by precedence class (see
    /// [`Level`]); parts separated by commas are siblings; a bracket's
    /// depth is added to the part that holds it; indented blocks add one
    /// each. One pass over the bytes, with Python's string syntax (prefixes,
    /// triple quotes, escapes, f-strings whose fields are code, PEP 701)
    /// so that nothing inside a string counts and nothing outside one is
    /// missed; memory bounded by `limit`.
    pub(super) fn bound(source: &str, limit: u32) -> Result<u32, u32> {
        Scanner::new(source.as_bytes(), limit).run()
    }

    /// Where the byte scanner is: code (at the top, or in an f-string's
    /// replacement field opened at a given level count), or the literal
    /// text or format spec of an f-string.
    #[derive(Clone, Copy)]
    enum Place {
        Code { field: Option<usize> },
        FText { quote: u8, triple: bool, raw: bool },
        FSpec { field: usize },
    }

    struct Scanner<'a> {
        bytes: &'a [u8],
        at: usize,
        limit: u32,
        levels: Vec<Level>,
        modes: Vec<Place>,
        indents: Vec<usize>,
        deepest: u32,
        /// Whether the next byte starts a line (indentation is measured).
        line_start: bool,
        /// How often the place changed, to tell when code stops.
        moves: u64,
    }

    impl<'a> Scanner<'a> {
        fn new(bytes: &'a [u8], limit: u32) -> Self {
            let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            Self {
                bytes,
                at: 0,
                limit,
                levels: vec![Level::default()],
                modes: vec![Place::Code { field: None }],
                indents: vec![0],
                deepest: 0,
                line_start: true,
                moves: 0,
            }
        }

        fn blocks(&self) -> u32 {
            u32::try_from(self.indents.len() - 1).unwrap_or(u32::MAX)
        }

        fn enter(&mut self, place: Place) {
            self.moves += 1;
            self.modes.push(place);
        }

        fn leave(&mut self) {
            self.moves += 1;
            self.modes.pop();
        }

        fn rest(&self) -> &'a [u8] {
            self.bytes.get(self.at..).unwrap_or(&[])
        }

        fn peek(&self, offset: usize) -> u8 {
            self.bytes.get(self.at + offset).copied().unwrap_or(0)
        }

        /// Counts a token of class `class`; fails once past the limit.
        fn count(&mut self, class: usize) -> Result<(), u32> {
            let open = u32::try_from(self.levels.len()).unwrap_or(u32::MAX);
            let blocks = self.blocks();
            if let Some(top) = self.levels.last_mut() {
                let chain = top.add(class);
                let depth = blocks.saturating_add(open).saturating_add(chain);
                if depth > self.limit {
                    return Err(depth);
                }
            }
            Ok(())
        }

        fn open(&mut self) -> Result<(), u32> {
            self.count(15)?;
            self.levels.push(Level::default());
            let depth = self
                .blocks()
                .saturating_add(u32::try_from(self.levels.len()).unwrap_or(u32::MAX));
            if depth > self.limit {
                return Err(depth);
            }
            Ok(())
        }

        fn end_statement(&mut self) -> Result<(), u32> {
            while self.levels.len() > 1 {
                close(&mut self.levels);
            }
            let blocks = self.blocks();
            if let Some(statement) = self.levels.last_mut() {
                self.deepest = self.deepest.max(blocks.saturating_add(statement.finish()));
                *statement = Level::default();
            }
            if self.deepest > self.limit {
                return Err(self.deepest);
            }
            Ok(())
        }

        fn run(mut self) -> Result<u32, u32> {
            while self.at < self.bytes.len() {
                match self.modes.last().copied() {
                    Some(Place::Code { field }) => self.code(field)?,
                    Some(Place::FText { quote, triple, raw }) => self.f_text(quote, triple, raw)?,
                    Some(Place::FSpec { field }) => self.f_spec(field)?,
                    None => break,
                }
            }
            self.end_statement()?;
            Ok(self.deepest)
        }

        /// Indentation of a new logical line: blocks open and close as
        /// the tokenizer's INDENT and DEDENT do.
        fn indentation(&mut self) {
            let mut width = 0;
            let mut at = self.at;
            while let Some(&b) = self.bytes.get(at) {
                match b {
                    b' ' => width += 1,
                    b'\t' => width = (width / 8 + 1) * 8,
                    b'\x0c' => width = 0,
                    _ => break,
                }
                at += 1;
            }
            // Blank and comment-only lines do not indent.
            if matches!(self.bytes.get(at), None | Some(b'\n' | b'\r' | b'#')) {
                return;
            }
            while self.indents.len() > 1 && self.indents.last().is_some_and(|&top| top > width) {
                self.indents.pop();
            }
            if self.indents.last().is_some_and(|&top| width > top) {
                self.indents.push(width);
            }
        }

        /// Code, token after token, until the place changes (a string,
        /// field or format spec begins or ends) or the input does.
        fn code(&mut self, field: Option<usize>) -> Result<(), u32> {
            let place = self.moves;
            while self.at < self.bytes.len() && self.moves == place {
                self.token(field)?;
            }
            Ok(())
        }

        fn token(&mut self, field: Option<usize>) -> Result<(), u32> {
            if self.line_start {
                self.line_start = false;
                if self.levels.len() == 1 && field.is_none() {
                    self.indentation();
                }
            }
            let b = self.bytes[self.at];
            match b {
                b' ' | b'\t' | b'\x0c' | b'\r' => {
                    self.at += 1;
                    while matches!(self.bytes.get(self.at), Some(b' ' | b'\t')) {
                        self.at += 1;
                    }
                }
                b'\n' => {
                    self.at += 1;
                    if self.levels.len() == 1 && field.is_none() {
                        self.end_statement()?;
                        self.line_start = true;
                    }
                }
                b'#' => {
                    self.at = memchr::memchr(b'\n', self.rest())
                        .map_or(self.bytes.len(), |n| self.at + n);
                }
                // A line continuation: the statement goes on.
                b'\\' => {
                    self.at += 1;
                    if self.peek(0) == b'\r' {
                        self.at += 1;
                    }
                    if self.peek(0) == b'\n' {
                        self.at += 1;
                    }
                }
                b'\'' | b'"' => self.string(b"")?,
                b'(' | b'[' | b'{' => {
                    self.at += 1;
                    self.open()?;
                }
                b')' | b']' | b'}' => {
                    self.at += 1;
                    if b == b'}' && field == Some(self.levels.len()) {
                        // The end of an f-string's replacement field.
                        close(&mut self.levels);
                        self.leave();
                    } else if field.is_none_or(|field| self.levels.len() > field) {
                        close(&mut self.levels);
                    }
                }
                b',' => {
                    self.at += 1;
                    if let Some(top) = self.levels.last_mut()
                        && top.lambdas == 0
                    {
                        top.end_part();
                    }
                }
                b';' => {
                    self.at += 1;
                    if self.levels.len() == 1 && field.is_none() {
                        self.end_statement()?;
                    }
                }
                b':' => {
                    self.at += 1;
                    if self.peek(0) == b'=' {
                        self.at += 1;
                        self.count(0)?;
                    } else if field == Some(self.levels.len()) {
                        // A format spec: text, with fields of its own.
                        if let Some(Place::Code { .. }) = self.modes.last() {
                            self.leave();
                        }
                        self.enter(Place::FSpec {
                            field: self.levels.len(),
                        });
                    } else if let Some(top) = self.levels.last_mut() {
                        top.lambdas = top.lambdas.saturating_sub(1);
                    }
                }
                b'.' => {
                    if self.peek(1).is_ascii_digit() {
                        self.number();
                    } else {
                        self.at += 1;
                        self.count(15)?;
                    }
                }
                b'0'..=b'9' => self.number(),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' | 0x80.. => self.word()?,
                _ => self.operator()?,
            }
            Ok(())
        }

        /// A number, as the tokenizer reads it: what follows (`1if`,
        /// `0xfor`) is a word of its own.
        fn number(&mut self) {
            let digits = |scanner: &mut Self, ok: fn(u8) -> bool| {
                while scanner
                    .bytes
                    .get(scanner.at)
                    .is_some_and(|&b| ok(b) || b == b'_')
                {
                    scanner.at += 1;
                }
            };
            let radix = (self.peek(0) == b'0').then(|| self.peek(1).to_ascii_lowercase());
            match radix {
                Some(b'x') => {
                    self.at += 2;
                    digits(self, |b| b.is_ascii_hexdigit());
                    return;
                }
                Some(b'o') => {
                    self.at += 2;
                    digits(self, |b| matches!(b, b'0'..=b'7'));
                    return;
                }
                Some(b'b') => {
                    self.at += 2;
                    digits(self, |b| matches!(b, b'0' | b'1'));
                    return;
                }
                _ => {}
            }
            digits(self, |b| b.is_ascii_digit());
            if self.peek(0) == b'.' {
                self.at += 1;
                digits(self, |b| b.is_ascii_digit());
            }
            if matches!(self.peek(0), b'e' | b'E') {
                let sign = usize::from(matches!(self.peek(1), b'+' | b'-'));
                if self.peek(1 + sign).is_ascii_digit() {
                    self.at += 1 + sign;
                    digits(self, |b| b.is_ascii_digit());
                }
            }
            if matches!(self.peek(0), b'j' | b'J') {
                self.at += 1;
            }
        }

        fn word(&mut self) -> Result<(), u32> {
            let start = self.at;
            self.at += self
                .rest()
                .iter()
                .position(|&b| !IDENTIFIER[usize::from(b)])
                .unwrap_or(self.bytes.len() - self.at);
            let word = &self.bytes[start..self.at];
            if word.len() > 8 || !word[0].is_ascii_lowercase() {
                // No keyword is longer, or starts otherwise.
                if matches!(self.peek(0), b'\'' | b'"') && is_string_prefix(word) {
                    return self.string(word);
                }
                return Ok(());
            }
            if matches!(self.peek(0), b'\'' | b'"') && is_string_prefix(word) {
                return self.string(word);
            }
            let class = match word {
                b"lambda" => {
                    self.count(0)?;
                    if let Some(top) = self.levels.last_mut() {
                        top.lambdas = top.lambdas.saturating_add(1);
                    }
                    return Ok(());
                }
                b"yield" | b"for" | b"async" | b"return" | b"del" | b"assert" | b"raise"
                | b"import" | b"from" | b"as" | b"global" | b"nonlocal" | b"def" | b"class"
                | b"with" | b"while" | b"try" | b"except" | b"finally" | b"elif" | b"pass"
                | b"break" | b"continue" => 0,
                b"if" | b"else" => 1,
                b"or" => 2,
                b"and" => 3,
                b"not" => 4,
                b"in" | b"is" => 5,
                b"await" => 14,
                _ => return Ok(()),
            };
            self.count(class)
        }

        fn operator(&mut self) -> Result<(), u32> {
            let b = self.bytes[self.at];
            let next = self.peek(1);
            let third = self.peek(2);
            let (length, class) = match (b, next) {
                (b'*', b'*') if third == b'=' => (3, Some(0)),
                (b'/', b'/') if third == b'=' => (3, Some(0)),
                (b'<', b'<') | (b'>', b'>') if third == b'=' => (3, Some(0)),
                (b'*', b'*') => (2, Some(13)),
                (b'/', b'/') => (2, Some(11)),
                (b'<', b'<') | (b'>', b'>') => (2, Some(9)),
                (b'<' | b'>' | b'=' | b'!', b'=') => (2, Some(5)),
                (b'-', b'>') => (2, None),
                (b'+' | b'-' | b'*' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^', b'=') => {
                    (2, Some(0))
                }
                (b'=', _) => (1, None),
                (b'<' | b'>', _) => (1, Some(5)),
                (b'|', _) => (1, Some(6)),
                (b'^', _) => (1, Some(7)),
                (b'&', _) => (1, Some(8)),
                (b'+' | b'-', _) => (1, Some(10)),
                (b'*' | b'/' | b'%' | b'@', _) => (1, Some(11)),
                (b'~', _) => (1, Some(12)),
                _ => (1, Some(0)),
            };
            self.at += length;
            match class {
                Some(class) => self.count(class),
                None => Ok(()),
            }
        }

        /// A string literal starting at the quote under the cursor, with
        /// the prefix just read.
        fn string(&mut self, prefix: &[u8]) -> Result<(), u32> {
            let raw = prefix.iter().any(|b| b.eq_ignore_ascii_case(&b'r'));
            let formatted = prefix
                .iter()
                .any(|b| b.eq_ignore_ascii_case(&b'f') || b.eq_ignore_ascii_case(&b't'));
            let quote = self.bytes[self.at];
            let triple = self.peek(1) == quote && self.peek(2) == quote;
            self.at += if triple { 3 } else { 1 };
            if formatted {
                self.open()?;
                self.enter(Place::FText { quote, triple, raw });
                return Ok(());
            }
            loop {
                let Some(found) = memchr::memchr3(quote, b'\\', b'\n', self.rest()) else {
                    self.at = self.bytes.len();
                    return Ok(());
                };
                self.at += found;
                match self.bytes[self.at] {
                    b'\\' => self.at += 2,
                    b'\n' if !triple => return Ok(()),
                    b'\n' => self.at += 1,
                    _ if !triple => {
                        self.at += 1;
                        return Ok(());
                    }
                    _ if self.peek(1) == quote && self.peek(2) == quote => {
                        self.at += 3;
                        return Ok(());
                    }
                    _ => self.at += 1,
                }
            }
        }

        /// Whether the cursor is at the closing quote(s) of an f-string.
        fn at_f_string_end(&self, quote: u8, triple: bool) -> bool {
            self.peek(0) == quote && (!triple || (self.peek(1) == quote && self.peek(2) == quote))
        }

        fn end_f_string(&mut self, triple: bool) {
            self.at += if triple { 3 } else { 1 };
            close(&mut self.levels);
            self.leave();
        }

        fn f_text(&mut self, quote: u8, triple: bool, raw: bool) -> Result<(), u32> {
            let rest = self.rest();
            let Some(found) = rest
                .iter()
                .position(|&b| b == quote || b == b'\\' || b == b'\n' || b == b'{' || b == b'}')
            else {
                self.at = self.bytes.len();
                return Ok(());
            };
            self.at += found;
            match self.bytes[self.at] {
                b'\\' => {
                    // `\N{NAME}` is an escape, not a field.
                    if !raw && self.peek(1) == b'N' && self.peek(2) == b'{' {
                        self.at = memchr::memchr(b'}', self.rest())
                            .map_or(self.bytes.len(), |n| self.at + n + 1);
                    } else {
                        self.at += 2;
                    }
                }
                b'\n' if !triple => {
                    // An unterminated f-string: recover as the tokenizer does.
                    close(&mut self.levels);
                    self.leave();
                }
                b'\n' => self.at += 1,
                b'{' if self.peek(1) == b'{' => self.at += 2,
                b'}' if self.peek(1) == b'}' => self.at += 2,
                b'{' => {
                    self.at += 1;
                    self.open()?;
                    self.enter(Place::Code {
                        field: Some(self.levels.len()),
                    });
                }
                b'}' => self.at += 1,
                _ if self.at_f_string_end(quote, triple) => self.end_f_string(triple),
                _ => self.at += 1,
            }
            Ok(())
        }

        fn f_spec(&mut self, field: usize) -> Result<(), u32> {
            let b = self.bytes[self.at];
            match b {
                b'{' => {
                    self.at += 1;
                    self.open()?;
                    self.enter(Place::Code {
                        field: Some(self.levels.len()),
                    });
                }
                b'}' => {
                    self.at += 1;
                    while self.levels.len() >= field && self.levels.len() > 1 {
                        close(&mut self.levels);
                    }
                    self.leave();
                }
                b'\n' => {
                    // The spec ends with its line in a single-quoted
                    // f-string; let the text mode decide.
                    self.leave();
                }
                b'\'' | b'"' => {
                    // The enclosing f-string's quote ends it (an error
                    // CPython reports); another is text.
                    let enclosing = self.modes.iter().rev().find_map(|mode| match mode {
                        Place::FText { quote, .. } => Some(*quote),
                        _ => None,
                    });
                    if enclosing == Some(b) {
                        while self.levels.len() >= field && self.levels.len() > 1 {
                            close(&mut self.levels);
                        }
                        self.leave();
                    } else {
                        self.at += 1;
                    }
                }
                _ => self.at += 1,
            }
            Ok(())
        }
    }

    /// Bytes that continue an identifier (non-ASCII ones included: they
    /// are letters of other scripts, or the tokenizer's error).
    static IDENTIFIER: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            let c = b as u8;
            table[b] = c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
            b += 1;
        }
        table
    };

    /// String prefixes: `r`, `b`, `u`, `f`, `t` and their pairs, any case.
    fn is_string_prefix(word: &[u8]) -> bool {
        let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
        matches!(
            lower.as_slice(),
            b"r" | b"b" | b"u" | b"f" | b"t" | b"rb" | b"br" | b"fr" | b"rf" | b"tr" | b"rt"
        )
    }

    #[cfg(test)]
    /// [`bound`] with Ruff's lexer: the reference the byte scanner is
    /// tested against (it is several times slower).
    ///
    /// An upper bound of the file's nesting, in token levels, or the count
    /// that passed `limit`. Tokens that can add a level to the tree
    /// (brackets, operators, dots, keywords such as `lambda`, `not`,
    /// `await`, `if`/`else`) are counted by precedence class (see
    /// [`Level`]); parts separated by commas are siblings; a bracket's
    /// depth is added to the part that holds it; indented blocks add one
    /// each. Linear in the file, with memory bounded by `limit`.
    pub(super) fn bound_by_lexer(source: &str, limit: u32) -> Result<u32, u32> {
        let mut lexer = lexer::lex(source, Mode::Module);
        let mut levels: Vec<Level> = vec![Level::default()];
        let mut blocks: u32 = 0;
        let mut deepest: u32 = 0;
        let open_levels = |levels: &Vec<Level>| u32::try_from(levels.len()).unwrap_or(u32::MAX);
        loop {
            let kind = lexer.next_token();
            match kind {
                TokenKind::EndOfFile => break,
                TokenKind::Rpar
                | TokenKind::Rsqb
                | TokenKind::Rbrace
                | TokenKind::FStringEnd
                | TokenKind::TStringEnd => close(&mut levels),
                TokenKind::Comma => {
                    if let Some(top) = levels.last_mut()
                        && top.lambdas == 0
                    {
                        top.end_part();
                    }
                }
                TokenKind::Colon => {
                    if let Some(top) = levels.last_mut() {
                        top.lambdas = top.lambdas.saturating_sub(1);
                    }
                }
                TokenKind::Newline | TokenKind::Semi => {
                    // Brackets left open by a syntax error close here.
                    while levels.len() > 1 {
                        close(&mut levels);
                    }
                    if let Some(statement) = levels.last_mut() {
                        deepest = deepest.max(blocks.saturating_add(statement.finish()));
                        *statement = Level::default();
                    }
                }
                TokenKind::Indent => blocks = blocks.saturating_add(1),
                TokenKind::Dedent => blocks = blocks.saturating_sub(1),
                kind => {
                    if let Some(class) = class(kind)
                        && let Some(top) = levels.last_mut()
                    {
                        let chain = top.add(class);
                        if kind == TokenKind::Lambda {
                            top.lambdas = top.lambdas.saturating_add(1);
                        }
                        let opens = matches!(
                            kind,
                            TokenKind::Lpar
                                | TokenKind::Lsqb
                                | TokenKind::Lbrace
                                | TokenKind::FStringStart
                                | TokenKind::TStringStart
                        );
                        if opens {
                            levels.push(Level::default());
                        }
                        let depth = blocks
                            .saturating_add(open_levels(&levels))
                            .saturating_add(chain);
                        if depth > limit {
                            return Err(depth);
                        }
                    }
                }
            }
            if deepest > limit {
                return Err(deepest);
            }
        }
        while levels.len() > 1 {
            close(&mut levels);
        }
        let last = levels.last_mut().map_or(0, Level::finish);
        let depth = deepest.max(blocks.saturating_add(last));
        if depth > limit {
            return Err(depth);
        }
        Ok(depth)
    }

    /// The tree-depth limit that goes with a token-depth limit: a token
    /// level is a few nodes (`f(a=g())`: call, arguments, keyword).
    pub(super) fn node_limit(token_limit: u32) -> u32 {
        // Plus the few nodes every statement has (module, statement,
        // expression, its literal).
        token_limit.saturating_mul(4).saturating_add(16)
    }

    /// The depth of the tree in nodes, measured with an explicit stack;
    /// stops early once past `limit`.
    pub(super) fn ast_depth(module: &ModModule, limit: u32) -> u32 {
        struct Children<'a, 'b> {
            stack: &'b mut Vec<(AnyNodeRef<'a>, u32)>,
            depth: u32,
        }
        impl<'a> SourceOrderVisitor<'a> for Children<'a, '_> {
            fn enter_node(&mut self, node: AnyNodeRef<'a>) -> TraversalSignal {
                self.stack.push((node, self.depth));
                TraversalSignal::Skip
            }
        }
        let mut stack = vec![(AnyNodeRef::from(module), 1)];
        let mut deepest = 0;
        while let Some((node, depth)) = stack.pop() {
            deepest = deepest.max(depth);
            if depth > limit {
                break;
            }
            node.visit_source_order(&mut Children {
                stack: &mut stack,
                depth: depth + 1,
            });
        }
        deepest
    }
}

#[cfg(test)]
mod nesting_tests {
    use super::nesting::{ast_depth, bound, bound_by_lexer, node_limit};

    fn bytes_bound(source: &str) -> u32 {
        bound(source, u32::MAX).unwrap_or(u32::MAX)
    }

    #[test]
    fn the_scanner_reads_tokens_as_the_lexer_does() {
        // Each of these once counted less than Ruff's lexer.
        for source in [
            // A line continuation keeps the statement going.
            "!r\\\nf'((",
            // A number ends where the tokenizer ends it: `lambda` follows.
            "1e+5lambda x: \"\"lambda x: }",
            // A format spec's own field, and the code after it.
            "x = f\"<{ a!r:>{ (f'\\N{EM DASH}{a}').b.c }}>\"\n",
        ] {
            let by_lexer = bound_by_lexer(source, u32::MAX).unwrap_or(u32::MAX);
            assert!(bytes_bound(source) >= by_lexer, "{source:?}");
        }
        // A backslash at the very end once read past it.
        assert_eq!(bytes_bound("'\\"), 0);
    }

    #[test]
    fn counts_what_nests_and_nothing_in_strings() {
        assert_eq!(bytes_bound("x = 1\n"), 0);
        assert!(bytes_bound("x = [[[1]]]\n") >= 3);
        assert_eq!(
            bytes_bound("x = '[[[[[[[[[['\ny = \"((((\"\nz = '''\n((((\n'''\n# ((((((\n"),
            bytes_bound("x = ''\ny = ''\nz = ''\n\n")
        );
        // Code inside f-string fields counts, text does not.
        assert!(bytes_bound("x = f'((((({[[[1]]]}'\n") > bytes_bound("x = f'((((({1}'\n"));
        assert!(bytes_bound("x = f\"{f'{[[[[1]]]]}'}\"\n") >= 6);
        assert_eq!(
            bytes_bound("x = f'{{[[[[[[' '\\N{DASH}'\n"),
            bytes_bound("x = f'' ''\n")
        );
    }

    fn well_formed_tokens(source: &str) -> bool {
        use ruff_python_ast::token::TokenKind;
        let mut lexer = ruff_python_parser::lexer::lex(source, ruff_python_parser::Mode::Module);
        let mut open = 0i64;
        loop {
            match lexer.next_token() {
                TokenKind::EndOfFile => return open == 0,
                TokenKind::Unknown => return false,
                TokenKind::FStringStart | TokenKind::TStringStart => open += 1,
                TokenKind::FStringEnd | TokenKind::TStringEnd => open -= 1,
                _ => {}
            }
        }
    }

    /// Fragments that exercise the scanner's string handling.
    fn fragment() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            Just("(".to_string()),
            Just(")".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("{".to_string()),
            Just("}".to_string()),
            Just("a".to_string()),
            Just(" + ".to_string()),
            Just(".b".to_string()),
            Just(", ".to_string()),
            Just(": ".to_string()),
            Just("lambda x: ".to_string()),
            Just(" if a else ".to_string()),
            Just("not ".to_string()),
            Just("-".to_string()),
            Just("**".to_string()),
            Just("'".to_string()),
            Just("\"".to_string()),
            Just("'''".to_string()),
            Just("f'".to_string()),
            Just("f\"".to_string()),
            Just("rb'".to_string()),
            Just("\\".to_string()),
            Just("\n".to_string()),
            Just("\n    ".to_string()),
            Just("# c\n".to_string()),
            Just("{{".to_string()),
            Just("!r".to_string()),
            Just("1e+5".to_string()),
            Just("...".to_string()),
            Just(";".to_string()),
            "[ -~]{1,4}",
        ]
    }

    /// Valid Python expressions, nested, with strings that hold brackets
    /// and f-strings whose fields hold code.
    fn expression() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just("a".to_string()),
            Just("1".to_string()),
            Just("'[(('".to_string()),
            Just("\"]})\"".to_string()),
            Just("'''(\n[['''".to_string()),
            Just("f'x{{(['".to_string()),
            Just("r'\\\\'".to_string()),
            Just("b'\\'('".to_string()),
            Just("1e+5".to_string()),
            Just("0xff".to_string()),
            Just("...".to_string()),
            Just("f'\\N{EM DASH}{a}'".to_string()),
        ];
        leaf.prop_recursive(6, 64, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| format!("({e})")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("[{a}, {b}]")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{{{a}: {b}}}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} + {b}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} * {b} - {a}")),
                inner.clone().prop_map(|e| format!("({e}).b.c")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a})[{b}]")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("f({a}, k={b})")),
                inner.clone().prop_map(|e| format!("(-{e})")),
                inner.clone().prop_map(|e| format!("(not {e})")),
                (inner.clone(), 1..40usize)
                    .prop_map(|(e, n)| format!("({e}{})", " + a.b".repeat(n))),
                inner.clone().prop_map(|e| format!("(lambda x, y=1: {e})")),
                (inner.clone(), inner.clone(), inner.clone())
                    .prop_map(|(a, b, c)| format!("({a} if {b} else {c})")),
                inner.clone().prop_map(|e| format!("f'{{ {e} }}'")),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| format!("f\"<{{ {a}!r:>{{ {b} }}}}>\"")),
                inner.clone().prop_map(|e| format!("f'''{{\n{e}\n}}'''")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) ** ({b})")),
                inner.clone().prop_map(|e| format!("[x for x in {e} if x]")),
                inner.prop_map(|e| format!("(yield {e})")),
            ]
        })
    }

    fn module() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        proptest::collection::vec(
            (expression(), 0..3usize).prop_map(|(e, shape)| match shape {
                0 => format!("x = {e}\n"),
                1 => format!("if {e}:\n    y = {e}  # ((( \n"),
                _ => format!("def f():\n    return {e}\n"),
            }),
            1..4,
        )
        .prop_map(|statements| statements.concat())
    }

    proptest::proptest! {
        // The byte scanner never counts less than Ruff's own tokens show.
        #[test]
        fn the_byte_scanner_bounds_the_lexers_count(source in module()) {
            proptest::prop_assume!(well_formed_tokens(&source));
            let by_bytes = bytes_bound(&source);
            let by_lexer = bound_by_lexer(&source, u32::MAX).unwrap_or(u32::MAX);
            proptest::prop_assert!(by_bytes >= by_lexer, "{} < {} for {:?}", by_bytes, by_lexer, source);
        }

        // And it bounds the tree: a few nodes a level.
        #[test]
        fn the_byte_scanner_bounds_the_tree(source in module()) {
            let parsed = ruff_python_parser::parse_module(&source);
            proptest::prop_assert!(parsed.is_ok(), "{:?}: {:?}", source, parsed.err());
            if let Ok(parsed) = parsed {
                let depth = ast_depth(parsed.syntax(), u32::MAX);
                let bound = bytes_bound(&source);
                proptest::prop_assert!(node_limit(bound) >= depth, "{} vs {} for {:?}", bound, depth, source);
            }
        }

        #[test]
        fn junk_never_panics(pieces in proptest::collection::vec(fragment(), 0..60)) {
            let source: String = pieces.concat();
            let _ = bound(&source, 50);
            let _ = bound(&source, u32::MAX);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let source = String::from_utf8_lossy(&bytes);
            let _ = bound(&source, 50);
            let _ = bound(&source, u32::MAX);
        }
    }
}

/// Source encodings as CPython reads them (PEP 263, PEP 3120).
mod encoding {
    use std::borrow::Cow;

    const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

    /// The text of a Python source file: a UTF-8 BOM means UTF-8 (and a
    /// declaration of anything else is an error, as in CPython); else a
    /// `coding[:=]` comment on the first line, or on the second when the
    /// first is a comment or blank; else UTF-8. Errors are (line, reason).
    pub(super) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, (u32, String)> {
        let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
            Some(body) => (true, body),
            None => (false, bytes),
        };
        let declared = declaration(body);
        let name = match (&declared, bom) {
            (Some((line, name)), true) if !is_utf8(name) => {
                return Err((
                    *line,
                    format!("encoding problem: `{name}` with a UTF-8 BOM"),
                ));
            }
            (Some((line, name)), false) if !is_utf8(name) => Some((*line, name.as_str())),
            _ => None,
        };
        let Some((line, name)) = name else {
            return utf8(body);
        };
        let normalized = name.to_ascii_lowercase().replace('_', "-");
        match normalized.as_str() {
            // Python's latin-1 maps every byte to the code point of the same
            // number; encoding_rs (WHATWG) reads these labels as
            // windows-1252, which differs in 0x80-0x9f.
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "8859" | "cp819" | "l1"
            | "iso-latin-1" | "latin" => {
                Ok(Cow::Owned(body.iter().map(|&b| char::from(b)).collect()))
            }
            "ascii" | "us-ascii" | "646" => match body.iter().position(|b| !b.is_ascii()) {
                None => utf8(body),
                Some(at) => Err((line_of(body, at), format!("not valid `{name}` text"))),
            },
            _ => {
                let label = python_to_whatwg(&normalized);
                let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
                    return Err((line, format!("unknown encoding `{name}` declared")));
                };
                if encoding == encoding_rs::UTF_16LE
                    || encoding == encoding_rs::UTF_16BE
                    || encoding == encoding_rs::REPLACEMENT
                {
                    return Err((line, format!("encoding problem: `{name}`")));
                }
                encoding
                    .decode_without_bom_handling_and_without_replacement(body)
                    .map(|text| Cow::Owned(text.into_owned()))
                    .ok_or_else(|| {
                        (
                            first_bad_line(encoding, body),
                            format!("not valid `{name}` text"),
                        )
                    })
            }
        }
    }

    fn utf8(body: &[u8]) -> Result<Cow<'_, str>, (u32, String)> {
        std::str::from_utf8(body).map(Cow::Borrowed).map_err(|err| {
            (
                line_of(body, err.valid_up_to()),
                "not UTF-8 text".to_string(),
            )
        })
    }

    fn is_utf8(name: &str) -> bool {
        let name = name.to_ascii_lowercase().replace('_', "-");
        name == "utf-8" || name == "utf8" || name.starts_with("utf-8-")
    }

    /// Python codec names that WHATWG spells differently.
    fn python_to_whatwg(name: &str) -> Cow<'_, str> {
        if let Some(number) = name
            .strip_prefix("cp")
            .filter(|n| n.len() == 4 && n.starts_with("125"))
        {
            return Cow::Owned(format!("windows-{number}"));
        }
        match name {
            "shift-jis" | "sjis" | "s-jis" => Cow::Borrowed("shift_jis"),
            "euc-jp" | "eucjp" => Cow::Borrowed("euc-jp"),
            "cp932" | "ms932" | "mskanji" => Cow::Borrowed("shift_jis"),
            "cp936" | "ms936" => Cow::Borrowed("gbk"),
            "cp949" | "ms949" | "uhc" => Cow::Borrowed("euc-kr"),
            "cp950" | "ms950" => Cow::Borrowed("big5"),
            "koi8-r" | "koi8r" => Cow::Borrowed("koi8-r"),
            "koi8-u" | "koi8u" => Cow::Borrowed("koi8-u"),
            other => Cow::Borrowed(other),
        }
    }

    /// The encoding named on line 1, or on line 2 when line 1 is a comment
    /// or blank: `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`.
    fn declaration(body: &[u8]) -> Option<(u32, String)> {
        let mut lines = body.split(|&b| b == b'\n').take(2);
        let first = lines.next()?;
        if let Some(name) = coding_of(first) {
            return Some((1, name));
        }
        let trimmed: Vec<u8> = first
            .iter()
            .copied()
            .skip_while(|b| matches!(b, b' ' | b'\t' | b'\x0c' | b'\r'))
            .collect();
        if !(trimmed.is_empty() || trimmed.starts_with(b"#")) {
            return None;
        }
        coding_of(lines.next()?).map(|name| (2, name))
    }

    fn coding_of(line: &[u8]) -> Option<String> {
        let start = line
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))?;
        let comment = line[start..].strip_prefix(b"#")?;
        let at = memchr_find(comment, b"coding")?;
        let rest = &comment[at + b"coding".len()..];
        let rest = rest
            .strip_prefix(b":")
            .or_else(|| rest.strip_prefix(b"="))?;
        let rest: &[u8] = {
            let skip = rest
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            &rest[skip..]
        };
        let name: Vec<u8> = rest
            .iter()
            .copied()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            .collect();
        if name.is_empty() {
            // `coding` appears again further on: CPython's regex is lazy
            // and would try the next one.
            return coding_of_rest(&comment[at + 1..]);
        }
        String::from_utf8(name).ok()
    }

    fn coding_of_rest(rest: &[u8]) -> Option<String> {
        let mut line = b"#".to_vec();
        line.extend_from_slice(rest);
        coding_of(&line)
    }

    fn memchr_find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn line_of(body: &[u8], offset: usize) -> u32 {
        let line = body[..offset.min(body.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// The line where decoding first fails.
    fn first_bad_line(encoding: &'static encoding_rs::Encoding, body: &[u8]) -> u32 {
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut out = String::with_capacity(body.len().saturating_mul(3).min(1 << 20));
        let mut read = 0;
        loop {
            out.clear();
            let (result, consumed) =
                decoder.decode_to_string_without_replacement(&body[read..], &mut out, true);
            match result {
                encoding_rs::DecoderResult::Malformed(bad, _) => {
                    return line_of(body, (read + consumed).saturating_sub(usize::from(bad)));
                }
                encoding_rs::DecoderResult::OutputFull => {
                    read += consumed;
                    out.reserve(1 << 16);
                }
                encoding_rs::DecoderResult::InputEmpty => return line_of(body, body.len()),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn declarations_as_cpython_reads_them() {
            assert_eq!(
                declaration(b"# -*- coding: latin-1 -*-\nx\n"),
                Some((1, "latin-1".into()))
            );
            assert_eq!(
                declaration(b"#!/usr/bin/python\n# vim: set fileencoding=cp1252 :\n"),
                Some((2, "cp1252".into()))
            );
            assert_eq!(declaration(b"x = 1\n# coding: latin-1\n"), None);
            assert_eq!(declaration(b"x = 1  # coding: latin-1\n"), None);
            assert_eq!(
                declaration(b"\n# coding=utf-8\n"),
                Some((2, "utf-8".into()))
            );
            assert_eq!(declaration(b"# coding\n"), None);
        }

        #[test]
        fn decodes_declared_encodings() {
            let text = decode(b"# -*- coding: latin-1 -*-\nx = '\xe9\x80'\n").unwrap();
            assert!(text.contains("x = '\u{e9}\u{80}'"), "{text}");
            let text = decode(b"# coding: cp1252\nx = '\x80'\n").unwrap();
            assert!(text.contains('\u{20ac}'), "{text}");
            let text = decode(b"# coding: shift_jis\nx = '\x82\xa0'\n").unwrap();
            assert!(text.contains('\u{3042}'), "{text}");
            assert_eq!(decode("x = 'é'\n".as_bytes()).unwrap(), "x = 'é'\n");
            let bom = [UTF8_BOM, b"x = 1\n"].concat();
            assert_eq!(decode(&bom).unwrap(), "x = 1\n");
        }

        #[test]
        fn encoding_errors_name_the_line() {
            assert_eq!(
                decode(b"x = 1\ny = '\xe9'\n").unwrap_err(),
                (2, "not UTF-8 text".to_string())
            );
            assert_eq!(decode(b"# coding: klingon\n").unwrap_err().0, 1);
            assert!(
                decode(b"# coding: klingon\n")
                    .unwrap_err()
                    .1
                    .contains("unknown encoding")
            );
            let bom = [UTF8_BOM, b"# coding: latin-1\n"].concat();
            assert!(decode(&bom).unwrap_err().1.contains("BOM"));
            assert_eq!(decode(b"# coding: ascii\nx\n'\xe9'\n").unwrap_err().0, 3);
            assert_eq!(
                decode(b"# coding: shift_jis\nx\n'\xff\xff'\n")
                    .unwrap_err()
                    .0,
                3
            );
        }
    }
}
