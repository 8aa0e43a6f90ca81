use ruff_python_ast::{self as ast, Expr, FStringPart, InterpolatedStringElement, Stmt};
use ruff_text_size::Ranged;

use crate::checker::{Checker, Issue};
use crate::rules::pyward::words::is_test_path;

crate::declare_rule! {
    /// ## What it does
    /// Flags web handlers (Flask, FastAPI, Starlette, Quart, Sanic routes
    /// and Django views) that send exception details to the client: a
    /// `return` or `raise HTTPException(detail=...)` in an
    /// `except Exception as e:` block whose value contains `str(e)`,
    /// `repr(e)`, `e.args` or `f"{e}"`, or anywhere in the handler,
    /// `traceback.format_exc()`.
    ///
    /// ## Why is this bad?
    /// Exception messages and tracebacks show file paths, library versions,
    /// SQL statements, sometimes credentials: a map for the next attack.
    /// Log them; send the client a generic message.
    ///
    /// Only broad handlers (`except Exception`, `except BaseException`,
    /// no type) count for messages: a narrow one (`except ValueError`) is
    /// usually a deliberate message about the request.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/orders", methods=["POST"])
    /// def create_order():
    ///     try:
    ///         return jsonify(place(request.json))
    ///     except Exception as e:
    ///         return jsonify(error=str(e)), 500
    /// ```
    ///
    /// Use instead:
    /// ```python
    ///     except Exception:
    ///         app.logger.exception("order failed")
    ///         return jsonify(error="internal error"), 500
    /// ```
    ///
    /// ## References
    /// - CWE-209: Generation of Error Message Containing Sensitive Information
    /// - OWASP Error Handling Cheat Sheet
    pub(crate) static EXCEPTION_DETAILS_IN_RESPONSE = Rule {
        code: "PW301",
        name: "exception_details_in_response",
        severity: Medium,
        confidence: Medium,
        message: "Exception details sent to the client; log them and return a generic message.",
        cwe: "CWE-209",
        check: Stmt(exception_details_in_response),
    };
}

const ROUTE_DECORATORS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "api_route",
    "websocket",
];

/// Whether the function is a web handler: a route decorator in a file that
/// imports a web framework, or a Django view (first parameter `request`).
fn is_handler(checker: &Checker<'_>, function: &ast::StmtFunctionDef) -> bool {
    let routed = function.decorator_list.iter().any(|decorator| {
        matches!(&decorator.expression, Expr::Call(call)
            if matches!(&*call.func, Expr::Attribute(a) if ROUTE_DECORATORS.contains(&a.attr.as_str())))
    });
    if routed
        && ["flask", "fastapi", "starlette", "quart", "sanic"]
            .iter()
            .any(|framework| checker.is_module_imported_like(framework))
    {
        return true;
    }
    let first = function
        .parameters
        .posonlyargs
        .iter()
        .chain(&function.parameters.args)
        .next()
        .map(|p| p.parameter.name.as_str());
    first == Some("request") && checker.is_module_imported_like("django")
}

/// Whether an `except` clause catches (nearly) everything.
fn is_broad(handler: &ast::ExceptHandlerExceptHandler) -> bool {
    let Some(type_) = handler.type_.as_deref() else {
        return true;
    };
    let broad = |e: &Expr| matches!(e, Expr::Name(n) if matches!(n.id.as_str(), "Exception" | "BaseException"));
    match type_ {
        Expr::Tuple(tuple) => tuple.elts.iter().any(broad),
        other => broad(other),
    }
}

/// Whether `expr` shows the exception bound to `name` (or a traceback).
fn exposes(checker: &Checker<'_>, expr: &Expr, name: Option<&str>) -> bool {
    let is_exception = |e: &Expr| match (e, name) {
        (Expr::Name(n), Some(name)) => n.id.as_str() == name,
        _ => false,
    };
    match expr {
        Expr::Call(call) => {
            if let Expr::Name(function) = &*call.func
                && matches!(function.id.as_str(), "str" | "repr" | "format")
                && call.arguments.args.first().is_some_and(is_exception)
            {
                return true;
            }
            if checker.resolve_qualified_name(&call.func).is_some_and(|q| {
                matches!(
                    q.as_str(),
                    "traceback.format_exc" | "traceback.format_exception" | "traceback.format_tb"
                )
            }) {
                return true;
            }
            call.arguments
                .args
                .iter()
                .any(|a| exposes(checker, a, name))
                || call
                    .arguments
                    .keywords
                    .iter()
                    .any(|k| exposes(checker, &k.value, name))
                || matches!(&*call.func, Expr::Attribute(a) if exposes(checker, &a.value, name))
        }
        Expr::Attribute(attribute) => {
            is_exception(&attribute.value)
                && matches!(attribute.attr.as_str(), "args" | "message" | "msg")
        }
        Expr::FString(fstring) => fstring.value.iter().any(|part| match part {
            FStringPart::Literal(_) => false,
            FStringPart::FString(f) => f.elements.iter().any(|element| match element {
                InterpolatedStringElement::Interpolation(i) => {
                    is_exception(&i.expression) || exposes(checker, &i.expression, name)
                }
                InterpolatedStringElement::Literal(_) => false,
            }),
        }),
        Expr::BinOp(binop) => {
            // `"failed: %s" % e`, `"failed: " + str(e)`
            is_exception(&binop.right)
                || exposes(checker, &binop.left, name)
                || exposes(checker, &binop.right, name)
                || matches!(&*binop.right, Expr::Tuple(t) if t.elts.iter().any(is_exception))
        }
        Expr::Tuple(tuple) => tuple.elts.iter().any(|e| exposes(checker, e, name)),
        Expr::List(list) => list.elts.iter().any(|e| exposes(checker, e, name)),
        Expr::Dict(dict) => dict
            .items
            .iter()
            .any(|item| exposes(checker, &item.value, name)),
        _ => false,
    }
}

fn exception_details_in_response(checker: &mut Checker<'_>, stmt: &Stmt) {
    let value = match stmt {
        Stmt::Return(ret) => ret.value.as_deref(),
        Stmt::Raise(raise) => match raise.exc.as_deref() {
            // FastAPI/Starlette: `raise HTTPException(status_code=500, detail=str(e))`
            Some(Expr::Call(call))
                if matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "HTTPException")
                    || matches!(&*call.func, Expr::Attribute(a) if a.attr.as_str() == "HTTPException") =>
            {
                raise.exc.as_deref()
            }
            _ => None,
        },
        _ => None,
    };
    let Some(value) = value else {
        return;
    };
    // Cheap test first: most functions are not web handlers.
    let Some(function) = checker.enclosing_function() else {
        return;
    };
    if !is_handler(checker, function) {
        return;
    }
    // The innermost `except` clause around the statement, inside the
    // function.
    let range = stmt.range();
    let mut caught: Option<&ast::ExceptHandlerExceptHandler> = None;
    for ancestor in checker.stmt_ancestors() {
        match ancestor {
            Stmt::FunctionDef(_) => break,
            Stmt::Try(try_) => {
                caught = try_.handlers.iter().find_map(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    handler
                        .body
                        .iter()
                        .any(|s| s.range().contains_range(range))
                        .then_some(handler)
                });
                if caught.is_some() {
                    break;
                }
            }
            _ => {}
        }
    }
    let name = caught
        .filter(|handler| is_broad(handler))
        .and_then(|handler| handler.name.as_ref())
        .map(ast::Identifier::as_str);
    if !exposes(checker, value, name) {
        return;
    }
    if is_test_path(checker.path()) {
        return;
    }
    checker.report_issue(Issue::new(&EXCEPTION_DETAILS_IN_RESPONSE, stmt.range()));
}
