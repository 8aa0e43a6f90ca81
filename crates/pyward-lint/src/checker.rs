//! The per-file walk: one pass over the AST that keeps the import scopes
//! and calls every enabled rule on the nodes of its kind, and the
//! [`Checker`] that rules report through.

use std::borrow::Cow;

use pyward_model::{CodeDetail, Confidence, Detail, Finding, FindingKind, Location, Severity};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::imports::{ImportKind, ImportedModule, Imports, QualifiedName};
use crate::registry::Rule;
use crate::settings::{Profile, Settings};
use crate::suppress::NosecLines;
use crate::taint::SinkClass;
use crate::taint::facts::Policy;
use crate::taint::file::{FileWork, Pending, scope_of};
use crate::taint::project::ProjectIndex;
use crate::taint::sinks::{self, SinkMatch};

/// Rules whose findings point at a hardcoded password or key: their source
/// line is not copied into the report (as `snippet`).
const SECRET_BEARING_RULES: [&str; 4] = ["B105", "B106", "B107", "PW203"];

/// One finding before it becomes a [`Finding`]: what a rule reports when
/// the rule's default severity, confidence or message do not fit.
#[derive(Debug, Clone)]
pub struct Issue {
    pub rule: &'static Rule,
    /// Where: the start gives the line and column reported.
    pub range: TextRange,
    pub severity: Severity,
    pub confidence: Confidence,
    pub message: Cow<'static, str>,
    /// The node whose lines a `# nosec` may sit on (Bandit's
    /// `linerange`); `range` when `None`.
    pub context: Option<TextRange>,
    /// Report the line of this offset instead of the line of `range`
    /// (the column still comes from `range`): for Bandit checks that
    /// report an argument's line with the call's column.
    pub line_at: Option<TextSize>,
    /// For a check whose danger depends on data: the sink class and the
    /// expressions whose values reach it. In the precise profile the
    /// finding waits for the data-flow analysis' verdict.
    pub data: Option<DataDependence>,
}

/// What a data-dependent check's finding depends on (see [`Issue::data`]).
#[derive(Debug, Clone)]
pub struct DataDependence {
    pub class: SinkClass,
    /// The expressions whose values reach the sink.
    pub watched: Vec<TextRange>,
    /// They are literals: no analysis needed to know they are constant.
    pub literal: bool,
}

impl Issue {
    /// An issue with the rule's default severity, confidence and message.
    pub fn new(rule: &'static Rule, range: TextRange) -> Self {
        Self {
            rule,
            range,
            severity: rule.severity,
            confidence: rule.confidence,
            message: Cow::Borrowed(rule.message),
            context: None,
            line_at: None,
            data: None,
        }
    }

    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = confidence;
        self
    }

    #[must_use]
    pub fn message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.message = message.into();
        self
    }

    /// The node whose lines a `# nosec` comment may be on.
    #[must_use]
    pub fn context(mut self, context: TextRange) -> Self {
        self.context = Some(context);
        self
    }

    /// Reports the line of `offset` (with the column of the range).
    #[must_use]
    pub fn line_at(mut self, offset: TextSize) -> Self {
        self.line_at = Some(offset);
        self
    }

    /// Marks the finding as depending on the data in `exprs` reaching a
    /// sink of `class`: in the precise profile it is dropped when only
    /// constants or sanitised values do, reported with the path when
    /// untrusted data does.
    #[must_use]
    pub fn data<'e>(mut self, class: SinkClass, exprs: impl IntoIterator<Item = &'e Expr>) -> Self {
        let exprs: Vec<&Expr> = exprs.into_iter().collect();
        self.data = Some(DataDependence {
            class,
            watched: exprs.iter().map(|e| e.range()).collect(),
            literal: !exprs.is_empty() && exprs.iter().all(|e| is_literal(e)),
        });
        self
    }
}

/// Whether an expression is made only of literals (`"ls -l"`, `["git",
/// "status"]`, `"a" + "b"`), without recursion.
fn is_literal(expr: &Expr) -> bool {
    let mut pending = vec![expr];
    while let Some(expr) = pending.pop() {
        match expr {
            Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_) => {}
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                pending.extend(elts.iter());
            }
            Expr::BinOp(binop) => {
                pending.push(&binop.left);
                pending.push(&binop.right);
            }
            _ => return false,
        }
    }
    true
}

/// What the walk of one file gives the taint analysis and the report.
pub(crate) struct WalkOutput {
    pub(crate) findings: Vec<Finding>,
    /// What the taint analysis is to look at.
    pub(crate) work: FileWork,
}

/// What a rule sees of the file being checked, and where it reports.
pub struct Checker<'a> {
    source: &'a str,
    path: &'a str,
    line_index: &'a LineIndex,
    settings: &'a Settings,
    nosec: &'a NosecLines,
    imports: Imports,
    /// The statement being visited and its ancestors, outermost first.
    stmts: Vec<&'a Stmt>,
    /// The ancestors of the expression being visited (within the current
    /// statement), outermost first.
    exprs: Vec<&'a Expr>,
    /// The qualified name of the call being dispatched, computed once.
    call_name: Option<(TextRange, Option<QualifiedName>)>,
    findings: Vec<Finding>,
    module: Option<&'a ast::ModModule>,
    pending: Vec<Pending>,
    flow_scopes: Vec<Option<TextSize>>,
    /// The tree's modules, and this file's dotted name, for the calls into
    /// the project that the data-flow pass may follow.
    project: &'a ProjectIndex,
    module_name: &'a str,
    /// Names of the module's own functions and classes, sorted.
    module_defs: Vec<&'a str>,
    project_calls: Vec<(Option<TextSize>, String)>,
    returning: Vec<Option<TextSize>>,
    /// Which libraries with sinks the file mentions at all (sinks whose
    /// method names are common are only looked for then).
    mentions: Mentions,
}

/// Libraries a file's text mentions, checked once per file.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Mentions {
    pub(crate) xml: bool,
    pub(crate) ldap: bool,
    pub(crate) flask: bool,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(
        source: &'a str,
        path: &'a str,
        line_index: &'a LineIndex,
        settings: &'a Settings,
        nosec: &'a NosecLines,
        project: &'a ProjectIndex,
        module_name: &'a str,
    ) -> Self {
        Self {
            source,
            path,
            line_index,
            settings,
            nosec,
            imports: Imports::default(),
            stmts: Vec::new(),
            exprs: Vec::new(),
            call_name: None,
            findings: Vec::new(),
            module: None,
            pending: Vec::new(),
            flow_scopes: Vec::new(),
            project,
            module_name,
            module_defs: Vec::new(),
            project_calls: Vec::new(),
            returning: Vec::new(),
            mentions: Mentions::default(),
        }
    }

    /// Which libraries with sinks the file mentions.
    pub(crate) fn mentions(&self) -> Mentions {
        self.mentions
    }

    /// Walks the module and runs the module-level checks.
    pub(crate) fn run(mut self, module: &'a ast::ModModule) -> WalkOutput {
        self.module = Some(module);
        if self.settings.flow_enabled() {
            self.module_defs = module
                .body
                .iter()
                .filter_map(|stmt| match stmt {
                    Stmt::FunctionDef(f) => Some(f.name.as_str()),
                    Stmt::ClassDef(c) => Some(c.name.as_str()),
                    _ => None,
                })
                .collect();
            self.module_defs.sort_unstable();
            self.mentions = Mentions {
                xml: self.source.contains("xml"),
                ldap: self.source.contains("ldap"),
                flask: self.source.contains("flask"),
            };
        }
        self.visit_body(&module.body);
        for &(_, check) in &self.settings.dispatch.module {
            check(&mut self, module);
        }
        self.flow_scopes.sort();
        self.flow_scopes.dedup();
        self.project_calls.sort();
        self.project_calls.dedup();
        self.returning.sort();
        self.returning.dedup();
        WalkOutput {
            findings: self.findings,
            work: FileWork {
                pending: self.pending,
                sources: self.flow_scopes,
                calls: self.project_calls,
                returning: self.returning,
            },
        }
    }

    /// The module being checked.
    pub fn module(&self) -> Option<&'a ast::ModModule> {
        self.module
    }

    /// The settings of the run.
    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    /// A node's text on one line, cut to 60 characters: how messages name
    /// a callee or a receiver.
    pub fn short_text(&self, range: TextRange) -> String {
        let text: String = self
            .slice(range)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if text.chars().count() > 60 {
            let cut: String = text.chars().take(57).collect();
            format!("{cut}...")
        } else {
            text
        }
    }

    // ---- what rules read -------------------------------------------------

    /// The whole file.
    pub fn source(&self) -> &'a str {
        self.source
    }

    /// The file's path relative to the scanned root, `/`-separated.
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The source text of a node.
    pub fn slice(&self, range: TextRange) -> &'a str {
        self.source
            .get(range.start().to_usize()..range.end().to_usize())
            .unwrap_or("")
    }

    /// 1-based line of an offset.
    pub fn line_of(&self, offset: TextSize) -> u32 {
        u32::try_from(self.line_index.line_index(offset).get()).unwrap_or(u32::MAX)
    }

    /// What `expr` (a name or attribute chain) refers to, Bandit's way:
    /// `sp.Popen` after `import subprocess as sp` is `subprocess.Popen`,
    /// `system` after `from os import system` is `os.system`, and an
    /// unimported `pickle.loads` is `pickle.loads`; an attribute of
    /// anything else keeps an empty head (`f().x` is `.x`). `None` for
    /// other expressions (`f()`, `a[0]`).
    pub fn resolve_qualified_name(&self, expr: &Expr) -> Option<QualifiedName> {
        self.imports.resolve(expr)
    }

    /// The qualified name of a call's function (Bandit's
    /// `call_function_name_qual`), computed once per call however many
    /// rules ask.
    pub fn call_qualified_name(&mut self, call: &ast::ExprCall) -> Option<&QualifiedName> {
        let fresh = !matches!(&self.call_name, Some((range, _)) if *range == call.range());
        if fresh {
            let name = self.imports.resolve(&call.func);
            self.call_name = Some((call.range(), name));
        }
        self.call_name.as_ref().and_then(|(_, name)| name.as_ref())
    }

    /// Whether an import statement seen so far names `module` exactly
    /// (Bandit's `is_module_imported_exact`).
    pub fn is_module_imported(&self, module: &str) -> bool {
        self.imports.is_imported_exact(module)
    }

    /// Whether any import seen so far names something containing
    /// `module` (Bandit's `is_module_imported_like`).
    pub fn is_module_imported_like(&self, module: &str) -> bool {
        self.imports.is_imported_like(module)
    }

    /// The statement being visited (for an expression rule: the statement
    /// the expression is in).
    pub fn current_stmt(&self) -> Option<&'a Stmt> {
        self.stmts.last().copied()
    }

    /// The enclosing statements, innermost first (the current one
    /// included).
    pub fn stmt_ancestors(&self) -> impl Iterator<Item = &'a Stmt> + '_ {
        self.stmts.iter().rev().copied()
    }

    /// The expression that contains the one being visited, if any
    /// (`None` when it sits directly in a statement).
    pub fn parent_expr(&self) -> Option<&'a Expr> {
        self.exprs.last().copied()
    }

    /// The enclosing expressions, innermost first.
    pub fn expr_ancestors(&self) -> impl Iterator<Item = &'a Expr> + '_ {
        self.exprs.iter().rev().copied()
    }

    /// The innermost function the visit is in.
    pub fn enclosing_function(&self) -> Option<&'a ast::StmtFunctionDef> {
        self.stmts.iter().rev().find_map(|s| match s {
            Stmt::FunctionDef(f) => Some(f),
            _ => None,
        })
    }

    /// Whether the expression being visited is a whole expression
    /// statement (a docstring or bare string), which Bandit's string checks
    /// skip.
    pub fn is_expression_statement(&self, expr: &Expr) -> bool {
        self.exprs.is_empty()
            && matches!(self.current_stmt(), Some(Stmt::Expr(s)) if s.value.range() == expr.range())
    }

    /// The lines Bandit gives a string constant's findings for `# nosec`:
    /// those of the node that contains it (the enclosing expression, or
    /// the statement).
    pub fn parent_range(&self) -> TextRange {
        self.parent_expr()
            .map(Ranged::range)
            .or_else(|| self.current_stmt().map(Ranged::range))
            .unwrap_or_default()
    }

    /// Whether a rule is switched on for this run.
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        self.settings.is_enabled(rule)
    }

    // ---- reporting ------------------------------------------------------

    /// Reports `rule` at `range` with the rule's default severity,
    /// confidence and message.
    pub fn report(&mut self, rule: &'static Rule, range: TextRange) {
        self.report_issue(Issue::new(rule, range));
    }

    /// Reports an issue built with [`Issue::new`] and its setters.
    pub fn report_issue(&mut self, mut issue: Issue) {
        let data = issue.data.take();
        if let Some(DataDependence {
            class,
            watched,
            literal,
        }) = data
            && !watched.is_empty()
            && self.settings.profile() == Profile::Precise
        {
            // The floors apply to the verdict (which may raise the
            // confidence), not here.
            let site = issue.context.unwrap_or(issue.range);
            let text = self.short_text(site);
            let sink = text.split('(').next().unwrap_or(&text).trim().to_string();
            if let Some(finding) = self.finding_of(issue) {
                self.pending.push(Pending {
                    finding,
                    class,
                    policy: Policy::Bandit,
                    watched,
                    literal,
                    gate: None,
                    scope: scope_of(&self.stmts),
                    site,
                    sink,
                });
            }
            return;
        }
        if issue.severity < self.settings.severity || issue.confidence < self.settings.confidence {
            return;
        }
        if let Some(finding) = self.finding_of(issue) {
            self.findings.push(finding);
        }
    }

    /// A data-flow rule's sink, found by the walk: reported if untrusted
    /// data reaches it.
    fn report_flow(&mut self, found: SinkMatch<'_>, site: TextRange) {
        let Some(rule) = self.settings.flow_rule(found.class) else {
            return;
        };
        let context = self.current_stmt().map_or(site, Ranged::range);
        let issue = Issue::new(rule, site).context(context);
        if let Some(finding) = self.finding_of(issue) {
            self.pending.push(Pending {
                finding,
                class: found.class,
                policy: Policy::Flow,
                watched: found.watched.iter().map(|e| e.range()).collect(),
                literal: false,
                gate: found.gate,
                scope: scope_of(&self.stmts),
                site,
                sink: found.name,
            });
        }
    }

    /// The finding an issue makes, `None` when a `# nosec` silences it.
    fn finding_of(&self, issue: Issue) -> Option<Finding> {
        let start = self
            .line_index
            .line_column(issue.range.start(), self.source);
        let line_index = issue
            .line_at
            .map_or(start.line, |offset| self.line_index.line_index(offset));
        let line = u32::try_from(line_index.get()).unwrap_or(u32::MAX);
        let column = u32::try_from(start.column.get()).unwrap_or(u32::MAX);
        let context = issue.context.unwrap_or(issue.range);
        let first = self.line_of(context.start());
        let last = self.line_of(context.end());
        if self.nosec.silences(issue.rule.code, line, first, last) {
            return None;
        }
        let end = self.line_index.line_column(issue.range.end(), self.source);
        let end_line = u32::try_from(end.line.get()).unwrap_or(u32::MAX);
        let end_column = u32::try_from(end.column.get()).unwrap_or(u32::MAX);
        let line_text = self.line_text(line_index);
        let scope = self.scope_name();
        let normalized: String = line_text.split_whitespace().collect::<Vec<_>>().join(" ");

        let mut finding = Finding::new(FindingKind::Code, issue.rule.code, issue.severity);
        finding.rule = Some(issue.rule.name.to_string());
        finding.cwe = issue.rule.cwe.map(str::to_string);
        finding.confidence = Some(issue.confidence);
        finding.location =
            Some(Location::new(self.path, line, column).ending_at(end_line, end_column));
        finding.message = Some(issue.message.into_owned());
        finding.fingerprint =
            pyward_model::fingerprint(&[issue.rule.code, self.path, &scope, &normalized]);
        // The source line of a hardcoded-secret finding is the secret
        // itself, and no report carries a secret in full.
        let snippet = (!SECRET_BEARING_RULES.contains(&issue.rule.code))
            .then(|| line_text.trim_end().to_string());
        finding.detail = Some(Detail::Code(CodeDetail {
            snippet,
            flow: Vec::new(),
        }));
        Some(finding)
    }

    fn line_text(&self, line: ruff_source_file::OneIndexed) -> &'a str {
        let range = self.line_index.line_range(line, self.source);
        self.slice(range).trim_end_matches(['\n', '\r'])
    }

    /// `Class.method`: the enclosing definitions, for fingerprints.
    fn scope_name(&self) -> String {
        let mut out = String::new();
        for stmt in &self.stmts {
            let name = match stmt {
                Stmt::FunctionDef(f) => f.name.as_str(),
                Stmt::ClassDef(c) => c.name.as_str(),
                _ => continue,
            };
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(name);
        }
        out
    }

    // ---- dispatch ---------------------------------------------------------

    fn dispatch_import(&mut self, import: &ImportedModule<'_>) {
        for &(_, check) in &self.settings.dispatch.import {
            check(self, import);
        }
    }

    /// Bandit's import blacklist looks at calls too: at what a call's
    /// function resolves to (`twcgi.CGIScript(...)` is
    /// `twisted.web.twcgi.CGIScript`), and at the module named by
    /// `__import__("m")` and `importlib.import_module("m")`.
    fn call_imports(&mut self, call: &'a ast::ExprCall) {
        if self.settings.dispatch.import.is_empty() {
            return;
        }
        if let Expr::Name(n) = &*call.func
            && n.id.as_str() == "__import__"
        {
            let name = match call.arguments.args.first() {
                None => "",
                Some(Expr::StringLiteral(s)) => s.value.to_str(),
                Some(_) => "UNKNOWN",
            };
            self.dispatch_call_import(std::slice::from_ref(&name), call);
            return;
        }
        self.call_qualified_name(call);
        // Taken out of the cache for the dispatch (import checks do not
        // ask for it) so that it can be borrowed while `self` is.
        let cached = self.call_name.take();
        let qualified = cached
            .as_ref()
            .and_then(|(_, name)| name.as_ref())
            .map(QualifiedName::as_str);
        match qualified {
            Some("importlib.import_module" | "importlib.__import__") => {
                // Bandit: the first argument (a literal or a name), else
                // the `name` keyword.
                let first = call
                    .arguments
                    .args
                    .first()
                    .or_else(|| call.arguments.find_keyword("name").map(|k| &k.value));
                let name = match first {
                    Some(Expr::StringLiteral(s)) => Some(s.value.to_str()),
                    Some(Expr::Name(n)) => Some(n.id.as_str()),
                    Some(Expr::Attribute(a)) => Some(a.attr.as_str()),
                    _ => None,
                };
                if let Some(name) = name {
                    self.dispatch_call_import(std::slice::from_ref(&name), call);
                }
            }
            Some(name) => self.dispatch_call_import(std::slice::from_ref(&name), call),
            None => {}
        }
        self.call_name = cached;
    }

    fn dispatch_call_import(&mut self, names: &[&str], call: &ast::ExprCall) {
        self.dispatch_import(&ImportedModule {
            kind: ImportKind::Call,
            module: None,
            names,
            range: call.range(),
        });
    }
}

impl<'a> Checker<'a> {
    /// The data-flow rules' look at a call: is it a sink, does it read
    /// declared or local sources.
    fn flow_call(&mut self, call: &'a ast::ExprCall) {
        if let Some(found) = sinks::call_sink(self, call) {
            self.report_flow(found, call.range());
        } else if let Some(found) = sinks::log_sink(self, call) {
            self.report_flow(found, call.range());
        } else if self.mentions.xml
            && let Some(found) = sinks::parser_method_sink(call)
        {
            self.report_flow(found, call.range());
        }
        let taint = &self.settings.taint;
        if (!taint.sources.is_empty() || taint.local_sources)
            && self.call_qualified_name(call).is_some()
        {
            self.flow_scopes.push(scope_of(&self.stmts));
        }
        if let Some(callee) = self.project_callee(call) {
            let scope = scope_of(&self.stmts);
            self.project_calls.push((scope, callee));
        }
    }

    /// The dotted name of a call into the project: a function imported
    /// from one of its modules, one of this module's, or a method of the
    /// enclosing class.
    fn project_callee(&mut self, call: &'a ast::ExprCall) -> Option<String> {
        if let Expr::Attribute(attribute) = &*call.func
            && let Expr::Name(receiver) = &*attribute.value
            && matches!(receiver.id.as_str(), "self" | "cls")
        {
            let class = self.stmts.iter().rev().find_map(|s| match s {
                Stmt::ClassDef(c) => Some(c.name.as_str()),
                _ => None,
            })?;
            // Every `self.x()` of a project comes here: joined by hand,
            // which costs a tenth of `format!`.
            let (module, method) = (self.module_name, attribute.attr.as_str());
            let mut dotted = String::with_capacity(module.len() + class.len() + method.len() + 2);
            for part in [module, ".", class, ".", method] {
                dotted.push_str(part);
            }
            return Some(dotted);
        }
        let project = self.project;
        let module_name = self.module_name;
        let defs = std::mem::take(&mut self.module_defs);
        let found = self.call_qualified_name(call).and_then(|name| {
            let dotted = name.as_str();
            if name.is_imported() {
                project.is_project_name(dotted).then(|| dotted.to_string())
            } else {
                (!dotted.contains('.') && defs.binary_search(&dotted).is_ok())
                    .then(|| format!("{module_name}.{dotted}"))
            }
        });
        self.module_defs = defs;
        found
    }

    /// The data-flow rules' look at a statement: request handlers, sinks
    /// that are assignments, HTML returned by a view.
    fn flow_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(function) => {
                let handler = sinks::is_route(function)
                    || crate::semantic::scope::parameters(&function.parameters)
                        .any(|p| matches!(p.name.as_str(), "request" | "req"));
                if handler {
                    self.flow_scopes.push(Some(function.range.start()));
                }
            }
            Stmt::Assign(_) | Stmt::AugAssign(_) => {
                if let Some(found) = sinks::assignment_sink(self, stmt) {
                    self.report_flow(found, stmt.range());
                }
            }
            Stmt::Return(ret) => {
                if ret.value.is_some() {
                    self.returning.push(scope_of(&self.stmts));
                }
                if let Some(value) = &ret.value
                    && let Some(function) = self.enclosing_function()
                    && sinks::returns_html(self, function)
                    && sinks::may_be_html(value)
                {
                    self.report_flow(
                        SinkMatch {
                            class: SinkClass::Xss,
                            watched: vec![value],
                            gate: None,
                            name: "return".to_string(),
                        },
                        ret.range(),
                    );
                }
            }
            _ => {}
        }
    }
}

impl<'a> Visitor<'a> for Checker<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.stmts.push(stmt);
        let saved_exprs = std::mem::take(&mut self.exprs);

        // Bandit binds an import's names before its checks run.
        match stmt {
            Stmt::Import(import) => {
                self.imports.bind_import(import);
                let names: Vec<&str> = import.names.iter().map(|a| a.name.as_str()).collect();
                self.dispatch_import(&ImportedModule {
                    kind: ImportKind::Import,
                    module: None,
                    names: &names,
                    range: import.range,
                });
            }
            Stmt::ImportFrom(import) => {
                self.imports.bind_import_from(import);
                let names: Vec<&str> = import.names.iter().map(|a| a.name.as_str()).collect();
                let module = import.module.as_ref().map(ast::Identifier::as_str);
                self.dispatch_import(&ImportedModule {
                    kind: if module.is_some() {
                        ImportKind::ImportFrom
                    } else {
                        ImportKind::Import
                    },
                    module,
                    names: &names,
                    range: import.range,
                });
            }
            _ => {}
        }

        for &(_, check) in &self.settings.dispatch.stmt {
            check(self, stmt);
        }
        if self.settings.flow_enabled() {
            self.flow_stmt(stmt);
        }

        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {
                self.imports.push_scope();
                visitor::walk_stmt(self, stmt);
                self.imports.pop_scope();
            }
            _ => visitor::walk_stmt(self, stmt),
        }

        self.exprs = saved_exprs;
        self.stmts.pop();
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        for &(_, check) in &self.settings.dispatch.expr {
            check(self, expr);
        }
        if let Expr::Call(call) = expr {
            for &(_, check) in &self.settings.dispatch.call {
                check(self, call);
            }
            self.call_imports(call);
            if self.settings.flow_enabled() {
                self.flow_call(call);
            }
        } else if let Expr::Name(name) = expr
            && self.settings.flow_enabled()
            && matches!(name.id.as_str(), "request" | "session")
        {
            // Request data may be read here: the scope's calls may carry it
            // to a sink elsewhere.
            self.flow_scopes.push(scope_of(&self.stmts));
        }
        self.exprs.push(expr);
        if let Expr::Lambda(_) = expr {
            self.imports.push_scope();
            visitor::walk_expr(self, expr);
            self.imports.pop_scope();
        } else {
            visitor::walk_expr(self, expr);
        }
        self.exprs.pop();
    }
}
