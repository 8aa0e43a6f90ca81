use ruff_python_ast::{self as ast, Expr, ExprCall, Operator, Stmt};
use ruff_text_size::{Ranged, TextSize};

use crate::checker::{Checker, Issue};
use crate::semantic::MAX_DEPTH;
use crate::taint::SinkClass;

crate::declare_rule! {
    /// ## What it does
    /// Flags Django's `mark_safe` (and `SafeText`, `SafeUnicode`,
    /// `SafeString`, `SafeBytes`) applied to anything that is not built
    /// only from string constants, in files that import
    /// `django.utils.safestring`.
    ///
    /// ## Why is this bad?
    /// `mark_safe` tells the template engine not to escape the value. If
    /// any part of it comes from a user, it can carry HTML and scripts into
    /// the page (cross-site scripting).
    ///
    /// Like Bandit, the check follows a variable back through its
    /// assignments in the same function (or module), `.format()` calls and
    /// `%` formatting, and accepts the value when every piece is a string
    /// constant; a parameter of the function is never accepted.
    ///
    /// ## Example
    /// ```python
    /// mark_safe(f"<a href='{url}'>{title}</a>")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// from django.utils.html import format_html
    /// format_html("<a href='{}'>{}</a>", url, title)
    /// ```
    ///
    /// ## Profiles
    /// In the default `precise` profile the check asks the data-flow analysis
    /// where the text comes from: when only constants or sanitised values reach
    /// it (`html.escape`, `markupsafe.escape`, Django's `escape`, numeric
    /// conversion, allow-list checks) it is not reported; when untrusted data
    /// does (request data, or a source declared in `[code.taint]`) it is
    /// reported with high confidence and the path from the source; when that is
    /// not known (a parameter of a function, the result of a library call) it
    /// is reported as Bandit reports it. The `bandit` profile (`profile =
    /// "bandit"`) reports exactly what Bandit does.
    ///
    /// ## References
    /// - Bandit: B703 `django_mark_safe`
    /// - CWE-80
    pub(crate) static DJANGO_MARK_SAFE = Rule {
        code: "B703",
        name: "django_mark_safe",
        severity: Medium,
        confidence: High,
        message: "Potential XSS on mark_safe function.",
        cwe: "CWE-80",
        check: Call(django_mark_safe),
    };
}

const AFFECTED: &[&str] = &[
    "mark_safe",
    "SafeText",
    "SafeUnicode",
    "SafeString",
    "SafeBytes",
];

/// Bandit's plugin raises (and so reports nothing for the call) on some
/// inputs; this marks that.
struct Crash;

type Outcome<T> = Result<T, Crash>;

/// Where a variable is looked up: Bandit's `parent`, the innermost plain
/// `def` around the call, or the module.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Module(&'a [Stmt]),
    Function(&'a ast::StmtFunctionDef),
}

impl<'a> Scope<'a> {
    fn body(self) -> &'a [Stmt] {
        match self {
            Scope::Module(body) => body,
            Scope::Function(function) => &function.body,
        }
    }

    /// Python's `args.args`: the plain positional parameters.
    fn is_parameter(self, name: &str) -> bool {
        match self {
            Scope::Module(_) => false,
            Scope::Function(function) => function
                .parameters
                .args
                .iter()
                .any(|p| p.parameter.name.as_str() == name),
        }
    }
}

/// What `DeepAssignation.is_assigned` returns.
enum Assigned<'a> {
    Nothing,
    /// The assigned value (or a `with` statement binding the name).
    One(Item<'a>),
    Many(Vec<Item<'a>>),
}

#[derive(Clone, Copy)]
enum Item<'a> {
    Value(&'a Expr),
    With,
}

struct Evaluator<'a, 'c, 'x> {
    checker: &'c Checker<'x>,
    scope: Scope<'a>,
    /// Variable look-ups left: branches of assignments can make the
    /// search exponential on contrived code, where pyward gives up (and
    /// reports nothing, as when Bandit's plugin fails).
    budget: std::cell::Cell<u32>,
}

impl<'a> Evaluator<'a, '_, '_> {
    fn line(&self, offset: TextSize) -> usize {
        self.checker.line_of(offset) as usize
    }

    /// Python's `lineno` of a statement: the `def`/`class` line, not a
    /// decorator's.
    fn stmt_line(&self, stmt: &Stmt) -> usize {
        match stmt {
            Stmt::FunctionDef(f) => self.line(f.name.start()),
            Stmt::ClassDef(c) => self.line(c.name.start()),
            other => self.line(other.start()),
        }
    }

    fn assigned_in(
        &self,
        stmts: &'a [Stmt],
        name: &str,
        out: &mut Vec<Item<'a>>,
        depth: usize,
    ) -> Outcome<()> {
        for stmt in stmts {
            match self.assigned(stmt, name, depth)? {
                Assigned::Nothing => {}
                Assigned::One(item) => out.push(item),
                Assigned::Many(items) => out.extend(items),
            }
        }
        Ok(())
    }

    fn many(&self, parts: &[&'a [Stmt]], name: &str, depth: usize) -> Outcome<Assigned<'a>> {
        let mut out = Vec::new();
        for part in parts {
            self.assigned_in(part, name, &mut out, depth + 1)?;
        }
        Ok(Assigned::Many(out))
    }

    /// `DeepAssignation.is_assigned`. Statements nested deeper than
    /// [`MAX_DEPTH`] end the search as Bandit's recursion limit would.
    fn assigned(&self, stmt: &'a Stmt, name: &str, depth: usize) -> Outcome<Assigned<'a>> {
        if depth > MAX_DEPTH {
            return Err(Crash);
        }
        Ok(match stmt {
            Stmt::FunctionDef(function) if !function.is_async => {
                self.many(&[&function.body], name, depth)?
            }
            Stmt::With(with) if !with.is_async => {
                let mut result = Assigned::Nothing;
                for item in &with.items {
                    let binds = matches!(item.optional_vars.as_deref(), Some(Expr::Name(n)) if n.id.as_str() == name);
                    result = if binds {
                        Assigned::One(Item::With)
                    } else {
                        self.many(&[&with.body], name, depth)?
                    };
                }
                result
            }
            Stmt::Try(try_) if !try_.is_star => {
                let mut out = Vec::new();
                self.assigned_in(&try_.body, name, &mut out, depth + 1)?;
                for handler in &try_.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    self.assigned_in(&handler.body, name, &mut out, depth + 1)?;
                }
                self.assigned_in(&try_.orelse, name, &mut out, depth + 1)?;
                self.assigned_in(&try_.finalbody, name, &mut out, depth + 1)?;
                Assigned::Many(out)
            }
            Stmt::If(if_) => {
                // Python's `orelse` of an `if` is its `elif`/`else` chain.
                let mut out = Vec::new();
                self.assigned_in(&if_.body, name, &mut out, depth + 1)?;
                for clause in &if_.elif_else_clauses {
                    self.assigned_in(&clause.body, name, &mut out, depth + 1)?;
                }
                Assigned::Many(out)
            }
            Stmt::For(for_) if !for_.is_async => self.many(&[&for_.body, &for_.orelse], name, depth)?,
            Stmt::While(while_) => self.many(&[&while_.body, &while_.orelse], name, depth)?,
            Stmt::AugAssign(aug) => match &*aug.target {
                Expr::Name(target) if target.id.as_str() == name => {
                    Assigned::One(Item::Value(&aug.value))
                }
                _ => Assigned::Nothing,
            },
            Stmt::Assign(assign) => match (assign.targets.first(), &*assign.value) {
                (Some(Expr::Name(target)), value) if target.id.as_str() == name => {
                    Assigned::One(Item::Value(value))
                }
                (Some(Expr::Tuple(targets)), Expr::Tuple(values)) => {
                    let mut result = Assigned::Nothing;
                    for (position, target) in targets.elts.iter().enumerate() {
                        // Bandit reads `.id` of every target: anything but a
                        // name makes it fail.
                        let Expr::Name(target) = target else {
                            return Err(Crash);
                        };
                        if target.id.as_str() == name {
                            let value = values.elts.get(position).ok_or(Crash)?;
                            result = Assigned::One(Item::Value(value));
                            break;
                        }
                    }
                    result
                }
                _ => Assigned::Nothing,
            },
            _ => Assigned::Nothing,
        })
    }

    /// `evaluate_var`: whether every assignment to `name` before line
    /// `until` is made of string constants.
    fn variable(&self, name: &str, until: usize, depth: usize) -> Outcome<bool> {
        // Bandit would hit Python's recursion limit; give up the same way.
        if depth > 200 || self.budget.get() == 0 {
            return Err(Crash);
        }
        self.budget.set(self.budget.get() - 1);
        if self.scope.is_parameter(name) {
            return Ok(false);
        }
        let mut secure = false;
        for stmt in self.scope.body() {
            if self.stmt_line(stmt) >= until {
                break;
            }
            match self.assigned(stmt, name, 0)? {
                Assigned::Nothing => {}
                Assigned::Many(items) if items.is_empty() => {}
                Assigned::One(Item::Value(value)) => match value {
                    Expr::StringLiteral(_) => secure = true,
                    Expr::Name(other) => {
                        secure =
                            self.variable(other.id.as_str(), self.line(other.start()), depth + 1)?;
                    }
                    Expr::Call(call) => secure = self.call(call, depth + 1)?,
                    _ => {
                        secure = false;
                        break;
                    }
                },
                Assigned::One(Item::With) => {
                    secure = false;
                    break;
                }
                Assigned::Many(items) => {
                    let mut count = 0;
                    for item in &items {
                        match item {
                            Item::Value(Expr::StringLiteral(_)) => count += 1,
                            Item::Value(Expr::Name(other)) => {
                                if self.variable(
                                    other.id.as_str(),
                                    self.stmt_line(stmt),
                                    depth + 1,
                                )? {
                                    count += 1;
                                } else {
                                    break;
                                }
                            }
                            _ => break,
                        }
                    }
                    secure = count == items.len();
                    if !secure {
                        break;
                    }
                }
            }
        }
        Ok(secure)
    }

    /// `evaluate_call`: `"...".format(...)` whose arguments are all
    /// secure.
    fn call(&self, call: &'a ExprCall, depth: usize) -> Outcome<bool> {
        let Expr::Attribute(attribute) = &*call.func else {
            return Ok(false);
        };
        if attribute.attr.as_str() != "format"
            || !is_constant(&attribute.value)
            || !call.arguments.keywords.is_empty()
        {
            return Ok(false);
        }
        let line = self.line(call.start());
        self.format_arguments(call.arguments.args.iter().collect(), line, depth)
    }

    fn format_arguments(
        &self,
        mut args: Vec<&'a Expr>,
        line: usize,
        depth: usize,
    ) -> Outcome<bool> {
        let mut count = 0;
        let mut index = 0;
        while let Some(&arg) = args.get(index) {
            index += 1;
            match arg {
                Expr::StringLiteral(_) => count += 1,
                Expr::Name(name) => {
                    if self.variable(name.id.as_str(), line, depth + 1)? {
                        count += 1;
                    } else {
                        break;
                    }
                }
                Expr::Call(inner) => {
                    if self.call(inner, depth + 1)? {
                        count += 1;
                    } else {
                        break;
                    }
                }
                Expr::Starred(starred) => match &*starred.value {
                    Expr::List(list) => {
                        args.extend(list.elts.iter());
                        count += 1;
                    }
                    Expr::Tuple(tuple) => {
                        args.extend(tuple.elts.iter());
                        count += 1;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        Ok(count == args.len())
    }

    /// `check_risk`: whether the first argument is built only from string
    /// constants.
    fn is_secure(&self, call: &'a ExprCall, argument: &'a Expr) -> Outcome<bool> {
        match argument {
            Expr::Name(name) => {
                if self.scope.is_parameter(name.id.as_str()) {
                    return Ok(false);
                }
                self.variable(name.id.as_str(), self.line(call.start()), 0)
            }
            Expr::Call(inner) => self.call(inner, 0),
            Expr::BinOp(binop)
                if binop.op == Operator::Mod && matches!(&*binop.left, Expr::StringLiteral(_)) =>
            {
                // Bandit rewrites `"..." % x` as `"...".format(x)`.
                let args = match &*binop.right {
                    Expr::Tuple(tuple) => tuple.elts.iter().collect(),
                    other => vec![other],
                };
                self.format_arguments(args, self.line(binop.start()), 0)
            }
            _ => Ok(false),
        }
    }
}

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

fn django_mark_safe(checker: &mut Checker<'_>, call: &ExprCall) {
    // Cheapest first: the callee's name (through its import, for a plain
    // name: `from x import mark_safe as ms`), then the argument, then the
    // import of `safestring`.
    let affected = match &*call.func {
        Expr::Attribute(attribute) => AFFECTED.contains(&attribute.attr.as_str()),
        Expr::Name(name) => {
            let local = name.id.as_str();
            match checker.call_qualified_name(call) {
                Some(q) if q.is_imported() => AFFECTED.contains(&q.last()),
                _ => AFFECTED.contains(&local),
            }
        }
        _ => false,
    };
    if !affected {
        return;
    }
    let Some(first) = call.arguments.args.first() else {
        return;
    };
    if matches!(first, Expr::StringLiteral(_))
        || !checker.is_module_imported_like("django.utils.safestring")
    {
        return;
    }
    // Bandit's `parent`: the innermost plain `def` around the call (an
    // `async def` is not one), else the module.
    let scope = checker
        .stmt_ancestors()
        .find_map(|stmt| match stmt {
            Stmt::FunctionDef(function) if !function.is_async => Some(Scope::Function(function)),
            _ => None,
        })
        .or_else(|| checker.module().map(|m| Scope::Module(&m.body)));
    let Some(scope) = scope else {
        return;
    };
    let insecure = {
        let evaluator = Evaluator {
            checker,
            scope,
            budget: std::cell::Cell::new(10_000),
        };
        matches!(evaluator.is_secure(call, first), Ok(false))
    };
    if insecure {
        checker.report_issue(
            Issue::new(&DJANGO_MARK_SAFE, call.range()).data(SinkClass::Xss, [first]),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::Settings;

    fn lines(source: &str) -> Vec<u32> {
        let settings = Settings::for_rules(&["B703"]).with_profile(crate::Profile::Bandit);
        crate::check_source("views.py", source, &settings)
            .unwrap()
            .iter()
            .map(|f| f.location.as_ref().unwrap().line)
            .collect()
    }

    #[test]
    fn needs_the_import_before_the_call() {
        let source = "mark_safe(x)\nfrom django.utils.safestring import mark_safe\nmark_safe(y)\n";
        assert_eq!(lines(source), vec![3]);
    }

    #[test]
    fn follows_constants_and_rejects_parameters() {
        let import = "from django.utils.safestring import mark_safe\n";
        assert!(
            lines(&format!(
                "{import}def f():\n    a = 'x'\n    b = a\n    mark_safe(b)\n"
            ))
            .is_empty()
        );
        assert_eq!(
            lines(&format!("{import}def f(a):\n    mark_safe(a)\n")),
            vec![3]
        );
    }

    #[test]
    fn bandit_fails_on_starred_targets_and_reports_nothing() {
        let source = "from django.utils.safestring import mark_safe\ndef f():\n    a, *b = 'x', 'y'\n    mark_safe(a)\n";
        assert!(lines(source).is_empty());
    }

    #[test]
    fn long_chains_end() {
        let mut source = String::from("from django.utils.safestring import mark_safe\ndef f(c):\n");
        for i in 0..300 {
            source.push_str(&format!(
                "    if c:\n        v{i} = v{}\n    else:\n        v{i} = v{}\n",
                i + 1,
                i + 1
            ));
        }
        source.push_str("    mark_safe(v0)\n");
        // Bandit gives up (recursion limit) and so does pyward.
        assert!(lines(&source).len() <= 1);
    }
}
