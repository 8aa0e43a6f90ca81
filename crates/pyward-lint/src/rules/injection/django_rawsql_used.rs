use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;
use crate::rules::injection::names::call_name_is;

crate::declare_rule! {
    /// ## What it does
    /// Flags Django's `RawSQL(...)` whose SQL is not a string constant, in
    /// files that import from `django.db.models`.
    ///
    /// ## Why is this bad?
    /// The SQL text goes into the query as written. Anything built at run
    /// time can change the statement (SQL injection).
    ///
    /// ## Example
    /// ```python
    /// User.objects.annotate(val=RawSQL(f"SELECT col FROM t WHERE id = {pk}", []))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// User.objects.annotate(val=RawSQL("SELECT col FROM t WHERE id = %s", [pk]))
    /// ```
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the SQL comes from: when only constants or sanitised values reach
    /// it (numeric conversion, SQL quoting functions, allow-list checks) it is
    /// not reported; when untrusted data does (request data, or a source
    /// declared in `[code.taint]`) it is reported with high confidence and the
    /// path from the source; when that is not known (a parameter of a function,
    /// the result of a library call) it is reported as Bandit reports it. The
    /// `bandit` profile (`profile = "bandit"`) reports exactly what Bandit
    /// does.
    ///
    /// ## References
    /// - Bandit: B611 `django_rawsql_used`
    /// - CWE-89
    pub(crate) static DJANGO_RAWSQL_USED = Rule {
        code: "B611",
        name: "django_rawsql_used",
        severity: Medium,
        confidence: Medium,
        message: "Use of RawSQL potential SQL attack vector.",
        cwe: "CWE-89",
        check: Call(django_rawsql_used),
    };
}

fn django_rawsql_used(checker: &mut Checker<'_>, call: &ExprCall) {
    if !call_name_is(checker, call, &["RawSQL"])
        || !checker.is_module_imported_like("django.db.models")
    {
        return;
    }
    let sql = call
        .arguments
        .args
        .first()
        .or_else(|| call.arguments.find_keyword("sql").map(|k| &k.value));
    // No SQL at all: Bandit's check fails on it and reports nothing.
    let Some(sql) = sql else {
        return;
    };
    if !matches!(sql, Expr::StringLiteral(_)) {
        checker.report_issue(
            Issue::new(&DJANGO_RAWSQL_USED, call.range()).data(SinkClass::Sql, [sql]),
        );
    }
}
