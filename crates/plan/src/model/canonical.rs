//! The file's order carries no meaning: every list of the desired state
//! (lines, gateways, a gateway's lines, VPCs, subnets, routes, next hops,
//! peers, networks) is put in one canonical order before planning, so that
//! reordering the file can never change a plan.

use super::{BgpRoute, DesiredState, Gateway, StaticRoute, VpcAttachment};
use std::borrow::Cow;

impl DesiredState {
    /// The same state with every list in its canonical order; borrowed
    /// when it already is (the usual case for an exported file), so large
    /// estates pay for a copy only when they need one.
    pub fn canonical(&self) -> Cow<'_, DesiredState> {
        if self.is_canonical() {
            return Cow::Borrowed(self);
        }
        let mut state = self.clone();
        state.canonicalise();
        Cow::Owned(state)
    }

    fn canonicalise(&mut self) {
        self.prune.sort();
        self.physical_lines.sort_by(|a, b| a.name.cmp(&b.name));
        self.gateways.sort_by(|a, b| a.name.cmp(&b.name));
        for gw in &mut self.gateways {
            gw.lines.sort();
            gw.vpcs.sort_by(|a, b| a.id.cmp(&b.id));
            for vpc in &mut gw.vpcs {
                vpc.subnets.sort();
                vpc.subnets_v6.sort();
            }
            for route in &mut gw.static_routes {
                route.dst.sort();
                route.next_hops.sort_by(|a, b| a.line.cmp(&b.line));
            }
            gw.static_routes.sort_by_cached_key(static_key);
            for route in &mut gw.bgp {
                route.networks.sort();
                route.peers.sort_by(|a, b| a.line.cmp(&b.line));
            }
            gw.bgp.sort_by_key(|r| r.ip_version);
        }
    }

    fn is_canonical(&self) -> bool {
        is_sorted_by_key(&self.prune, |k| *k)
            && is_sorted_by_key(&self.physical_lines, |l| l.name.as_str())
            && is_sorted_by_key(&self.gateways, |g| g.name.as_str())
            && self.gateways.iter().all(gateway_is_canonical)
    }
}

fn gateway_is_canonical(gw: &Gateway) -> bool {
    is_sorted_by_key(&gw.lines, |l| l.as_str())
        && is_sorted_by_key(&gw.vpcs, |v| v.id.as_str())
        && gw.vpcs.iter().all(vpc_is_canonical)
        && gw.static_routes.iter().all(|r| {
            is_sorted_by_key(&r.dst, |d| *d) && is_sorted_by_key(&r.next_hops, |h| h.line.as_str())
        })
        && is_sorted_by_key(&gw.static_routes, static_key)
        && gw.bgp.iter().all(bgp_is_canonical)
        && is_sorted_by_key(&gw.bgp, |r| r.ip_version)
}

fn vpc_is_canonical(vpc: &VpcAttachment) -> bool {
    is_sorted_by_key(&vpc.subnets, |s| *s) && is_sorted_by_key(&vpc.subnets_v6, |s| *s)
}

fn bgp_is_canonical(route: &BgpRoute) -> bool {
    is_sorted_by_key(&route.networks, |n| *n) && is_sorted_by_key(&route.peers, |p| p.line.as_str())
}

/// Routes sort by their destinations (sorted first: a route's identity).
fn static_key(route: &StaticRoute) -> Vec<ipnet::IpNet> {
    let mut dst = route.dst.clone();
    dst.sort();
    dst
}

fn is_sorted_by_key<'a, T, K: PartialOrd>(items: &'a [T], key: impl Fn(&'a T) -> K) -> bool {
    items.windows(2).all(|w| key(&w[0]) <= key(&w[1]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Gateway, Kind};

    fn gateway(name: &str, lines: &[&str]) -> Gateway {
        Gateway {
            name: name.into(),
            hostname: None,
            access_point: None,
            description: None,
            lines: lines.iter().map(|l| (*l).to_string()).collect(),
            vpcs: Vec::new(),
            static_routes: Vec::new(),
            bgp: Vec::new(),
            protect: false,
        }
    }

    #[test]
    fn a_sorted_state_is_borrowed_and_an_unsorted_one_sorted() {
        let mut state = DesiredState {
            region: "nm8".into(),
            account: None,
            prune: vec![Kind::Routes, Kind::Gateways],
            physical_lines: Vec::new(),
            gateways: vec![gateway("gw2", &["b", "a"]), gateway("gw1", &[])],
        };
        let canonical = state.canonical().into_owned();
        assert_eq!(canonical.prune, vec![Kind::Gateways, Kind::Routes]);
        assert_eq!(canonical.gateways[0].name, "gw1");
        assert_eq!(canonical.gateways[1].lines, vec!["a", "b"]);
        assert!(matches!(canonical.canonical(), Cow::Borrowed(_)));
        state = canonical;
        assert!(state.is_canonical());
    }
}
