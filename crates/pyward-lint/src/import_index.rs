//! Which modules and names a tree of first-party code imports and calls:
//! what reachability asks of the code ("does anything import `yaml`?",
//! "does anything call `yaml.load`?"), collected in one cheap pass that
//! parses each file and runs no rule.
//!
//! Resolution is the code checks' own ([`crate::imports`]): `import yaml
//! as y; y.load(...)` is a use of `yaml.load`, `from yaml import load;
//! load(...)` too. Relative imports (`from . import x`) are the project's
//! own modules and are left out. Literal `__import__("m")` and
//! `importlib.import_module("m")` count as imports of `m`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pyward_model::ScanError;
use rayon::prelude::*;
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_source_file::LineIndex;
use ruff_text_size::{Ranged, TextSize};

use crate::imports::Imports;
use crate::settings::Settings;
use crate::{Limits, decode, parse_within, read_source, stack, walk};

/// Folders that hold other people's code or build output, not the
/// project's: never first-party, whatever the ignore files say.
const NOT_FIRST_PARTY: &[&str] = &[
    ".venv",
    "venv",
    "site-packages",
    "dist-packages",
    "node_modules",
    "build",
    "dist",
];

/// A place in the scanned tree: the first one where something is
/// imported or used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    /// Relative to the root, `/`-separated.
    pub path: String,
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
}

/// The first-party imports and imported-name uses of a tree.
#[derive(Debug, Default, Clone)]
pub struct ImportIndex {
    /// Every module named by an absolute import (`a.b` for `import a.b`;
    /// `m` and `m.x` for `from m import x`), with the first place it is
    /// imported (files in path order).
    pub modules: BTreeMap<String, Site>,
    /// Every qualified name a call resolves to through an import
    /// (`yaml.load` for `yaml.load(...)` after `import yaml`), with the
    /// first call.
    pub calls: BTreeMap<String, Site>,
    /// String literals that read as module paths (`"rest_framework"`,
    /// `"whitenoise.middleware.WhiteNoiseMiddleware"`), with the first
    /// place: Django settings, plugin lists and entry points load modules
    /// by name.
    pub mentions: BTreeMap<String, Site>,
    /// Python files parsed.
    pub files: usize,
    /// Files that could not be read or parsed: what they import is not
    /// known.
    pub errors: Vec<ScanError>,
}

impl ImportIndex {
    /// The first import of `module` or of anything inside it (`yaml`
    /// answers for `import yaml.constructor`; `google.protobuf` for
    /// `from google.protobuf import json_format` and for `from google
    /// import protobuf`).
    pub fn import_of(&self, module: &str) -> Option<&Site> {
        within(&self.modules, module).min()
    }

    /// The first call of `name` or of anything inside it (`yaml.load`
    /// answers for `yaml.load(...)`; `yaml.constructor` for
    /// `yaml.constructor.FullConstructor(...)`), else the first `from`
    /// import that names it.
    pub fn use_of(&self, name: &str) -> Option<&Site> {
        within(&self.calls, name)
            .min()
            .or_else(|| self.modules.get(name))
    }

    fn record(map: &mut BTreeMap<String, Site>, name: &str, site: &Site) {
        match map.get_mut(name) {
            Some(first) if *first <= *site => {}
            Some(first) => *first = site.clone(),
            None => {
                map.insert(name.to_string(), site.clone());
            }
        }
    }

    fn merge(&mut self, other: FileImports) {
        for (name, site) in &other.modules {
            Self::record(&mut self.modules, name, site);
        }
        for (name, site) in &other.calls {
            Self::record(&mut self.calls, name, site);
        }
        for (name, site) in &other.mentions {
            Self::record(&mut self.mentions, name, site);
        }
    }
}

/// The sites of `name` and of every name inside it (`name.*`).
fn within<'m>(map: &'m BTreeMap<String, Site>, name: &str) -> impl Iterator<Item = &'m Site> {
    map.range(name.to_string()..)
        .take_while(move |(key, _)| key.starts_with(name))
        .filter(move |(key, _)| key.len() == name.len() || key[name.len()..].starts_with('.'))
        .map(|(_, site)| site)
}

/// The imports of every Python file under `paths` (the code scanner's
/// walk, without virtual environments, `site-packages`, `node_modules`
/// and build output), paths relative to `root`. Reads are bounded and
/// parses depth-limited on big-stack threads, as [`crate::check_paths`]
/// does; a file that cannot be read or parsed is listed in
/// [`ImportIndex::errors`].
pub fn imports_of_paths(paths: &[PathBuf], root: &Path, settings: &Settings) -> ImportIndex {
    imports_of_paths_with(paths, root, settings, Limits::default())
}

/// [`imports_of_paths`] with other limits.
pub fn imports_of_paths_with(
    paths: &[PathBuf],
    root: &Path,
    settings: &Settings,
    limits: Limits,
) -> ImportIndex {
    let limits = limits.clamped();
    let (files, mut errors) = walk::python_files_skipping(paths, root, settings, NOT_FIRST_PARTY);
    let one = |file: &walk::SourceFile| -> Result<FileImports, ScanError> {
        let bytes = read_source(&file.path, &file.relative, limits)?;
        let source = decode(&file.relative, &bytes)?;
        imports_of_source(&file.relative, &source, limits)
    };
    let all = || files.par_iter().map(one).collect::<Vec<_>>();
    let results = match stack::pool() {
        Some(pool) => pool.install(all),
        None => stack::on_big_stack(all),
    };
    let mut index = ImportIndex::default();
    for result in results {
        match result {
            Ok(file) => {
                index.files += 1;
                index.merge(file);
            }
            Err(error) => errors.push(error),
        }
    }
    errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    index.errors = errors;
    index
}

/// The imports of one file's text (`path` is what sites show), on a
/// big-stack thread.
pub fn imports_of_source(
    path: &str,
    source: &str,
    limits: Limits,
) -> Result<FileImports, ScanError> {
    let limits = limits.clamped();
    stack::on_big_stack(|| {
        let parsed = parse_within(path, source, limits)?;
        let line_index = LineIndex::from_source_text(source);
        Ok(collect(path, source, &line_index, parsed.syntax()))
    })
}

/// The imports of one parsed file, on this thread, which must have the
/// analysis stack (the walk recurses once per level of the tree, which
/// [`parse_within`] has bounded).
pub(crate) fn collect(
    path: &str,
    source: &str,
    line_index: &LineIndex,
    module: &ast::ModModule,
) -> FileImports {
    let mut collector = Collector {
        path,
        source,
        line_index,
        imports: Imports::default(),
        found: FileImports::default(),
    };
    collector.visit_body(&module.body);
    collector.found
}

/// The first-party files among those the code checks walk (relative
/// paths): the same walk without [`NOT_FIRST_PARTY`] folders and
/// environments; with the walk's errors.
pub(crate) fn first_party_files(
    paths: &[PathBuf],
    root: &Path,
    settings: &Settings,
) -> (std::collections::HashSet<String>, Vec<ScanError>) {
    let (files, errors) = walk::python_files_skipping(paths, root, settings, NOT_FIRST_PARTY);
    (files.into_iter().map(|f| f.relative).collect(), errors)
}

impl ImportIndex {
    /// The index of files already collected (in path order) and the
    /// first-party files' errors.
    pub(crate) fn of_files(
        files: impl IntoIterator<Item = FileImports>,
        errors: Vec<ScanError>,
    ) -> Self {
        let mut index = ImportIndex::default();
        for file in files {
            index.files += 1;
            index.merge(file);
        }
        let mut errors = errors;
        errors.sort_by(|a, b| (&a.path, a.line, &a.message).cmp(&(&b.path, b.line, &b.message)));
        errors.dedup();
        index.errors = errors;
        index
    }
}

/// What one file imports and calls, each name with its first site.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileImports {
    pub modules: BTreeMap<String, Site>,
    pub calls: BTreeMap<String, Site>,
    pub mentions: BTreeMap<String, Site>,
}

/// The longest string literal taken for a module path.
const MAX_MENTION_BYTES: usize = 200;

/// Whether `text` reads as a dotted Python name (`a`, `a.b_c`).
fn is_dotted_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_MENTION_BYTES
        && text.split('.').all(|part| {
            part.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
}

struct Collector<'a> {
    path: &'a str,
    source: &'a str,
    line_index: &'a LineIndex,
    imports: Imports,
    found: FileImports,
}

impl Collector<'_> {
    fn site(&self, offset: TextSize) -> Site {
        let at = self.line_index.line_column(offset, self.source);
        Site {
            path: self.path.to_string(),
            line: u32::try_from(at.line.get()).unwrap_or(u32::MAX),
            column: u32::try_from(at.column.get()).unwrap_or(u32::MAX),
        }
    }

    fn module(&mut self, name: &str, offset: TextSize) {
        let name = name.trim();
        if name.is_empty() || name.starts_with('.') {
            return;
        }
        let site = self.site(offset);
        ImportIndex::record(&mut self.found.modules, name, &site);
    }

    fn call(&mut self, call: &ast::ExprCall) {
        let Some(name) = self.imports.resolve(&call.func) else {
            return;
        };
        let dynamic = matches!(
            name.as_str(),
            "__import__" | "importlib.import_module" | "importlib.__import__"
        );
        if dynamic {
            if let Some(Expr::StringLiteral(literal)) = call.arguments.args.first() {
                let module = literal.value.to_str().to_string();
                self.module(&module, call.start());
            }
            return;
        }
        // `import yaml` binds no alias: `yaml.load` resolves as written,
        // and is a use of the import when its head was imported here.
        let through_import = name.is_imported()
            || name
                .as_str()
                .match_indices('.')
                .any(|(dot, _)| self.found.modules.contains_key(&name.as_str()[..dot]));
        if through_import {
            let site = self.site(call.start());
            ImportIndex::record(&mut self.found.calls, name.as_str(), &site);
        }
    }
}

impl<'a> Visitor<'a> for Collector<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(import) => {
                self.imports.bind_import(import);
                for alias in &import.names {
                    self.module(alias.name.as_str(), alias.start());
                }
            }
            Stmt::ImportFrom(import) => {
                // Relative imports are the project's own modules; they
                // bind no outside name either.
                if import.level > 0 {
                    return;
                }
                self.imports.bind_import_from(import);
                if let Some(module) = &import.module {
                    self.module(module.as_str(), import.start());
                    for alias in &import.names {
                        if alias.name.as_str() != "*" {
                            let target = format!("{}.{}", module.as_str(), alias.name.as_str());
                            self.module(&target, alias.start());
                        }
                    }
                }
            }
            _ => {}
        }
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {
                self.imports.push_scope();
                visitor::walk_stmt(self, stmt);
                self.imports.pop_scope();
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Call(call) => self.call(call),
            Expr::StringLiteral(literal) => {
                let text = literal.value.to_str();
                if is_dotted_name(text) {
                    let site = self.site(literal.start());
                    ImportIndex::record(&mut self.found.mentions, text, &site);
                }
            }
            _ => {}
        }
        if let Expr::Lambda(_) = expr {
            self.imports.push_scope();
            visitor::walk_expr(self, expr);
            self.imports.pop_scope();
        } else {
            visitor::walk_expr(self, expr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(source: &str) -> FileImports {
        imports_of_source("m.py", source, Limits::default()).unwrap()
    }

    fn names(map: &BTreeMap<String, Site>) -> Vec<&str> {
        map.keys().map(String::as_str).collect()
    }

    #[test]
    fn imports_and_calls_resolve_through_aliases() {
        let found = of(
            "import yaml as y\nfrom google import protobuf\nfrom . import local\nfrom .pkg import thing\n\ndef f(data):\n    import jwt\n    return y.load(data), jwt.decode(data)\n\nprint(len('x'))\n",
        );
        assert_eq!(
            names(&found.modules),
            ["google", "google.protobuf", "jwt", "yaml"]
        );
        assert_eq!(names(&found.calls), ["jwt.decode", "yaml.load"]);
        assert_eq!(names(&found.mentions), ["x"]);
        let call = &found.calls["yaml.load"];
        assert_eq!((call.line, call.column), (8, 12));
        assert_eq!(found.modules["yaml"].line, 1);
    }

    #[test]
    fn literal_dynamic_imports_count() {
        let found = of(
            "import importlib\nm = importlib.import_module('bs4')\nn = __import__('PIL.Image')\nimportlib.import_module(name)\n",
        );
        assert_eq!(names(&found.modules), ["PIL.Image", "bs4", "importlib"]);
    }

    #[test]
    fn the_index_answers_for_submodules_and_from_imports() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "app/b.py",
            "from yaml.constructor import FullConstructor\nFullConstructor()\n",
        );
        write("app/a.py", "import requests\nrequests.get('x')\n");
        write(".venv/lib/site-packages/yaml/__init__.py", "import flask\n");
        write("venv2/pyvenv.cfg", "home = /usr\n");
        write("venv2/lib/x.py", "import django\n");
        write("build/lib/x.py", "import numpy\n");
        write("broken.py", "def (:\n");
        let index = imports_of_paths(&[root.to_path_buf()], root, &Settings::default());
        assert_eq!(index.files, 2);
        assert_eq!(index.errors.len(), 1, "{:?}", index.errors);
        assert_eq!(index.errors[0].path, "broken.py");
        assert_eq!(index.import_of("yaml").unwrap().path, "app/b.py");
        assert!(index.import_of("yam").is_none());
        assert!(index.import_of("flask").is_none());
        assert!(index.import_of("django").is_none());
        assert!(index.import_of("numpy").is_none());
        let call = index.use_of("yaml.constructor").unwrap();
        assert_eq!((call.path.as_str(), call.line), ("app/b.py", 2));
        assert_eq!(index.use_of("requests.get").unwrap().line, 2);
        assert!(index.use_of("requests.post").is_none());
    }

    #[test]
    fn the_code_checks_collect_the_same_index_in_their_pass() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "app/a.py",
            "import yaml\nyaml.load(x)\nS = 'rest_framework'\n",
        );
        write("app/b.py", "from jwt import decode\ndecode(t)\n");
        write(
            "venv/lib/x.py",
            "import django\nimport pickle\npickle.loads(b)\n",
        );
        write("broken.py", "def (:\n");
        write("build/broken.py", "def (:\n");
        let settings = Settings::default();
        let alone = imports_of_paths(&[root.to_path_buf()], root, &settings);
        let (outcome, shared) =
            crate::check_paths_and_imports(&[root.to_path_buf()], root, &settings);
        assert_eq!(shared.modules, alone.modules);
        assert_eq!(shared.calls, alone.calls);
        assert_eq!(shared.mentions, alone.mentions);
        assert_eq!(shared.files, alone.files);
        assert_eq!(shared.errors, alone.errors);
        assert_eq!(shared.errors.len(), 1);
        // The code checks still see every file.
        assert_eq!(outcome.errors.len(), 2);
        assert!(
            outcome
                .findings
                .iter()
                .any(|f| f.location.as_ref().unwrap().path == "venv/lib/x.py")
        );
    }

    #[test]
    fn deep_files_are_errors_not_overflows() {
        let deep = format!(
            "import yaml\nx = {}1{}\n",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let error = imports_of_source("deep.py", &deep, Limits::default()).unwrap_err();
        assert!(error.message.contains("too deeply nested"), "{error:?}");
    }
}
