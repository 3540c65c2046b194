//! Traffic impact: replay the ordered actions over an abstract forwarding
//! table — per gateway, prefix → lines carrying it — and classify what each
//! step removes. A path exists when a route (static next hop or BGP peer)
//! names the line *and* the line is bound to the gateway.

use crate::action::Impact;
use ipnet::IpNet;
use std::collections::{BTreeSet, HashMap};

/// What one action does to the forwarding table. Gateways and lines are the
/// planner's indices: a plan can hold hundreds of thousands of these.
#[derive(Debug, Clone, Default)]
pub(crate) enum Effect {
    #[default]
    None,
    /// A route changes: these (prefix, line) paths go, these come.
    Routes {
        gateway: u32,
        remove: Vec<(IpNet, u32)>,
        add: Vec<(IpNet, u32)>,
    },
    /// A line is bound to (`true`) or unbound from a gateway.
    Binding {
        gateway: u32,
        line: u32,
        bound: bool,
    },
}

#[derive(Debug, Default)]
pub(crate) struct Simulator {
    /// Each gateway's table apart: an action touches one gateway and finds
    /// all it needs with one look-up, not one per prefix and line in tables
    /// of the whole estate.
    gateways: HashMap<u32, GatewayTable>,
}

#[derive(Debug, Default)]
struct GatewayTable {
    /// prefix → (line, number of routes naming it).
    paths: HashMap<IpNet, Vec<(u32, u32)>>,
    /// Lines bound here (a gateway has a few).
    bound: Vec<u32>,
}

impl GatewayTable {
    fn bind(&mut self, line: u32) {
        if !self.bound.contains(&line) {
            self.bound.push(line);
        }
    }

    fn effective(&self, prefix: &IpNet) -> Vec<u32> {
        let Some(lines) = self.paths.get(prefix) else {
            return Vec::new();
        };
        let mut out: Vec<u32> = lines
            .iter()
            .filter(|(l, n)| *n > 0 && self.bound.contains(l))
            .map(|(l, _)| *l)
            .collect();
        out.sort_unstable();
        out
    }
}

impl Simulator {
    pub fn add_path(&mut self, gateway: u32, prefix: IpNet, line: u32) {
        let table = self.gateways.entry(gateway).or_default();
        add(table.paths.entry(prefix).or_default(), line);
    }

    pub fn bind(&mut self, gateway: u32, line: u32) {
        self.gateways.entry(gateway).or_default().bind(line);
    }

    /// Applies one action's effect and returns its route-level impact.
    pub fn apply(&mut self, effect: &Effect) -> Vec<Impact> {
        let g = match effect {
            Effect::None => return Vec::new(),
            Effect::Routes { gateway, .. } | Effect::Binding { gateway, .. } => *gateway,
        };
        let table = self.gateways.entry(g).or_default();
        let touched: BTreeSet<IpNet> = match effect {
            Effect::None => BTreeSet::new(),
            Effect::Routes { remove, add, .. } => {
                remove.iter().chain(add.iter()).map(|(p, _)| *p).collect()
            }
            Effect::Binding { line, .. } => table
                .paths
                .iter()
                .filter(|(_, lines)| lines.iter().any(|(x, n)| x == line && *n > 0))
                .map(|(p, _)| *p)
                .collect(),
        };
        let before: Vec<Vec<u32>> = touched.iter().map(|p| table.effective(p)).collect();
        match effect {
            Effect::None => {}
            Effect::Routes {
                remove, add: added, ..
            } => {
                for (prefix, l) in remove {
                    if let Some(entry) = table
                        .paths
                        .get_mut(prefix)
                        .and_then(|v| v.iter_mut().find(|(x, _)| x == l))
                    {
                        entry.1 = entry.1.saturating_sub(1);
                    }
                }
                for (prefix, l) in added {
                    add(table.paths.entry(*prefix).or_default(), *l);
                }
            }
            Effect::Binding { line, bound, .. } => {
                if *bound {
                    table.bind(*line);
                } else {
                    table.bound.retain(|x| x != line);
                }
            }
        }
        let mut withdrawn = Vec::new();
        let mut reduced = Vec::new();
        for (prefix, before) in touched.iter().zip(before) {
            if before.is_empty() {
                continue;
            }
            let after = table.effective(prefix);
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

    const GW: u32 = 0;
    const A: u32 = 1;
    const B: u32 = 2;
    const C: u32 = 3;

    fn sim() -> Simulator {
        let mut s = Simulator::default();
        s.bind(GW, A);
        s.bind(GW, B);
        s.add_path(GW, net("10.0.0.0/16"), A);
        s.add_path(GW, net("10.0.0.0/16"), B);
        s.add_path(GW, net("10.1.0.0/16"), A);
        s
    }

    #[test]
    fn unbinding_a_line_reduces_or_withdraws_per_prefix() {
        let mut s = sim();
        let impact = s.apply(&Effect::Binding {
            gateway: GW,
            line: A,
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
            gateway: GW,
            remove: vec![],
            add: vec![(net("10.1.0.0/16"), B)],
        };
        assert!(s.apply(&add).is_empty());
        let swap = Effect::Routes {
            gateway: GW,
            remove: vec![(net("10.1.0.0/16"), A)],
            add: vec![(net("10.1.0.0/16"), B)],
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
        s.add_path(GW, net("10.2.0.0/16"), C);
        let del = Effect::Routes {
            gateway: GW,
            remove: vec![(net("10.2.0.0/16"), C)],
            add: vec![],
        };
        assert!(s.apply(&del).is_empty());
    }

    #[test]
    fn one_route_removed_while_another_names_the_same_path_keeps_it() {
        let mut s = sim();
        s.add_path(GW, net("10.1.0.0/16"), A);
        let del = Effect::Routes {
            gateway: GW,
            remove: vec![(net("10.1.0.0/16"), A)],
            add: vec![],
        };
        assert!(s.apply(&del).is_empty());
        assert_eq!(
            s.apply(&del),
            vec![Impact::PrefixesWithdrawn {
                prefixes: vec![net("10.1.0.0/16")]
            }]
        );
    }
}
