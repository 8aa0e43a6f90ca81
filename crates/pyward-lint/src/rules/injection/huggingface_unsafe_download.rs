use ruff_python_ast::{Expr, ExprCall};

use crate::checker::Checker;
use crate::helpers::{Value, keyword_value, positional_value};
use crate::rules::injection::names::{issue_at_keyword, qualified_name};

crate::declare_rule! {
    /// ## What it does
    /// Flags downloads from the Hugging Face Hub (`from_pretrained`,
    /// `load_dataset`, `hf_hub_download`, `snapshot_download`) that are not
    /// pinned to a commit with `revision=` (or `commit_id=`).
    ///
    /// ## Why is this bad?
    /// A branch or tag name can be moved to new content at any time; a
    /// compromised or malicious repository then ships new model code or
    /// weights on the next run. A commit hash cannot change.
    ///
    /// As in Bandit, a revision given as a variable, and a local path
    /// (`./model`), are not reported.
    ///
    /// ## Example
    /// ```python
    /// model = AutoModel.from_pretrained("org/model")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// model = AutoModel.from_pretrained("org/model", revision="5546055f03398095e385d7dc625e636cc8910bf2")
    /// ```
    ///
    /// ## References
    /// - Bandit: B615 `huggingface_unsafe_download`
    /// - CWE-494
    pub(crate) static HUGGINGFACE_UNSAFE_DOWNLOAD = Rule {
        code: "B615",
        name: "huggingface_unsafe_download",
        severity: Medium,
        confidence: High,
        message: "Unsafe Hugging Face Hub download without revision pinning",
        cwe: "CWE-494",
        check: Call(huggingface_unsafe_download),
    };
}

const UNSAFE: &[(&str, &str)] = &[
    ("from_pretrained", "transformers"),
    ("load_dataset", "datasets"),
    ("hf_hub_download", "huggingface_hub"),
    ("snapshot_download", "huggingface_hub"),
    ("repository_id", "huggingface_hub"),
];

fn is_constant(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_)
    )
}

/// Python truthiness of Bandit's value, for `revision or commit_id`.
fn is_truthy(value: &Value<'_>) -> bool {
    match value {
        Value::Unknown => false,
        Value::Bool(_) | Value::None => true,
        other => other.truthy().unwrap_or(true),
    }
}

fn huggingface_unsafe_download(checker: &mut Checker<'_>, call: &ExprCall) {
    // Cheap tests first: this runs on every call. An attribute callee must
    // have one of the names; a plain name may be an alias, so it is
    // resolved (the engine caches that) before the import test.
    match &*call.func {
        Expr::Attribute(attribute) if UNSAFE.iter().any(|(f, _)| *f == attribute.attr.as_str()) => {
        }
        Expr::Name(_) => {}
        _ => return,
    }
    let Some(qualified) = qualified_name(checker, call) else {
        return;
    };
    let function = qualified.rsplit('.').next().unwrap_or(qualified);
    let Some(&(function, module)) = UNSAFE.iter().find(|(f, _)| *f == function) else {
        return;
    };
    if !qualified.split('.').any(|segment| segment == module) {
        return;
    }
    if !["transformers", "datasets", "huggingface_hub"]
        .iter()
        .any(|module| checker.is_module_imported_like(module))
    {
        return;
    }
    let keywords = &call.arguments.keywords;
    if keywords.iter().any(|k| {
        k.arg
            .as_ref()
            .is_some_and(|a| matches!(a.as_str(), "revision" | "commit_id"))
            && !is_constant(&k.value)
    }) {
        return;
    }
    let revision = keyword_value(call, "revision")
        .filter(is_truthy)
        .or_else(|| keyword_value(call, "commit_id"));
    if let Some(Value::Str(revision)) = &revision {
        let revision = revision.trim_matches(['"', '\'']);
        if revision.len() >= 7 && revision.chars().all(|c| c.is_ascii_hexdigit()) {
            return;
        }
    }
    if let Some(first) = positional_value(call, 0)
        && let Some(path) = first.as_str()
        && ["./", "/", "../"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
    {
        return;
    }
    let message =
        format!("Unsafe Hugging Face Hub download without revision pinning in {function}()");
    checker.report_issue(
        issue_at_keyword(&HUGGINGFACE_UNSAFE_DOWNLOAD, call, function).message(message),
    );
}
