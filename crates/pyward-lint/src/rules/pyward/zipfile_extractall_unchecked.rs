use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::pyward::words::is_test_path;

crate::declare_rule! {
    /// ## What it does
    /// Flags `ZipFile.extractall()` (on `zipfile.ZipFile(...)` itself, or a
    /// name bound to one in the same function) when nothing in that
    /// function looks at the archive's entries first (`infolist()`,
    /// `namelist()`, `getinfo()`, `file_size`) and no `members=` is given.
    ///
    /// ## Why is this bad?
    /// `zipfile` strips `..` and absolute paths, but it does not limit
    /// sizes: a few kilobytes of archive can expand to gigabytes (a "zip
    /// bomb") and fill the disk or memory. Check the entries' sizes and
    /// count before extracting an archive from outside. (Bandit's B202
    /// covers `tarfile`.)
    ///
    /// ## Example
    /// ```python
    /// with zipfile.ZipFile(upload) as archive:
    ///     archive.extractall(target)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// with zipfile.ZipFile(upload) as archive:
    ///     entries = archive.infolist()
    ///     if len(entries) > 1000 or sum(e.file_size for e in entries) > 100 * 2**20:
    ///         raise ValueError("archive too large")
    ///     archive.extractall(target, members=entries)
    /// ```
    ///
    /// ## References
    /// - CWE-409: Improper Handling of Highly Compressed Data
    /// - <https://docs.python.org/3/library/zipfile.html#zipfile-resources-limitations>
    pub(crate) static ZIPFILE_EXTRACTALL_UNCHECKED = Rule {
        code: "PW501",
        name: "zipfile_extractall_unchecked",
        severity: Low,
        confidence: Medium,
        message: "ZipFile.extractall() without checking the entries: a small archive can expand to fill the disk.",
        check: Call(zipfile_extractall_unchecked),
    };
}

fn is_zipfile(checker: &Checker<'_>, expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call)
        if checker.resolve_qualified_name(&call.func).is_some_and(|q| q.as_str() == "zipfile.ZipFile"))
}

/// Looks through a function (or module) body for where `name` is bound to
/// a `ZipFile` and for any look at an archive's entries.
struct Scan<'c, 'x> {
    checker: &'c Checker<'x>,
    name: String,
    bound: bool,
    inspected: bool,
}

impl<'a> Visitor<'a> for Scan<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Assign(assign)
                if assign
                    .targets
                    .iter()
                    .any(|t| matches!(t, Expr::Name(n) if n.id.as_str() == self.name))
                    && is_zipfile(self.checker, &assign.value) =>
            {
                self.bound = true;
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if matches!(item.optional_vars.as_deref(), Some(Expr::Name(n)) if n.id.as_str() == self.name)
                        && is_zipfile(self.checker, &item.context_expr)
                    {
                        self.bound = true;
                    }
                }
            }
            // A nested function is another scope.
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Attribute(attribute) = expr
            && matches!(
                attribute.attr.as_str(),
                "infolist" | "namelist" | "getinfo" | "file_size" | "compress_size"
            )
        {
            self.inspected = true;
        }
        visitor::walk_expr(self, expr);
    }
}

fn zipfile_extractall_unchecked(checker: &mut Checker<'_>, call: &ExprCall) {
    let Expr::Attribute(attribute) = &*call.func else {
        return;
    };
    if attribute.attr.as_str() != "extractall"
        || call.arguments.find_keyword("members").is_some()
        || call.arguments.args.len() >= 2
        || !checker.is_module_imported_like("zipfile")
    {
        return;
    }
    let body = match checker.enclosing_function() {
        Some(function) => &function.body[..],
        None => match checker.stmt_ancestors().last() {
            Some(top) => std::slice::from_ref(top),
            None => return,
        },
    };
    let mut scan = Scan {
        checker,
        name: String::new(),
        bound: false,
        inspected: false,
    };
    match &*attribute.value {
        receiver @ Expr::Call(_) if is_zipfile(checker, receiver) => {
            scan.bound = true;
        }
        Expr::Name(name) => scan.name = name.id.to_string(),
        _ => return,
    }
    scan.visit_body(body);
    if is_test_path(checker.path()) {
        return;
    }
    if scan.bound && !scan.inspected {
        checker.report(&ZIPFILE_EXTRACTALL_UNCHECKED, call.range());
    }
}
