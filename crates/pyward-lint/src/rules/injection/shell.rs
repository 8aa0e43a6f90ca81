//! Bandit's `shell_injection` configuration and its `has_shell`, shared by
//! B602–B607 and B609.

use ruff_python_ast::{Expr, ExprCall, Number};

/// Functions that start a process through `subprocess`.
pub(crate) const SUBPROCESS: &[&str] = &[
    "subprocess.Popen",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.run",
];

/// Functions that start a process through a shell.
pub(crate) const SHELL: &[&str] = &[
    "os.system",
    "os.popen",
    "os.popen2",
    "os.popen3",
    "os.popen4",
    "popen2.popen2",
    "popen2.popen3",
    "popen2.popen4",
    "popen2.Popen3",
    "popen2.Popen4",
    "commands.getoutput",
    "commands.getstatusoutput",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
];

/// Functions that start a process without a shell.
pub(crate) const NO_SHELL: &[&str] = &[
    "os.execl",
    "os.execle",
    "os.execlp",
    "os.execlpe",
    "os.execv",
    "os.execve",
    "os.execvp",
    "os.execvpe",
    "os.spawnl",
    "os.spawnle",
    "os.spawnlp",
    "os.spawnlpe",
    "os.spawnv",
    "os.spawnve",
    "os.spawnvp",
    "os.spawnvpe",
    "os.startfile",
];

/// Bandit's `has_shell`: whether the call passes a `shell` argument that
/// is not plainly false. Anything Bandit cannot evaluate (a name, a call)
/// counts as true.
pub(crate) fn has_shell(call: &ExprCall) -> bool {
    let Some(value) = call.arguments.find_keyword("shell").map(|k| &k.value) else {
        return false;
    };
    match value {
        Expr::NumberLiteral(number) => match &number.value {
            Number::Int(int) => int.as_u64() != Some(0),
            Number::Float(float) => *float != 0.0,
            Number::Complex { real, imag } => *real != 0.0 || *imag != 0.0,
        },
        Expr::BooleanLiteral(boolean) => boolean.value,
        Expr::List(list) => !list.elts.is_empty(),
        Expr::Dict(dict) => !dict.items.is_empty(),
        Expr::StringLiteral(string) => !string.value.is_empty(),
        Expr::BytesLiteral(bytes) => !bytes.value.is_empty(),
        Expr::NoneLiteral(_) => false,
        _ => true,
    }
}

/// Bandit's `_evaluate_shell_call`: whether the command is a plain string
/// (low severity) rather than something built at run time (high).
pub(crate) fn command_is_literal(call: &ExprCall) -> bool {
    matches!(call.arguments.args.first(), Some(Expr::StringLiteral(_)))
}
