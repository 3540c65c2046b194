//! Traffic impact: replay the ordered actions over an abstract forwarding
//! table — per gateway, prefix → lines carrying it — and classify what each
//! step removes. A path exists when a route (static next hop or BGP peer)
//! names the line *and* the line is bound to the gateway.

use crate::action::Impact;
use ipnet::IpNet;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What one action does to the forwarding table.
#[derive(Debug, Clone, Default)]
pub(crate) enum Effect {
    #[default]
    None,
    /// A route changes: these (prefix, line) paths go, these come.
    Routes {
        gateway: String,
        remove: Vec<(IpNet, String)>,
        add: Vec<(IpNet, String)>,
    },
    /// A line is bound to (`true`) or unbound from a gateway.
    Binding {
        gateway: String,
        line: String,
        bound: bool,
    },
}

/// Gateways and lines are interned to small integers: the table holds a
/// path per (prefix, line) for every route of the touched gateways, which
/// for a large estate is hundreds of thousands of entries.
#[derive(Debug, Default)]
pub(crate) struct Simulator {
    names: HashMap<String, u32>,
    /// gateway → prefix → (line, number of routes naming it).
    paths: HashMap<u32, HashMap<IpNet, Vec<(u32, u32)>>>,
    bound: HashSet<(u32, u32)>,
}

impl Simulator {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.names.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.insert(name.to_string(), id);
        id
    }

    pub fn add_path(&mut self, gateway: &str, prefix: IpNet, line: &str) {
        let (g, l) = (self.intern(gateway), self.intern(line));
        add(
            self.paths.entry(g).or_default().entry(prefix).or_default(),
            l,
        );
    }

    pub fn bind(&mut self, gateway: &str, line: &str) {
        let (g, l) = (self.intern(gateway), self.intern(line));
        self.bound.insert((g, l));
    }

    fn effective(&self, g: u32, prefix: &IpNet) -> Vec<u32> {
        let Some(lines) = self.paths.get(&g).and_then(|t| t.get(prefix)) else {
            return Vec::new();
        };
        let mut out: Vec<u32> = lines
            .iter()
            .filter(|(l, n)| *n > 0 && self.bound.contains(&(g, *l)))
            .map(|(l, _)| *l)
            .collect();
        out.sort_unstable();
        out
    }

    /// Applies one action's effect and returns its route-level impact.
    pub fn apply(&mut self, effect: &Effect) -> Vec<Impact> {
        let (g, touched): (u32, BTreeSet<IpNet>) = match effect {
            Effect::None => return Vec::new(),
            Effect::Routes {
                gateway,
                remove,
                add,
            } => (
                self.intern(gateway),
                remove.iter().chain(add.iter()).map(|(p, _)| *p).collect(),
            ),
            Effect::Binding { gateway, line, .. } => {
                let (g, l) = (self.intern(gateway), self.intern(line));
                let touched = self
                    .paths
                    .get(&g)
                    .map(|t| {
                        t.iter()
                            .filter(|(_, lines)| lines.iter().any(|(x, n)| *x == l && *n > 0))
                            .map(|(p, _)| *p)
                            .collect()
                    })
                    .unwrap_or_default();
                (g, touched)
            }
        };
        let before: Vec<Vec<u32>> = touched.iter().map(|p| self.effective(g, p)).collect();
        match effect {
            Effect::None => {}
            Effect::Routes {
                remove, add: added, ..
            } => {
                let ids: Vec<u32> = remove
                    .iter()
                    .chain(added.iter())
                    .map(|(_, l)| self.intern(l))
                    .collect();
                let (rm_ids, add_ids) = ids.split_at(remove.len());
                let table = self.paths.entry(g).or_default();
                for ((prefix, _), l) in remove.iter().zip(rm_ids) {
                    if let Some(entry) = table
                        .get_mut(prefix)
                        .and_then(|v| v.iter_mut().find(|(x, _)| x == l))
                    {
                        entry.1 = entry.1.saturating_sub(1);
                    }
                }
                for ((prefix, _), l) in added.iter().zip(add_ids) {
                    add(table.entry(*prefix).or_default(), *l);
                }
            }
            Effect::Binding { line, bound, .. } => {
                let l = self.intern(line);
                if *bound {
                    self.bound.insert((g, l));
                } else {
                    self.bound.remove(&(g, l));
                }
            }
        }
        let mut withdrawn = Vec::new();
        let mut reduced = Vec::new();
        for (prefix, before) in touched.iter().zip(before) {
            if before.is_empty() {
                continue;
            }
            let after = self.effective(g, prefix);
            if after.is_empty() {
                withdrawn.push(*prefix);
            } else if before.iter().any(|l| !after.contains(l)) {
                reduced.push(*prefix);
            }
        }
        let mut out = Vec::new();
        if !withdrawn.is_empty() {
            out.push(Impact::PrefixesWithdrawn {
                prefixes: withdrawn,
            });
        }
        if !reduced.is_empty() {
            out.push(Impact::RedundancyReduced { prefixes: reduced });
        }
        out
    }
}

fn add(lines: &mut Vec<(u32, u32)>, line: u32) {
    match lines.iter_mut().find(|(x, _)| *x == line) {
        Some(entry) => entry.1 += 1,
        None => lines.push((line, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> IpNet {
        s.parse().unwrap()
    }

    fn sim() -> Simulator {
        let mut s = Simulator::default();
        s.bind("gw", "a");
        s.bind("gw", "b");
        s.add_path("gw", net("10.0.0.0/16"), "a");
        s.add_path("gw", net("10.0.0.0/16"), "b");
        s.add_path("gw", net("10.1.0.0/16"), "a");
        s
    }

    #[test]
    fn unbinding_a_line_reduces_or_withdraws_per_prefix() {
        let mut s = sim();
        let impact = s.apply(&Effect::Binding {
            gateway: "gw".into(),
            line: "a".into(),
            bound: false,
        });
        assert_eq!(
            impact,
            vec![
                Impact::PrefixesWithdrawn {
                    prefixes: vec![net("10.1.0.0/16")]
                },
                Impact::RedundancyReduced {
                    prefixes: vec![net("10.0.0.0/16")]
                },
            ]
        );
    }

    #[test]
    fn adding_a_path_is_not_an_impact_and_replacing_one_is_a_reduction() {
        let mut s = sim();
        let add = Effect::Routes {
            gateway: "gw".into(),
            remove: vec![],
            add: vec![(net("10.1.0.0/16"), "b".into())],
        };
        assert!(s.apply(&add).is_empty());
        let swap = Effect::Routes {
            gateway: "gw".into(),
            remove: vec![(net("10.1.0.0/16"), "a".into())],
            add: vec![(net("10.1.0.0/16"), "b".into())],
        };
        assert_eq!(
            s.apply(&swap),
            vec![Impact::RedundancyReduced {
                prefixes: vec![net("10.1.0.0/16")]
            }]
        );
    }

    #[test]
    fn a_path_over_an_unbound_line_does_not_count() {
        let mut s = sim();
        s.add_path("gw", net("10.2.0.0/16"), "c");
        let del = Effect::Routes {
            gateway: "gw".into(),
            remove: vec![(net("10.2.0.0/16"), "c".into())],
            add: vec![],
        };
        assert!(s.apply(&del).is_empty());
    }
}
