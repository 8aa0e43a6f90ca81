use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::semantic::cfg::Cfg;
use crate::semantic::reaching::{DefKind, ReachingDefs};
use crate::semantic::scope::ScopeKind;
use crate::semantic::walk::exprs_in;
use crate::rules::pyward::words::is_test_path;

crate::declare_rule! {
    /// ## What it does
    /// Flags `ZipFile.extractall()` (on `zipfile.ZipFile(...)` itself, or a
    /// name that a `ZipFile` assignment or `with` reaches) when nothing in
    /// that function looks at the archive's entries first (`infolist()`,
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
        cwe: "CWE-409",
        check: Call(zipfile_extractall_unchecked),
    };
}

fn is_zipfile(checker: &Checker<'_>, expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call)
        if checker.resolve_qualified_name(&call.func).is_some_and(|q| q.as_str() == "zipfile.ZipFile"))
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
    let (kind, body) = match checker.enclosing_function() {
        Some(function) => (ScopeKind::Function(function), &function.body[..]),
        None => match (checker.module(), checker.stmt_ancestors().last()) {
            (Some(module), Some(top)) => (ScopeKind::Module(&module.body), std::slice::from_ref(top)),
            _ => return,
        },
    };
    let bound = match &*attribute.value {
        receiver @ Expr::Call(_) => is_zipfile(checker, receiver),
        // A name: bound to a `ZipFile` by a definition that reaches here.
        Expr::Name(name) => {
            let Ok(cfg) = Cfg::build(kind.body()) else {
                return;
            };
            ReachingDefs::new(kind, &cfg).is_some_and(|defs| {
                defs.reaching(&cfg, name.id.as_str(), call.start())
                    .iter()
                    .any(|def| match def.kind {
                        DefKind::Value(value) | DefKind::With(value) => is_zipfile(checker, value),
                        _ => false,
                    })
            })
        }
        _ => return,
    };
    if !bound || is_test_path(checker.path()) {
        return;
    }
    let inspected = exprs_in(body).any(|expr| {
        matches!(expr, Expr::Attribute(attribute) if matches!(
            attribute.attr.as_str(),
            "infolist" | "namelist" | "getinfo" | "file_size" | "compress_size"
        ))
    });
    if !inspected {
        checker.report(&ZIPFILE_EXTRACTALL_UNCHECKED, call.range());
    }
}
