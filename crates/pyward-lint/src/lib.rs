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
//! How to write a rule: `ENGINE.md` beside this crate's `Cargo.toml`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use pyward_model::{Finding, ScanError};
use rayon::prelude::*;
use ruff_python_ast::token::TokenKind;
use ruff_source_file::LineIndex;
use ruff_text_size::Ranged;

pub mod checker;
pub mod helpers;
pub mod imports;
pub mod registry;
mod rules;
pub mod settings;
pub mod suppress;
mod walk;

pub use checker::{Checker, Issue};
pub use imports::{ImportKind, ImportedModule, QualifiedName};
pub use registry::{Check, Rule, all_rules, rule, rule_docs};
pub use settings::{BanditConfig, CodeConfig, Settings, SettingsError, bandit_config};

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
/// use about a quarter of it in a release build, half in a debug build.
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
    let limits = limits.clamped();
    let (files, mut errors) = walk::python_files(paths, root, settings);
    // One large file at a time: see `LARGE_FILE`.
    let large = Mutex::new(());
    let check = |file: &walk::SourceFile| -> Result<Vec<Finding>, ScanError> {
        let bytes = read_source(&file.path, &file.relative, limits)?;
        let _turn = (bytes.len() as u64 >= LARGE_FILE).then(|| large.lock());
        check_bytes_here(&file.relative, &bytes, settings, limits)
    };
    let results: Vec<Result<Vec<Finding>, ScanError>> = match stack::pool() {
        Some(pool) => pool.install(|| files.par_iter().map(check).collect()),
        // No threads to be had (a tight `ulimit -v`): one big-stack thread.
        None => stack::on_big_stack(|| files.iter().map(check).collect()),
    };
    let mut outcome = LintOutcome::default();
    for result in results {
        match result {
            Ok(findings) => {
                outcome.files_checked += 1;
                outcome.findings.extend(findings);
            }
            Err(error) => errors.push(error),
        }
    }
    outcome.findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            f.location
                .as_ref()
                .map(|l| (l.path.clone(), l.line, l.column))
        };
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    outcome.errors = errors;
    outcome
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
    let source = encoding::decode(bytes).map_err(|(line, message)| ScanError {
        path: path.to_string(),
        line: Some(line),
        message,
    })?;
    check_source_here(path, &source, settings, limits)
}

/// Checks one file's text. `path` is what findings show. Runs on a thread
/// with a stack sized for the depth limit.
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
    if let Err(depth) = nesting::bound(source, limits.max_depth) {
        return Err(too_deep(depth, None));
    }
    let parsed = ruff_python_parser::parse_module(source).map_err(|err| {
        let index = LineIndex::from_source_text(source);
        let offset = err
            .range()
            .start()
            .min(ruff_text_size::TextSize::try_from(source.len()).unwrap_or_default());
        ScanError {
            path: path.to_string(),
            line: u32::try_from(index.line_index(offset).get()).ok(),
            message: format!("syntax error: {}", err.error),
        }
    })?;
    // The pre-scan's count is a bound in tokens; the tree's own depth (in
    // nodes, a few per token level) is measured without recursion before
    // any rule walks it.
    let depth = nesting::ast_depth(parsed.syntax(), nesting::node_limit(limits.max_depth));
    if depth > nesting::node_limit(limits.max_depth) {
        let error = too_deep(depth, None);
        stack::drop_deep(parsed, depth);
        return Err(error);
    }
    let line_index = LineIndex::from_source_text(source);
    let mut nosec = suppress::NosecLines::default();
    for token in parsed.tokens() {
        if token.kind() == TokenKind::Comment {
            let text = &source[token.range().start().to_usize()..token.range().end().to_usize()];
            if let Some(comment) = suppress::parse_nosec_comment(text) {
                let line = u32::try_from(line_index.line_index(token.start()).get()).unwrap_or(0);
                nosec.insert(line, comment);
            }
        }
    }
    let checker = Checker::new(source, path, &line_index, settings, &nosec);
    Ok(checker.run(parsed.syntax()))
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
    /// is an analysis thread already).
    pub(super) fn on_big_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
        if std::thread::current()
            .name()
            .is_some_and(|name| name.starts_with("pyward-lint"))
        {
            return work();
        }
        std::thread::scope(|scope| {
            let handle = std::thread::Builder::new()
                .name("pyward-lint-main".to_string())
                .stack_size(ANALYSIS_STACK)
                .spawn_scoped(scope, work);
            match handle {
                Ok(handle) => match handle.join() {
                    Ok(value) => value,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                // No thread to be had: this one, and the depth limit must
                // do.
                Err(_) => unreachable_thread(),
            }
        })
    }

    #[cold]
    fn unreachable_thread() -> ! {
        panic!("cannot start a thread for the analysis (out of memory or threads)")
    }

    /// Drops a tree deeper than the limit (the pre-scan's bound was off)
    /// on a thread whose stack fits it, so its recursive drop cannot
    /// overflow.
    pub(super) fn drop_deep<T: Send>(tree: T, depth: u32) {
        // Generous per level: a node's drop glue is a few hundred bytes.
        let stack = (depth as usize)
            .saturating_mul(1024)
            .saturating_add(ANALYSIS_STACK);
        std::thread::scope(|scope| {
            let spawned = std::thread::Builder::new()
                .stack_size(stack)
                .spawn_scoped(scope, move || drop(tree));
            if let Ok(handle) = spawned {
                let _ = handle.join();
            }
            // When no such thread can be had the tree went back to this
            // scope's closure and is leaked rather than risk the stack.
        });
    }
}

/// How deep a file nests, measured twice: a linear pass over the tokens
/// before parsing (a bound that the parser and the tree's drop never
/// exceed), and after parsing an exact measure of the tree with an
/// explicit stack.
mod nesting {
    use ruff_python_ast::token::TokenKind;
    use ruff_python_ast::visitor::source_order::{SourceOrderVisitor, TraversalSignal};
    use ruff_python_ast::{AnyNodeRef, ModModule};
    use ruff_python_parser::{Mode, lexer};

    /// Precedence classes of the tokens that add a level to the tree, from
    /// `lambda` (binds loosest) to postfix `.`, calls and subscripts.
    const CLASSES: usize = 16;

    /// The class of a token that can add a level; `None` for names,
    /// literals and punctuation that only separates.
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
        inner: u32,
        deepest: u32,
        /// `lambda`s whose parameters (where commas do not separate
        /// siblings) are still open.
        lambdas: u32,
    }

    impl Level {
        /// Counts a token of class `class`; returns its chain's length.
        fn add(&mut self, class: usize) -> u32 {
            for looser in class + 1..CLASSES {
                self.longest[looser] = self.longest[looser].max(self.chains[looser]);
                self.chains[looser] = 0;
            }
            self.chains[class] = self.chains[class].saturating_add(1);
            self.chains[class]
        }

        fn part(&self) -> u32 {
            self.chains
                .iter()
                .zip(&self.longest)
                .fold(self.inner, |sum, (chain, longest)| {
                    sum.saturating_add(*chain.max(longest))
                })
        }

        fn end_part(&mut self) {
            self.deepest = self.deepest.max(self.part());
            self.chains = [0; CLASSES];
            self.longest = [0; CLASSES];
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
    /// each. Linear in the file, with memory bounded by `limit`.
    pub(super) fn bound(source: &str, limit: u32) -> Result<u32, u32> {
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
        token_limit.saturating_mul(4)
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
