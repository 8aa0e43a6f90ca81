use ruff_python_ast::Expr;

use crate::checker::{Checker, Issue};
use crate::helpers;

crate::declare_rule! {
    /// ## What it does
    /// Flags strings that start with a shared temporary folder: `/tmp`,
    /// `/var/tmp`, `/dev/shm`.
    ///
    /// ## Why is this bad?
    /// Every user of the machine can write there. A fixed file name in a
    /// shared folder can be created first, or replaced by a symbolic link,
    /// by another user, who then reads or overwrites what the program
    /// writes.
    ///
    /// ## Example
    /// ```python
    /// with open("/tmp/report.csv", "w") as f:
    ///     f.write(data)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import tempfile
    /// with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
    ///     f.write(data)
    /// ```
    ///
    /// ## Details
    /// As Bandit: any string constant (including the literal parts of
    /// f-strings) that starts with one of the folders, except strings that
    /// are a statement of their own (docstrings). A finding in an f-string
    /// is reported where the f-string starts, as Bandit on Python 3.11. `/tmpfoo` counts too.
    ///
    /// ## References
    /// - Bandit: B108 `hardcoded_tmp_directory`
    /// - CWE-377
    pub(crate) static HARDCODED_TMP_DIRECTORY = Rule {
        code: "B108",
        name: "hardcoded_tmp_directory",
        severity: Medium,
        confidence: Medium,
        message: "Probable insecure usage of temp file/directory.",
        cwe: "CWE-377",
        check: Expr(hardcoded_tmp_directory),
    };
}

const TMP_DIRS: [&str; 3] = ["/tmp", "/var/tmp", "/dev/shm"];

fn is_tmp(text: &str) -> bool {
    TMP_DIRS.iter().any(|dir| text.starts_with(dir))
}

fn hardcoded_tmp_directory(checker: &mut Checker<'_>, expr: &Expr) {
    match expr {
        Expr::StringLiteral(string)
            if is_tmp(string.value.to_str()) && !checker.is_expression_statement(expr) =>
        {
            let context = checker.parent_range();
            checker.report_issue(Issue::new(&HARDCODED_TMP_DIRECTORY, string.range).context(context));
        }
        // Cheap test on the source text first: most f-strings have none.
        Expr::FString(fstring) if TMP_DIRS.iter().any(|d| checker.slice(fstring.range).contains(d)) => {
            for (text, _) in helpers::fstring_literal_runs(fstring) {
                if is_tmp(&text) {
                    checker.report_issue(
                        Issue::new(&HARDCODED_TMP_DIRECTORY, fstring.range),
                    );
                }
            }
        }
        _ => {}
    }
}
