//! A control-flow graph of one body (a function's, a class's or the
//! module's): basic blocks of statement-level elements, joined by edges
//! that may carry the condition under which they are taken.
//!
//! Conditions on edges are what make the analyses path-sensitive where it
//! pays: a test that folds to a constant cuts the edge it rules out (dead
//! branches), and a test such as `x in ALLOWED` narrows `x` along its true
//! edge.
//!
//! Exceptions are approximated: inside a `try`, every statement may jump
//! to the handlers (each statement ends a block with an edge to them);
//! `raise`, and calls that never return (`abort()`, `sys.exit()`), jump to
//! the innermost handlers or out of the function. `finally` bodies run on
//! the normal path.

use ruff_python_ast::{self as ast, Expr, Stmt};

use super::MAX_DEPTH;

/// Index of a block in [`Cfg::blocks`].
pub(crate) type BlockId = usize;

/// One step of a block.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Elem<'a> {
    /// A simple statement: assignment, expression, `return`, `import`,
    /// `del`, `assert`, `raise`, ...
    Stmt(&'a Stmt),
    /// An expression evaluated for its value: an `if`/`while` test, a
    /// `for` iterable, a match subject or guard.
    Eval(&'a Expr),
    /// A `for` loop binding its target to one element of its iterable.
    ForTarget(&'a ast::StmtFor),
    /// `with context as target`.
    With(&'a ast::WithItem),
    /// `except E as name`.
    Handler(&'a ast::ExceptHandlerExceptHandler),
    /// A `case` binding parts of the subject.
    Case {
        subject: &'a Expr,
        pattern: &'a ast::Pattern,
    },
    /// A nested `def` or `class` binding its name (its decorators,
    /// defaults and bases run here; its body is another scope).
    Def(&'a Stmt),
}

/// When an edge is taken.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cond<'a> {
    Always,
    /// When the expression (the last element of the source block) is
    /// true.
    True(&'a Expr),
    /// When it is false.
    False(&'a Expr),
}

/// An edge to another block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Edge<'a> {
    pub(crate) to: BlockId,
    pub(crate) cond: Cond<'a>,
}

/// A straight run of elements.
#[derive(Debug, Default)]
pub(crate) struct Block<'a> {
    pub(crate) elems: Vec<Elem<'a>>,
    pub(crate) succs: Vec<Edge<'a>>,
}

/// The graph: block 0 is the entry, block [`EXIT`] the single exit
/// (returns, uncaught exceptions and the end of the body all go there).
/// Blocks that no edge reaches are dead code.
#[derive(Debug)]
pub(crate) struct Cfg<'a> {
    pub(crate) blocks: Vec<Block<'a>>,
}

/// The body nests deeper than the analyses go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep;

impl<'a> Cfg<'a> {
    /// The graph of `body`.
    pub(crate) fn build(body: &'a [Stmt]) -> Result<Self, TooDeep> {
        let mut builder = Builder {
            blocks: vec![Block::default(), Block::default()],
            current: 0,
            loops: Vec::new(),
            handlers: Vec::new(),
        };
        builder.body(body, 0)?;
        builder.goto(EXIT);
        Ok(Cfg {
            blocks: builder.blocks,
        })
    }

    /// Blocks in reverse post-order from the entry (unreachable ones left
    /// out): the order a forward analysis converges fastest in.
    pub(crate) fn reverse_postorder(&self) -> Vec<BlockId> {
        let mut order = Vec::with_capacity(self.blocks.len());
        let mut visited = vec![false; self.blocks.len()];
        // Iterative DFS: (block, index of the next successor to visit).
        let mut stack = vec![(0usize, 0usize)];
        visited[0] = true;
        while let Some((block, next)) = stack.last_mut() {
            let block = *block;
            if let Some(edge) = self.blocks[block].succs.get(*next) {
                *next += 1;
                if !visited[edge.to] {
                    visited[edge.to] = true;
                    stack.push((edge.to, 0));
                }
            } else {
                order.push(block);
                stack.pop();
            }
        }
        order.reverse();
        order
    }
}

/// The exit block.
pub(crate) const EXIT: BlockId = 1;

struct Builder<'a> {
    blocks: Vec<Block<'a>>,
    current: BlockId,
    /// (continue target, break target) of the enclosing loops.
    loops: Vec<(BlockId, BlockId)>,
    /// The handler-dispatch blocks of the enclosing `try` bodies.
    handlers: Vec<BlockId>,
}

impl<'a> Builder<'a> {
    fn new_block(&mut self) -> BlockId {
        self.blocks.push(Block::default());
        self.blocks.len() - 1
    }

    fn edge(&mut self, from: BlockId, to: BlockId, cond: Cond<'a>) {
        self.blocks[from].succs.push(Edge { to, cond });
    }

    fn goto(&mut self, to: BlockId) {
        self.edge(self.current, to, Cond::Always);
    }

    fn push(&mut self, elem: Elem<'a>) {
        self.blocks[self.current].elems.push(elem);
    }

    /// Where an exception goes from here.
    fn raise_target(&self) -> BlockId {
        self.handlers.last().copied().unwrap_or(EXIT)
    }

    /// Ends the current block with a jump; what follows is dead until a
    /// label joins it.
    fn jump(&mut self, to: BlockId) {
        self.goto(to);
        self.current = self.new_block();
    }

    fn body(&mut self, body: &'a [Stmt], depth: usize) -> Result<(), TooDeep> {
        if depth > MAX_DEPTH {
            return Err(TooDeep);
        }
        for stmt in body {
            self.stmt(stmt, depth)?;
            // Inside a `try`, the handlers may start after any statement.
            if let Some(&dispatch) = self.handlers.last() {
                let next = self.new_block();
                self.edge(self.current, dispatch, Cond::Always);
                self.goto(next);
                self.current = next;
            }
        }
        Ok(())
    }

    fn stmt(&mut self, stmt: &'a Stmt, depth: usize) -> Result<(), TooDeep> {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => self.push(Elem::Def(stmt)),
            Stmt::Return(_) => {
                self.push(Elem::Stmt(stmt));
                self.jump(EXIT);
            }
            Stmt::Raise(_) => {
                self.push(Elem::Stmt(stmt));
                let target = self.raise_target();
                self.jump(target);
            }
            Stmt::Break(_) => {
                if let Some(&(_, exit)) = self.loops.last() {
                    self.jump(exit);
                }
            }
            Stmt::Continue(_) => {
                if let Some(&(header, _)) = self.loops.last() {
                    self.jump(header);
                }
            }
            Stmt::Expr(expr) if never_returns(&expr.value) => {
                self.push(Elem::Stmt(stmt));
                let target = self.raise_target();
                self.jump(target);
            }
            Stmt::Assert(assert) => {
                self.push(Elem::Stmt(stmt));
                let next = self.new_block();
                let target = self.raise_target();
                self.edge(self.current, next, Cond::True(&assert.test));
                self.edge(self.current, target, Cond::False(&assert.test));
                self.current = next;
            }
            Stmt::If(if_) => self.if_(if_, depth)?,
            Stmt::While(while_) => {
                let header = self.new_block();
                self.goto(header);
                self.current = header;
                self.push(Elem::Eval(&while_.test));
                let body = self.new_block();
                let exit = self.new_block();
                let orelse = if while_.orelse.is_empty() {
                    exit
                } else {
                    self.new_block()
                };
                self.edge(header, body, Cond::True(&while_.test));
                self.edge(header, orelse, Cond::False(&while_.test));
                self.loops.push((header, exit));
                self.current = body;
                self.body(&while_.body, depth + 1)?;
                self.goto(header);
                self.loops.pop();
                if orelse != exit {
                    self.current = orelse;
                    self.body(&while_.orelse, depth + 1)?;
                    self.goto(exit);
                }
                self.current = exit;
            }
            Stmt::For(for_) => {
                self.push(Elem::Eval(&for_.iter));
                let header = self.new_block();
                self.goto(header);
                let body = self.new_block();
                let exit = self.new_block();
                let orelse = if for_.orelse.is_empty() {
                    exit
                } else {
                    self.new_block()
                };
                self.edge(header, body, Cond::Always);
                self.edge(header, orelse, Cond::Always);
                self.loops.push((header, exit));
                self.current = body;
                self.push(Elem::ForTarget(for_));
                self.body(&for_.body, depth + 1)?;
                self.goto(header);
                self.loops.pop();
                if orelse != exit {
                    self.current = orelse;
                    self.body(&for_.orelse, depth + 1)?;
                    self.goto(exit);
                }
                self.current = exit;
            }
            Stmt::With(with) => {
                for item in &with.items {
                    self.push(Elem::With(item));
                }
                self.body(&with.body, depth + 1)?;
            }
            Stmt::Match(match_) => {
                self.push(Elem::Eval(&match_.subject));
                let after = self.new_block();
                let mut test = self.current;
                for case in &match_.cases {
                    let case_block = self.new_block();
                    self.edge(test, case_block, Cond::Always);
                    self.current = case_block;
                    self.push(Elem::Case {
                        subject: &match_.subject,
                        pattern: &case.pattern,
                    });
                    let next = self.new_block();
                    self.edge(case_block, next, Cond::Always);
                    let body = self.new_block();
                    match &case.guard {
                        Some(guard) => {
                            self.push(Elem::Eval(guard));
                            self.edge(case_block, body, Cond::True(guard));
                        }
                        None => self.edge(case_block, body, Cond::Always),
                    }
                    self.current = body;
                    self.body(&case.body, depth + 1)?;
                    self.goto(after);
                    test = next;
                }
                self.edge(test, after, Cond::Always);
                self.current = after;
            }
            Stmt::Try(try_) => self.try_(try_, depth)?,
            Stmt::Delete(_)
            | Stmt::TypeAlias(_)
            | Stmt::Assign(_)
            | Stmt::AugAssign(_)
            | Stmt::AnnAssign(_)
            | Stmt::Import(_)
            | Stmt::ImportFrom(_)
            | Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Expr(_)
            | Stmt::Pass(_)
            | Stmt::IpyEscapeCommand(_) => self.push(Elem::Stmt(stmt)),
        }
        Ok(())
    }

    fn if_(&mut self, if_: &'a ast::StmtIf, depth: usize) -> Result<(), TooDeep> {
        let after = self.new_block();
        let mut test_block = self.current;
        let clauses = std::iter::once((Some(&*if_.test), &if_.body[..])).chain(
            if_.elif_else_clauses
                .iter()
                .map(|clause| (clause.test.as_ref(), &clause.body[..])),
        );
        let mut has_else = false;
        for (test, body) in clauses {
            match test {
                Some(test) => {
                    self.current = test_block;
                    self.push(Elem::Eval(test));
                    let body_block = self.new_block();
                    let next = self.new_block();
                    self.edge(test_block, body_block, Cond::True(test));
                    self.edge(test_block, next, Cond::False(test));
                    self.current = body_block;
                    self.body(body, depth + 1)?;
                    self.goto(after);
                    test_block = next;
                }
                None => {
                    self.current = test_block;
                    self.body(body, depth + 1)?;
                    self.goto(after);
                    has_else = true;
                    break;
                }
            }
        }
        if !has_else {
            self.edge(test_block, after, Cond::Always);
        }
        self.current = after;
        Ok(())
    }

    fn try_(&mut self, try_: &'a ast::StmtTry, depth: usize) -> Result<(), TooDeep> {
        let dispatch = self.new_block();
        let after = self.new_block();
        let finally = if try_.finalbody.is_empty() {
            after
        } else {
            self.new_block()
        };
        // An exception may come before the first statement has done
        // anything.
        self.edge(self.current, dispatch, Cond::Always);
        self.handlers.push(dispatch);
        self.body(&try_.body, depth + 1)?;
        self.handlers.pop();
        self.body(&try_.orelse, depth + 1)?;
        self.goto(finally);
        for handler in &try_.handlers {
            let ast::ExceptHandler::ExceptHandler(handler) = handler;
            let block = self.new_block();
            self.edge(dispatch, block, Cond::Always);
            self.current = block;
            self.push(Elem::Handler(handler));
            self.body(&handler.body, depth + 1)?;
            self.goto(finally);
        }
        // Not caught: on to the `finally`, then out.
        let uncaught = self.raise_target();
        if finally == after {
            self.edge(dispatch, uncaught, Cond::Always);
        } else {
            self.edge(dispatch, finally, Cond::Always);
            self.current = finally;
            self.body(&try_.finalbody, depth + 1)?;
            self.goto(after);
            self.goto(uncaught);
        }
        self.current = after;
        Ok(())
    }
}

/// Calls that end the function when used as a statement: Flask's and
/// Werkzeug's `abort`, `sys.exit`, `exit`, `quit`, `os._exit`,
/// `os.abort`, `pytest.fail`.
fn never_returns(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    match &*call.func {
        Expr::Name(name) => matches!(name.id.as_str(), "abort" | "exit" | "quit"),
        Expr::Attribute(attribute) => match (&*attribute.value, attribute.attr.as_str()) {
            (Expr::Name(module), name) => matches!(
                (module.id.as_str(), name),
                ("sys", "exit")
                    | ("os", "_exit" | "abort")
                    | ("flask" | "werkzeug" | "exceptions", "abort")
                    | ("pytest", "fail" | "skip" | "exit")
            ),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg_of(source: &str) -> (ruff_python_parser::Parsed<ast::ModModule>, usize, usize) {
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let (blocks, reachable) = {
            let cfg = Cfg::build(&parsed.syntax().body).unwrap();
            (cfg.blocks.len(), cfg.reverse_postorder().len())
        };
        (parsed, blocks, reachable)
    }

    #[test]
    fn code_after_return_is_unreachable() {
        let parsed =
            ruff_python_parser::parse_module("x = 1\nif a:\n    y = 2\nelse:\n    z = 3\n")
                .unwrap();
        let cfg = Cfg::build(&parsed.syntax().body).unwrap();
        let order = cfg.reverse_postorder();
        assert_eq!(order[0], 0);
        assert!(order.contains(&EXIT));
        let (_, blocks, reachable) = cfg_of("return 1\nx = 2\n");
        assert!(reachable < blocks);
    }

    #[test]
    fn loops_try_and_match_build() {
        let source = "
while True:
    if a:
        break
    continue
for i in x:
    pass
else:
    pass
try:
    a = 1
    b = 2
except E as e:
    raise
else:
    c = 3
finally:
    d = 4
match s:
    case [a, *b] if a:
        pass
    case _:
        pass
with open(p) as f:
    abort(400)
";
        let (_, blocks, reachable) = cfg_of(source);
        assert!(blocks > 20 && reachable > 10, "{blocks} {reachable}");
    }

    #[test]
    fn too_deep_is_an_error() {
        let mut source = String::new();
        for level in 0..=MAX_DEPTH + 1 {
            source.push_str(&" ".repeat(level));
            source.push_str("if a:\n");
        }
        source.push_str(&" ".repeat(MAX_DEPTH + 2));
        source.push_str("pass\n");
        let parsed = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || ruff_python_parser::parse_module(&source).unwrap())
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(Cfg::build(&parsed.syntax().body).err(), Some(TooDeep));
        std::mem::forget(parsed);
    }
}
