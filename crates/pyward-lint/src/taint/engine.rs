//! The analysis of one scope (a function's body, a class body or the
//! module's): abstract interpretation over its control-flow graph, where
//! each variable holds a [`Value`] (labels, a constant when known, what
//! kind of object it is).
//!
//! Expressions are evaluated by recursion with a depth limit: past
//! [`MAX_EXPR_DEPTH`] a sub-expression is "unknown", so that an expression
//! nested a hundred thousand deep costs no stack (and is reported as
//! Bandit would report it, never dropped).

use std::collections::HashMap;

use ruff_python_ast::{self as ast, BoolOp, CmpOp, Expr, Operator, Stmt, UnaryOp};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::facts::{CallSite, SourceKind};
use super::file::FileAnalysis;
use super::label::{ClassSet, Origin, SinkClass, Taint};
use super::models::{self, MethodModel, Model};
use super::value::{Field, HOST_FIXED, Kind, NORMALISED, Place, State, Value};
use crate::semantic::cfg::{BlockId, Cond, Elem};
use crate::semantic::constant::Const;
use crate::semantic::dataflow::Analysis;
use crate::semantic::scope::{self, Scope, ScopeKind};

/// Deeper sub-expressions are not evaluated (their value is unknown).
pub(crate) const MAX_EXPR_DEPTH: u32 = 150;

/// Names Python provides without an import; as values they carry nothing.
const BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "ascii",
    "bin",
    "bool",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "complex",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "hasattr",
    "hash",
    "hex",
    "id",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "map",
    "max",
    "min",
    "next",
    "object",
    "oct",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "Exception",
    "ValueError",
    "TypeError",
    "KeyError",
    "NotImplemented",
    "__name__",
    "__file__",
];

/// What a call calls.
enum Callee<'a> {
    /// A dotted name: an import, a builtin, or a name taken as written.
    Name(String),
    /// A function of this file; `receiver` is passed as its first argument
    /// (`self.method(...)`).
    Local {
        start: TextSize,
        receiver: Option<Value>,
    },
    /// A method of a value.
    Method {
        receiver: Value,
        receiver_expr: &'a Expr,
        name: &'a str,
    },
    /// Anything else (`f()()`, `handlers[name]()`).
    Computed(Value),
}

/// The analysis of one scope.
pub(crate) struct Engine<'f, 'i, 'a> {
    pub(crate) file: &'f mut FileAnalysis<'i, 'a>,
    pub(crate) scope: Scope<'a>,
    /// The class a method is defined in (for `self.other()`).
    pub(crate) class: Option<&'a ast::StmtClassDef>,
    /// The name of a method's first parameter.
    pub(crate) self_name: Option<&'a str>,
    /// What the return statements return.
    pub(crate) returns: Taint,
    /// Call sites (file table ids) whose arguments carry something.
    pub(crate) calls: Vec<u32>,
    /// Call site ids by call position, so that a loop re-evaluating a call
    /// updates one site.
    sites: HashMap<TextSize, u32>,
    /// Wanted expressions this scope recorded (undone if it gives up).
    pub(crate) touched: Vec<TextRange>,
}

impl<'f, 'i, 'a> Engine<'f, 'i, 'a> {
    pub(crate) fn new(
        file: &'f mut FileAnalysis<'i, 'a>,
        scope: Scope<'a>,
        class: Option<&'a ast::StmtClassDef>,
    ) -> Self {
        let self_name = match (scope.kind, class) {
            (ScopeKind::Function(f), Some(_)) if !is_static(f) => scope::parameters(&f.parameters)
                .next()
                .map(|p| p.name.as_str()),
            _ => None,
        };
        Engine {
            file,
            scope,
            class,
            self_name,
            returns: Taint::clean(),
            calls: Vec::new(),
            sites: HashMap::new(),
            touched: Vec::new(),
        }
    }

    /// The state on entry: parameters hold `Param` labels, or request
    /// data for request handlers.
    pub(crate) fn entry_state(&mut self) -> State<'a> {
        let mut state = State::default();
        let ScopeKind::Function(function) = self.scope.kind else {
            return state;
        };
        let route = self.file.is_route(function);
        let django_view = self.file.imports_django();
        let params: Vec<&'a ast::Parameter> = scope::parameters(&function.parameters).collect();
        let request_at = params.iter().position(|p| is_request_parameter(p));
        for (index, parameter) in params.iter().enumerate() {
            let name = parameter.name.as_str();
            let position = u32::try_from(index).unwrap_or(u32::MAX);
            let default = default_of(function, parameter);
            let mut value = Value::tainted(Taint::of(Origin::Param(position)));
            if Some(index) == request_at {
                value.kind = Kind::Request;
            } else if Some(name) == self.self_name {
                // `self`: what the object holds is not known here.
            } else if route && !is_injected(parameter, default) {
                let message = format!("request parameter `{name}`");
                value = self.source_at(parameter.range, message, SourceKind::Request);
            } else if django_view
                && request_at.is_some_and(|r| index > r)
                && parameter.annotation.is_none()
                && !name.starts_with('_')
            {
                let message = format!("URL parameter `{name}`");
                value = self.source_at(parameter.range, message, SourceKind::Request);
            }
            state.set(Place::whole(name), value);
        }
        state
    }

    /// A value that is untrusted input first seen at `range`.
    fn source_at(&mut self, range: TextRange, message: String, kind: SourceKind) -> Value {
        let id = self.file.source_id(range, message, kind);
        Value::tainted(Taint::of(Origin::Source(id)))
    }

    fn record(&mut self, expr: &Expr, value: &Value) {
        if self.file.wanted.is_empty() {
            return;
        }
        if let Some(slot) = self.file.wanted.slot(expr.range()) {
            *slot = Some(value.clone());
            self.touched.push(expr.range());
        }
    }

    // ---- names -------------------------------------------------------

    fn lookup(&mut self, name: &'a str, state: &State<'a>) -> Value {
        if let Some(value) = state.get(Place::whole(name)) {
            return value.clone();
        }
        if self.scope.is_local(name) {
            // Unbound on every path that gets here.
            return Value::clean();
        }
        self.file.global_value(name)
    }

    /// The dotted name an expression refers to through imports
    /// (`sp.Popen` -> `subprocess.Popen`), when its head is an import.
    fn qualified(&self, expr: &'a Expr) -> Option<String> {
        let mut parts: Vec<&str> = Vec::new();
        let mut current = expr;
        loop {
            match current {
                Expr::Attribute(attribute) => {
                    parts.push(attribute.attr.as_str());
                    current = &attribute.value;
                }
                Expr::Name(name) => {
                    let head = name.id.as_str();
                    let target = match self.scope.binding(head) {
                        Some(binding) => binding.import()?.clone(),
                        None if self.scope.is_local(head) => return None,
                        None => self.file.module_import(head)?,
                    };
                    if !parts.is_empty() && models::REQUEST_OBJECTS.contains(&&*target) {
                        // `request.args`: an attribute of the request object.
                        return None;
                    }
                    let mut dotted = target.to_string();
                    for part in parts.iter().rev() {
                        dotted.push('.');
                        dotted.push_str(part);
                    }
                    return Some(dotted);
                }
                _ => return None,
            }
            if parts.len() > 16 {
                return None;
            }
        }
    }

    fn place_of(expr: &'a Expr) -> Option<Place<'a>> {
        match expr {
            Expr::Name(name) => Some(Place::whole(name.id.as_str())),
            Expr::Attribute(attribute) => match &*attribute.value {
                Expr::Name(name) => Some(Place {
                    name: name.id.as_str(),
                    field: Field::Attr(attribute.attr.as_str()),
                }),
                _ => None,
            },
            Expr::Subscript(subscript) => match (&*subscript.value, key_of(&subscript.slice)) {
                (Expr::Name(name), Some(field)) => Some(Place {
                    name: name.id.as_str(),
                    field,
                }),
                _ => None,
            },
            _ => None,
        }
    }

    // ---- expressions -------------------------------------------------

    pub(crate) fn eval(&mut self, expr: &'a Expr, state: &mut State<'a>, depth: u32) -> Value {
        if depth > MAX_EXPR_DEPTH {
            return Value::unknown();
        }
        let d = depth + 1;
        let value = match expr {
            Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_) => Value::constant(Const::of_literal(expr)),
            Expr::Name(name) => self.lookup(name.id.as_str(), state),
            Expr::Attribute(attribute) => self.attribute(expr, attribute, state, d),
            Expr::Subscript(subscript) => self.subscript(subscript, state, d),
            Expr::Call(call) => self.call(call, state, d),
            Expr::BinOp(binop) => {
                let left = self.eval(&binop.left, state, d);
                let right = self.eval(&binop.right, state, d);
                binop_value(binop.op, &left, &right)
            }
            Expr::UnaryOp(unary) => {
                let operand = self.eval(&unary.operand, state, d);
                let constant = operand
                    .constant
                    .as_ref()
                    .and_then(|c| Const::unary(unary.op, c));
                match unary.op {
                    // `not x` is a boolean, `-x` a number: nothing to inject.
                    UnaryOp::Not | UnaryOp::USub | UnaryOp::UAdd | UnaryOp::Invert => {
                        Value::constant(constant)
                    }
                }
            }
            Expr::BoolOp(boolop) => {
                let mut out: Option<Value> = None;
                for operand in &boolop.values {
                    let value = self.eval(operand, state, d);
                    // `a or b` is `a` when `a` is known true, `a and b` is
                    // `a` when it is known false.
                    let decided = value.constant.as_ref().map(Const::truthy);
                    let stop = match boolop.op {
                        BoolOp::Or => decided == Some(true),
                        BoolOp::And => decided == Some(false),
                    };
                    let skip = match boolop.op {
                        BoolOp::Or => decided == Some(false),
                        BoolOp::And => decided == Some(true),
                    };
                    if !skip || out.is_none() {
                        match &mut out {
                            Some(acc) if !skip => {
                                acc.join(&value);
                            }
                            _ => out = Some(value),
                        }
                    }
                    if stop {
                        break;
                    }
                }
                out.unwrap_or_default()
            }
            Expr::Compare(compare) => {
                let mut left = self.eval(&compare.left, state, d);
                let mut result = Some(true);
                for (op, comparator) in compare.ops.iter().zip(compare.comparators.iter()) {
                    let right = self.eval(comparator, state, d);
                    let step = match (&left.constant, &right.constant) {
                        (Some(a), Some(b)) => Const::compare(*op, a, b),
                        _ => None,
                    };
                    result = match (result, step) {
                        (Some(false), _) => Some(false),
                        (Some(true), step) => step,
                        (None, Some(false)) => Some(false),
                        (None, _) => None,
                    };
                    left = right;
                }
                Value::constant(result.map(Const::Bool))
            }
            Expr::If(if_) => {
                let test = self.eval(&if_.test, state, d);
                match test.constant.as_ref().map(Const::truthy) {
                    Some(true) => self.eval(&if_.body, state, d),
                    Some(false) => self.eval(&if_.orelse, state, d),
                    None => {
                        let mut yes = state.clone();
                        self.assume(&if_.test, true, &mut yes, d);
                        let mut body = self.eval(&if_.body, &mut yes, d);
                        let mut no = state.clone();
                        self.assume(&if_.test, false, &mut no, d);
                        let orelse = self.eval(&if_.orelse, &mut no, d);
                        body.join(&orelse);
                        body
                    }
                }
            }
            Expr::FString(fstring) => {
                let mut taint = Taint::clean();
                let mut first = true;
                let mut flags = 0;
                for part in fstring.value.as_slice() {
                    match part {
                        ast::FStringPart::Literal(literal) => {
                            if first && fixes_host(&literal.value) {
                                flags = HOST_FIXED;
                            }
                        }
                        ast::FStringPart::FString(f) => {
                            for element in f.elements.iter() {
                                match element {
                                    ast::InterpolatedStringElement::Literal(literal) => {
                                        if first && fixes_host(&literal.value) {
                                            flags = HOST_FIXED;
                                        }
                                    }
                                    ast::InterpolatedStringElement::Interpolation(i) => {
                                        let value = self.eval(&i.expression, state, d);
                                        taint.join(&value.taint);
                                    }
                                }
                                first = false;
                            }
                        }
                    }
                    first = false;
                }
                Value {
                    taint,
                    flags,
                    ..Value::default()
                }
            }
            Expr::TString(tstring) => {
                let mut taint = Taint::clean();
                for element in tstring.value.elements() {
                    if let ast::InterpolatedStringElement::Interpolation(i) = element {
                        taint.join(&self.eval(&i.expression, state, d).taint);
                    }
                }
                Value::tainted(taint)
            }
            Expr::Dict(dict) => {
                let mut taint = Taint::clean();
                for item in &dict.items {
                    if let Some(key) = &item.key {
                        taint.join(&self.eval(key, state, d).taint);
                    }
                    taint.join(&self.eval(&item.value, state, d).taint);
                }
                Value::tainted(taint)
            }
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let mut taint = Taint::clean();
                for elt in elts {
                    taint.join(&self.eval(elt, state, d).taint);
                }
                Value::tainted(taint)
            }
            Expr::ListComp(comp) => self.comprehension(&comp.generators, &[&comp.elt], state, d),
            Expr::SetComp(comp) => self.comprehension(&comp.generators, &[&comp.elt], state, d),
            Expr::Generator(comp) => self.comprehension(&comp.generators, &[&comp.elt], state, d),
            Expr::DictComp(comp) => {
                let mut parts: Vec<&'a Expr> = vec![&comp.value];
                parts.extend(comp.key.as_deref());
                self.comprehension(&comp.generators, &parts, state, d)
            }
            Expr::Lambda(lambda) => {
                // Evaluated with unknown parameters so that what it contains
                // is seen; as a value it is a function, nothing to inject.
                let mut inner = state.clone();
                if let Some(parameters) = &lambda.parameters {
                    for p in parameters.iter_non_variadic_params() {
                        if let Some(default) = &p.default {
                            self.eval(default, state, d);
                        }
                    }
                    for p in scope::parameters(parameters) {
                        inner.set(Place::whole(p.name.as_str()), Value::unknown());
                    }
                }
                self.eval(&lambda.body, &mut inner, d);
                Value::clean()
            }
            Expr::Await(await_) => self.eval(&await_.value, state, d),
            Expr::Yield(yield_) => {
                if let Some(value) = &yield_.value {
                    let value = self.eval(value, state, d);
                    self.returns.join(&value.taint);
                }
                Value::unknown()
            }
            Expr::YieldFrom(yield_) => {
                let value = self.eval(&yield_.value, state, d);
                self.returns.join(&value.taint);
                Value::unknown()
            }
            Expr::Named(named) => {
                let value = self.eval(&named.value, state, d);
                self.assign(&named.target, value.clone(), state, d);
                value
            }
            Expr::Starred(starred) => self.eval(&starred.value, state, d).data(),
            Expr::Slice(slice) => {
                let mut taint = Taint::clean();
                for part in [&slice.lower, &slice.upper, &slice.step]
                    .into_iter()
                    .flatten()
                {
                    taint.join(&self.eval(part, state, d).taint);
                }
                Value::tainted(taint)
            }
            Expr::IpyEscapeCommand(_) => Value::unknown(),
        };
        self.record(expr, &value);
        value
    }

    fn comprehension(
        &mut self,
        generators: &'a [ast::Comprehension],
        parts: &[&'a Expr],
        state: &mut State<'a>,
        d: u32,
    ) -> Value {
        let mut inner = state.clone();
        for generator in generators {
            let iter = self.eval(&generator.iter, &mut inner, d);
            self.assign(&generator.target, iter.data(), &mut inner, d);
            for test in &generator.ifs {
                self.eval(test, &mut inner, d);
                self.assume(test, true, &mut inner, d);
            }
        }
        let mut taint = Taint::clean();
        for part in parts {
            taint.join(&self.eval(part, &mut inner, d).taint);
        }
        Value::tainted(taint)
    }

    fn attribute(
        &mut self,
        expr: &'a Expr,
        attribute: &'a ast::ExprAttribute,
        state: &mut State<'a>,
        d: u32,
    ) -> Value {
        if let Some(dotted) = self.qualified(expr) {
            return self.file.named_value(&dotted, expr.range());
        }
        let base = self.eval(&attribute.value, state, d);
        let attr = attribute.attr.as_str();
        if base.kind == Kind::Request {
            if let Some((_, what)) = models::REQUEST_ATTRIBUTES.iter().find(|(a, _)| *a == attr) {
                let message = format!("{what}s (`{}`)", self.file.text(expr.range()));
                return self.source_at(expr.range(), message, SourceKind::Request);
            }
            return Value::unknown();
        }
        if let Some(place) = Self::place_of(expr)
            && let Some(value) = state.get(place)
        {
            return value.clone();
        }
        let mut value = base.data();
        if attr == "name" && base.has(NORMALISED) {
            // `Path(...).name` is the last component, as `basename`.
            value.taint.sanitise(ClassSet::of(&[SinkClass::Path]));
        }
        value
    }

    fn subscript(
        &mut self,
        subscript: &'a ast::ExprSubscript,
        state: &mut State<'a>,
        d: u32,
    ) -> Value {
        // `request.args["name"]`, `os.environ["HOME"]`: a source named by
        // its key.
        if let Some(key) = string_key(&subscript.slice)
            && let Some(value) = self.keyed_source(&subscript.value, key, subscript.range, state, d)
        {
            return value;
        }
        let base = self.eval(&subscript.value, state, d);
        let key = self.eval(&subscript.slice, state, d);
        if let Expr::Name(name) = &*subscript.value
            && let Some(field) = key_of(&subscript.slice)
            && let Some(value) = state.get(Place {
                name: name.id.as_str(),
                field,
            })
        {
            return value.clone();
        }
        // A constant table indexed by untrusted data yields the table's
        // values: the key's taint does not pass.
        let _ = key;
        let mut value = base.data();
        if let (Some(Const::Str(s)), Some(Const::Int(i))) =
            (&base.constant, &key_const(&subscript.slice))
        {
            let index = usize::try_from(*i).ok();
            value.constant = index
                .and_then(|i| s.chars().nth(i))
                .map(|c| Const::Str(c.to_string().into()));
        }
        value
    }

    /// `X[key]` or `X.get(key)` where `X` is a request attribute or the
    /// environment: a source that names its key.
    fn keyed_source(
        &mut self,
        container: &'a Expr,
        key: &str,
        range: TextRange,
        state: &mut State<'a>,
        d: u32,
    ) -> Option<Value> {
        let Expr::Attribute(attribute) = container else {
            return None;
        };
        if let Some(dotted) = self.qualified(container) {
            if matches!(models::function(&dotted), Some(Model::LocalSource(_))) {
                let what = format!("environment variable `{key}`");
                return Some(self.file.local_source(range, &what));
            }
            if !models::REQUEST_OBJECTS
                .iter()
                .any(|r| dotted.starts_with(r))
            {
                return None;
            }
        }
        let (_, what) = models::REQUEST_ATTRIBUTES
            .iter()
            .find(|(a, _)| *a == attribute.attr.as_str())?;
        let base = self.eval(&attribute.value, state, d);
        if base.kind != Kind::Request {
            return None;
        }
        let message = format!("{what} `{key}`");
        Some(self.source_at(range, message, SourceKind::Request))
    }

    // ---- calls -------------------------------------------------------

    fn callee(&mut self, func: &'a Expr, state: &mut State<'a>, d: u32) -> Callee<'a> {
        match func {
            Expr::Name(name) => {
                let id = name.id.as_str();
                if let Some(value) = state.get(Place::whole(id)) {
                    return match value.kind {
                        Kind::Function(start) => Callee::Local {
                            start,
                            receiver: None,
                        },
                        _ => Callee::Computed(value.clone()),
                    };
                }
                if let Some(binding) = self.scope.binding(id) {
                    if let Some(target) = binding.import() {
                        return Callee::Name(target.to_string());
                    }
                    if let Some(function) = binding.function() {
                        return Callee::Local {
                            start: function.range.start(),
                            receiver: None,
                        };
                    }
                    return Callee::Computed(Value::unknown());
                }
                match self.file.module_scope.binding(id) {
                    Some(binding) => {
                        if let Some(target) = binding.import() {
                            Callee::Name(target.to_string())
                        } else if let Some(function) = binding.function() {
                            Callee::Local {
                                start: function.range.start(),
                                receiver: None,
                            }
                        } else if binding.class().is_some() {
                            // Constructing a class of this module.
                            Callee::Computed(Value::unknown())
                        } else {
                            Callee::Computed(self.file.global_value(id))
                        }
                    }
                    // A builtin, or a name taken as written.
                    None => Callee::Name(id.to_string()),
                }
            }
            Expr::Attribute(attribute) => {
                let name = attribute.attr.as_str();
                if let Expr::Name(receiver) = &*attribute.value {
                    let receiver_name = receiver.id.as_str();
                    // `self.helper()` in a method: the class's own method.
                    if Some(receiver_name) == self.self_name
                        && let Some(class) = self.class
                        && let Some(start) = method_of(class, name)
                    {
                        let receiver = self.eval(&attribute.value, state, d);
                        return Callee::Local {
                            start,
                            receiver: Some(receiver),
                        };
                    }
                    // `Helper.build()`, a class of this module.
                    if !self.scope.is_local(receiver_name)
                        && let Some(class) = self.file.module_class(receiver_name)
                        && let Some(start) = method_of(class, name)
                    {
                        return Callee::Local {
                            start,
                            receiver: None,
                        };
                    }
                }
                if let Some(dotted) = self.qualified(func) {
                    return Callee::Name(dotted);
                }
                let receiver = self.eval(&attribute.value, state, d);
                Callee::Method {
                    receiver,
                    receiver_expr: &attribute.value,
                    name,
                }
            }
            other => Callee::Computed(self.eval(other, state, d)),
        }
    }

    fn call(&mut self, call: &'a ast::ExprCall, state: &mut State<'a>, d: u32) -> Value {
        let callee = self.callee(&call.func, state, d);
        // `request.args.get("name")`, `os.environ.get("HOME")`.
        if let Callee::Method {
            name: "get" | "getlist" | "get_all" | "getall",
            receiver_expr,
            ..
        } = &callee
            && let Some(key) = call.arguments.args.first().and_then(string_key)
            && let Some(mut value) = self.keyed_source(receiver_expr, key, call.range(), state, d)
        {
            for arg in call.arguments.args.iter().skip(1) {
                let default = self.eval(arg, state, d);
                value.taint.join(&default.taint);
            }
            return value;
        }
        if let Callee::Name(dotted) = &callee
            && matches!(
                dotted.as_str(),
                "os.getenv" | "os.environ.get" | "os.getenvb"
            )
            && let Some(key) = call.arguments.args.first().and_then(string_key)
        {
            for arg in call.arguments.args.iter() {
                self.eval(arg, state, d);
            }
            let what = format!("environment variable `{key}`");
            return self.file.local_source(call.range(), &what);
        }
        let mut args: Vec<Value> = Vec::with_capacity(call.arguments.args.len());
        let mut spread: Option<Taint> = None;
        for arg in call.arguments.args.iter() {
            let value = self.eval(arg, state, d);
            if arg.is_starred_expr() {
                spread.get_or_insert_with(Taint::clean).join(&value.taint);
            } else if spread.is_none() {
                args.push(value);
            } else if let Some(spread) = &mut spread {
                spread.join(&value.taint);
            }
        }
        let mut kwargs: Vec<(Option<&'a str>, Value)> =
            Vec::with_capacity(call.arguments.keywords.len());
        for keyword in &call.arguments.keywords {
            let value = self.eval(&keyword.value, state, d);
            match &keyword.arg {
                Some(name) => kwargs.push((Some(name.as_str()), value)),
                None => {
                    spread.get_or_insert_with(Taint::clean).join(&value.taint);
                }
            }
        }
        let mut all = Taint::clean();
        for value in args.iter().chain(kwargs.iter().map(|(_, v)| v)) {
            all.join(&value.taint);
        }
        if let Some(spread) = &spread {
            all.join(spread);
        }
        match callee {
            Callee::Name(dotted) => self.call_named(call, &dotted, &args, &kwargs, spread, all),
            Callee::Local { start, receiver } => {
                let name = self.file.def_name(start);
                match name {
                    Some(name) => {
                        let mut positional = Vec::with_capacity(args.len() + 1);
                        if let Some(receiver) = receiver {
                            positional.push(receiver.taint);
                        }
                        positional.extend(args.iter().map(|a| a.taint.clone()));
                        self.site(call, name, positional, &kwargs, spread)
                    }
                    None => Value::tainted(all.union(&Taint::unknown())),
                }
            }
            Callee::Method {
                receiver,
                receiver_expr,
                name,
            } => self.call_method(call, receiver, receiver_expr, name, &args, all, state),
            Callee::Computed(value) => {
                Value::tainted(all.union(&value.taint).union(&Taint::unknown()))
            }
        }
    }

    fn call_named(
        &mut self,
        call: &'a ast::ExprCall,
        dotted: &str,
        args: &[Value],
        kwargs: &[(Option<&'a str>, Value)],
        spread: Option<Taint>,
        all: Taint,
    ) -> Value {
        if let Some(&classes) = self.file.settings.sanitizers.get(dotted) {
            let mut taint = all;
            taint.sanitise(classes);
            return Value::tainted(taint);
        }
        if self.file.settings.sources.contains(dotted) {
            let message = format!("`{dotted}()`");
            return self.source_at(call.range(), message, SourceKind::Declared);
        }
        match models::function(dotted) {
            Some(Model::Sanitise(classes)) => {
                let mut taint = all;
                taint.sanitise(classes);
                let constant = match (dotted, args) {
                    ("int", [only]) => match &only.constant {
                        Some(Const::Int(i)) => Some(Const::Int(*i)),
                        _ => None,
                    },
                    ("len", [only]) => match &only.constant {
                        Some(Const::Str(s)) => {
                            i64::try_from(s.chars().count()).ok().map(Const::Int)
                        }
                        _ => None,
                    },
                    _ => None,
                };
                return Value {
                    taint,
                    constant,
                    ..Value::default()
                };
            }
            Some(Model::Propagate) => {
                let mut value = Value::tainted(all);
                if dotted == "str"
                    && let [only] = args
                {
                    value.constant = only.constant.clone().filter(|c| matches!(c, Const::Str(_)));
                    value.flags = only.flags;
                }
                if dotted.starts_with("pathlib.") && args.iter().any(|a| a.has(NORMALISED)) {
                    value.flags |= NORMALISED;
                }
                if dotted == "urllib.parse.urljoin"
                    && let Some(base) = args.first()
                    && base
                        .constant
                        .as_ref()
                        .is_some_and(|c| matches!(c, Const::Str(s) if fixes_host(s)))
                {
                    // `urljoin(BASE, x)` can still leave BASE's host
                    // (`//evil.example`): not fixed.
                }
                return value;
            }
            Some(Model::NormalisePath) => {
                let mut value = Value::tainted(all);
                value.flags |= NORMALISED;
                return value;
            }
            Some(Model::LocalSource(what)) => {
                return self.file.local_source(call.range(), what);
            }
            Some(Model::XmlParser) => {
                let keywords: Vec<(Option<&str>, Option<bool>)> = kwargs
                    .iter()
                    .map(|(name, value)| {
                        let truth = value.constant.as_ref().map(Const::truthy);
                        (*name, truth)
                    })
                    .collect();
                return Value {
                    kind: Kind::XmlParser {
                        unsafe_entities: models::xml_parser_is_unsafe(&keywords),
                    },
                    ..Value::clean()
                };
            }
            None => {}
        }
        if self.file.input.project.is_project_name(dotted) {
            let positional = args.iter().map(|a| a.taint.clone()).collect();
            return self.site(call, dotted.to_string(), positional, kwargs, spread);
        }
        // A library call: its result is not a constant.
        Value::tainted(all.union(&Taint::unknown()))
    }

    #[allow(clippy::too_many_arguments)]
    fn call_method(
        &mut self,
        call: &'a ast::ExprCall,
        receiver: Value,
        receiver_expr: &'a Expr,
        name: &'a str,
        args: &[Value],
        all: Taint,
        state: &mut State<'a>,
    ) -> Value {
        if receiver.kind == Kind::Request {
            if let Some((_, what)) = models::REQUEST_METHODS.iter().find(|(m, _)| *m == name) {
                let message = format!("{what} (`{}`)", self.file.text(call.range()));
                return self.source_at(call.range(), message, SourceKind::Request);
            }
            return Value::unknown();
        }
        if matches!(name, "get" | "pop" | "setdefault") {
            // A lookup returns the container's values (or the default), not
            // the key: `COMMANDS.get(user_choice, "ls")` is one of them.
            let mut taint = receiver.taint.clone();
            for default in args.iter().skip(1) {
                taint.join(&default.taint);
            }
            return Value::tainted(taint);
        }
        let mut value = Value::tainted(receiver.taint.clone().union(&all));
        if let Some(classes) = models::sanitising_method(name) {
            value.taint.sanitise(classes);
            return value;
        }
        match name {
            "replace" => {
                let old = args.first().and_then(|a| a.constant.as_ref());
                if matches!(old, Some(Const::Str(s)) if s.contains('\n') || s.contains('\r')) {
                    value
                        .taint
                        .sanitise(ClassSet::of(&[SinkClass::Header, SinkClass::Log]));
                }
                return value;
            }
            "format" | "format_map" => {
                if let Some(Const::Str(s)) = &receiver.constant
                    && fixes_host(s)
                {
                    value.flags |= HOST_FIXED;
                }
                return value;
            }
            "setFeature" => {
                let enables = args
                    .get(1)
                    .and_then(|a| a.constant.as_ref())
                    .is_some_and(Const::truthy);
                let feature = call
                    .arguments
                    .args
                    .first()
                    .map(|f| self.file.text(f.range()));
                if enables
                    && feature
                        .is_some_and(|f| f.contains("external_ges") || f.contains("external_pes"))
                    && let Expr::Name(parser) = receiver_expr
                {
                    state.set(
                        Place::whole(parser.id.as_str()),
                        Value {
                            kind: Kind::XmlParser {
                                unsafe_entities: true,
                            },
                            ..receiver
                        },
                    );
                }
                return Value::clean();
            }
            _ => {}
        }
        match models::method(name) {
            Some(MethodModel::Clean) => Value::clean(),
            Some(MethodModel::Reads) => {
                value.taint.join(&Taint::unknown());
                value
            }
            Some(MethodModel::Mutates) => {
                if let Some(place) = Self::place_of(receiver_expr) {
                    state.add_to(place.name, &Value::tainted(all));
                }
                Value::clean()
            }
            Some(MethodModel::NormalisePath) => {
                value.flags |= NORMALISED;
                value
            }
            None => {
                if receiver.has(NORMALISED) {
                    value.flags |= NORMALISED;
                }
                value
            }
        }
    }

    /// A call into the project: a call-site entry (one per call position)
    /// whose result is resolved once every summary is known.
    fn site(
        &mut self,
        call: &'a ast::ExprCall,
        callee: String,
        args: Vec<Taint>,
        kwargs: &[(Option<&'a str>, Value)],
        spread: Option<Taint>,
    ) -> Value {
        let kwargs: Vec<(String, Taint)> = kwargs
            .iter()
            .filter_map(|(name, value)| name.map(|n| (n.to_string(), value.taint.clone())))
            .collect();
        let carries = args
            .iter()
            .chain(kwargs.iter().map(|(_, t)| t))
            .chain(spread.iter())
            .any(|t| t.labels().iter().any(|l| l.origin != Origin::Unknown));
        let id = match self.sites.get(&call.start()) {
            Some(&id) => {
                let site = &mut self.file.facts.sites[id as usize];
                join_all(&mut site.args, &args);
                for (name, taint) in &kwargs {
                    match site.kwargs.iter_mut().find(|(n, _)| n == name) {
                        Some((_, existing)) => {
                            existing.join(taint);
                        }
                        None => site.kwargs.push((name.clone(), taint.clone())),
                    }
                }
                if let Some(spread) = &spread {
                    site.spread.get_or_insert_with(Taint::clean).join(spread);
                }
                id
            }
            None => {
                let short = callee.rsplit('.').next().unwrap_or(&callee).to_string();
                let spot = self
                    .file
                    .spot(call.range(), format!("passes through `{short}()`"));
                let id = u32::try_from(self.file.facts.sites.len()).unwrap_or(u32::MAX);
                self.file.facts.sites.push(CallSite {
                    callee,
                    args,
                    kwargs,
                    spread,
                    spot,
                });
                self.sites.insert(call.start(), id);
                id
            }
        };
        if carries && !self.calls.contains(&id) {
            self.calls.push(id);
        }
        Value::tainted(Taint::of(Origin::Call(id)))
    }

    // ---- assignments -------------------------------------------------

    fn assign(&mut self, target: &'a Expr, value: Value, state: &mut State<'a>, d: u32) {
        match target {
            Expr::Name(name) => state.set(Place::whole(name.id.as_str()), value),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                for elt in elts {
                    self.assign(elt, value.data(), state, d);
                }
            }
            Expr::Starred(starred) => self.assign(&starred.value, value.data(), state, d),
            Expr::Attribute(attribute) => {
                if let Some(place) = Self::place_of(target) {
                    state.add_to(place.name, &value);
                    state.set(place, value);
                } else {
                    self.eval(&attribute.value, state, d);
                }
            }
            Expr::Subscript(subscript) => {
                self.eval(&subscript.slice, state, d);
                match Self::place_of(target) {
                    Some(place) => {
                        state.add_to(place.name, &value);
                        state.set(place, value);
                    }
                    None => {
                        if let Some(Place { name, .. }) = Self::place_of(&subscript.value) {
                            state.add_to(name, &value);
                        } else {
                            self.eval(&subscript.value, state, d);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// `target = value` with a literal on the right: its items keep their
    /// own values under their keys (`d = {"a": CONST, "b": request_data}`).
    fn assign_literal(
        &mut self,
        target: &'a Expr,
        value_expr: &'a Expr,
        state: &mut State<'a>,
    ) -> bool {
        let Expr::Name(name) = target else {
            return false;
        };
        let name = name.id.as_str();
        let d = 1;
        let mut parts: Vec<(Field<'a>, Value)> = Vec::new();
        let mut whole = Taint::clean();
        match value_expr {
            Expr::Dict(dict) => {
                for item in &dict.items {
                    let field = item.key.as_ref().and_then(key_of);
                    if let Some(key) = &item.key {
                        whole.join(&self.eval(key, state, d).taint);
                    }
                    let value = self.eval(&item.value, state, d);
                    whole.join(&value.taint);
                    // `**other` or a computed key: only the whole.
                    if let Some(field) = field {
                        parts.push((field, value));
                    }
                }
            }
            Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
                if elts.iter().any(Expr::is_starred_expr) {
                    return false;
                }
                for (index, elt) in elts.iter().enumerate() {
                    let value = self.eval(elt, state, d);
                    whole.join(&value.taint);
                    parts.push((
                        Field::Index(i64::try_from(index).unwrap_or(i64::MAX)),
                        value,
                    ));
                }
            }
            _ => return false,
        }
        let whole = Value::tainted(whole);
        self.record(value_expr, &whole);
        state.set(Place::whole(name), whole);
        for (field, value) in parts {
            state.set(Place { name, field }, value);
        }
        true
    }

    // ---- statements --------------------------------------------------

    fn stmt(&mut self, stmt: &'a Stmt, state: &mut State<'a>) {
        let d = 1;
        match stmt {
            Stmt::Assign(assign) => {
                if let [target] = assign.targets.as_slice()
                    && self.assign_literal(target, &assign.value, state)
                {
                    return;
                }
                if let ([Expr::Tuple(targets)], Expr::Tuple(values)) =
                    (assign.targets.as_slice(), &*assign.value)
                    && targets.elts.len() == values.elts.len()
                    && !targets
                        .elts
                        .iter()
                        .chain(&values.elts)
                        .any(Expr::is_starred_expr)
                {
                    // `a, b = x, y`: pairwise (all values first, as Python).
                    let values: Vec<Value> =
                        values.elts.iter().map(|v| self.eval(v, state, d)).collect();
                    for (target, value) in targets.elts.iter().zip(values) {
                        self.assign(target, value, state, d);
                    }
                    return;
                }
                let value = self.eval(&assign.value, state, d);
                for target in &assign.targets {
                    self.assign(target, value.clone(), state, d);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    if self.assign_literal(&assign.target, value, state) {
                        return;
                    }
                    let value = self.eval(value, state, d);
                    self.assign(&assign.target, value, state, d);
                }
            }
            Stmt::AugAssign(assign) => {
                let current = self.eval(&assign.target, state, d);
                let value = self.eval(&assign.value, state, d);
                let result = binop_value(assign.op, &current, &value);
                self.assign(&assign.target, result, state, d);
            }
            Stmt::Expr(expr) => {
                self.eval(&expr.value, state, d);
            }
            Stmt::Return(ret) => {
                if let Some(value) = &ret.value {
                    let value = self.eval(value, state, d);
                    self.returns.join(&value.taint);
                }
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    match target {
                        Expr::Name(name) => state.remove(name.id.as_str()),
                        other => {
                            self.eval(other, state, d);
                        }
                    }
                }
            }
            Stmt::Raise(raise) => {
                for part in [&raise.exc, &raise.cause].into_iter().flatten() {
                    self.eval(part, state, d);
                }
            }
            Stmt::Assert(assert) => {
                self.eval(&assert.test, state, d);
                if let Some(msg) = &assert.msg {
                    self.eval(msg, state, d);
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let local = alias.asname.as_ref().map_or_else(
                        || alias.name.as_str().split('.').next().unwrap_or(""),
                        |a| a.as_str(),
                    );
                    let value = self.file.named_value(alias.name.as_str(), alias.range);
                    state.set(Place::whole(local), value);
                }
            }
            Stmt::ImportFrom(import) => {
                let module = scope::from_module(
                    &self.file.input.package,
                    import.level,
                    import.module.as_ref().map(ast::Identifier::as_str),
                );
                for alias in &import.names {
                    if alias.name.as_str() == "*" {
                        continue;
                    }
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    let dotted = format!("{module}.{}", alias.name);
                    let value = self.file.named_value(&dotted, alias.range);
                    state.set(Place::whole(local), value);
                }
            }
            Stmt::TypeAlias(_)
            | Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Pass(_)
            | Stmt::Break(_)
            | Stmt::Continue(_)
            | Stmt::IpyEscapeCommand(_) => {}
            // Compound statements are split into elements by the graph.
            Stmt::FunctionDef(_)
            | Stmt::ClassDef(_)
            | Stmt::For(_)
            | Stmt::While(_)
            | Stmt::If(_)
            | Stmt::With(_)
            | Stmt::Match(_)
            | Stmt::Try(_) => {}
        }
    }

    fn elem(&mut self, elem: Elem<'a>, state: &mut State<'a>) {
        let d = 1;
        match elem {
            Elem::Stmt(stmt) => self.stmt(stmt, state),
            Elem::Eval(expr) => {
                self.eval(expr, state, d);
            }
            Elem::ForTarget(for_) => {
                let iter = self.eval(&for_.iter, state, d);
                self.assign(&for_.target, iter.data(), state, d);
            }
            Elem::With(item) => {
                let value = self.eval(&item.context_expr, state, d);
                if let Some(target) = &item.optional_vars {
                    self.assign(target, value.data(), state, d);
                }
            }
            Elem::Handler(handler) => {
                if let Some(type_) = &handler.type_ {
                    self.eval(type_, state, d);
                }
                if let Some(name) = &handler.name {
                    state.set(Place::whole(name.as_str()), Value::unknown());
                }
            }
            Elem::Case { subject, pattern } => {
                let value = self.eval(subject, state, d).data();
                for name in scope::pattern_names(pattern) {
                    state.set(Place::whole(name), value.clone());
                }
            }
            Elem::Def(stmt) => match stmt {
                Stmt::FunctionDef(function) => {
                    for decorator in &function.decorator_list {
                        self.eval(&decorator.expression, state, d);
                    }
                    for p in function.parameters.iter_non_variadic_params() {
                        if let Some(default) = &p.default {
                            self.eval(default, state, d);
                        }
                    }
                    state.set(
                        Place::whole(function.name.as_str()),
                        Value {
                            kind: Kind::Function(function.range.start()),
                            ..Value::clean()
                        },
                    );
                }
                Stmt::ClassDef(class) => {
                    for decorator in &class.decorator_list {
                        self.eval(&decorator.expression, state, d);
                    }
                    if let Some(arguments) = &class.arguments {
                        for arg in arguments.args.iter() {
                            self.eval(arg, state, d);
                        }
                    }
                    state.set(Place::whole(class.name.as_str()), Value::unknown());
                }
                _ => {}
            },
        }
    }

    // ---- conditions --------------------------------------------------

    /// The constant a condition folds to, without evaluating calls.
    fn fold(&mut self, expr: &'a Expr, state: &State<'a>, depth: u32) -> Option<Const> {
        if depth > MAX_EXPR_DEPTH {
            return None;
        }
        let d = depth + 1;
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                match state.get(Place::whole(id)) {
                    Some(value) => value.constant.clone(),
                    None if self.scope.is_local(id) => None,
                    None => self.file.global_value(id).constant,
                }
            }
            Expr::BinOp(binop) => {
                let left = self.fold(&binop.left, state, d)?;
                let right = self.fold(&binop.right, state, d)?;
                Const::binop(binop.op, &left, &right)
            }
            Expr::UnaryOp(unary) => Const::unary(unary.op, &self.fold(&unary.operand, state, d)?),
            Expr::Compare(compare) => {
                let mut left = self.fold(&compare.left, state, d)?;
                for (op, comparator) in compare.ops.iter().zip(compare.comparators.iter()) {
                    let right = self.fold(comparator, state, d)?;
                    if !Const::compare(*op, &left, &right)? {
                        return Some(Const::Bool(false));
                    }
                    left = right;
                }
                Some(Const::Bool(true))
            }
            Expr::BoolOp(boolop) => {
                let mut last = None;
                for value in &boolop.values {
                    let value = self.fold(value, state, d)?;
                    let truth = value.truthy();
                    last = Some(value);
                    match boolop.op {
                        BoolOp::Or if truth => break,
                        BoolOp::And if !truth => break,
                        _ => {}
                    }
                }
                last
            }
            _ => Const::of_literal(expr),
        }
    }

    /// Narrows `state` for `test` being `truth`; `false` when it cannot be.
    fn assume(&mut self, test: &'a Expr, truth: bool, state: &mut State<'a>, depth: u32) -> bool {
        if let Some(value) = self.fold(test, state, depth)
            && value.truthy() != truth
        {
            return false;
        }
        if depth > MAX_EXPR_DEPTH {
            return true;
        }
        let d = depth + 1;
        match test {
            Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
                self.assume(&unary.operand, !truth, state, d)
            }
            Expr::BoolOp(boolop) => {
                let all = match boolop.op {
                    BoolOp::And => truth,
                    BoolOp::Or => !truth,
                };
                if all {
                    for value in &boolop.values {
                        if !self.assume(value, truth, state, d) {
                            return false;
                        }
                    }
                }
                true
            }
            Expr::Compare(compare) => {
                if let ([op], [right]) = (&*compare.ops, &*compare.comparators) {
                    self.assume_compare(&compare.left, *op, right, truth, state);
                }
                true
            }
            Expr::Call(call) => {
                if truth {
                    self.assume_call(call, state);
                }
                true
            }
            _ => true,
        }
    }

    fn assume_compare(
        &mut self,
        left: &'a Expr,
        op: CmpOp,
        right: &'a Expr,
        truth: bool,
        state: &mut State<'a>,
    ) {
        let holds = |positive: CmpOp, negative: CmpOp| {
            (truth && op == positive) || (!truth && op == negative)
        };
        if holds(CmpOp::In, CmpOp::NotIn) {
            // An allow-list: `x` is one of the container's (trusted) items.
            if let Some(place) = Self::place_of(left)
                && self.is_trusted(right, state)
            {
                state.set(place, Value::clean());
            }
        } else if holds(CmpOp::Eq, CmpOp::NotEq) {
            for (var, other) in [(left, right), (right, left)] {
                if let Some(place) = Self::place_of(var)
                    && let Some(constant) =
                        Const::of_literal(other).or_else(|| self.fold(other, state, 1))
                {
                    state.set(place, Value::constant(Some(constant)));
                    break;
                }
            }
        }
    }

    fn assume_call(&mut self, call: &'a ast::ExprCall, state: &mut State<'a>) {
        match &*call.func {
            Expr::Attribute(attribute) => {
                let Some(place) = Self::place_of(&attribute.value) else {
                    return;
                };
                match attribute.attr.as_str() {
                    "isdigit" | "isnumeric" | "isdecimal" | "isalnum" | "isalpha"
                    | "isidentifier" => {
                        state.set(place, Value::clean());
                    }
                    "startswith" | "is_relative_to" => {
                        if let Some(value) = state.get_part(place)
                            && value.has(NORMALISED)
                        {
                            let mut value = value.clone();
                            value.taint.sanitise(ClassSet::of(&[SinkClass::Path]));
                            state.set(place, value);
                        }
                    }
                    _ => {
                        if let Some(dotted) = self.qualified(&call.func) {
                            self.assume_named(&dotted, call, state);
                        }
                    }
                }
            }
            Expr::Name(_) => {
                let dotted = match self.callee_name(&call.func) {
                    Some(name) => name,
                    None => return,
                };
                self.assume_named(&dotted, call, state);
            }
            _ => {}
        }
    }

    fn callee_name(&self, func: &'a Expr) -> Option<String> {
        if let Some(dotted) = self.qualified(func) {
            return Some(dotted);
        }
        match func {
            Expr::Name(name) => Some(name.id.to_string()),
            _ => None,
        }
    }

    fn assume_named(&mut self, dotted: &str, call: &'a ast::ExprCall, state: &mut State<'a>) {
        let last = dotted.rsplit('.').next().unwrap_or(dotted);
        let args = &call.arguments.args;
        match last {
            "url_has_allowed_host_and_scheme" | "is_safe_url" | "url_is_safe" => {
                let url = args
                    .first()
                    .or_else(|| call.arguments.find_keyword("url").map(|k| &k.value));
                if let Some(place) = url.and_then(Self::place_of) {
                    let mut value = state.get_part(place).cloned().unwrap_or_default();
                    value
                        .taint
                        .sanitise(ClassSet::of(&[SinkClass::Redirect, SinkClass::Ssrf]));
                    state.set(place, value);
                }
            }
            "fullmatch" | "match" if dotted.starts_with("re.") => {
                if let (Some(Expr::StringLiteral(pattern)), Some(subject)) =
                    (args.first(), args.get(1))
                    && let Some(place) = Self::place_of(subject)
                    && anchored_strict(pattern.value.to_str(), last == "fullmatch")
                {
                    state.set(place, Value::clean());
                }
            }
            "isinstance" => {
                if let (Some(subject), Some(types)) = (args.first(), args.get(1))
                    && let Some(place) = Self::place_of(subject)
                    && scalar_types(types)
                {
                    state.set(place, Value::clean());
                }
            }
            _ => {}
        }
    }

    /// Whether a container is not made from untrusted data (an allow-list).
    fn is_trusted(&mut self, container: &'a Expr, state: &State<'a>) -> bool {
        match container {
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                elts.iter().all(|e| Const::of_literal(e).is_some())
            }
            Expr::Dict(_) => true,
            Expr::Name(name) => {
                let id = name.id.as_str();
                let value = match state.get(Place::whole(id)) {
                    Some(value) => value.clone(),
                    None if self.scope.is_local(id) => return false,
                    None => self.file.global_value(id),
                };
                !value
                    .taint
                    .labels()
                    .iter()
                    .any(|l| matches!(l.origin, Origin::Source(_) | Origin::Param(_)))
            }
            Expr::Attribute(_) => {
                // `settings.ALLOWED`, `self.ALLOWED`: configuration.
                Self::place_of(container)
                    .and_then(|p| state.get(p))
                    .is_none_or(|v| {
                        !v.taint
                            .labels()
                            .iter()
                            .any(|l| matches!(l.origin, Origin::Source(_)))
                    })
            }
            Expr::Call(call) => {
                matches!(&*call.func, Expr::Attribute(a) if a.attr.as_str() == "keys")
            }
            _ => false,
        }
    }
}

impl<'a> Analysis<'a> for Engine<'_, '_, 'a> {
    type State = State<'a>;

    fn transfer(&mut self, _block: BlockId, elems: &[Elem<'a>], state: &mut State<'a>) {
        for &elem in elems {
            self.elem(elem, state);
        }
    }

    fn edge(&mut self, cond: Cond<'a>, state: &mut State<'a>) -> bool {
        match cond {
            Cond::Always => true,
            Cond::True(test) => self.assume(test, true, state, 0),
            Cond::False(test) => self.assume(test, false, state, 0),
        }
    }

    fn join(&mut self, into: &mut State<'a>, other: State<'a>) -> bool {
        into.join(&other)
    }
}

/// `left op right`: what both carry, folded when constant.
fn binop_value(op: Operator, left: &Value, right: &Value) -> Value {
    let constant = match (&left.constant, &right.constant) {
        (Some(a), Some(b)) => Const::binop(op, a, b),
        _ => None,
    };
    let mut flags = 0;
    if matches!(op, Operator::Add | Operator::Mod)
        && (left.has(HOST_FIXED) || matches!(&left.constant, Some(Const::Str(s)) if fixes_host(s)))
    {
        flags |= HOST_FIXED;
    }
    Value {
        taint: left.taint.clone().union(&right.taint),
        constant,
        kind: Kind::Plain,
        flags,
    }
}

/// Whether text at the start of a URL fixes where it points: a path
/// (`/x`, not `//host`), or a scheme and host followed by `/`.
pub(crate) fn fixes_host(prefix: &str) -> bool {
    let bytes = prefix.as_bytes();
    if bytes.first() == Some(&b'/') {
        return bytes.get(1).is_some_and(|&b| b != b'/' && b != b'\\');
    }
    for scheme in ["https://", "http://"] {
        if let Some(rest) = prefix.strip_prefix(scheme) {
            return rest
                .find('/')
                .is_some_and(|slash| slash > 0 && !rest[..slash].contains(['@', '{']));
        }
    }
    false
}

fn string_key(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str()),
        _ => None,
    }
}

fn key_of(expr: &Expr) -> Option<Field<'_>> {
    match expr {
        Expr::StringLiteral(s) => Some(Field::Key(s.value.to_str())),
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_i64().map(Field::Index),
            _ => None,
        },
        _ => None,
    }
}

fn key_const(expr: &Expr) -> Option<Const> {
    Const::of_literal(expr)
}

fn join_all(into: &mut Vec<Taint>, from: &[Taint]) {
    for (index, taint) in from.iter().enumerate() {
        match into.get_mut(index) {
            Some(existing) => {
                existing.join(taint);
            }
            None => into.push(taint.clone()),
        }
    }
}

fn is_static(function: &ast::StmtFunctionDef) -> bool {
    function
        .decorator_list
        .iter()
        .any(|d| matches!(&d.expression, Expr::Name(n) if n.id.as_str() == "staticmethod"))
}

/// A method of `class` named `name` (its `def` start).
pub(crate) fn method_of(class: &ast::StmtClassDef, name: &str) -> Option<TextSize> {
    class.body.iter().find_map(|stmt| match stmt {
        Stmt::FunctionDef(f) if f.name.as_str() == name => Some(f.range.start()),
        _ => None,
    })
}

/// A parameter that holds the request: named `request`/`req`, or
/// annotated with a request type.
fn is_request_parameter(parameter: &ast::Parameter) -> bool {
    if let Some(annotation) = &parameter.annotation {
        let last = match &**annotation {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => "",
        };
        return models::REQUEST_ANNOTATIONS.contains(&last);
    }
    matches!(parameter.name.as_str(), "request" | "req")
}

fn default_of<'a>(
    function: &'a ast::StmtFunctionDef,
    parameter: &ast::Parameter,
) -> Option<&'a Expr> {
    function
        .parameters
        .iter_non_variadic_params()
        .find(|p| p.parameter.range == parameter.range)
        .and_then(|p| p.default.as_deref())
}

/// A handler parameter the framework fills with something other than
/// request data: `Depends(...)`, a response or a database session.
fn is_injected(parameter: &ast::Parameter, default: Option<&Expr>) -> bool {
    let depends = |expr: &Expr| {
        matches!(expr, Expr::Call(c) if matches!(
            &*c.func,
            Expr::Name(n) if matches!(n.id.as_str(), "Depends" | "Security")
        ) || matches!(&*c.func, Expr::Attribute(a) if matches!(a.attr.as_str(), "Depends" | "Security")))
    };
    if default.is_some_and(depends) {
        return true;
    }
    let Some(annotation) = &parameter.annotation else {
        return matches!(parameter.name.as_str(), "self" | "cls");
    };
    let mut pending = vec![&**annotation];
    while let Some(expr) = pending.pop() {
        match expr {
            Expr::Name(n) if models::NOT_REQUEST_DATA.contains(&n.id.as_str()) => return true,
            Expr::Attribute(a) if models::NOT_REQUEST_DATA.contains(&a.attr.as_str()) => {
                return true;
            }
            // `Annotated[Session, Depends(get_db)]`
            Expr::Subscript(s) => {
                pending.push(&s.value);
                pending.push(&s.slice);
            }
            Expr::Tuple(t) => pending.extend(t.elts.iter()),
            other if depends(other) => return true,
            _ => {}
        }
        if pending.len() > 32 {
            break;
        }
    }
    false
}

/// A regular expression that only accepts a narrow set of strings: anchored
/// at both ends (or `fullmatch`), without `.` wildcards.
fn anchored_strict(pattern: &str, full: bool) -> bool {
    let anchored =
        full || (pattern.starts_with('^') && (pattern.ends_with('$') || pattern.ends_with("\\Z")));
    let mut escaped = false;
    for c in pattern.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '.' => return false,
            _ => {}
        }
    }
    anchored
}

/// `int`, `float`, `bool`, or a tuple of them.
fn scalar_types(expr: &Expr) -> bool {
    match expr {
        Expr::Name(n) => matches!(n.id.as_str(), "int" | "float" | "bool" | "complex"),
        Expr::Tuple(t) => t.elts.iter().all(scalar_types),
        _ => false,
    }
}

/// Whether a name is a builtin.
pub(crate) fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_fixing_prefixes() {
        assert!(fixes_host("/profile/"));
        assert!(fixes_host("https://api.example.com/v1/"));
        assert!(!fixes_host("//evil"));
        assert!(!fixes_host("https://"));
        assert!(!fixes_host("https://example.com"));
        assert!(!fixes_host(""));
    }

    #[test]
    fn strict_patterns() {
        assert!(anchored_strict("^[a-z0-9_]+$", false));
        assert!(anchored_strict("[0-9]+", true));
        assert!(!anchored_strict("^.*$", false));
        assert!(!anchored_strict("[a-z]+", false));
    }
}
