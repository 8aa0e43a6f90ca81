use pyward_model::Severity;
use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::helpers::{self, Value};

crate::declare_rule! {
    /// ## What it does
    /// Flags `chmod` calls that give a file group- or world-writable or
    /// executable permissions (`os.chmod(path, 0o777)`).
    ///
    /// ## Why is this bad?
    /// Other users of the machine can change or run the file: a writable
    /// script or configuration file is a way to take over the program
    /// that uses it.
    ///
    /// ## Example
    /// ```python
    /// import os
    /// os.chmod("/etc/app/key.pem", 0o777)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import os
    /// os.chmod("/etc/app/key.pem", 0o600)
    /// ```
    ///
    /// ## Details
    /// As Bandit: any call whose function name contains `chmod` with exactly
    /// two positional arguments, the second an integer literal. High
    /// severity when world-writable, medium otherwise.
    ///
    /// ## References
    /// - Bandit: B103 `set_bad_file_permissions`
    /// - CWE-732
    pub(crate) static SET_BAD_FILE_PERMISSIONS = Rule {
        code: "B103",
        name: "set_bad_file_permissions",
        severity: Medium,
        confidence: High,
        message: "Chmod setting a permissive mask on file.",
        cwe: "CWE-732",
        check: Call(set_bad_file_permissions),
    };
}

const S_IWOTH: i64 = 0o2;
const S_IXOTH: i64 = 0o1;
const S_IWGRP: i64 = 0o20;
const S_IXGRP: i64 = 0o10;

fn set_bad_file_permissions(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(name) = checker.call_qualified_name(call) else {
        return;
    };
    if !crate::helpers::name_contains(name.last(), "chmod") || call.arguments.args.len() != 2 {
        return;
    }
    let Some(Value::Int(mode)) = helpers::positional_value(call, 1) else {
        return;
    };
    if mode & (S_IWOTH | S_IWGRP | S_IXGRP | S_IXOTH) == 0 {
        return;
    }
    let severity = if mode & S_IWOTH != 0 {
        Severity::High
    } else {
        Severity::Medium
    };
    let file = match helpers::positional(call, 0) {
        Some(expr) => match Value::of(expr) {
            Value::Int(i) => i.to_string(),
            Value::Unknown => "NOT PARSED".to_string(),
            value => value
                .as_str()
                .map_or_else(|| checker.slice(expr.range()).to_string(), str::to_string),
        },
        None => "NOT PARSED".to_string(),
    };
    let octal = if mode < 0 {
        format!("-0o{:o}", mode.unsigned_abs())
    } else {
        format!("0o{mode:o}")
    };
    checker.report_issue(
        Issue::new(&SET_BAD_FILE_PERMISSIONS, call.range())
            .severity(severity)
            .message(format!(
                "Chmod setting a permissive mask {octal} on file ({file})."
            )),
    );
}
