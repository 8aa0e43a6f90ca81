//! Name resolution: which module a name in the code refers to.
//!
//! Follows Bandit's reading (an unimported `pickle.loads` is still
//! `pickle.loads`; `import subprocess as sp` makes `sp.Popen`
//! `subprocess.Popen`; `from os import system` makes `system`
//! `os.system`) and improves on it in two ways: imports inside a function
//! stay inside that function, and `from subprocess import *` binds the
//! public names of the modules the rules care about.

use std::collections::HashMap;
use std::fmt;

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::TextRange;

/// A dotted name a call or attribute resolves to, such as
/// `subprocess.Popen`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QualifiedName {
    dotted: String,
    imported: bool,
}

impl QualifiedName {
    /// The dotted name: `subprocess.Popen`.
    pub fn as_str(&self) -> &str {
        &self.dotted
    }

    /// `["subprocess", "Popen"]`.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.dotted.split('.')
    }

    /// The first segment: `subprocess`.
    pub fn first(&self) -> &str {
        match self.dotted.bytes().position(|b| b == b'.') {
            Some(dot) => &self.dotted[..dot],
            None => &self.dotted,
        }
    }

    /// The last segment: `Popen` (Bandit's `call_function_name`).
    pub fn last(&self) -> &str {
        // By bytes: `rsplit` sets up a searcher, and every call of every
        // file asks this several times.
        match self.dotted.bytes().rposition(|b| b == b'.') {
            Some(dot) => &self.dotted[dot + 1..],
            None => &self.dotted,
        }
    }

    /// Whether the first name came from an import statement (rather than
    /// being taken as written, as Bandit does for names it cannot resolve).
    pub fn is_imported(&self) -> bool {
        self.imported
    }

    /// Whether this is `module` or something inside it (`os.path.join`
    /// is in `os` and in `os.path`).
    pub fn is_in(&self, module: &str) -> bool {
        self.dotted == module
            || self
                .dotted
                .strip_prefix(module)
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dotted)
    }
}

impl PartialEq<str> for QualifiedName {
    fn eq(&self, other: &str) -> bool {
        self.dotted == other
    }
}

impl PartialEq<&str> for QualifiedName {
    fn eq(&self, other: &&str) -> bool {
        self.dotted == *other
    }
}

/// How a module came to be imported, for the import checks (B4xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `import a, b.c as d`
    Import,
    /// `from m import x, y` (`module` is `m`; `None` for `from . import x`)
    ImportFrom,
    /// A call: `names` holds what the call's function resolves to
    /// (`twisted.web.twcgi.CGIScript`), or for `__import__("m")` and
    /// `importlib.import_module("m")` the module named (Bandit: `UNKNOWN`
    /// when not a literal). Compared whole, not by prefix.
    Call,
}

/// One import statement (or dynamic import call), as the import checks see
/// it. For `from a.b import c, d` `module` is `a.b` and `names` `[c, d]`.
#[derive(Debug, Clone)]
pub struct ImportedModule<'a> {
    pub kind: ImportKind,
    /// The `from` module (relative dots left out, as Bandit does).
    pub module: Option<&'a str>,
    /// The imported names as written (`a`, `b.c`, `x`), without `as`.
    pub names: &'a [&'a str],
    /// The whole statement or call.
    pub range: TextRange,
}

impl<'a> ImportedModule<'a> {
    /// The first name that Bandit's import blacklist matches with
    /// `qualnames`: `module.name` for `from` imports, the bare name
    /// otherwise; by prefix for import statements, whole for calls.
    /// Returns the name as written (what Bandit's message shows).
    pub fn first_match(&self, qualnames: &[&str]) -> Option<&'a str> {
        self.names.iter().copied().find(|name| {
            qualnames.iter().any(|q| match (self.kind, self.module) {
                (ImportKind::Call, _) => name == q,
                (ImportKind::ImportFrom, Some(module)) => {
                    // Whether `module.name` starts with `q`, without
                    // building it.
                    if q.len() <= module.len() {
                        module.starts_with(q)
                    } else {
                        q.starts_with(module)
                            && q[module.len()..].starts_with('.')
                            && name.starts_with(&q[module.len() + 1..])
                    }
                }
                _ => name.starts_with(q),
            })
        })
    }
}

/// The import bindings in force at a point of the walk: one scope per
/// enclosing function or class, the module's at the bottom.
#[derive(Debug)]
pub(crate) struct Imports {
    scopes: Vec<Scope>,
    /// Every module named in an import anywhere so far (Bandit's
    /// `imports` set: `a`, `a.b`, `m.x` for `from m import x`).
    modules: Vec<String>,
}

#[derive(Debug, Default)]
struct Scope {
    /// Local name -> dotted target.
    aliases: HashMap<String, String>,
    /// Modules star-imported here.
    star_modules: Vec<&'static str>,
}

impl Default for Imports {
    fn default() -> Self {
        Self {
            scopes: vec![Scope::default()],
            modules: Vec::new(),
        }
    }
}

impl Imports {
    pub(crate) fn push_scope(&mut self) {
        self.scopes.push(Scope::default());
    }

    pub(crate) fn pop_scope(&mut self) {
        if self.scopes.len() > 1 {
            self.scopes.pop();
        }
    }

    fn current(&mut self) -> &mut Scope {
        // Never empty: the module scope is pushed at creation and never popped.
        let last = self.scopes.len() - 1;
        &mut self.scopes[last]
    }

    /// Records the bindings of `import ...`.
    pub(crate) fn bind_import(&mut self, import: &ast::StmtImport) {
        for alias in &import.names {
            let name = alias.name.as_str();
            if let Some(asname) = &alias.asname {
                self.current()
                    .aliases
                    .insert(asname.as_str().to_string(), name.to_string());
            } else {
                // `import os.path` binds `os`, which resolves to itself;
                // drop a shadowing alias of the same name.
                let head = name.split('.').next().unwrap_or(name);
                self.current().aliases.remove(head);
            }
            self.note_module(name);
        }
    }

    /// Records the bindings of `from m import ...`.
    pub(crate) fn bind_import_from(&mut self, import: &ast::StmtImportFrom) {
        let Some(module) = import.module.as_ref().map(ast::Identifier::as_str) else {
            // `from . import x`: Bandit treats it as `import x`.
            for alias in &import.names {
                if let Some(asname) = &alias.asname {
                    self.current()
                        .aliases
                        .insert(asname.as_str().to_string(), alias.name.to_string());
                }
                self.note_module(alias.name.as_str());
            }
            return;
        };
        for alias in &import.names {
            let name = alias.name.as_str();
            if name == "*" {
                if let Some(known) = star_module(module) {
                    self.current().star_modules.push(known);
                }
                continue;
            }
            let target = format!("{module}.{name}");
            let local = alias.asname.as_ref().map_or(name, ast::Identifier::as_str);
            self.note_module(&target);
            self.current().aliases.insert(local.to_string(), target);
        }
    }

    fn note_module(&mut self, module: &str) {
        if !self.modules.iter().any(|m| m == module) {
            self.modules.push(module.to_string());
        }
    }

    /// Whether `module` was named in an import (Bandit's
    /// `is_module_imported_exact`).
    pub(crate) fn is_imported_exact(&self, module: &str) -> bool {
        self.modules.iter().any(|m| m == module)
    }

    /// Whether any import names something containing `module` (Bandit's
    /// `is_module_imported_like`, a substring test).
    pub(crate) fn is_imported_like(&self, module: &str) -> bool {
        self.modules.iter().any(|m| m.contains(module))
    }

    /// What a bare name is bound to by an import, innermost scope first.
    fn lookup(&self, name: &str) -> Option<String> {
        for scope in self.scopes.iter().rev() {
            if let Some(target) = scope.aliases.get(name) {
                return Some(target.clone());
            }
            for module in scope.star_modules.iter().rev() {
                if star_exports(module).contains(&name) {
                    return Some(format!("{module}.{name}"));
                }
            }
        }
        None
    }

    /// Resolves a `Name` or an attribute chain to a dotted name, Bandit's
    /// way: an attribute of anything else keeps an empty head (`f().x` is
    /// `.x`, as Bandit's `_get_attr_qual_name` has it); `None` for other
    /// expressions (`f()`, `a[0]`).
    pub(crate) fn resolve(&self, expr: &Expr) -> Option<QualifiedName> {
        match expr {
            Expr::Name(name) => Some(match self.lookup(name.id.as_str()) {
                Some(dotted) => QualifiedName {
                    dotted,
                    imported: true,
                },
                None => QualifiedName {
                    dotted: name.id.to_string(),
                    imported: false,
                },
            }),
            Expr::Attribute(attribute) => {
                let mut base = self.resolve(&attribute.value).unwrap_or(QualifiedName {
                    dotted: String::new(),
                    imported: false,
                });
                base.dotted.push('.');
                base.dotted.push_str(attribute.attr.as_str());
                Some(base)
            }
            _ => None,
        }
    }
}

/// The modules whose `*` imports are understood, by name.
fn star_module(module: &str) -> Option<&'static str> {
    STAR_EXPORTS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(name, _)| *name)
}

fn star_exports(module: &str) -> &'static [&'static str] {
    STAR_EXPORTS
        .iter()
        .find(|(name, _)| *name == module)
        .map_or(&[], |(_, names)| *names)
}

/// The public names of the modules that the rules look for, as their
/// `__all__` (or public functions) list them. Only names that some rule
/// cares about need to be here.
const STAR_EXPORTS: &[(&str, &[&str])] = &[
    (
        "subprocess",
        &[
            "Popen",
            "call",
            "check_call",
            "check_output",
            "run",
            "getoutput",
            "getstatusoutput",
        ],
    ),
    (
        "os",
        &[
            "system",
            "popen",
            "popen2",
            "popen3",
            "popen4",
            "execl",
            "execle",
            "execlp",
            "execlpe",
            "execv",
            "execve",
            "execvp",
            "execvpe",
            "spawnl",
            "spawnle",
            "spawnlp",
            "spawnlpe",
            "spawnv",
            "spawnve",
            "spawnvp",
            "spawnvpe",
            "startfile",
            "chmod",
            "tempnam",
            "tmpnam",
        ],
    ),
    ("pickle", &["loads", "load", "Unpickler"]),
    ("cPickle", &["loads", "load", "Unpickler"]),
    ("marshal", &["loads", "load"]),
    ("shelve", &["open", "DbfilenameShelf"]),
    (
        "yaml",
        &["load", "load_all", "Loader", "UnsafeLoader", "FullLoader"],
    ),
    ("tempfile", &["mktemp"]),
    (
        "random",
        &[
            "random",
            "randrange",
            "randint",
            "choice",
            "choices",
            "uniform",
            "triangular",
            "randbytes",
            "sample",
            "getrandbits",
        ],
    ),
    ("hashlib", &["md5", "sha1", "new"]),
    (
        "ssl",
        &[
            "wrap_socket",
            "_create_unverified_context",
            "PROTOCOL_SSLv2",
            "PROTOCOL_SSLv3",
            "PROTOCOL_TLSv1",
            "PROTOCOL_TLSv1_1",
        ],
    ),
    (
        "urllib.request",
        &[
            "urlopen",
            "urlretrieve",
            "URLopener",
            "FancyURLopener",
            "Request",
        ],
    ),
    ("telnetlib", &["Telnet"]),
    ("ftplib", &["FTP"]),
    (
        "xml.etree.ElementTree",
        &["parse", "iterparse", "fromstring", "XMLParser", "XML"],
    ),
    ("xml.dom.minidom", &["parse", "parseString"]),
    ("xml.dom.pulldom", &["parse", "parseString"]),
    ("xml.sax", &["parse", "parseString", "make_parser"]),
    (
        "requests",
        &[
            "get", "post", "put", "delete", "patch", "options", "head", "request",
        ],
    ),
    ("jinja2", &["Environment", "Template"]),
    ("mako.template", &["Template"]),
    ("flask", &["Flask"]),
    ("paramiko", &["SSHClient", "AutoAddPolicy", "WarningPolicy"]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_ast::visitor::{self, Visitor};

    #[test]
    fn import_matching_like_bandit() {
        let import = |kind, module, names| ImportedModule {
            kind,
            module,
            names,
            range: TextRange::default(),
        };
        let from = import(
            ImportKind::ImportFrom,
            Some("xml.etree"),
            &["ElementTree", "x"],
        );
        assert_eq!(
            from.first_match(&["xml.etree.ElementTree"]),
            Some("ElementTree")
        );
        assert_eq!(from.first_match(&["xml"]), Some("ElementTree"));
        assert_eq!(from.first_match(&["xml.etree.E"]), Some("ElementTree"));
        assert_eq!(from.first_match(&["xml.etreeX"]), None);
        let plain = import(ImportKind::Import, None, &["os", "pickletools"]);
        // Bandit compares by prefix: `pickletools` starts with `pickle`.
        assert_eq!(plain.first_match(&["pickle"]), Some("pickletools"));
        let call = import(ImportKind::Call, None, &["pickletools"]);
        assert_eq!(call.first_match(&["pickle"]), None);
    }

    /// Walks `source` in order, binding imports as the engine does, and
    /// records what each call's function resolves to.
    fn resolved_calls(source: &str) -> Vec<Option<String>> {
        struct Walk {
            imports: Imports,
            calls: Vec<Option<String>>,
        }
        impl<'a> Visitor<'a> for Walk {
            fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
                match stmt {
                    ast::Stmt::Import(i) => self.imports.bind_import(i),
                    ast::Stmt::ImportFrom(i) => self.imports.bind_import_from(i),
                    ast::Stmt::FunctionDef(_) => {
                        self.imports.push_scope();
                        visitor::walk_stmt(self, stmt);
                        self.imports.pop_scope();
                        return;
                    }
                    _ => {}
                }
                visitor::walk_stmt(self, stmt);
            }
            fn visit_expr(&mut self, expr: &'a Expr) {
                if let Expr::Call(call) = expr {
                    self.calls
                        .push(self.imports.resolve(&call.func).map(|q| q.to_string()));
                }
                visitor::walk_expr(self, expr);
            }
        }
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let mut walk = Walk {
            imports: Imports::default(),
            calls: Vec::new(),
        };
        walk.visit_body(&parsed.syntax().body);
        walk.calls
    }

    fn one(source: &str) -> String {
        resolved_calls(source).pop().flatten().unwrap_or_default()
    }

    #[test]
    fn alias_of_module() {
        assert_eq!(
            one("import subprocess as sp\nsp.Popen('x')"),
            "subprocess.Popen"
        );
    }

    #[test]
    fn from_import_and_alias() {
        assert_eq!(one("from os import system\nsystem('x')"), "os.system");
        assert_eq!(one("from os import system as run\nrun('x')"), "os.system");
    }

    #[test]
    fn attribute_chains_and_unimported_names() {
        assert_eq!(one("import os\nos.path.join('a')"), "os.path.join");
        // Bandit takes unresolved names as written.
        assert_eq!(one("pickle.loads(b)"), "pickle.loads");
        assert_eq!(one("import os.path as osp\nosp.join('a')"), "os.path.join");
    }

    #[test]
    fn star_import_of_known_module() {
        assert_eq!(
            one("from subprocess import *\nPopen('x')"),
            "subprocess.Popen"
        );
        assert_eq!(one("from somewhere import *\nPopen('x')"), "Popen");
    }

    #[test]
    fn function_imports_stay_in_the_function() {
        let calls = resolved_calls(
            "def f():\n    import subprocess as sp\n    sp.Popen('a')\nsp.Popen('b')\n",
        );
        assert_eq!(
            calls,
            vec![Some("subprocess.Popen".into()), Some("sp.Popen".into())]
        );
    }

    #[test]
    fn module_imports_are_seen_in_functions() {
        assert_eq!(
            one("from subprocess import Popen\ndef f():\n    Popen('x')\n"),
            "subprocess.Popen"
        );
    }

    #[test]
    fn non_name_receivers_keep_an_empty_head() {
        assert_eq!(
            resolved_calls("f().x()"),
            vec![Some(".x".into()), Some("f".into())]
        );
        assert_eq!(resolved_calls("a[0]()"), vec![None]);
    }

    #[test]
    fn qualified_name_helpers() {
        let q = QualifiedName {
            dotted: "os.path.join".into(),
            imported: true,
        };
        assert!(q.is_in("os"));
        assert!(q.is_in("os.path"));
        assert!(!q.is_in("os.pa"));
        assert_eq!(q.last(), "join");
        assert_eq!(q.segments().count(), 3);
    }
}
