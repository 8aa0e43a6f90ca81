use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::taint::SinkClass;
use crate::taint::sinks::{Args, select};
use crate::helpers::{keyword_is, positional_value};
use crate::rules::injection::names::qualified_name;

crate::declare_rule! {
    /// ## What it does
    /// Flags `yaml.load` calls that do not use PyYAML's `SafeLoader` or
    /// `CSafeLoader`.
    ///
    /// ## Why is this bad?
    /// PyYAML's other loaders can build arbitrary Python objects from tags
    /// in the document (`!!python/object/apply:os.system`), so loading an
    /// untrusted document runs the attacker's code.
    ///
    /// As in Bandit, the check runs in files that `import yaml`.
    ///
    /// ## Example
    /// ```python
    /// config = yaml.load(text, Loader=yaml.Loader)
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// config = yaml.safe_load(text)
    /// ```
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the document comes from: when only constants or sanitised values
    /// reach it (none: only constants) it is not reported; when untrusted data
    /// does (request data, or a source declared in `[code.taint]`) it is
    /// reported with high confidence and the path from the source; when that is
    /// not known (a parameter of a function, the result of a library call) it
    /// is reported as Bandit reports it. The `bandit` profile (`profile =
    /// "bandit"`) reports exactly what Bandit does.
    ///
    /// ## References
    /// - Bandit: B506 `yaml_load`
    /// - CWE-20
    pub(crate) static YAML_LOAD = Rule {
        code: "B506",
        name: "yaml_load",
        severity: Medium,
        confidence: High,
        message: "Use of unsafe yaml load. Allows instantiation of arbitrary objects. Consider yaml.safe_load().",
        cwe: "CWE-20",
        check: Call(yaml_load),
    };
}

const SAFE_LOADERS: &[&str] = &["SafeLoader", "CSafeLoader"];

fn yaml_load(checker: &mut Checker<'_>, call: &ExprCall) {
    let Some(qualified) = qualified_name(checker, call) else {
        return;
    };
    let mut segments = qualified.split('.');
    if segments.next_back() != Some("load") || !qualified.split('.').any(|s| s == "yaml") {
        return;
    }
    if !checker.is_module_imported("yaml") {
        return;
    }
    if keyword_is(call, "Loader", SAFE_LOADERS) == Some(true) {
        return;
    }
    if positional_value(call, 1)
        .as_ref()
        .and_then(|v| v.as_str())
        .is_some_and(|loader| SAFE_LOADERS.contains(&loader))
    {
        return;
    }
    checker.report_issue(
        Issue::new(&YAML_LOAD, call.range())
            .data(SinkClass::Deserialization, select(call, Args::First(&["stream"]))),
    );
}
