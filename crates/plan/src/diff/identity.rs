//! Pass 1, identity: match every desired line and gateway to its live
//! counterpart (PRODUCT §5), decide its fate, and where each line is bound
//! before and after the plan. The result is read-only once built: the
//! action passes only look things up in it.

use super::compare::{compare_gateway, compare_line, left_as_is};
use super::PlanError;
use crate::action::{address, AttributeChange, LineRef, Requested, ResourceKind};
use crate::inventory::{Inventory, LiveGateway, LiveLine};
use crate::model::{DesiredState, Gateway, Kind, PhysicalLine};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

/// What happens to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Create,
    Keep,
    Replace,
    Delete,
    Unmanaged,
}

#[derive(Debug)]
pub(super) struct LineEntry<'a> {
    /// Address name: the desired name, or the live name when undeclared.
    pub key: String,
    pub desired: Option<&'a PhysicalLine>,
    pub live: Option<&'a LiveLine>,
    pub fate: Fate,
    pub live_gw: Option<String>,
    pub target_gw: Option<String>,
    pub changes: Vec<AttributeChange>,
    /// First attribute forcing a replace.
    pub forced: Option<String>,
    pub description_change: bool,
}

impl LineEntry<'_> {
    /// Must be unbound even if it stays on the same gateway.
    pub fn churns(&self) -> bool {
        self.fate == Fate::Replace || (self.description_change && self.live_gw.is_some())
    }

    pub fn line_ref(&self) -> LineRef {
        let id = match self.fate {
            Fate::Create | Fate::Replace => None,
            _ => self.live.map(|l| l.id.clone()),
        };
        LineRef {
            name: self.key.clone(),
            id,
        }
    }

    pub fn remote(&self, v6: bool) -> Option<IpAddr> {
        let net = match (self.desired, self.live) {
            (Some(d), _) => {
                if v6 {
                    d.remote_ip_v6
                } else {
                    d.remote_ip
                }
            }
            (None, Some(l)) => {
                if v6 {
                    l.remote_ip_v6
                } else {
                    l.remote_ip
                }
            }
            _ => None,
        };
        net.map(|n| n.addr())
    }
}

#[derive(Debug)]
pub(super) struct GwEntry<'a> {
    pub desired: Option<&'a Gateway>,
    pub live: Option<&'a LiveGateway>,
    pub fate: Fate,
    pub changes: Vec<AttributeChange>,
    pub forced: Option<String>,
    /// Changes the API cannot make and that carry no forwarding meaning,
    /// left as is because nothing replaces the gateway.
    pub left_as_is: Vec<AttributeChange>,
}

/// The attribute named as forcing a replace that `--replace` asked for.
pub(super) const REPLACE_REQUESTED: &str = "--replace";

/// Every line and gateway, desired and live, matched and given a fate.
pub(super) struct Identity<'a> {
    pub desired: &'a DesiredState,
    pub live: &'a Inventory,
    pub lines: Vec<LineEntry<'a>>,
    pub line_by_key: HashMap<String, usize>,
    pub line_by_id: HashMap<&'a str, usize>,
    pub gws: BTreeMap<String, GwEntry<'a>>,
    /// Gateway name → index for the impact replay (sorted by name).
    pub gw_ids: HashMap<String, u32>,
    pub prune: BTreeSet<Kind>,
    pub requested: &'a Requested,
    /// Switch hostname of each declared line, for gateways that take theirs
    /// from their lines.
    line_hostname: HashMap<&'a str, &'a str>,
}

impl<'a> Identity<'a> {
    pub fn new(
        desired: &'a DesiredState,
        live: &'a Inventory,
        requested: &'a Requested,
    ) -> Result<Self, PlanError> {
        let mut id = Identity {
            desired,
            live,
            lines: Vec::new(),
            line_by_key: HashMap::new(),
            line_by_id: HashMap::new(),
            gws: BTreeMap::new(),
            gw_ids: HashMap::new(),
            prune: desired.prune.iter().copied().collect(),
            requested,
            line_hostname: desired
                .physical_lines
                .iter()
                .map(|l| (l.name.as_str(), l.switch.hostname.as_str()))
                .collect(),
        };
        id.match_gateways()?;
        id.gw_ids = id
            .gws
            .keys()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        id.match_lines()?;
        id.assign_bindings()?;
        Ok(id)
    }

    fn match_gateways(&mut self) -> Result<(), PlanError> {
        let live_by_name: HashMap<&str, &LiveGateway> = self
            .live
            .gateways
            .iter()
            .map(|g| (g.name.as_str(), g))
            .collect();
        for gw in &self.desired.gateways {
            if self.gws.contains_key(&gw.name) {
                return Err(PlanError::Duplicate {
                    kind: "gateway",
                    name: gw.name.clone(),
                });
            }
            let live = live_by_name.get(gw.name.as_str()).copied();
            let mut entry = GwEntry {
                desired: Some(gw),
                live,
                fate: Fate::Create,
                changes: Vec::new(),
                forced: None,
                left_as_is: Vec::new(),
            };
            if let Some(l) = live {
                // No gateway update call exists: a difference replaces it,
                // unless it carries no forwarding meaning.
                let hostname = self.hostname(gw, Some(l));
                let mut changes = compare_gateway(gw, l, &hostname);
                let left = left_as_is(ResourceKind::Gateway, &mut changes);
                entry.forced = changes.first().map(|c| c.name.clone()).or_else(|| {
                    self.requested
                        .replaces(&address::gateway(&gw.name))
                        .then(|| REPLACE_REQUESTED.to_string())
                });
                if entry.forced.is_some() {
                    changes.extend(left);
                } else {
                    entry.left_as_is = left;
                }
                entry.changes = changes;
                entry.fate = if entry.forced.is_some() {
                    Fate::Replace
                } else {
                    Fate::Keep
                };
                if entry.fate == Fate::Replace && gw.protect {
                    return Err(PlanError::protected(
                        address::gateway(&gw.name),
                        entry.forced.clone().unwrap_or_default(),
                        &entry.changes,
                    ));
                }
            }
            self.gws.insert(gw.name.clone(), entry);
        }
        for l in &self.live.gateways {
            if self.gws.contains_key(&l.name) {
                continue;
            }
            let fate = if self.prune.contains(&Kind::Gateways) {
                Fate::Delete
            } else {
                Fate::Unmanaged
            };
            self.gws.insert(
                l.name.clone(),
                GwEntry {
                    desired: None,
                    live: Some(l),
                    fate,
                    changes: Vec::new(),
                    forced: None,
                    left_as_is: Vec::new(),
                },
            );
        }
        Ok(())
    }

    /// The hostname the gateway has or would be created with: the declared
    /// one, else a switch of its lines. The live one is kept while it is
    /// the switch of any of its lines (a gateway created when another line
    /// came first in the file), so the order of `lines` never replaces a
    /// gateway; a new gateway takes the switch of its first line by name.
    pub fn hostname(&self, gw: &Gateway, live: Option<&LiveGateway>) -> Option<String> {
        if let Some(h) = &gw.hostname {
            return Some(h.clone());
        }
        let switches = || {
            gw.lines
                .iter()
                .filter_map(|l| self.line_hostname.get(l.as_str()).copied())
        };
        if let Some(live) = live.and_then(|l| l.hostname.as_deref()) {
            if switches().any(|h| h == live) {
                return Some(live.to_owned());
            }
        }
        let first = gw.lines.iter().min()?;
        self.line_hostname
            .get(first.as_str())
            .map(|h| (*h).to_owned())
    }

    fn match_lines(&mut self) -> Result<(), PlanError> {
        let mut live_gw_of: HashMap<&str, String> = HashMap::new();
        for gw in &self.live.gateways {
            for id in &gw.line_ids {
                live_gw_of.insert(id.as_str(), gw.name.clone());
            }
        }
        for l in &self.live.lines {
            if let Some(g) = &l.gateway {
                live_gw_of.entry(l.id.as_str()).or_insert_with(|| g.clone());
            }
        }
        let (matched, claimed) = self.claim_live_lines();
        for (d, live) in self.desired.physical_lines.iter().zip(matched) {
            if self.line_by_key.contains_key(&d.name) {
                return Err(PlanError::Duplicate {
                    kind: "physical line",
                    name: d.name.clone(),
                });
            }
            let mut entry = LineEntry {
                key: d.name.clone(),
                desired: Some(d),
                live,
                fate: Fate::Create,
                live_gw: live.and_then(|l| live_gw_of.get(l.id.as_str()).cloned()),
                target_gw: None,
                changes: Vec::new(),
                forced: None,
                description_change: false,
            };
            if let Some(l) = live {
                compare_line(d, l, &mut entry);
                if entry.forced.is_none()
                    && self.requested.replaces(&address::physical_line(&d.name))
                {
                    entry.forced = Some(REPLACE_REQUESTED.to_string());
                }
                entry.fate = if entry.forced.is_some() {
                    Fate::Replace
                } else {
                    Fate::Keep
                };
                if entry.fate == Fate::Replace && d.protect {
                    return Err(PlanError::protected(
                        address::physical_line(&d.name),
                        entry.forced.clone().unwrap_or_default(),
                        &entry.changes,
                    ));
                }
            }
            self.push_line(entry);
        }
        for l in &self.live.lines {
            if claimed.contains(l.id.as_str()) {
                continue;
            }
            let fate = if self.prune.contains(&Kind::PhysicalLines) {
                Fate::Delete
            } else {
                Fate::Unmanaged
            };
            let mut key = l.name.clone();
            if self.line_by_key.contains_key(&key) {
                // Two live lines share a name: keep addresses unique.
                key = format!("{}#{}", l.name, l.id);
            }
            self.push_line(LineEntry {
                key,
                desired: None,
                live: Some(l),
                fate,
                live_gw: live_gw_of.get(l.id.as_str()).cloned(),
                target_gw: None,
                changes: Vec::new(),
                forced: None,
                description_change: false,
            });
        }
        Ok(())
    }

    /// The live line of each declared line (by index), and the ids taken.
    fn claim_live_lines(&self) -> (Vec<Option<&'a LiveLine>>, BTreeSet<&'a str>) {
        let live_by_id: HashMap<&str, &LiveLine> =
            self.live.lines.iter().map(|l| (l.id.as_str(), l)).collect();
        let mut live_by_name: HashMap<&str, &LiveLine> = HashMap::new();
        for l in &self.live.lines {
            live_by_name.entry(l.name.as_str()).or_insert(l);
        }
        let mut claimed: BTreeSet<&str> = BTreeSet::new();
        // Pinned lines claim their live line first, so a pinned id wins over
        // another declared line of the same live name.
        let mut matched: Vec<Option<&LiveLine>> = Vec::new();
        for d in &self.desired.physical_lines {
            let m = d.id.as_deref().and_then(|id| live_by_id.get(id).copied());
            if let Some(l) = m {
                claimed.insert(l.id.as_str());
            }
            matched.push(m);
        }
        for (i, d) in self.desired.physical_lines.iter().enumerate() {
            if matched[i].is_none() {
                if let Some(l) = live_by_name
                    .get(d.name.as_str())
                    .copied()
                    .filter(|l| !claimed.contains(l.id.as_str()))
                {
                    claimed.insert(l.id.as_str());
                    matched[i] = Some(l);
                }
            }
        }
        (matched, claimed)
    }

    fn push_line(&mut self, entry: LineEntry<'a>) {
        let i = self.lines.len();
        self.line_by_key.insert(entry.key.clone(), i);
        if let Some(l) = entry.live {
            self.line_by_id.insert(l.id.as_str(), i);
        }
        self.lines.push(entry);
    }

    fn assign_bindings(&mut self) -> Result<(), PlanError> {
        let mut desired_gw: HashMap<String, String> = HashMap::new();
        for gw in &self.desired.gateways {
            for name in &gw.lines {
                if self
                    .line_by_key
                    .get(name)
                    .is_none_or(|i| self.lines[*i].desired.is_none())
                {
                    return Err(PlanError::UnknownLine {
                        address: address::gateway(&gw.name),
                        line: name.clone(),
                    });
                }
                if let Some(other) = desired_gw.insert(name.clone(), gw.name.clone()) {
                    if other != gw.name {
                        return Err(PlanError::LineBoundTwice {
                            line: name.clone(),
                            gateways: vec![other, gw.name.clone()],
                        });
                    }
                }
            }
        }
        for i in 0..self.lines.len() {
            let e = &self.lines[i];
            let target = if let Some(g) = desired_gw.get(&e.key) {
                Some(g.clone())
            } else if e.fate == Fate::Delete {
                None
            } else if let Some(x) = &e.live_gw {
                match self.gws.get(x).map(|g| g.fate) {
                    Some(Fate::Delete) | None => None,
                    Some(Fate::Unmanaged) => Some(x.clone()),
                    // Bound to a declared gateway that does not list it.
                    Some(_) if self.prune.contains(&Kind::Bindings) => None,
                    Some(_) => Some(x.clone()),
                }
            } else {
                None
            };
            self.lines[i].target_gw = target;
        }
        Ok(())
    }

    pub fn gw_fate(&self, name: &str) -> Fate {
        self.gws
            .get(name)
            .map(|g| g.fate)
            .unwrap_or(Fate::Unmanaged)
    }

    /// Is the line unbound from its live gateway during the plan?
    pub fn unbinds(&self, e: &LineEntry) -> bool {
        match &e.live_gw {
            None => false,
            Some(x) => {
                e.target_gw.as_ref() != Some(x)
                    || e.churns()
                    || matches!(self.gw_fate(x), Fate::Replace | Fate::Delete)
            }
        }
    }

    pub fn key_of_line_id(&self, id: &str) -> Option<&str> {
        self.line_by_id.get(id).map(|i| self.lines[*i].key.as_str())
    }

    pub fn line_entry(&self, key: &str) -> Option<&LineEntry<'a>> {
        self.line_by_key.get(key).map(|i| &self.lines[*i])
    }

    /// The line a next hop or BGP peer of `gw` names: it must be bound to
    /// the gateway and known (declared or live).
    pub fn bound_line(
        &self,
        gw: &Gateway,
        addr: &str,
        line: &str,
    ) -> Result<&LineEntry<'a>, PlanError> {
        if !gw.lines.iter().any(|l| l == line) {
            return Err(PlanError::LineNotBound {
                address: addr.to_string(),
                line: line.to_string(),
                gateway: gw.name.clone(),
            });
        }
        self.line_entry(line).ok_or_else(|| PlanError::UnknownLine {
            address: addr.to_string(),
            line: line.to_string(),
        })
    }

    /// Remote interconnect address → line key, for lines bound to `gw` live.
    pub fn live_ip_table(&self, gw: &LiveGateway) -> HashMap<IpAddr, String> {
        let mut table = HashMap::new();
        for id in &gw.line_ids {
            if let Some(i) = self.line_by_id.get(id.as_str()) {
                let e = &self.lines[*i];
                if let Some(l) = e.live {
                    for ip in [l.remote_ip, l.remote_ip_v6].into_iter().flatten() {
                        table.insert(ip.addr(), e.key.clone());
                    }
                }
            }
        }
        table
    }
}
