//! The analysis of one file: which scopes to analyse (those with a finding
//! waiting for a verdict, those that read request data, and the functions
//! of the file they call), the module's globals, and the tables the
//! scopes fill.

use std::collections::HashMap;
use std::rc::Rc;

use pyward_model::Finding;
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_source_file::LineIndex;
use ruff_text_size::{TextRange, TextSize};

use super::config::TaintSettings;
use super::engine::{self, Engine};
use super::facts::{Candidate, FileFacts, Policy, SourceInfo, SourceKind, Spot, Step, Summary};
use super::label::{Origin, SinkClass, Taint};
use super::models::{self, Model};
use super::project::ProjectIndex;
use super::value::{Kind, Value};
use crate::semantic::cfg::Cfg;
use crate::semantic::constant::Const;
use crate::semantic::dataflow;
use crate::semantic::scope::{self, Scope, ScopeKind};

/// At most this many scopes of one file are analysed for the functions the
/// first ones call (beyond those, calls resolve as library calls).
const MAX_EXTRA_SCOPES: usize = 96;

/// What the analysis of a file needs from the parse.
pub(crate) struct FileInput<'a> {
    pub(crate) source: &'a str,
    pub(crate) line_index: &'a LineIndex,
    pub(crate) module: &'a ast::ModModule,
    /// Index of the file in the run.
    pub(crate) file: u32,
    pub(crate) module_name: String,
    pub(crate) package: String,
    pub(crate) project: &'a ProjectIndex,
}

/// A finding waiting for a verdict, as the walk reports it.
#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) finding: Finding,
    pub(crate) class: SinkClass,
    pub(crate) policy: Policy,
    /// The expressions whose values reach the sink.
    pub(crate) watched: Vec<TextRange>,
    /// An XML parser that must resolve external entities for the finding.
    pub(crate) gate: Option<TextRange>,
    /// The innermost `def` or `class` around it (its start), `None` at
    /// module level.
    pub(crate) scope: Option<TextSize>,
    /// The sink call or statement.
    pub(crate) site: TextRange,
    /// How the sink is named in messages.
    pub(crate) sink: String,
}

/// A `def` or `class` of the file.
#[derive(Debug)]
struct DefInfo<'a> {
    kind: ScopeKind<'a>,
    /// `Class.method`, `outer.<locals>.inner`.
    path: String,
    /// The class whose body defines it.
    class: Option<&'a ast::StmtClassDef>,
}

/// The analysis of one file in progress.
pub(crate) struct FileAnalysis<'i, 'a> {
    pub(crate) input: &'i FileInput<'a>,
    pub(crate) settings: &'i TaintSettings,
    pub(crate) module_scope: Scope<'a>,
    defs: HashMap<TextSize, DefInfo<'a>>,
    globals: HashMap<&'a str, Value>,
    globals_in_progress: Vec<&'a str>,
    pub(crate) facts: FileFacts,
    sources: HashMap<TextRange, u32>,
    /// Expressions whose value a pending finding needs, and the value.
    pub(crate) wanted: HashMap<TextRange, Option<Value>>,
    /// Scopes analysed, with their summary.
    analyzed: HashMap<Option<TextSize>, usize>,
    /// Functions of this file called from analysed scopes.
    called: Vec<TextSize>,
    django: bool,
}

impl<'i, 'a> FileAnalysis<'i, 'a> {
    fn new(input: &'i FileInput<'a>, settings: &'i TaintSettings) -> Self {
        let module_scope = Scope::new(ScopeKind::Module(&input.module.body), &input.package);
        let django = module_scope.bindings.values().any(|b| {
            b.import()
                .is_some_and(|t| t.starts_with("django") || t.starts_with("rest_framework"))
        });
        let mut facts = FileFacts::default();
        // Step 0 is "no step".
        facts.steps.push(Step {
            spot: Spot {
                file: input.file,
                line: 0,
                column: 0,
                end_line: 0,
                end_column: 0,
                message: String::new(),
            },
            prev: 0,
        });
        FileAnalysis {
            input,
            settings,
            module_scope,
            defs: index_defs(&input.module.body),
            globals: HashMap::new(),
            globals_in_progress: Vec::new(),
            facts,
            sources: HashMap::new(),
            wanted: HashMap::new(),
            analyzed: HashMap::new(),
            called: Vec::new(),
            django,
        }
    }

    // ---- what scopes ask ---------------------------------------------

    pub(crate) fn text(&self, range: TextRange) -> String {
        let text = self.input.source.get(range.start().to_usize()..range.end().to_usize()).unwrap_or("");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > 60 {
            let cut: String = text.chars().take(57).collect();
            format!("{cut}...")
        } else {
            text
        }
    }

    pub(crate) fn spot(&self, range: TextRange, message: String) -> Spot {
        let start = self.input.line_index.line_column(range.start(), self.input.source);
        let end = self.input.line_index.line_column(range.end(), self.input.source);
        let n = |i: ruff_source_file::OneIndexed| u32::try_from(i.get()).unwrap_or(u32::MAX);
        Spot {
            file: self.input.file,
            line: n(start.line),
            column: n(start.column),
            end_line: n(end.line),
            end_column: n(end.column),
            message,
        }
    }

    /// The id of the source first seen at `range` (one per place, so that
    /// loops settle).
    pub(crate) fn source_id(&mut self, range: TextRange, message: String, kind: SourceKind) -> u32 {
        if let Some(&id) = self.sources.get(&range) {
            return id;
        }
        let id = u32::try_from(self.facts.sources.len()).unwrap_or(u32::MAX);
        let spot = self.spot(range, message);
        self.facts.sources.push(SourceInfo { spot, kind });
        self.sources.insert(range, id);
        id
    }

    pub(crate) fn imports_django(&self) -> bool {
        self.django
    }

    /// Whether a function is a request handler (see [`sinks::is_route`]).
    pub(crate) fn is_route(&self, function: &ast::StmtFunctionDef) -> bool {
        super::sinks::is_route(function)
    }

    /// What a module-level import binds `name` to.
    pub(crate) fn module_import(&self, name: &str) -> Option<Rc<str>> {
        self.module_scope.binding(name)?.import().cloned()
    }

    /// A class defined at module level.
    pub(crate) fn module_class(&self, name: &str) -> Option<&'a ast::StmtClassDef> {
        self.module_scope.binding(name)?.class()
    }

    /// The dotted name of a function of this file.
    pub(crate) fn def_name(&self, start: TextSize) -> Option<String> {
        let info = self.defs.get(&start)?;
        Some(format!("{}.{}", self.input.module_name, info.path))
    }

    /// Notes that an analysed scope calls this function of the file.
    pub(crate) fn want_local(&mut self, start: TextSize) {
        if !self.called.contains(&start) {
            self.called.push(start);
        }
    }

    /// A name looked up at module level from inside a function: an import,
    /// a `def`, a constant, or unknown.
    pub(crate) fn global_value(&mut self, name: &'a str) -> Value {
        self.global_value_at(name, 0)
    }

    fn global_value_at(&mut self, name: &'a str, depth: u32) -> Value {
        if let Some(value) = self.globals.get(name) {
            return value.clone();
        }
        if depth > 32 || self.globals_in_progress.contains(&name) {
            return Value::unknown();
        }
        let Some(binding) = self.module_scope.binding(name).cloned() else {
            return if engine::is_builtin(name) {
                Value::clean()
            } else {
                Value::unknown()
            };
        };
        self.globals_in_progress.push(name);
        let value = if let Some(target) = binding.import() {
            self.named_value(target, TextRange::default())
        } else if let Some(function) = binding.function() {
            Value {
                kind: Kind::Function(function.range.start()),
                ..Value::clean()
            }
        } else if let Some(expr) = binding.single_value() {
            self.constant_value(expr, depth + 1)
        } else {
            Value::unknown()
        };
        self.globals_in_progress.pop();
        self.globals.insert(name, value.clone());
        value
    }

    /// A module-level value: constants and containers of constants are
    /// clean, anything computed is unknown.
    fn constant_value(&mut self, expr: &'a Expr, depth: u32) -> Value {
        if depth > 32 {
            return Value::unknown();
        }
        let d = depth + 1;
        let all_clean = |this: &mut Self, exprs: &mut dyn Iterator<Item = &'a Expr>| {
            for e in exprs {
                if !this.constant_value(e, d).taint.is_clean() {
                    return false;
                }
            }
            true
        };
        match expr {
            Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_) => Value::constant(Const::of_literal(expr)),
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                if all_clean(self, &mut elts.iter()) {
                    Value::clean()
                } else {
                    Value::unknown()
                }
            }
            Expr::Dict(dict) => {
                let mut parts = dict.items.iter().flat_map(|i| i.key.iter().chain(std::iter::once(&i.value)));
                if all_clean(self, &mut parts) {
                    Value::clean()
                } else {
                    Value::unknown()
                }
            }
            Expr::Name(name) => self.global_value_at(name.id.as_str(), d),
            Expr::BinOp(binop) => {
                let left = self.constant_value(&binop.left, d);
                let right = self.constant_value(&binop.right, d);
                let constant = match (&left.constant, &right.constant) {
                    (Some(a), Some(b)) => Const::binop(binop.op, a, b),
                    _ => None,
                };
                Value {
                    taint: left.taint.union(&right.taint),
                    constant,
                    ..Value::default()
                }
            }
            Expr::UnaryOp(unary) => {
                let operand = self.constant_value(&unary.operand, d);
                Value {
                    constant: operand.constant.as_ref().and_then(|c| Const::unary(unary.op, c)),
                    ..operand
                }
            }
            Expr::FString(fstring) => {
                let mut interpolations = fstring.value.elements().filter_map(|e| match e {
                    ast::InterpolatedStringElement::Interpolation(i) => Some(&*i.expression),
                    ast::InterpolatedStringElement::Literal(_) => None,
                });
                if all_clean(self, &mut interpolations) {
                    Value::clean()
                } else {
                    Value::unknown()
                }
            }
            Expr::Call(call) => {
                let func = match &*call.func {
                    Expr::Name(n) => n.id.as_str(),
                    Expr::Attribute(a) => a.attr.as_str(),
                    _ => "",
                };
                let constructor = matches!(
                    func,
                    "frozenset" | "set" | "tuple" | "list" | "dict" | "compile" | "str" | "int"
                );
                let mut args = call
                    .arguments
                    .args
                    .iter()
                    .chain(call.arguments.keywords.iter().map(|k| &k.value));
                if constructor && all_clean(self, &mut args) {
                    Value::clean()
                } else {
                    Value::unknown()
                }
            }
            _ => Value::unknown(),
        }
    }

    /// The value of an imported name (`flask.request`, `os.environ`,
    /// `settings`).
    pub(crate) fn named_value(&mut self, dotted: &str, range: TextRange) -> Value {
        if models::REQUEST_OBJECTS.contains(&dotted) {
            return Value {
                kind: Kind::Request,
                ..Value::unknown()
            };
        }
        if self.settings.sources.contains(dotted) {
            let id = self.source_id(range, format!("`{dotted}`"), SourceKind::Declared);
            return Value::tainted(Taint::of(Origin::Source(id)));
        }
        if let Some(Model::LocalSource(what)) = models::function(dotted) {
            return self.local_source(range, what);
        }
        Value::unknown()
    }

    /// Local input: a source when configured so, else unknown.
    pub(crate) fn local_source(&mut self, range: TextRange, what: &str) -> Value {
        if self.settings.local_sources {
            let message = format!("{what} (`{}`)", self.text(range));
            let id = self.source_id(range, message, SourceKind::Local);
            Value::tainted(Taint::of(Origin::Source(id)))
        } else {
            Value::unknown()
        }
    }

    // ---- the driver --------------------------------------------------

    /// Analyses a scope (once) and returns its summary's index.
    fn analyze(&mut self, scope_start: Option<TextSize>) -> Option<usize> {
        if let Some(&index) = self.analyzed.get(&scope_start) {
            return Some(index);
        }
        let (kind, class, name) = match scope_start {
            None => (
                ScopeKind::Module(&self.input.module.body),
                None,
                format!("{}.<module>", self.input.module_name),
            ),
            Some(start) => {
                let info = self.defs.get(&start)?;
                let name = match info.kind {
                    // A class body is not callable: not found by name.
                    ScopeKind::Class(_) => format!("<class {}.{}>", self.input.module_name, info.path),
                    _ => format!("{}.{}", self.input.module_name, info.path),
                };
                (info.kind, info.class, name)
            }
        };
        let params = match kind {
            ScopeKind::Function(function) => scope::parameters(&function.parameters)
                .map(|p| p.name.to_string())
                .collect(),
            _ => Vec::new(),
        };
        let index = self.facts.summaries.len();
        self.facts.summaries.push(Summary {
            name,
            params,
            returns: Taint::unknown(),
            candidates: Vec::new(),
            calls: Vec::new(),
        });
        self.analyzed.insert(scope_start, index);
        let scope = Scope::new(kind, &self.input.package);
        if scope.too_deep {
            return Some(index);
        }
        let Ok(cfg) = Cfg::build(kind.body()) else {
            return Some(index);
        };
        let mut engine = Engine::new(self, scope, class);
        let entry = engine.entry_state();
        let solved = dataflow::solve(&cfg, &mut engine, entry);
        let returns = std::mem::take(&mut engine.returns);
        let calls = std::mem::take(&mut engine.calls);
        let touched = std::mem::take(&mut engine.touched);
        drop(engine);
        match solved {
            Ok(_) => {
                let summary = &mut self.facts.summaries[index];
                summary.returns = returns;
                summary.calls = calls;
            }
            Err(dataflow::Diverged) => {
                // What it recorded may be from a state that had not
                // settled: forget it (unknown, reported as Bandit does).
                for range in touched {
                    if let Some(slot) = self.wanted.get_mut(&range) {
                        *slot = None;
                    }
                }
            }
        }
        Some(index)
    }
}

/// Analyses the scopes of one file that `pending` findings and `scopes`
/// (request handlers, readers of request data) need, and the functions of
/// the file `requested` by dotted path (`Class.method`) from other files.
pub(crate) fn analyze_file(
    input: &FileInput<'_>,
    settings: &TaintSettings,
    pending: Vec<Pending>,
    scopes: &[Option<TextSize>],
    requested: &[String],
) -> FileFacts {
    let mut analysis = FileAnalysis::new(input, settings);
    for p in &pending {
        for range in p.watched.iter().chain(p.gate.iter()) {
            analysis.wanted.insert(*range, None);
        }
    }
    let mut queue: Vec<Option<TextSize>> = pending.iter().map(|p| p.scope).collect();
    queue.extend_from_slice(scopes);
    for path in requested {
        if let Some((&start, _)) = analysis.defs.iter().find(|(_, info)| &info.path == path) {
            queue.push(Some(start));
        }
    }
    queue.sort();
    queue.dedup();
    for scope in queue {
        analysis.analyze(scope);
    }
    // The functions of this file that those call, and theirs, up to a cap.
    let mut extra = 0;
    let mut next = 0;
    while next < analysis.called.len() && extra < MAX_EXTRA_SCOPES {
        let start = analysis.called[next];
        next += 1;
        if !analysis.analyzed.contains_key(&Some(start)) {
            analysis.analyze(Some(start));
            extra += 1;
        }
    }
    for p in pending {
        let mut taint = Taint::clean();
        for range in &p.watched {
            match analysis.wanted.get(range).cloned().flatten() {
                Some(value) => {
                    taint.join(&value.taint);
                }
                None => {
                    taint.join(&Taint::unknown());
                }
            }
        }
        let gate = p.gate.map(|range| {
            matches!(
                analysis.wanted.get(&range).cloned().flatten(),
                Some(Value {
                    kind: Kind::XmlParser {
                        unsafe_entities: true
                    },
                    ..
                })
            )
        });
        let host_fixed = p.watched.first().and_then(|r| analysis.wanted.get(r).cloned().flatten()).is_some_and(|v| {
            v.has(super::value::HOST_FIXED)
        });
        if host_fixed && matches!(p.class, SinkClass::Redirect | SinkClass::Ssrf) {
            taint.sanitise(super::label::ClassSet::of(&[p.class]));
        }
        let spot = analysis.spot(p.site, format!("reaches `{}`", p.sink));
        let id = u32::try_from(analysis.facts.candidates.len()).unwrap_or(u32::MAX);
        analysis.facts.candidates.push(Candidate {
            finding: p.finding,
            class: p.class,
            policy: p.policy,
            taint,
            gate,
            spot,
            sink: p.sink,
        });
        if let Some(&summary) = analysis.analyzed.get(&p.scope) {
            analysis.facts.summaries[summary].candidates.push(id);
        }
    }
    analysis.facts
}

/// Every `def` and `class` of a module, by start, with its dotted path.
fn index_defs<'a>(body: &'a [Stmt]) -> HashMap<TextSize, DefInfo<'a>> {
    let mut defs = HashMap::new();
    // (statement, path prefix, class whose body it is directly in)
    let mut stack: Vec<(&'a Stmt, Rc<str>, Option<&'a ast::StmtClassDef>)> = Vec::new();
    let root: Rc<str> = Rc::from("");
    stack.extend(body.iter().rev().map(|s| (s, root.clone(), None)));
    while let Some((stmt, prefix, class)) = stack.pop() {
        let push_all = |stack: &mut Vec<_>, stmts: &'a [Stmt], prefix: &Rc<str>, class| {
            stack.extend(stmts.iter().rev().map(|s| (s, prefix.clone(), class)));
        };
        match stmt {
            Stmt::FunctionDef(function) => {
                let path = format!("{prefix}{}", function.name);
                let inner: Rc<str> = Rc::from(format!("{path}.<locals>.").as_str());
                push_all(&mut stack, &function.body, &inner, None);
                defs.insert(
                    function.range.start(),
                    DefInfo {
                        kind: ScopeKind::Function(function),
                        path,
                        class,
                    },
                );
            }
            Stmt::ClassDef(c) => {
                let path = format!("{prefix}{}", c.name);
                let inner: Rc<str> = Rc::from(format!("{path}.").as_str());
                push_all(&mut stack, &c.body, &inner, Some(c));
                defs.insert(
                    c.range.start(),
                    DefInfo {
                        kind: ScopeKind::Class(c),
                        path,
                        class: None,
                    },
                );
            }
            Stmt::If(s) => {
                push_all(&mut stack, &s.body, &prefix, class);
                for clause in &s.elif_else_clauses {
                    push_all(&mut stack, &clause.body, &prefix, class);
                }
            }
            Stmt::For(s) => {
                push_all(&mut stack, &s.body, &prefix, class);
                push_all(&mut stack, &s.orelse, &prefix, class);
            }
            Stmt::While(s) => {
                push_all(&mut stack, &s.body, &prefix, class);
                push_all(&mut stack, &s.orelse, &prefix, class);
            }
            Stmt::With(s) => push_all(&mut stack, &s.body, &prefix, class),
            Stmt::Try(s) => {
                push_all(&mut stack, &s.body, &prefix, class);
                for handler in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    push_all(&mut stack, &h.body, &prefix, class);
                }
                push_all(&mut stack, &s.orelse, &prefix, class);
                push_all(&mut stack, &s.finalbody, &prefix, class);
            }
            Stmt::Match(s) => {
                for case in &s.cases {
                    push_all(&mut stack, &case.body, &prefix, class);
                }
            }
            _ => {}
        }
    }
    defs
}

impl std::fmt::Debug for FileAnalysis<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileAnalysis").finish_non_exhaustive()
    }
}

/// The start of the innermost `def`/`class` of `stmts` (outermost first),
/// the scope a finding found there belongs to.
pub(crate) fn scope_of(stmts: &[&Stmt]) -> Option<TextSize> {
    stmts.iter().rev().find_map(|s| match s {
        Stmt::FunctionDef(f) => Some(f.range.start()),
        Stmt::ClassDef(c) => Some(c.range.start()),
        _ => None,
    })
}
