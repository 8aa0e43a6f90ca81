//! The rule registry: what a rule is, the two macros that declare one and
//! list a family's rules, and lookups over every rule pyward knows.
//!
//! A rule is a `static` [`Rule`] in its own file (see `ENGINE.md`); its doc
//! comment is its documentation. Each family's `mod.rs` lists its rules with
//! [`rules!`](crate::rules), one line per rule; `rules/mod.rs` lists the
//! families. Nothing else needs editing to add a rule.

use std::collections::HashMap;
use std::sync::OnceLock;

use pyward_model::{Confidence, Severity};
use ruff_python_ast as ast;

use crate::checker::Checker;

/// One check: its id, Bandit's test name, its documentation, what it
/// reports by default and which AST node it looks at.
pub struct Rule {
    /// `B602`, `PW101`.
    pub code: &'static str,
    /// Bandit's test name (`subprocess_popen_with_shell_equals_true`), or
    /// the blacklist entry's name for B3xx/B4xx; snake case for `PW` rules.
    pub name: &'static str,
    /// Severity reported by [`Checker::report`].
    pub severity: Severity,
    /// Confidence reported by [`Checker::report`].
    pub confidence: Confidence,
    /// Message reported by [`Checker::report`].
    pub message: &'static str,
    /// The weakness it finds (`CWE-78`): Bandit's own for the `B` rules.
    pub cwe: Option<&'static str>,
    /// The doc comment, raw (`rule_docs` gives it without the leading space
    /// of each `///` line).
    pub raw_docs: &'static str,
    /// Which node kind the engine calls the check on.
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("code", &self.code)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Rule {
    /// The documentation: the rule's doc comment, Markdown.
    pub fn docs(&self) -> &'static str {
        rule_docs(self.code).unwrap_or(self.raw_docs)
    }

    /// The family letters and digits before the number (`B6`, `PW`): what
    /// `select` and `ignore` prefixes compare with.
    pub fn matches_prefix(&self, prefix: &str) -> bool {
        let prefix = prefix.trim();
        !prefix.is_empty()
            && (self.code.len() >= prefix.len()
                && self.code[..prefix.len()].eq_ignore_ascii_case(prefix)
                || self.name.eq_ignore_ascii_case(prefix))
    }
}

/// Which node a rule's check function is called on, with the function.
///
/// The engine walks each file's AST once and calls every enabled rule of
/// the node's kind; keep checks cheap and return early.
#[derive(Clone, Copy)]
pub enum Check {
    /// Every call expression (`f(...)`). The most common kind.
    Call(CallCheck),
    /// Every statement.
    Stmt(StmtCheck),
    /// Every expression (calls included), for string constants, comparisons
    /// and the like.
    Expr(ExprCheck),
    /// Every import statement, and `__import__("m")` /
    /// `importlib.import_module("m")` calls (see
    /// [`crate::imports::ImportedModule`]).
    Import(ImportCheck),
    /// Once per file, after the walk, with the whole module (for checks on
    /// the raw text, like trojan-source).
    Module(ModuleCheck),
    /// A data-flow rule: the walk finds the sinks of this class, the taint
    /// analysis decides which ones untrusted data reaches.
    Flow(crate::taint::SinkClass),
    /// Every call, with the one check a family of rules shares: families
    /// whose rules are one table of names (the call blacklist), where one
    /// lookup per call decides which rule, if any, applies. It runs once
    /// per call however many of the family's rules are enabled, and
    /// reports only those that are.
    SharedCall(&'static CallCheck),
    /// Every import, with the one check a family shares (the import
    /// blacklist), as [`Check::SharedCall`].
    SharedImport(&'static ImportCheck),
}

/// A check on call expressions.
pub type CallCheck = fn(&mut Checker<'_>, &ast::ExprCall);
/// A check on statements.
pub type StmtCheck = fn(&mut Checker<'_>, &ast::Stmt);
/// A check on expressions.
pub type ExprCheck = fn(&mut Checker<'_>, &ast::Expr);
/// A check on imports.
pub type ImportCheck = fn(&mut Checker<'_>, &crate::imports::ImportedModule<'_>);
/// A check on the whole module.
pub type ModuleCheck = fn(&mut Checker<'_>, &ast::ModModule);

/// Declares one rule: a `static` [`Rule`] whose documentation is the doc
/// comment written above it.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub(crate) static ASSERT_USED = Rule {
///         code: "B101",
///         name: "assert_used",
///         severity: Low,
///         confidence: High,
///         message: "Use of assert detected.",
///         cwe: "CWE-703",
///         check: Stmt(assert_used),
///     };
/// }
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $vis:vis static $ident:ident = Rule {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            confidence: $confidence:ident,
            message: $message:expr,
            cwe: $cwe:literal,
            check: $kind:ident($check:expr) $(,)?
        };
    ) => {
        $(#[doc = $doc])+
        $vis static $ident: $crate::registry::Rule = $crate::registry::Rule {
            code: $code,
            name: $name,
            severity: ::pyward_model::Severity::$severity,
            confidence: ::pyward_model::Confidence::$confidence,
            message: $message,
            cwe: Some($cwe),
            raw_docs: concat!($($doc, "\n"),+),
            check: $crate::registry::Check::$kind($check),
        };
    };
}

/// A family's table: declares each rule's module and lists its `static`.
///
/// ```ignore
/// crate::rules! {
///     assert_used::ASSERT_USED,
///     exec_used::EXEC_USED,
/// }
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! rules {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(mod $module;)*
        /// Every rule of this family, in id order.
        pub(crate) static RULES: &[&$crate::registry::Rule] = &[$(&$module::$rule),*];
    };
}

/// Every rule pyward knows, family by family.
pub fn all_rules() -> impl Iterator<Item = &'static Rule> {
    crate::rules::FAMILIES
        .iter()
        .flat_map(|family| family.iter().copied())
}

/// The rule with this id (`B602`), case-insensitive.
pub fn rule(code: &str) -> Option<&'static Rule> {
    all_rules().find(|r| r.code.eq_ignore_ascii_case(code.trim()))
}

/// A rule's documentation (Markdown, the doc comment of its file), by id
/// (`B602`) or by name (`subprocess_popen_with_shell_equals_true`).
pub fn rule_docs(code: &str) -> Option<&'static str> {
    static DOCS: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    let docs = DOCS.get_or_init(|| {
        all_rules()
            .map(|r| (r.code, unindent_doc(r.raw_docs)))
            .collect()
    });
    let code = code.trim();
    let rule = rule(code).or_else(|| all_rules().find(|r| r.name.eq_ignore_ascii_case(code)))?;
    docs.get(rule.code).map(String::as_str)
}

/// `///` lines arrive as ` text`: drop the one leading space.
fn unindent_doc(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}
