//! The action graph: dependency edges, make-before-break edges that are only
//! added when they cannot close a cycle, and the topological display order.

use super::PlanError;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Edges by node index: `deps[n]` must finish before `n` starts.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub deps: Vec<Vec<usize>>,
}

impl Graph {
    pub fn add_node(&mut self) -> usize {
        self.deps.push(Vec::new());
        self.deps.len() - 1
    }

    pub fn edge(&mut self, node: usize, depends_on: usize) {
        if node != depends_on {
            self.deps[node].push(depends_on);
        }
    }

    /// Does `from` (transitively) depend on `target`?
    pub fn reaches(&self, from: usize, target: usize) -> bool {
        let mut seen = vec![false; self.deps.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == target {
                return true;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            stack.extend(self.deps[n].iter().copied().filter(|d| !seen[*d]));
        }
        false
    }

    /// Adds `node` → `depends_on` unless that would close a cycle; returns
    /// whether the edge was added. Used for make-before-break, which is a
    /// preference, never a requirement.
    pub fn edge_if_acyclic(&mut self, node: usize, depends_on: usize) -> bool {
        if node == depends_on || self.reaches(depends_on, node) {
            return false;
        }
        self.deps[node].push(depends_on);
        true
    }

    /// Kahn's algorithm; among ready nodes the earliest-built goes first, so
    /// the display order is deterministic and follows build order (lines,
    /// gateways, bindings, VPCs, health checks, routes) where edges allow.
    pub fn topological_order(&mut self) -> Result<Vec<usize>, PlanError> {
        let n = self.deps.len();
        for d in &mut self.deps {
            d.sort_unstable();
            d.dedup();
        }
        let mut indegree = vec![0usize; n];
        let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (node, deps) in self.deps.iter().enumerate() {
            indegree[node] = deps.len();
            for &d in deps {
                dependants[d].push(node);
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|i| indegree[*i] == 0).map(Reverse).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Reverse(node)) = ready.pop() {
            order.push(node);
            for &next in &dependants[node] {
                indegree[next] -= 1;
                if indegree[next] == 0 {
                    ready.push(Reverse(next));
                }
            }
        }
        if order.len() != n {
            return Err(PlanError::Cycle);
        }
        Ok(order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_respects_edges_and_build_order() {
        let mut g = Graph::default();
        let a = g.add_node();
        let b = g.add_node();
        let c = g.add_node();
        g.edge(a, c);
        assert_eq!(g.topological_order().unwrap(), vec![b, c, a]);
    }

    #[test]
    fn acyclic_edge_is_refused_when_it_would_close_a_cycle() {
        let mut g = Graph::default();
        let a = g.add_node();
        let b = g.add_node();
        g.edge(a, b);
        assert!(!g.edge_if_acyclic(b, a));
        assert!(g.edge_if_acyclic(a, b));
        assert!(g.topological_order().is_ok());
    }

    #[test]
    fn cycle_is_an_error() {
        let mut g = Graph::default();
        let a = g.add_node();
        let b = g.add_node();
        g.edge(a, b);
        g.edge(b, a);
        assert_eq!(g.topological_order(), Err(PlanError::Cycle));
    }
}
