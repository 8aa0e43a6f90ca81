//! Scopes and bindings: which names a module, class or function binds, and
//! how (parameter, import, definition, assignment).
//!
//! Python decides at compile time that a name assigned anywhere in a
//! function is local to the whole function; this is that reading, flow-
//! insensitive. What a name holds at a given point is the data-flow
//! analyses' business (`reaching`, `crate::taint`).

use std::collections::HashMap;
use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::MAX_DEPTH;

/// What a scope is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ScopeKind<'a> {
    Module(&'a [Stmt]),
    Class(&'a ast::StmtClassDef),
    Function(&'a ast::StmtFunctionDef),
}

impl<'a> ScopeKind<'a> {
    /// The statements the scope runs.
    pub(crate) fn body(self) -> &'a [Stmt] {
        match self {
            ScopeKind::Module(body) => body,
            ScopeKind::Class(class) => &class.body,
            ScopeKind::Function(function) => &function.body,
        }
    }
}

/// One way a name gets bound.
#[derive(Debug, Clone)]
pub(crate) enum BindingKind<'a> {
    /// A parameter.
    Parameter,
    /// An import: the dotted name it refers to (`os.path` for
    /// `import os.path as p`, `os` for `import os.path`, `m.x` for
    /// `from m import x`).
    Import(Rc<str>),
    Function(&'a ast::StmtFunctionDef),
    Class(&'a ast::StmtClassDef),
    /// `name = value` or `name: T = value`.
    Value(&'a Expr),
    /// Any other binding: loop and `with` targets, unpacking, augmented
    /// assignment, `except ... as name`, match captures, `del`.
    Other,
}

/// Every binding of one name in one scope, in source order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Binding<'a> {
    pub(crate) sites: Vec<BindingKind<'a>>,
}

impl<'a> Binding<'a> {
    /// The target of the last import binding the name, if any binds it by
    /// import (`try: import json except ImportError: json = None` is still
    /// `json`).
    pub(crate) fn import(&self) -> Option<&Rc<str>> {
        self.sites.iter().rev().find_map(|site| match site {
            BindingKind::Import(target) => Some(target),
            _ => None,
        })
    }

    /// The function, when the name's only binding is one `def`.
    pub(crate) fn function(&self) -> Option<&'a ast::StmtFunctionDef> {
        match self.sites.as_slice() {
            [BindingKind::Function(f)] => Some(f),
            _ => None,
        }
    }

    /// The class, when the name's only binding is one `class`.
    pub(crate) fn class(&self) -> Option<&'a ast::StmtClassDef> {
        match self.sites.as_slice() {
            [BindingKind::Class(c)] => Some(c),
            _ => None,
        }
    }

    /// The value, when the name is bound once, by `name = value`.
    pub(crate) fn single_value(&self) -> Option<&'a Expr> {
        match self.sites.as_slice() {
            [BindingKind::Value(v)] => Some(v),
            _ => None,
        }
    }
}

/// The names one scope binds.
#[derive(Debug)]
pub(crate) struct Scope<'a> {
    pub(crate) kind: ScopeKind<'a>,
    pub(crate) bindings: HashMap<&'a str, Binding<'a>>,
    /// Names declared `global` or `nonlocal`: bound elsewhere.
    pub(crate) declared_outer: Vec<&'a str>,
    /// The body nests deeper than [`MAX_DEPTH`]: the bindings are
    /// incomplete and analyses must not trust them.
    pub(crate) too_deep: bool,
}

impl<'a> Scope<'a> {
    /// Reads the bindings of a scope. `package` is the dotted package the
    /// file is in (for relative imports: `from . import x`).
    pub(crate) fn new(kind: ScopeKind<'a>, package: &str) -> Self {
        let mut scope = Scope {
            kind,
            bindings: HashMap::new(),
            declared_outer: Vec::new(),
            too_deep: false,
        };
        if let ScopeKind::Function(function) = kind {
            for parameter in parameters(&function.parameters) {
                scope.bind(parameter.name.as_str(), BindingKind::Parameter);
            }
        }
        let mut builder = Builder {
            scope: &mut scope,
            package,
        };
        builder.body(kind.body(), 0);
        scope.declared_outer.sort_unstable();
        scope
    }

    /// Whether `name` is local to this scope (bound in it and not declared
    /// `global`/`nonlocal`).
    pub(crate) fn is_local(&self, name: &str) -> bool {
        self.bindings.contains_key(name) && self.declared_outer.binary_search(&name).is_err()
    }

    /// The bindings of `name` here, when it is local.
    pub(crate) fn binding(&self, name: &str) -> Option<&Binding<'a>> {
        if self.declared_outer.binary_search(&name).is_ok() {
            return None;
        }
        self.bindings.get(name)
    }

    fn bind(&mut self, name: &'a str, kind: BindingKind<'a>) {
        self.bindings.entry(name).or_default().sites.push(kind);
    }
}

/// The parameters of a function in positional order: positional-only,
/// regular, `*args`, keyword-only, `**kwargs`.
pub(crate) fn parameters(parameters: &ast::Parameters) -> impl Iterator<Item = &ast::Parameter> {
    parameters
        .posonlyargs
        .iter()
        .chain(&parameters.args)
        .map(|p| &p.parameter)
        .chain(parameters.vararg.as_deref())
        .chain(parameters.kwonlyargs.iter().map(|p| &p.parameter))
        .chain(parameters.kwarg.as_deref())
}

/// The dotted name `from <level dots><module> import` refers to, from a file
/// in `package`.
pub(crate) fn from_module(package: &str, level: u32, module: Option<&str>) -> String {
    let mut base: Vec<&str> = if level == 0 {
        Vec::new()
    } else {
        package.split('.').filter(|s| !s.is_empty()).collect()
    };
    for _ in 1..level {
        base.pop();
    }
    if let Some(module) = module {
        base.push(module);
    }
    base.join(".")
}

struct Builder<'s, 'a, 'p> {
    scope: &'s mut Scope<'a>,
    package: &'p str,
}

impl<'a> Builder<'_, 'a, '_> {
    fn body(&mut self, body: &'a [Stmt], depth: usize) {
        if depth > MAX_DEPTH {
            self.scope.too_deep = true;
            return;
        }
        for stmt in body {
            self.stmt(stmt, depth);
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt, depth: usize) {
        match stmt {
            Stmt::FunctionDef(f) => self.scope.bind(f.name.as_str(), BindingKind::Function(f)),
            Stmt::ClassDef(c) => self.scope.bind(c.name.as_str(), BindingKind::Class(c)),
            Stmt::Import(import) => {
                for alias in &import.names {
                    let name = alias.name.as_str();
                    match &alias.asname {
                        Some(asname) => self
                            .scope
                            .bind(asname.as_str(), BindingKind::Import(Rc::from(name))),
                        None => {
                            let head = name.split('.').next().unwrap_or(name);
                            self.scope.bind(head, BindingKind::Import(Rc::from(head)));
                        }
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                let module = from_module(
                    self.package,
                    import.level,
                    import.module.as_ref().map(ast::Identifier::as_str),
                );
                for alias in &import.names {
                    let name = alias.name.as_str();
                    if name == "*" {
                        continue;
                    }
                    let local = alias.asname.as_ref().map_or(name, ast::Identifier::as_str);
                    let target = if module.is_empty() {
                        name.to_string()
                    } else {
                        format!("{module}.{name}")
                    };
                    self.scope
                        .bind(local, BindingKind::Import(Rc::from(target.as_str())));
                }
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    match target {
                        Expr::Name(name) if assign.targets.len() == 1 => self
                            .scope
                            .bind(name.id.as_str(), BindingKind::Value(&assign.value)),
                        _ => self.targets(target),
                    }
                }
            }
            Stmt::AnnAssign(assign) => match (&*assign.target, &assign.value) {
                (Expr::Name(name), Some(value)) => {
                    self.scope.bind(name.id.as_str(), BindingKind::Value(value));
                }
                // `x: int` alone binds nothing.
                (Expr::Name(_), None) => {}
                (target, _) => self.targets(target),
            },
            Stmt::AugAssign(assign) => self.targets(&assign.target),
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    self.targets(target);
                }
            }
            Stmt::TypeAlias(alias) => self.targets(&alias.name),
            Stmt::For(for_) => {
                self.targets(&for_.target);
                self.body(&for_.body, depth + 1);
                self.body(&for_.orelse, depth + 1);
            }
            Stmt::While(while_) => {
                self.body(&while_.body, depth + 1);
                self.body(&while_.orelse, depth + 1);
            }
            Stmt::If(if_) => {
                self.body(&if_.body, depth + 1);
                for clause in &if_.elif_else_clauses {
                    self.body(&clause.body, depth + 1);
                }
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if let Some(target) = &item.optional_vars {
                        self.targets(target);
                    }
                }
                self.body(&with.body, depth + 1);
            }
            Stmt::Match(match_) => {
                for case in &match_.cases {
                    for name in pattern_names(&case.pattern) {
                        self.scope.bind(name, BindingKind::Other);
                    }
                    self.body(&case.body, depth + 1);
                }
            }
            Stmt::Try(try_) => {
                self.body(&try_.body, depth + 1);
                for handler in &try_.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    if let Some(name) = &handler.name {
                        self.scope.bind(name.as_str(), BindingKind::Other);
                    }
                    self.body(&handler.body, depth + 1);
                }
                self.body(&try_.orelse, depth + 1);
                self.body(&try_.finalbody, depth + 1);
            }
            Stmt::Global(global) => {
                self.scope
                    .declared_outer
                    .extend(global.names.iter().map(ast::Identifier::as_str));
            }
            Stmt::Nonlocal(nonlocal) => {
                self.scope
                    .declared_outer
                    .extend(nonlocal.names.iter().map(ast::Identifier::as_str));
            }
            Stmt::Return(_)
            | Stmt::Raise(_)
            | Stmt::Assert(_)
            | Stmt::Expr(_)
            | Stmt::Pass(_)
            | Stmt::Break(_)
            | Stmt::Continue(_)
            | Stmt::IpyEscapeCommand(_) => {}
        }
    }

    /// Binds every name in an assignment target (`a`, `a, *b`, `[a, (b, c)]`).
    fn targets(&mut self, target: &'a Expr) {
        let mut pending = vec![target];
        while let Some(target) = pending.pop() {
            match target {
                Expr::Name(name) => self.scope.bind(name.id.as_str(), BindingKind::Other),
                Expr::Tuple(tuple) => pending.extend(tuple.elts.iter()),
                Expr::List(list) => pending.extend(list.elts.iter()),
                Expr::Starred(starred) => pending.push(&starred.value),
                // Attributes and subscripts bind no name.
                _ => {}
            }
        }
    }
}

/// The names a match pattern captures.
pub(crate) fn pattern_names(pattern: &ast::Pattern) -> Vec<&str> {
    let mut names = Vec::new();
    let mut pending = vec![pattern];
    while let Some(pattern) = pending.pop() {
        match pattern {
            ast::Pattern::MatchValue(_) | ast::Pattern::MatchSingleton(_) => {}
            ast::Pattern::MatchSequence(p) => pending.extend(p.patterns.iter()),
            ast::Pattern::MatchMapping(p) => {
                pending.extend(p.patterns.iter());
                names.extend(p.rest.as_ref().map(ast::Identifier::as_str));
            }
            ast::Pattern::MatchClass(p) => {
                pending.extend(p.arguments.patterns.iter());
                pending.extend(p.arguments.keywords.iter().map(|k| &k.pattern));
            }
            ast::Pattern::MatchStar(p) => {
                names.extend(p.name.as_ref().map(ast::Identifier::as_str))
            }
            ast::Pattern::MatchAs(p) => {
                pending.extend(p.pattern.as_deref());
                names.extend(p.name.as_ref().map(ast::Identifier::as_str));
            }
            ast::Pattern::MatchOr(p) => pending.extend(p.patterns.iter()),
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(source: &str) -> ruff_python_parser::Parsed<ast::ModModule> {
        ruff_python_parser::parse_module(source).unwrap()
    }

    #[test]
    fn binds_parameters_imports_and_locals() {
        let parsed = function(
            "def f(a, *b, c, **d):\n    import os.path\n    from . import sib\n    from ..up import x as y\n    global g\n    g = 1\n    for i, (j, *k) in z:\n        pass\n    with w as v:\n        e = 2\n",
        );
        let Stmt::FunctionDef(f) = &parsed.syntax().body[0] else {
            panic!()
        };
        let scope = Scope::new(ScopeKind::Function(f), "pkg.sub");
        let is_parameter = |name: &str| {
            scope
                .binding(name)
                .unwrap()
                .sites
                .iter()
                .any(|s| matches!(s, BindingKind::Parameter))
        };
        assert!(is_parameter("a") && is_parameter("d") && !is_parameter("e"));
        assert_eq!(&**scope.binding("os").unwrap().import().unwrap(), "os");
        assert_eq!(
            &**scope.binding("sib").unwrap().import().unwrap(),
            "pkg.sub.sib"
        );
        assert_eq!(&**scope.binding("y").unwrap().import().unwrap(), "pkg.up.x");
        assert!(!scope.is_local("g"));
        for name in ["i", "j", "k", "v", "e"] {
            assert!(scope.is_local(name), "{name}");
        }
        assert!(scope.binding("e").unwrap().single_value().is_some());
        assert!(!scope.is_local("z"));
    }

    #[test]
    fn relative_modules() {
        assert_eq!(from_module("a.b", 1, Some("c")), "a.b.c");
        assert_eq!(from_module("a.b", 2, Some("c")), "a.c");
        assert_eq!(from_module("a.b", 0, Some("c")), "c");
        assert_eq!(from_module("a.b", 1, None), "a.b");
    }
}
