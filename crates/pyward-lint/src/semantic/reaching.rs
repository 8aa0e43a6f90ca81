//! Reaching definitions: which bindings of a name may be the one in force
//! at a given point of a body.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::cfg::{BlockId, Cfg, Cond, Elem};
use super::dataflow::{self, Analysis};
use super::scope::{self, ScopeKind};

/// How a definition binds its name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DefKind<'a> {
    /// A parameter, on entry.
    Parameter,
    /// `name = value` (also `name: T = value`, `name := value` is not
    /// tracked).
    Value(&'a Expr),
    /// `with value as name`.
    With(&'a Expr),
    /// `def name` / `class name`.
    Definition,
    /// `import` of the name.
    Import,
    /// `del name`: the name is unbound after it.
    Deleted,
    /// Any other binding (loop targets, unpacking, `except ... as name`,
    /// augmented assignment, match captures).
    Other,
}

/// One definition.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Def<'a> {
    pub(crate) name: &'a str,
    pub(crate) kind: DefKind<'a>,
}

/// The definitions of a body and which of them reach each block.
pub(crate) struct ReachingDefs<'a> {
    defs: Vec<Def<'a>>,
    /// The definitions each element makes, by block then element.
    made: Vec<Vec<Vec<usize>>>,
    /// The definitions reaching each block's entry (`None`: dead code).
    entry: Vec<Option<BitSet>>,
}

impl<'a> ReachingDefs<'a> {
    /// Solves reaching definitions over `cfg`, the graph of `kind`'s body.
    /// `None` when the solver gives up (see [`dataflow::Diverged`]).
    pub(crate) fn new(kind: ScopeKind<'a>, cfg: &Cfg<'a>) -> Option<Self> {
        let mut defs = Vec::new();
        if let ScopeKind::Function(function) = kind {
            for parameter in scope::parameters(&function.parameters) {
                defs.push(Def {
                    name: parameter.name.as_str(),
                    kind: DefKind::Parameter,
                });
            }
        }
        let parameters = defs.len();
        let mut made = Vec::with_capacity(cfg.blocks.len());
        for block in &cfg.blocks {
            let mut per_elem = Vec::with_capacity(block.elems.len());
            for elem in &block.elems {
                let first = defs.len();
                defs_of(*elem, &mut defs);
                per_elem.push((first..defs.len()).collect());
            }
            made.push(per_elem);
        }
        let mut entry = BitSet::new(defs.len());
        for index in 0..parameters {
            entry.insert(index);
        }
        let mut solver = Solver {
            defs: &defs,
            made: &made,
        };
        let entry = dataflow::solve(cfg, &mut solver, entry).ok()?;
        Some(Self { defs, made, entry })
    }

    /// The definitions of `name` that may be in force just before the
    /// element of `cfg` that contains `offset`. Empty when `offset` is in
    /// dead code or in no element.
    pub(crate) fn reaching(&self, cfg: &Cfg<'a>, name: &str, offset: TextSize) -> Vec<Def<'a>> {
        let Some((block, index)) = find_elem(cfg, offset) else {
            return Vec::new();
        };
        let Some(mut state) = self.entry[block].clone() else {
            return Vec::new();
        };
        for made in &self.made[block][..index] {
            apply(&self.defs, made, &mut state);
        }
        state
            .iter()
            .map(|i| self.defs[i])
            .filter(|d| d.name == name && !matches!(d.kind, DefKind::Deleted))
            .collect()
    }
}

/// The block and index of the element whose own text contains `offset`.
fn find_elem(cfg: &Cfg<'_>, offset: TextSize) -> Option<(BlockId, usize)> {
    cfg.blocks.iter().enumerate().find_map(|(b, block)| {
        block
            .elems
            .iter()
            .position(|e| elem_range(*e).contains_inclusive(offset))
            .map(|i| (b, i))
    })
}

/// The text an element stands for: a statement, or the head of a compound
/// statement (never the body, whose statements are elements of their own).
pub(crate) fn elem_range(elem: Elem<'_>) -> TextRange {
    match elem {
        Elem::Stmt(stmt) | Elem::Def(stmt) => stmt.range(),
        Elem::Eval(expr) => expr.range(),
        Elem::ForTarget(for_) => for_.target.range().cover(for_.iter.range()),
        Elem::With(item) => item.range,
        Elem::Handler(handler) => {
            let end = handler
                .name
                .as_ref()
                .map(Ranged::end)
                .or_else(|| handler.type_.as_ref().map(|t| t.end()))
                .unwrap_or_else(|| handler.range.start());
            TextRange::new(handler.range.start(), end)
        }
        Elem::Case { pattern, .. } => pattern.range(),
    }
}

fn apply(defs: &[Def<'_>], made: &[usize], state: &mut BitSet) {
    for &def in made {
        let name = defs[def].name;
        // Kill every other definition of the name.
        for other in state.iter().collect::<Vec<_>>() {
            if defs[other].name == name {
                state.remove(other);
            }
        }
        state.insert(def);
    }
}

fn defs_of<'a>(elem: Elem<'a>, defs: &mut Vec<Def<'a>>) {
    let mut push = |name: &'a str, kind| defs.push(Def { name, kind });
    match elem {
        Elem::Stmt(stmt) => match stmt {
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    match target {
                        Expr::Name(name) => push(name.id.as_str(), DefKind::Value(&assign.value)),
                        other => target_names(other, &mut |n| push(n, DefKind::Other)),
                    }
                }
            }
            Stmt::AnnAssign(assign) => {
                if let (Expr::Name(name), Some(value)) = (&*assign.target, &assign.value) {
                    push(name.id.as_str(), DefKind::Value(value));
                }
            }
            Stmt::AugAssign(assign) => {
                target_names(&assign.target, &mut |n| push(n, DefKind::Other))
            }
            Stmt::Delete(delete) => {
                for target in &delete.targets {
                    if let Expr::Name(name) = target {
                        push(name.id.as_str(), DefKind::Deleted);
                    }
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let name = alias.asname.as_ref().map_or_else(
                        || alias.name.as_str().split('.').next().unwrap_or(""),
                        ast::Identifier::as_str,
                    );
                    push(name, DefKind::Import);
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let name = alias.asname.as_ref().unwrap_or(&alias.name).as_str();
                    if name != "*" {
                        push(name, DefKind::Import);
                    }
                }
            }
            _ => {}
        },
        Elem::ForTarget(for_) => target_names(&for_.target, &mut |n| push(n, DefKind::Other)),
        Elem::With(item) => match item.optional_vars.as_deref() {
            Some(Expr::Name(name)) => push(name.id.as_str(), DefKind::With(&item.context_expr)),
            Some(other) => target_names(other, &mut |n| push(n, DefKind::Other)),
            None => {}
        },
        Elem::Handler(handler) => {
            if let Some(name) = &handler.name {
                push(name.as_str(), DefKind::Other);
            }
        }
        Elem::Case { pattern, .. } => {
            for name in scope::pattern_names(pattern) {
                push(name, DefKind::Other);
            }
        }
        Elem::Def(stmt) => match stmt {
            Stmt::FunctionDef(f) => push(f.name.as_str(), DefKind::Definition),
            Stmt::ClassDef(c) => push(c.name.as_str(), DefKind::Definition),
            _ => {}
        },
        Elem::Eval(_) => {}
    }
}

/// The names an assignment target binds.
pub(crate) fn target_names<'a>(target: &'a Expr, f: &mut dyn FnMut(&'a str)) {
    let mut pending = vec![target];
    while let Some(target) = pending.pop() {
        match target {
            Expr::Name(name) => f(name.id.as_str()),
            Expr::Tuple(tuple) => pending.extend(tuple.elts.iter()),
            Expr::List(list) => pending.extend(list.elts.iter()),
            Expr::Starred(starred) => pending.push(&starred.value),
            _ => {}
        }
    }
}

struct Solver<'d, 'a> {
    defs: &'d [Def<'a>],
    made: &'d [Vec<Vec<usize>>],
}

impl<'a> Analysis<'a> for Solver<'_, 'a> {
    type State = BitSet;

    fn transfer(&mut self, block: BlockId, _elems: &[Elem<'a>], state: &mut BitSet) {
        for made in &self.made[block] {
            apply(self.defs, made, state);
        }
    }

    fn edge(&mut self, _cond: Cond<'a>, _state: &mut BitSet) -> bool {
        true
    }

    fn join(&mut self, into: &mut BitSet, other: BitSet) -> bool {
        into.union_with(&other)
    }
}

/// A fixed-size set of small integers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    pub(crate) fn new(size: usize) -> Self {
        Self {
            words: vec![0; size.div_ceil(64)],
        }
    }

    pub(crate) fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub(crate) fn remove(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }

    /// Adds `other`'s members; whether any was new.
    pub(crate) fn union_with(&mut self, other: &BitSet) -> bool {
        let mut changed = false;
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            let new = *a | b;
            changed |= new != *a;
            *a = new;
        }
        changed
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            (0..64)
                .filter(move |b| word & (1 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_reach_through_branches_and_are_killed() {
        let source = "def f(p):\n    x = p\n    if c:\n        x = 'a'\n    use(x)\n    x = 'b'\n    use(x)\n";
        let parsed = ruff_python_parser::parse_module(source).unwrap();
        let Stmt::FunctionDef(f) = &parsed.syntax().body[0] else {
            panic!()
        };
        let cfg = Cfg::build(&f.body).unwrap();
        let defs = ReachingDefs::new(ScopeKind::Function(f), &cfg).unwrap();
        let first_use = TextSize::try_from(source.find("use(x)").unwrap()).unwrap();
        let values: Vec<String> = defs
            .reaching(&cfg, "x", first_use)
            .iter()
            .map(|d| match d.kind {
                DefKind::Value(v) => source[v.range()].to_string(),
                _ => "?".into(),
            })
            .collect();
        assert_eq!(values.len(), 2, "{values:?}");
        assert!(values.contains(&"p".to_string()) && values.contains(&"'a'".to_string()));
        let second_use = TextSize::try_from(source.rfind("use(x)").unwrap()).unwrap();
        assert_eq!(defs.reaching(&cfg, "x", second_use).len(), 1);
        assert_eq!(defs.reaching(&cfg, "p", first_use).len(), 1);
    }
}
