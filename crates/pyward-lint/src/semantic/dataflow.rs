//! A forward data-flow solver over a [`Cfg`]: a worklist in reverse
//! post-order, with a budget so that no input can make it run long.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::cfg::{BlockId, Cfg, Cond, Elem};

/// One forward analysis: a state per program point, a transfer function per
/// block, conditions on edges, and a join.
pub(crate) trait Analysis<'a> {
    type State: Clone;

    /// Applies `block`'s elements, in order, to `state`.
    fn transfer(&mut self, block: BlockId, elems: &[Elem<'a>], state: &mut Self::State);

    /// Narrows `state` for an edge taken under `cond`; `false` when the edge
    /// cannot be taken from this state (its condition folds to the other
    /// boolean).
    fn edge(&mut self, cond: Cond<'a>, state: &mut Self::State) -> bool;

    /// Joins `other` into `into`; whether `into` changed.
    fn join(&mut self, into: &mut Self::State, other: Self::State) -> bool;
}

/// The analysis did not settle within its budget (a pathological body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Diverged;

/// The state at the entry of each block (`None`: never reached), starting
/// from `entry` at block 0. The last time the solver runs a block's
/// transfer, it runs it on that block's final entry state: analyses may
/// record what they see as they go, overwriting earlier records.
pub(crate) fn solve<'a, A: Analysis<'a>>(
    cfg: &Cfg<'a>,
    analysis: &mut A,
    entry: A::State,
) -> Result<Vec<Option<A::State>>, Diverged> {
    let order = cfg.reverse_postorder();
    let mut rank = vec![usize::MAX; cfg.blocks.len()];
    for (index, &block) in order.iter().enumerate() {
        rank[block] = index;
    }
    let mut states: Vec<Option<A::State>> = vec![None; cfg.blocks.len()];
    states[0] = Some(entry);
    let mut queued = vec![false; cfg.blocks.len()];
    let mut queue = BinaryHeap::new();
    queue.push(Reverse(0usize));
    queued[0] = true;
    // Loops settle in a few rounds; this bounds contrived inputs.
    let mut budget = 16 * cfg.blocks.len() + 64;
    while let Some(Reverse(position)) = queue.pop() {
        let block = order[position];
        queued[block] = false;
        if budget == 0 {
            return Err(Diverged);
        }
        budget -= 1;
        let Some(mut state) = states[block].clone() else {
            continue;
        };
        analysis.transfer(block, &cfg.blocks[block].elems, &mut state);
        let succs = &cfg.blocks[block].succs;
        let mut state = Some(state);
        for (index, edge) in succs.iter().enumerate() {
            // The last edge takes the state itself, the others a copy.
            let out = if index + 1 == succs.len() {
                state.take()
            } else {
                state.clone()
            };
            let Some(mut out) = out else { break };
            if !analysis.edge(edge.cond, &mut out) {
                continue;
            }
            let changed = match &mut states[edge.to] {
                Some(existing) => analysis.join(existing, out),
                slot @ None => {
                    *slot = Some(out);
                    true
                }
            };
            if changed && !queued[edge.to] && rank[edge.to] != usize::MAX {
                queued[edge.to] = true;
                queue.push(Reverse(rank[edge.to]));
            }
        }
    }
    Ok(states)
}
