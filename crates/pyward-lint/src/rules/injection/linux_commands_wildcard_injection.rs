use ruff_python_ast::{Expr, ExprCall, Number};

use crate::checker::Checker;
use crate::helpers::keyword_is;
use crate::rules::injection::names::{issue_at_keyword, qualified_name};
use crate::rules::injection::shell::{SHELL, SUBPROCESS};

crate::declare_rule! {
    /// ## What it does
    /// Flags shell commands that run `chown`, `chmod`, `tar` or `rsync`
    /// with a `*` wildcard, through a function that uses a shell
    /// (`os.system`, or `subprocess` with `shell=True`).
    ///
    /// ## Why is this bad?
    /// The shell expands `*` to the file names in the folder, and these
    /// programs read names that start with `-` as options: a file named
    /// `--checkpoint-action=exec=sh x.sh` makes `tar cf a.tar *` run a
    /// script.
    ///
    /// ## Example
    /// ```python
    /// os.system("tar czf /backup/site.tgz *")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// subprocess.run(["tar", "czf", "/backup/site.tgz", "--", *os.listdir(".")], check=True)
    /// ```
    ///
    /// ## References
    /// - Bandit: B609 `linux_commands_wildcard_injection`
    /// - CWE-155
    pub(crate) static LINUX_COMMANDS_WILDCARD_INJECTION = Rule {
        code: "B609",
        name: "linux_commands_wildcard_injection",
        severity: High,
        confidence: Medium,
        message: "Possible wildcard injection in call.",
        cwe: "CWE-155",
        check: Call(linux_commands_wildcard_injection),
    };
}

const VULNERABLE: &[&str] = &["chown", "chmod", "tar", "rsync"];

/// Python's `str()` of Bandit's literal value of a list element (only
/// strings can hold a `*` or a program name; the rest only needs to
/// keep the text apart).
fn push_element(out: &mut String, element: &Expr) {
    out.push(' ');
    match element {
        Expr::StringLiteral(string) => out.push_str(string.value.to_str()),
        Expr::Name(name) => out.push_str(name.id.as_str()),
        Expr::BooleanLiteral(b) => out.push_str(if b.value { "True" } else { "False" }),
        Expr::NumberLiteral(number) => match &number.value {
            Number::Int(int) => out.push_str(&int.to_string()),
            _ => out.push('0'),
        },
        Expr::List(list) => {
            // Python prints a nested list with its strings quoted.
            out.push('[');
            for (index, item) in list.elts.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                if let Expr::StringLiteral(string) = item {
                    out.push('\'');
                    out.push_str(string.value.to_str());
                    out.push('\'');
                }
            }
            out.push(']');
        }
        _ => out.push_str("None"),
    }
}

fn linux_commands_wildcard_injection(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(first) = call.arguments.args.first() else {
        return;
    };
    let command = match first {
        Expr::StringLiteral(string) => string.value.to_str().to_string(),
        Expr::List(list) => {
            let mut out = String::new();
            for element in &list.elts {
                push_element(&mut out, element);
            }
            out
        }
        _ => return,
    };
    if !command.contains('*') || !VULNERABLE.iter().any(|program| command.contains(program)) {
        return;
    }
    let shell_true = keyword_is(call, "shell", &["True"]) == Some(true);
    let Some(qualified) = qualified_name(checker, call) else {
        return;
    };
    if SHELL.contains(&qualified) || SUBPROCESS.contains(&qualified) && shell_true {
        let message = format!("Possible wildcard injection in call: {qualified}");
        let issue =
            issue_at_keyword(&LINUX_COMMANDS_WILDCARD_INJECTION, call, "shell").message(message);
        checker.report_issue(issue);
    }
}
