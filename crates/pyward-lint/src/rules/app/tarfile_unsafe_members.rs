use pyward_model::{Confidence, Severity};
use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags `extractall` calls in a module that imports `tarfile`, unless
    /// they pass `filter="data"`.
    ///
    /// ## Why is this bad?
    /// A tar archive can hold members named `../../etc/cron.d/x`, absolute
    /// paths, links and device files; extracting it unchecked writes
    /// wherever its author chose (path traversal).
    ///
    /// ## Example
    /// ```python
    /// import tarfile
    /// with tarfile.open(upload) as tar:
    ///     tar.extractall(dest)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import tarfile
    /// with tarfile.open(upload) as tar:
    ///     tar.extractall(dest, filter="data")
    /// ```
    ///
    /// ## Details
    /// As Bandit: high severity without `members=`; low when `members=` is
    /// a call of a function (which presumably filters); medium for any
    /// other `members=`.
    ///
    /// ## References
    /// - Bandit: B202 `tarfile_unsafe_members`
    /// - CWE-22
    pub(crate) static TARFILE_UNSAFE_MEMBERS = Rule {
        code: "B202",
        name: "tarfile_unsafe_members",
        severity: High,
        confidence: High,
        message: "tarfile.extractall used without any validation. Please check and discard dangerous members.",
        cwe: "CWE-22",
        check: Call(tarfile_unsafe_members),
    };
}

fn tarfile_unsafe_members(checker: &mut Checker<'_>, call: &ExprCall) {
    if !checker
        .call_qualified_name(call)
        .is_some_and(|name| crate::helpers::name_contains(name.last(), "extractall"))
    {
        return;
    }
    if !checker.is_module_imported("tarfile") {
        return;
    }
    if let Some(Expr::StringLiteral(filter)) = helpers::keyword(call, "filter")
        && filter.value.to_str() == "data"
    {
        return;
    }
    let issue = Issue::new(&TARFILE_UNSAFE_MEMBERS, call.range());
    let issue = match helpers::keyword(call, "members") {
        None => issue,
        Some(Expr::Call(members_call)) => {
            // Bandit reads `members.func.id`; a call of anything but a bare
            // name makes its check fail, and it reports nothing.
            let Expr::Name(function) = &*members_call.func else {
                return;
            };
            issue
                .severity(Severity::Low)
                .confidence(Confidence::Low)
                .message(format!(
                    "Usage of tarfile.extractall(members=function(tarfile)). Make sure your function properly discards dangerous members {{'Function': '{}'}}).",
                    function.id
                ))
        }
        Some(other) => {
            let shown = match other {
                Expr::Name(name) => format!("'{}'", name.id),
                other => checker.slice(other.range()).to_string(),
            };
            issue
                .severity(Severity::Medium)
                .confidence(Confidence::Medium)
                .message(format!(
                    "Found tarfile.extractall(members=?) but couldn't identify the type of members. Check if the members were properly validated {{'Other': {shown}}})."
                ))
        }
    };
    checker.report_issue(issue);
}
