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
use super::facts::{
    Candidate, Deferred, FileFacts, Policy, SourceInfo, SourceKind, Spot, Step, Summary,
};
use super::label::{Origin, SinkClass, Taint};
use super::models::{self, Model};
use super::project::ProjectIndex;
use super::value::{Kind, Value};
use crate::semantic::cfg::Cfg;
use crate::semantic::constant::Const;
use crate::semantic::dataflow;
use crate::semantic::scope::{self, Scope, ScopeKind};

/// At most this many functions of one file are analysed because the first
/// scopes call them (beyond those, the project-wide pass asks again).
const MAX_EXTRA_SCOPES: usize = 128;

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
    /// They are literals: constant without analysis.
    pub(crate) literal: bool,
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
    pub(crate) wanted: Wanted,
    /// Scopes analysed, with their summary.
    analyzed: HashMap<Option<TextSize>, usize>,
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
            wanted: Wanted::default(),
            analyzed: HashMap::new(),
            django,
        }
    }

    // ---- what scopes ask ---------------------------------------------

    pub(crate) fn text(&self, range: TextRange) -> String {
        let text = self
            .input
            .source
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > 60 {
            let cut: String = text.chars().take(57).collect();
            format!("{cut}...")
        } else {
            text
        }
    }

    pub(crate) fn spot(&self, range: TextRange, message: String) -> Spot {
        let start = self
            .input
            .line_index
            .line_column(range.start(), self.input.source);
        let end = self
            .input
            .line_index
            .line_column(range.end(), self.input.source);
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
                let mut parts = dict
                    .items
                    .iter()
                    .flat_map(|i| i.key.iter().chain(std::iter::once(&i.value)));
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
                    constant: operand
                        .constant
                        .as_ref()
                        .and_then(|c| Const::unary(unary.op, c)),
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
                if let Some(parser) = self.module_xml_parser(call) {
                    return parser;
                }
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

    /// `PARSER = etree.XMLParser(resolve_entities=True)` at module level:
    /// the parser, as a global.
    fn module_xml_parser(&self, call: &ast::ExprCall) -> Option<Value> {
        let mut parts = Vec::new();
        let mut current = &*call.func;
        while let Expr::Attribute(attribute) = current {
            parts.push(attribute.attr.as_str());
            current = &attribute.value;
        }
        let Expr::Name(head) = current else {
            return None;
        };
        let mut dotted = self.module_import(head.id.as_str())?.to_string();
        for part in parts.iter().rev() {
            dotted.push('.');
            dotted.push_str(part);
        }
        if models::function(&dotted) != Some(Model::XmlParser) {
            return None;
        }
        let keywords: Vec<(Option<&str>, Option<bool>)> = call
            .arguments
            .keywords
            .iter()
            .map(|k| {
                let truth = Const::of_literal(&k.value).map(|c| c.truthy());
                (k.arg.as_ref().map(ast::Identifier::as_str), truth)
            })
            .collect();
        Some(Value {
            kind: Kind::XmlParser {
                unsafe_entities: models::xml_parser_is_unsafe(&keywords),
            },
            ..Value::clean()
        })
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
                    ScopeKind::Class(_) => {
                        format!("<class {}.{}>", self.input.module_name, info.path)
                    }
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
        STATS_SCOPES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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
                    if let Some(slot) = self.wanted.slot(range) {
                        *slot = None;
                    }
                }
            }
        }
        Some(index)
    }
}

/// What the walk leaves for the analysis of one file.
#[derive(Debug, Default)]
pub(crate) struct FileWork {
    /// Findings waiting for a verdict.
    pub(crate) pending: Vec<Pending>,
    /// Scopes that read untrusted data.
    pub(crate) sources: Vec<Option<TextSize>>,
    /// Calls into the project, by scope (dotted callee names).
    pub(crate) calls: Vec<(Option<TextSize>, String)>,
    /// Scopes with a `return <value>` (sorted).
    pub(crate) returning: Vec<Option<TextSize>>,
}

/// Analyses the scopes of one file that matter now: those with a Bandit
/// check waiting for a verdict, those that read untrusted data (and the
/// data-flow sinks in them), the functions `requested` by dotted path
/// (`Class.method`) from other files, and the functions of the file that
/// these call where that can change a verdict.
///
/// A scope that holds only data-flow sinks is not analysed: its findings
/// are left in [`FileFacts::deferred`], for the project-wide pass to have
/// analysed if untrusted data can reach them at all (a caller passes it,
/// or the scope calls a function that returns it).
pub(crate) fn analyze_file(
    input: &FileInput<'_>,
    settings: &TaintSettings,
    work: FileWork,
    requested: &[String],
) -> FileFacts {
    let started = std::time::Instant::now();
    let facts = analyze_file_inner(input, settings, work, requested);
    STATS_NANOS.fetch_add(
        u64::try_from(started.elapsed().as_nanos()).unwrap_or(0),
        std::sync::atomic::Ordering::Relaxed,
    );
    facts
}

/// Time spent analysing files, for `PYWARD_TAINT_STATS` (ENGINE.md).
pub(crate) static STATS_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Scopes analysed, for `PYWARD_TAINT_STATS`.
pub(crate) static STATS_SCOPES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn analyze_file_inner(
    input: &FileInput<'_>,
    settings: &TaintSettings,
    work: FileWork,
    requested: &[String],
) -> FileFacts {
    let FileWork {
        pending,
        sources,
        calls,
        returning,
    } = work;
    let mut analysis = FileAnalysis::new(input, settings);
    // A scope that reads untrusted data matters if the data can leave it:
    // through a sink in it, a call into the project, or its return value.
    let mut now: Vec<Option<TextSize>> = sources
        .into_iter()
        .filter(|scope| {
            returning.binary_search(scope).is_ok()
                || calls.iter().any(|(s, _)| s == scope)
                || pending.iter().any(|p| p.scope == *scope)
        })
        .collect();
    now.extend(
        pending
            .iter()
            .filter(|p| p.policy == Policy::Bandit && !p.literal)
            .map(|p| p.scope),
    );
    for path in requested {
        if let Some(start) = analysis.def_by_path(path) {
            now.push(Some(start));
        }
        if path == "<module>" {
            now.push(None);
        }
    }
    now.sort();
    now.dedup();
    // Data-flow sinks of other scopes wait (unless a scope analysed now
    // calls theirs, see below).
    let (pending, waiting): (Vec<Pending>, Vec<Pending>) = pending
        .into_iter()
        .partition(|p| p.policy == Policy::Bandit || now.binary_search(&p.scope).is_ok());
    analysis.wanted = Wanted::new(
        pending
            .iter()
            .chain(&waiting)
            .flat_map(|p| p.watched.iter().chain(p.gate.iter()))
            .copied()
            .collect(),
    );
    for &scope in &now {
        analysis.analyze(scope);
    }
    let mut candidates: Vec<(Pending, Taint)> = Vec::with_capacity(pending.len());
    for p in pending {
        let taint = analysis.taint_of(&p);
        candidates.push((p, taint));
    }
    analysis.chase(&candidates);
    let (chased, waiting): (Vec<Pending>, Vec<Pending>) = waiting
        .into_iter()
        .partition(|p| analysis.analyzed.contains_key(&p.scope));
    analysis.defer(waiting, &calls);
    // Values may have been recorded by the scopes chased: read again.
    for p in candidates.into_iter().map(|(p, _)| p).chain(chased) {
        let taint = analysis.taint_of(&p);
        analysis.add_candidate(p, taint);
    }
    analysis.facts
}

impl FileAnalysis<'_, '_> {
    fn def_by_path(&self, path: &str) -> Option<TextSize> {
        self.defs
            .iter()
            .find(|(_, info)| info.path == path)
            .map(|(&start, _)| start)
    }

    /// What reaches a pending finding's sink.
    fn taint_of(&self, p: &Pending) -> Taint {
        let mut taint = Taint::clean();
        if p.literal {
            return taint;
        }
        for &range in &p.watched {
            match self.wanted.get(range) {
                Some(value) => {
                    taint.join(&value.taint);
                }
                None => {
                    taint.join(&Taint::unknown());
                }
            }
        }
        let host_fixed = p
            .watched
            .first()
            .and_then(|&r| self.wanted.get(r))
            .is_some_and(|v| v.has(super::value::HOST_FIXED));
        if host_fixed && matches!(p.class, SinkClass::Redirect | SinkClass::Ssrf) {
            taint.sanitise(super::label::ClassSet::of(&[p.class]));
        }
        taint
    }

    fn add_candidate(&mut self, p: Pending, taint: Taint) {
        let gate = p.gate.map(|range| {
            matches!(
                self.wanted.get(range),
                Some(Value {
                    kind: Kind::XmlParser {
                        unsafe_entities: true
                    },
                    ..
                })
            )
        });
        let spot = self.spot(p.site, format!("reaches `{}`", p.sink));
        let id = u32::try_from(self.facts.candidates.len()).unwrap_or(u32::MAX);
        self.facts.candidates.push(Candidate {
            finding: p.finding,
            class: p.class,
            policy: p.policy,
            taint,
            gate,
            spot,
            sink: p.sink,
        });
        if let Some(&summary) = self.analyzed.get(&p.scope) {
            self.facts.summaries[summary].candidates.push(id);
        }
    }

    /// Leaves data-flow sinks of scopes not analysed for the project-wide
    /// pass, with the project functions those scopes call.
    fn defer(&mut self, waiting: Vec<Pending>, calls: &[(Option<TextSize>, String)]) {
        let mut by_scope: Vec<(Option<TextSize>, Vec<Pending>)> = Vec::new();
        for p in waiting {
            match by_scope.iter_mut().find(|(scope, _)| *scope == p.scope) {
                Some((_, list)) => list.push(p),
                None => by_scope.push((p.scope, vec![p])),
            }
        }
        for (scope, pending) in by_scope {
            let path = match scope {
                None => "<module>".to_string(),
                Some(start) => match self.defs.get(&start) {
                    Some(info) => info.path.clone(),
                    None => continue,
                },
            };
            let mut callees: Vec<String> = calls
                .iter()
                .filter(|(s, _)| *s == scope)
                .map(|(_, c)| c.clone())
                .collect();
            callees.sort();
            callees.dedup();
            self.facts.deferred.push(Deferred {
                path,
                pending,
                calls: callees,
            });
        }
    }

    /// Analyses the functions of this file whose summaries a verdict needs:
    /// those a candidate's value comes from when that can make it clean
    /// (or, in a file that reads untrusted data, tainted), and the callees
    /// of the calls that carry data, transitively.
    fn chase(&mut self, candidates: &[(Pending, Taint)]) {
        let has_sources = !self.facts.sources.is_empty();
        let mut pending_sites: Vec<u32> = Vec::new();
        let push_calls = |taint: &Taint, out: &mut Vec<u32>| {
            for label in taint.labels() {
                if let Origin::Call(site) = label.origin {
                    out.push(site);
                }
            }
        };
        for (p, taint) in candidates {
            let decided = taint
                .for_class(p.class)
                .any(|l| matches!(l.origin, Origin::Source(_)));
            let open = taint
                .for_class(p.class)
                .all(|l| matches!(l.origin, Origin::Call(_)));
            if !decided && (open || has_sources) {
                push_calls(taint, &mut pending_sites);
            }
        }
        if has_sources {
            for summary in &self.facts.summaries {
                pending_sites.extend(summary.calls.iter().copied());
            }
        }
        let mut seen: Vec<bool> = Vec::new();
        let mut chased = 0;
        while let Some(site) = pending_sites.pop() {
            let index = site as usize;
            if seen.len() <= index {
                seen.resize(index + 1, false);
            }
            if seen[index] {
                continue;
            }
            seen[index] = true;
            for taint in self.facts.sites[index]
                .args
                .iter()
                .chain(self.facts.sites[index].kwargs.iter().map(|(_, t)| t))
            {
                push_calls(taint, &mut pending_sites);
            }
            let callee = self.facts.sites[index].callee.clone();
            let Some(start) = self.local_def(&callee) else {
                continue;
            };
            if chased >= MAX_EXTRA_SCOPES && !self.analyzed.contains_key(&Some(start)) {
                continue;
            }
            let fresh = !self.analyzed.contains_key(&Some(start));
            let Some(summary) = self.analyze(Some(start)) else {
                continue;
            };
            if fresh {
                chased += 1;
                let summary = &self.facts.summaries[summary];
                let returns = summary.returns.clone();
                let calls = summary.calls.clone();
                push_calls(&returns, &mut pending_sites);
                if has_sources {
                    pending_sites.extend(calls);
                }
            }
        }
    }

    /// The `def` of this file with this dotted name.
    fn local_def(&self, dotted: &str) -> Option<TextSize> {
        let path = dotted
            .strip_prefix(self.input.module_name.as_str())?
            .strip_prefix('.')?;
        self.def_by_path(path)
    }
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

/// The expressions whose values pending findings need, sorted for lookup
/// (every evaluated expression asks), with the value recorded for each.
#[derive(Debug, Default)]
pub(crate) struct Wanted {
    ranges: Vec<TextRange>,
    values: Vec<Option<Value>>,
}

impl Wanted {
    fn new(mut ranges: Vec<TextRange>) -> Self {
        ranges.sort_by_key(|r| (r.start(), r.end()));
        ranges.dedup();
        let values = vec![None; ranges.len()];
        Wanted { ranges, values }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Where the value of the expression at `range` goes, if it is wanted.
    pub(crate) fn slot(&mut self, range: TextRange) -> Option<&mut Option<Value>> {
        let at = self
            .ranges
            .binary_search_by_key(&(range.start(), range.end()), |r| (r.start(), r.end()))
            .ok()?;
        self.values.get_mut(at)
    }

    /// The value recorded for `range`.
    pub(crate) fn get(&self, range: TextRange) -> Option<Value> {
        let at = self
            .ranges
            .binary_search_by_key(&(range.start(), range.end()), |r| (r.start(), r.end()))
            .ok()?;
        self.values.get(at).cloned().flatten()
    }
}

#[cfg(test)]
mod tests {
    use ruff_text_size::Ranged;

    use super::*;
    use crate::taint::project::ProjectIndex;

    fn parse_deep(source: String) -> ruff_python_parser::Parsed<ast::ModModule> {
        // Ruff's parser needs a deep stack for deep input (the engine runs it
        // on such threads); the analysis must not.
        std::thread::Builder::new()
            .stack_size(1 << 30)
            .spawn(move || ruff_python_parser::parse_module(&source).unwrap())
            .unwrap()
            .join()
            .unwrap()
    }

    /// Analyses `source`'s function `f` with its `sink(...)` argument
    /// watched, on a thread with a small stack.
    fn analyse_on_small_stack(
        source: &str,
        parsed: &ruff_python_parser::Parsed<ast::ModModule>,
    ) -> FileFacts {
        let Stmt::FunctionDef(function) = parsed.syntax().body.last().unwrap() else {
            panic!("the last statement is the function")
        };
        let Stmt::Expr(call) = function.body.last().unwrap() else {
            panic!("the last statement calls the sink")
        };
        let Expr::Call(call) = &*call.value else {
            panic!()
        };
        let watched = call.arguments.args[0].range();
        let project =
            ProjectIndex::new([("deep.py".to_string(), std::path::PathBuf::from("deep.py"))]);
        let line_index = LineIndex::from_source_text(source);
        let settings = TaintSettings::default();
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(4 << 20)
                .spawn_scoped(scope, || {
                    let input = FileInput {
                        source,
                        line_index: &line_index,
                        module: parsed.syntax(),
                        file: 0,
                        module_name: "deep".into(),
                        package: String::new(),
                        project: &project,
                    };
                    let pending = Pending {
                        finding: Finding::new(
                            pyward_model::FindingKind::Code,
                            "B602",
                            pyward_model::Severity::High,
                        ),
                        class: SinkClass::Command,
                        policy: Policy::Bandit,
                        watched: vec![watched],
                        literal: false,
                        gate: None,
                        scope: Some(function.range.start()),
                        site: call.range(),
                        sink: "sink".into(),
                    };
                    let work = FileWork {
                        pending: vec![pending],
                        ..FileWork::default()
                    };
                    analyze_file(&input, &settings, work, &[])
                })
                .unwrap()
                .join()
                .unwrap()
        })
    }

    #[test]
    fn deep_expressions_cost_no_stack() {
        for source in [
            format!(
                "def f(request):\n    sink({}request.GET['a']{})\n",
                "g(".repeat(100_000),
                ")".repeat(100_000)
            ),
            format!(
                "def f(request):\n    sink(request.GET['a']{})\n",
                " + a".repeat(500_000)
            ),
        ] {
            let parsed = parse_deep(source.clone());
            let facts = analyse_on_small_stack(&source, &parsed);
            // Too deep to see inside: unknown, so reported as Bandit does
            // (never dropped).
            assert_eq!(facts.candidates.len(), 1);
            assert!(!facts.candidates[0].taint.is_clean());
            // The AST's own drop recurses; leave it to the process.
            std::mem::forget(parsed);
        }
    }

    #[test]
    fn deep_statements_are_given_up() {
        let mut source = String::from("def f(request):\n");
        for level in 1..=300 {
            source.push_str(&" ".repeat(level * 4));
            source.push_str("if request:\n");
        }
        source.push_str(&" ".repeat(301 * 4));
        source.push_str("pass\n");
        source.push_str("    sink(request.GET['a'])\n");
        let parsed = parse_deep(source.clone());
        let facts = analyse_on_small_stack(&source, &parsed);
        assert_eq!(facts.candidates.len(), 1);
        assert!(!facts.candidates[0].taint.is_clean());
        std::mem::forget(parsed);
    }
}
