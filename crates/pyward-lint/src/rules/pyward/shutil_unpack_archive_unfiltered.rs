use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::pyward::words::is_test_path;

crate::declare_rule! {
    /// ## What it does
    /// Flags `shutil.unpack_archive(...)` without `filter=`.
    ///
    /// ## Why is this bad?
    /// For tar archives `unpack_archive` uses `tarfile` without a filter
    /// (before Python 3.14): a member named `../../home/user/.bashrc`, an
    /// absolute path or a link pointing out of the folder writes outside
    /// the target folder. Bandit's B202 sees `tarfile.extractall` but not
    /// this wrapper. `filter="data"` (Python 3.12, and backported to
    /// security releases of 3.8–3.11) refuses such members.
    ///
    /// ## Example
    /// ```python
    /// shutil.unpack_archive(upload_path, target)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// shutil.unpack_archive(upload_path, target, filter="data")
    /// ```
    ///
    /// ## References
    /// - CWE-22: Path Traversal
    /// - PEP 706, <https://docs.python.org/3/library/shutil.html#shutil.unpack_archive>
    pub(crate) static SHUTIL_UNPACK_ARCHIVE_UNFILTERED = Rule {
        code: "PW502",
        name: "shutil_unpack_archive_unfiltered",
        severity: Medium,
        confidence: High,
        message: "shutil.unpack_archive() without filter=\"data\": a tar archive can write outside the target folder.",
        cwe: "CWE-22",
        check: Call(shutil_unpack_archive_unfiltered),
    };
}

fn shutil_unpack_archive_unfiltered(checker: &mut Checker<'_>, call: &ExprCall) {
    // `unpack_archive(filename, extract_dir, format, *, filter)`.
    if call.arguments.find_keyword("filter").is_some()
        || call.arguments.keywords.iter().any(|k| k.arg.is_none())
    {
        return;
    }
    if checker
        .call_qualified_name(call)
        .is_some_and(|q| q.as_str() == "shutil.unpack_archive")
        && !is_test_path(checker.path())
    {
        checker.report(&SHUTIL_UNPACK_ARCHIVE_UNFILTERED, call.range());
    }
}
