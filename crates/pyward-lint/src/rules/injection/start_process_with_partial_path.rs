use ruff_python_ast::{Expr, ExprCall};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::injection::names::qualified_name;
use crate::rules::injection::shell::{NO_SHELL, SHELL, SUBPROCESS};

crate::declare_rule! {
    /// ## What it does
    /// Flags processes started with a program name that is not a full path
    /// (`"ls"`, `["git", "status"]`), by any function that B602–B606 know.
    ///
    /// ## Why is this bad?
    /// The program is looked up in `PATH`. Whoever controls `PATH` or a
    /// folder early in it decides which program actually runs.
    ///
    /// ## Example
    /// ```python
    /// subprocess.run(["git", "status"])
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// subprocess.run([shutil.which("git") or "/usr/bin/git", "status"])
    /// ```
    ///
    /// ## References
    /// - Bandit: B607 `start_process_with_partial_path`
    /// - CWE-78
    pub(crate) static START_PROCESS_WITH_PARTIAL_PATH = Rule {
        code: "B607",
        name: "start_process_with_partial_path",
        severity: Low,
        confidence: High,
        message: "Starting a process with a partial executable path",
        cwe: "CWE-78",
        check: Call(start_process_with_partial_path),
    };
}

/// Bandit's `^(?:[A-Za-z](?=\:)|[\\\/\.])`: a drive letter, a separator or
/// a dot first.
fn is_full_path(program: &str) -> bool {
    let mut chars = program.chars();
    match (chars.next(), chars.next()) {
        (Some('\\' | '/' | '.'), _) => true,
        (Some(c), Some(':')) => c.is_ascii_alphabetic(),
        _ => false,
    }
}

fn start_process_with_partial_path(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(first) = call.arguments.args.first() else {
        return;
    };
    let program = match first {
        Expr::List(list) => list.elts.first().unwrap_or(first),
        other => other,
    };
    let Expr::StringLiteral(program) = program else {
        return;
    };
    if is_full_path(program.value.to_str()) {
        return;
    }
    let known = qualified_name(checker, call).is_some_and(|name| {
        SUBPROCESS.contains(&name) || SHELL.contains(&name) || NO_SHELL.contains(&name)
    });
    if known {
        checker.report(&START_PROCESS_WITH_PARTIAL_PATH, call.range());
    }
}

#[cfg(test)]
mod tests {
    use super::is_full_path;

    #[test]
    fn full_paths_as_bandit_sees_them() {
        for path in ["/bin/ls", "./x", "../x", "\\\\server\\x", "C:\\x", "c:x"] {
            assert!(is_full_path(path), "{path}");
        }
        for path in ["ls", "", "1:x", "bin/ls", "é:x"] {
            assert!(!is_full_path(path), "{path}");
        }
    }
}
