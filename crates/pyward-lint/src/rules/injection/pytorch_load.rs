use ruff_python_ast::ExprCall;

use crate::checker::Checker;
use crate::helpers::keyword_value;
use crate::rules::injection::names::{issue_at_keyword, qualified_name};

crate::declare_rule! {
    /// ## What it does
    /// Flags `torch.load` (and `torch.serialization.load`) without
    /// `weights_only=True`, in files that `import torch`.
    ///
    /// ## Why is this bad?
    /// `torch.load` unpickles the file: a model file from an untrusted
    /// source can run any code when it is loaded.
    ///
    /// ## Example
    /// ```python
    /// model = torch.load("downloaded.pt")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// state = torch.load("downloaded.pt", weights_only=True)
    /// ```
    ///
    /// ## References
    /// - Bandit: B614 `pytorch_load`
    /// - CWE-502
    pub(crate) static PYTORCH_LOAD = Rule {
        code: "B614",
        name: "pytorch_load",
        severity: Medium,
        confidence: High,
        message: "Use of unsafe PyTorch load",
        cwe: "CWE-502",
        check: Call(pytorch_load),
    };
}

fn pytorch_load(checker: &mut Checker<'_>, call: &ExprCall) {
    if !matches!(
        qualified_name(checker, call),
        Some("torch.load" | "torch.serialization.load")
    ) || !checker.is_module_imported("torch")
    {
        return;
    }
    let weights_only = keyword_value(call, "weights_only");
    if weights_only.as_ref().and_then(|v| v.as_str()) == Some("True") {
        return;
    }
    checker.report_issue(issue_at_keyword(&PYTORCH_LOAD, call, "load"));
}
