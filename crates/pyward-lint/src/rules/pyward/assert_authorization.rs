use ruff_python_ast::{CmpOp, Expr, Stmt};
use ruff_text_size::Ranged;

use crate::checker::Checker;
use crate::rules::pyward::words::is_test_path;

crate::declare_rule! {
    /// ## What it does
    /// Flags `assert` statements that check who the user is or what they
    /// may do: `assert user.is_admin`, `assert request.user.is_authenticated`,
    /// `assert user.has_perm("app.delete")`, `assert user.role == "admin"`,
    /// `assert "admin" in user.roles`.
    ///
    /// ## Why is this bad?
    /// Python drops `assert` statements when it runs with `-O` (or
    /// `PYTHONOPTIMIZE`): the check disappears and everyone is allowed. An
    /// authorisation check must be an `if` that raises or returns.
    ///
    /// Test code (test folders and files, `test_*` functions) is left
    /// alone: asserting on permissions is what tests do.
    ///
    /// ## Example
    /// ```python
    /// def delete_invoice(user, invoice):
    ///     assert user.has_perm("billing.delete_invoice")
    ///     invoice.delete()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// def delete_invoice(user, invoice):
    ///     if not user.has_perm("billing.delete_invoice"):
    ///         raise PermissionDenied
    ///     invoice.delete()
    /// ```
    ///
    /// ## References
    /// - Bandit: B101 reports every `assert`, with low severity
    /// - CWE-617: Reachable Assertion; CWE-285: Improper Authorization
    pub(crate) static ASSERT_AUTHORIZATION = Rule {
        code: "PW601",
        name: "assert_authorization",
        severity: High,
        confidence: Medium,
        message: "Authorization checked with assert, which python -O removes; use an if statement that raises.",
        cwe: "CWE-617",
        check: Stmt(assert_authorization),
    };
}

/// Names that are authorisation checks in themselves.
const AUTH_NAMES: &[&str] = &[
    "is_admin",
    "is_superuser",
    "is_staff",
    "is_authenticated",
    "is_authorized",
    "is_authorised",
    "is_owner",
    "is_allowed",
    "is_permitted",
    "has_perm",
    "has_perms",
    "has_permission",
    "has_permissions",
    "has_role",
    "has_roles",
    "has_access",
    "has_scope",
    "check_permission",
    "check_permissions",
    "can_access",
    "can_edit",
    "can_delete",
    "can_view",
    "can_manage",
    "user_passes_test",
    "authorized",
    "authenticated",
    "is_anonymous",
];

/// Attributes that hold what a user may do, compared in the assertion.
const ROLE_ATTRIBUTES: &[&str] = &[
    "role",
    "roles",
    "permissions",
    "perms",
    "groups",
    "scopes",
    "is_superuser",
];

fn names_authorization(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => AUTH_NAMES.contains(&name.id.as_str()),
        Expr::Attribute(attribute) => AUTH_NAMES.contains(&attribute.attr.as_str()),
        Expr::Call(call) => names_authorization(&call.func),
        Expr::UnaryOp(unary) => names_authorization(&unary.operand),
        Expr::BoolOp(boolop) => boolop.values.iter().any(names_authorization),
        Expr::Compare(compare) => {
            let role = |e: &Expr| matches!(e, Expr::Attribute(a) if ROLE_ATTRIBUTES.contains(&a.attr.as_str()));
            names_authorization(&compare.left)
                || compare.comparators.iter().any(names_authorization)
                || (role(&compare.left) || compare.comparators.iter().any(role))
                    && compare.ops.iter().all(|op| {
                        matches!(
                            op,
                            CmpOp::Eq | CmpOp::NotEq | CmpOp::In | CmpOp::NotIn | CmpOp::Is
                        )
                    })
        }
        _ => false,
    }
}

fn assert_authorization(checker: &mut Checker<'_>, stmt: &Stmt) {
    let Stmt::Assert(assert) = stmt else {
        return;
    };
    if !names_authorization(&assert.test) || is_test_path(checker.path()) {
        return;
    }
    let in_test = checker.stmt_ancestors().any(|s| match s {
        Stmt::FunctionDef(f) => f.name.as_str().starts_with("test"),
        Stmt::ClassDef(c) => c.name.as_str().starts_with("Test"),
        _ => false,
    });
    if !in_test {
        checker.report(&ASSERT_AUTHORIZATION, assert.range());
    }
}
