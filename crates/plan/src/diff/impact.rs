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

#[derive(Debug, Default)]
pub(crate) struct Simulator {
    paths: HashMap<String, HashMap<IpNet, HashMap<String, u32>>>,
    bound: HashSet<(String, String)>,
}

impl Simulator {
    pub fn add_path(&mut self, gateway: &str, prefix: IpNet, line: &str) {
        *self
            .paths
            .entry(gateway.to_string())
            .or_default()
            .entry(prefix)
            .or_default()
            .entry(line.to_string())
            .or_default() += 1;
    }

    pub fn bind(&mut self, gateway: &str, line: &str) {
        self.bound.insert((gateway.to_string(), line.to_string()));
    }

    fn effective(&self, gateway: &str, prefix: &IpNet) -> BTreeSet<String> {
        let Some(lines) = self.paths.get(gateway).and_then(|g| g.get(prefix)) else {
            return BTreeSet::new();
        };
        lines
            .iter()
            .filter(|(line, n)| {
                **n > 0 && self.bound.contains(&(gateway.to_string(), (*line).clone()))
            })
            .map(|(line, _)| line.clone())
            .collect()
    }

    /// Applies one action's effect and returns its route-level impact.
    pub fn apply(&mut self, effect: &Effect) -> Vec<Impact> {
        let (gateway, touched): (&str, BTreeSet<IpNet>) = match effect {
            Effect::None => return Vec::new(),
            Effect::Routes {
                gateway,
                remove,
                add,
            } => (
                gateway,
                remove.iter().chain(add.iter()).map(|(p, _)| *p).collect(),
            ),
            Effect::Binding { gateway, line, .. } => {
                let touched = self
                    .paths
                    .get(gateway.as_str())
                    .map(|g| {
                        g.iter()
                            .filter(|(_, lines)| lines.get(line).is_some_and(|n| *n > 0))
                            .map(|(p, _)| *p)
                            .collect()
                    })
                    .unwrap_or_default();
                (gateway, touched)
            }
        };
        let before: Vec<BTreeSet<String>> =
            touched.iter().map(|p| self.effective(gateway, p)).collect();
        match effect {
            Effect::None => {}
            Effect::Routes {
                gateway,
                remove,
                add,
            } => {
                let table = self.paths.entry(gateway.clone()).or_default();
                for (prefix, line) in remove {
                    if let Some(n) = table.get_mut(prefix).and_then(|l| l.get_mut(line)) {
                        *n = n.saturating_sub(1);
                    }
                }
                for (prefix, line) in add {
                    *table
                        .entry(*prefix)
                        .or_default()
                        .entry(line.clone())
                        .or_default() += 1;
                }
            }
            Effect::Binding {
                gateway,
                line,
                bound,
            } => {
                let key = (gateway.clone(), line.clone());
                if *bound {
                    self.bound.insert(key);
                } else {
                    self.bound.remove(&key);
                }
            }
        }
        let mut withdrawn = Vec::new();
        let mut reduced = Vec::new();
        for (prefix, before) in touched.iter().zip(before) {
            let after = self.effective(gateway, prefix);
            if before.is_empty() {
                continue;
            }
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
