//! Iterating over the expressions of a body without recursion.
//!
//! Ruff's `Visitor` recurses once per level of nesting, so a file of
//! `f(f(f(...)))` a hundred thousand deep would need a stack that deep.
//! These iterators keep an explicit stack on the heap instead: any depth
//! costs memory, never the call stack.

use ruff_python_ast::{self as ast, Expr, Stmt};

/// Every expression in `body`, its nested statements included, but not the
/// bodies of nested functions and classes (another scope; their decorators,
/// defaults and bases are included, as they run in this one). Order is
/// unspecified.
pub(crate) fn exprs_in(body: &[Stmt]) -> Exprs<'_> {
    Exprs {
        stmts: body.iter().collect(),
        exprs: Vec::new(),
    }
}

/// See [`exprs_in`].
pub(crate) struct Exprs<'a> {
    stmts: Vec<&'a Stmt>,
    exprs: Vec<&'a Expr>,
}

impl<'a> Iterator for Exprs<'a> {
    type Item = &'a Expr;

    fn next(&mut self) -> Option<&'a Expr> {
        loop {
            if let Some(expr) = self.exprs.pop() {
                push_children(expr, &mut self.exprs);
                return Some(expr);
            }
            let stmt = self.stmts.pop()?;
            push_stmt(stmt, &mut self.stmts, &mut self.exprs);
        }
    }
}

/// The statements and expressions directly inside `stmt`.
fn push_stmt<'a>(stmt: &'a Stmt, stmts: &mut Vec<&'a Stmt>, exprs: &mut Vec<&'a Expr>) {
    match stmt {
        Stmt::FunctionDef(f) => {
            exprs.extend(f.decorator_list.iter().map(|d| &d.expression));
            for p in f.parameters.iter_non_variadic_params() {
                exprs.extend(p.default.as_deref());
            }
        }
        Stmt::ClassDef(c) => {
            exprs.extend(c.decorator_list.iter().map(|d| &d.expression));
            if let Some(arguments) = &c.arguments {
                exprs.extend(arguments.args.iter());
                exprs.extend(arguments.keywords.iter().map(|k| &k.value));
            }
        }
        Stmt::Return(r) => exprs.extend(r.value.as_deref()),
        Stmt::Delete(d) => exprs.extend(d.targets.iter()),
        Stmt::TypeAlias(t) => exprs.push(&t.value),
        Stmt::Assign(a) => {
            exprs.extend(a.targets.iter());
            exprs.push(&a.value);
        }
        Stmt::AugAssign(a) => {
            exprs.push(&a.target);
            exprs.push(&a.value);
        }
        Stmt::AnnAssign(a) => {
            exprs.push(&a.target);
            exprs.extend(a.value.as_deref());
        }
        Stmt::For(f) => {
            exprs.push(&f.target);
            exprs.push(&f.iter);
            stmts.extend(f.body.iter().chain(&f.orelse));
        }
        Stmt::While(w) => {
            exprs.push(&w.test);
            stmts.extend(w.body.iter().chain(&w.orelse));
        }
        Stmt::If(i) => {
            exprs.push(&i.test);
            stmts.extend(i.body.iter());
            for clause in &i.elif_else_clauses {
                exprs.extend(clause.test.as_ref());
                stmts.extend(clause.body.iter());
            }
        }
        Stmt::With(w) => {
            for item in &w.items {
                exprs.push(&item.context_expr);
                exprs.extend(item.optional_vars.as_deref());
            }
            stmts.extend(w.body.iter());
        }
        Stmt::Match(m) => {
            exprs.push(&m.subject);
            for case in &m.cases {
                exprs.extend(case.guard.as_deref());
                stmts.extend(case.body.iter());
            }
        }
        Stmt::Raise(r) => {
            exprs.extend(r.exc.as_deref());
            exprs.extend(r.cause.as_deref());
        }
        Stmt::Try(t) => {
            stmts.extend(t.body.iter().chain(&t.orelse).chain(&t.finalbody));
            for handler in &t.handlers {
                let ast::ExceptHandler::ExceptHandler(handler) = handler;
                exprs.extend(handler.type_.as_deref());
                stmts.extend(handler.body.iter());
            }
        }
        Stmt::Assert(a) => {
            exprs.push(&a.test);
            exprs.extend(a.msg.as_deref());
        }
        Stmt::Expr(e) => exprs.push(&e.value),
        Stmt::Import(_)
        | Stmt::ImportFrom(_)
        | Stmt::Global(_)
        | Stmt::Nonlocal(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_)
        | Stmt::IpyEscapeCommand(_) => {}
    }
}

/// The expressions directly inside `expr`.
pub(crate) fn push_children<'a>(expr: &'a Expr, out: &mut Vec<&'a Expr>) {
    match expr {
        Expr::BoolOp(e) => out.extend(e.values.iter()),
        Expr::Named(e) => {
            out.push(&e.target);
            out.push(&e.value);
        }
        Expr::BinOp(e) => {
            out.push(&e.left);
            out.push(&e.right);
        }
        Expr::UnaryOp(e) => out.push(&e.operand),
        Expr::Lambda(e) => {
            if let Some(parameters) = &e.parameters {
                for p in parameters.iter_non_variadic_params() {
                    out.extend(p.default.as_deref());
                }
            }
            out.push(&e.body);
        }
        Expr::If(e) => {
            out.push(&e.test);
            out.push(&e.body);
            out.push(&e.orelse);
        }
        Expr::Dict(e) => {
            for item in &e.items {
                out.extend(item.key.as_ref());
                out.push(&item.value);
            }
        }
        Expr::Set(e) => out.extend(e.elts.iter()),
        Expr::ListComp(e) => {
            out.push(&e.elt);
            push_generators(&e.generators, out);
        }
        Expr::SetComp(e) => {
            out.push(&e.elt);
            push_generators(&e.generators, out);
        }
        Expr::DictComp(e) => {
            out.extend(e.key.as_deref());
            out.push(&e.value);
            push_generators(&e.generators, out);
        }
        Expr::Generator(e) => {
            out.push(&e.elt);
            push_generators(&e.generators, out);
        }
        Expr::Await(e) => out.push(&e.value),
        Expr::Yield(e) => out.extend(e.value.as_deref()),
        Expr::YieldFrom(e) => out.push(&e.value),
        Expr::Compare(e) => {
            out.push(&e.left);
            out.extend(e.comparators.iter());
        }
        Expr::Call(e) => {
            out.push(&e.func);
            out.extend(e.arguments.args.iter());
            out.extend(e.arguments.keywords.iter().map(|k| &k.value));
        }
        Expr::FString(e) => {
            for part in e.value.as_slice() {
                if let ast::FStringPart::FString(f) = part {
                    push_interpolations(&f.elements, out);
                }
            }
        }
        Expr::TString(e) => {
            for part in e.value.as_slice() {
                push_interpolations(&part.elements, out);
            }
        }
        Expr::Attribute(e) => out.push(&e.value),
        Expr::Subscript(e) => {
            out.push(&e.value);
            out.push(&e.slice);
        }
        Expr::Starred(e) => out.push(&e.value),
        Expr::List(e) => out.extend(e.elts.iter()),
        Expr::Tuple(e) => out.extend(e.elts.iter()),
        Expr::Slice(e) => {
            out.extend(e.lower.as_deref());
            out.extend(e.upper.as_deref());
            out.extend(e.step.as_deref());
        }
        Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::NumberLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_)
        | Expr::EllipsisLiteral(_)
        | Expr::Name(_)
        | Expr::IpyEscapeCommand(_) => {}
    }
}

fn push_generators<'a>(generators: &'a [ast::Comprehension], out: &mut Vec<&'a Expr>) {
    for generator in generators {
        out.push(&generator.target);
        out.push(&generator.iter);
        out.extend(generator.ifs.iter());
    }
}

/// The interpolated expressions of an f- or t-string, format specs'
/// included. Format specs nest only as deep as the source does, and Python
/// allows two levels; deeper ones (which do not compile) are cut off.
fn push_interpolations<'a>(elements: &'a ast::InterpolatedStringElements, out: &mut Vec<&'a Expr>) {
    let mut pending: Vec<(&'a ast::InterpolatedStringElements, u8)> = vec![(elements, 0)];
    while let Some((elements, level)) = pending.pop() {
        for element in elements.iter() {
            if let ast::InterpolatedStringElement::Interpolation(i) = element {
                out.push(&i.expression);
                if let Some(spec) = &i.format_spec
                    && level < 4
                {
                    pending.push((&spec.elements, level + 1));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_expressions_but_not_nested_scopes() {
        let parsed = ruff_python_parser::parse_module(
            "if a:\n    x = f(b.c, [d for d in e])\ndef g(p=h):\n    inner\n",
        )
        .unwrap();
        let mut names: Vec<String> = exprs_in(&parsed.syntax().body)
            .filter_map(|e| e.as_name_expr().map(|n| n.id.to_string()))
            .collect();
        names.sort();
        assert_eq!(names, vec!["a", "b", "d", "d", "e", "f", "h", "x"]);
    }

    #[test]
    fn deep_nesting_needs_no_stack() {
        let depth = 20_000;
        let source = format!("x = {}1{}\n", "f(".repeat(depth), ")".repeat(depth));
        // Parsing needs a deep stack (Ruff's parser grows its own); walking
        // the result must not.
        let parsed = std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn(move || ruff_python_parser::parse_module(&source).unwrap())
            .unwrap()
            .join()
            .unwrap();
        let count = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(64 << 10)
                .spawn_scoped(scope, || exprs_in(&parsed.syntax().body).count())
                .unwrap()
                .join()
                .unwrap()
        });
        assert_eq!(count, 2 * depth + 2);
        // The AST's own drop recurses: leak it rather than need a deep stack.
        std::mem::forget(parsed);
    }
}
