//! Pass 1, identity: match every desired line and gateway to its live
//! counterpart (PRODUCT §5), decide its fate, and where each line is bound
//! before and after the plan. The result is read-only once built: the
//! action passes only look things up in it.

use super::compare::{compare_gateway, compare_line, left_as_is};
use super::PlanError;
use crate::action::{address, AttributeChange, LineRef, Requested, ResourceKind};
use crate::inventory::{BoundLines, Inventory, LiveGateway, LiveLine};
use crate::model::{DesiredState, Gateway, Kind, PhysicalLine};
use std::collections::{BTreeSet, HashMap};
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
    /// The entries (in [`Identity::lines`]) of the lines the live gateway
    /// lists, found once while matching lines: every pass that needs them
    /// reads them here instead of looking each ID up in a table of the
    /// whole estate.
    pub live_lines: Vec<usize>,
    /// The entry of each line the file binds here, in the order of the
    /// gateway's `lines`: what its next hops and peers name.
    pub desired_lines: Vec<usize>,
}

/// Every gateway, declared and live, in order of name: walked by position,
/// looked up by name in one hash table (a tree of 16,000 names costs a
/// cache miss at every level).
#[derive(Default)]
pub(super) struct Gateways<'a> {
    entries: Vec<(&'a str, GwEntry<'a>)>,
    at: HashMap<&'a str, u32>,
}

impl<'a> Gateways<'a> {
    pub fn get(&self, name: &str) -> Option<&GwEntry<'a>> {
        let i = *self.at.get(name)?;
        self.entries.get(i as usize).map(|(_, e)| e)
    }

    /// The gateway's position in name order: its id in the impact replay.
    pub fn id(&self, name: &str) -> Option<u32> {
        self.at.get(name).copied()
    }

    /// The name of the gateway with id `id`.
    pub fn name_of(&self, id: u32) -> Option<&'a str> {
        self.entries.get(id as usize).map(|(n, _)| *n)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &GwEntry<'a>)> + '_ {
        self.entries.iter().map(|(n, e)| (*n, e))
    }

    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.entries.iter().map(|(n, _)| *n)
    }
}

/// The fate of a matched object: replaced when something forces it, which
/// a `protect`ed object refuses; kept otherwise.
fn kept_or_replaced(
    forced: &Option<String>,
    protect: bool,
    changes: &[AttributeChange],
    address: impl FnOnce() -> String,
) -> Result<Fate, PlanError> {
    match forced {
        None => Ok(Fate::Keep),
        Some(by) if protect => Err(PlanError::protected(address(), by.clone(), changes)),
        Some(_) => Ok(Fate::Replace),
    }
}

/// The attribute named as forcing a replace that `--replace` asked for.
pub(super) const REPLACE_REQUESTED: &str = "--replace";

/// Every line and gateway, desired and live, matched and given a fate.
pub(super) struct Identity<'a> {
    pub desired: &'a DesiredState,
    pub live: &'a Inventory,
    pub lines: Vec<LineEntry<'a>>,
    pub line_by_key: HashMap<String, usize>,
    /// Live line ID → its position in `live.lines`.
    live_line_at: HashMap<&'a str, usize>,
    /// Position in `live.lines` → its entry in `lines`.
    entry_of_live: Vec<usize>,
    pub gws: Gateways<'a>,
    pub prune: BTreeSet<Kind>,
    pub requested: &'a Requested,
    /// The live lines each live gateway lists, found once by ID while
    /// matching lines; the gateways' entries and the fingerprints read them.
    pub bound: BoundLines,
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
            live_line_at: HashMap::new(),
            entry_of_live: Vec::new(),
            gws: Gateways::default(),
            prune: desired.prune.iter().copied().collect(),
            requested,
            bound: BoundLines::default(),
        };
        // Lines first: a gateway without a hostname takes its lines'.
        id.match_lines()?;
        id.match_gateways()?;
        id.assign_bindings()?;
        Ok(id)
    }

    /// Both lists are sorted by name (canonical desired state, normalised
    /// inventory), so they are walked side by side: a look-up by name in
    /// a table of the whole estate misses the cache on every gateway.
    fn match_gateways(&mut self) -> Result<(), PlanError> {
        let (desired, live) = (&self.desired.gateways, &self.live.gateways);
        let mut entries: Vec<(&'a str, GwEntry<'a>)> =
            Vec::with_capacity(desired.len().max(live.len()));
        let (mut d, mut l) = (0, 0);
        while d < desired.len() || l < live.len() {
            let order = match (desired.get(d), live.get(l)) {
                (Some(dg), Some(lg)) => dg.name.cmp(&lg.name),
                (Some(_), None) => std::cmp::Ordering::Less,
                _ => std::cmp::Ordering::Greater,
            };
            if order == std::cmp::Ordering::Greater {
                let lg = &live[l];
                l += 1;
                if entries.last().is_some_and(|(n, _)| *n == lg.name) {
                    continue;
                }
                let mut entry = self.undeclared_gateway(lg);
                entry.live_lines = self.lines_of_live_gateway(l - 1);
                entries.push((lg.name.as_str(), entry));
                continue;
            }
            let gw = &desired[d];
            d += 1;
            if entries.last().is_some_and(|(n, _)| *n == gw.name) {
                return Err(PlanError::Duplicate {
                    kind: "gateway",
                    name: gw.name.clone(),
                });
            }
            // Of live gateways sharing a name, the last is matched.
            let matched = (order == std::cmp::Ordering::Equal).then(|| {
                let same = live[l..].iter().take_while(|x| x.name == gw.name).count();
                l + same - 1
            });
            let mut entry = self.declared_gateway(gw, matched.map(|i| &live[i]))?;
            if let Some(i) = matched {
                entry.live_lines = self.lines_of_live_gateway(i);
            }
            entries.push((gw.name.as_str(), entry));
        }
        self.gws = Gateways {
            at: entries
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (*n, i as u32))
                .collect(),
            entries,
        };
        Ok(())
    }

    /// The entries of the lines the live gateway at position `gw` in
    /// `live.gateways` lists (found by ID once, in [`Identity::bound`]).
    pub fn lines_of_live_gateway(&self, gw: usize) -> Vec<usize> {
        self.bound
            .of(gw)
            .iter()
            .filter_map(|&at| self.entry_of_live_line(at as usize))
            .collect()
    }

    /// The entry of the live line at position `at` in `live.lines`.
    fn entry_of_live_line(&self, at: usize) -> Option<usize> {
        self.entry_of_live
            .get(at)
            .copied()
            .filter(|i| *i != usize::MAX)
    }

    fn declared_gateway(
        &self,
        gw: &'a Gateway,
        live: Option<&'a LiveGateway>,
    ) -> Result<GwEntry<'a>, PlanError> {
        let mut entry = GwEntry {
            desired: Some(gw),
            live,
            fate: Fate::Create,
            changes: Vec::new(),
            forced: None,
            left_as_is: Vec::new(),
            live_lines: Vec::new(),
            desired_lines: Vec::new(),
        };
        let Some(l) = live else {
            return Ok(entry);
        };
        // No gateway update call exists: a difference replaces it, unless
        // it carries no forwarding meaning.
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
        entry.fate = kept_or_replaced(&entry.forced, gw.protect, &entry.changes, || {
            address::gateway(&gw.name)
        })?;
        Ok(entry)
    }

    fn undeclared_gateway(&self, live: &'a LiveGateway) -> GwEntry<'a> {
        GwEntry {
            desired: None,
            live: Some(live),
            fate: if self.prune.contains(&Kind::Gateways) {
                Fate::Delete
            } else {
                Fate::Unmanaged
            },
            changes: Vec::new(),
            forced: None,
            left_as_is: Vec::new(),
            live_lines: Vec::new(),
            desired_lines: Vec::new(),
        }
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
        let switches = || gw.lines.iter().filter_map(|l| self.switch_of(l));
        if let Some(live) = live.and_then(|l| l.hostname.as_deref()) {
            if switches().any(|h| h == live) {
                return Some(live.to_owned());
            }
        }
        let first = gw.lines.iter().min()?;
        self.switch_of(first).map(str::to_owned)
    }

    /// The switch hostname of the declared line `name`.
    fn switch_of(&self, name: &str) -> Option<&'a str> {
        let desired = self.line_entry(name)?.desired?;
        Some(desired.switch.hostname.as_str())
    }

    fn match_lines(&mut self) -> Result<(), PlanError> {
        let live: &'a [LiveLine] = &self.live.lines;
        self.live_line_at = self.live.line_positions();
        self.bound = self.live.bound_lines(&self.live_line_at);
        // The gateway each live line is bound to: the gateway's line list
        // first, the line's own `vrfName` where no list names it.
        let mut live_gw: Vec<Option<&'a str>> = vec![None; live.len()];
        for (g, gw) in self.live.gateways.iter().enumerate() {
            for &at in self.bound.of(g) {
                if let Some(slot) = live_gw.get_mut(at as usize) {
                    *slot = Some(gw.name.as_str());
                }
            }
        }
        for (slot, l) in live_gw.iter_mut().zip(live) {
            if slot.is_none() {
                *slot = l.gateway.as_deref();
            }
        }
        let (matched, claimed) = self.claim_live_lines();
        self.entry_of_live = vec![usize::MAX; live.len()];
        for (d, m) in self.desired.physical_lines.iter().zip(matched) {
            if self.line_by_key.contains_key(&d.name) {
                return Err(PlanError::Duplicate {
                    kind: "physical line",
                    name: d.name.clone(),
                });
            }
            let l = m.map(|i| &live[i]);
            let mut entry = LineEntry {
                key: d.name.clone(),
                desired: Some(d),
                live: l,
                fate: Fate::Create,
                live_gw: m.and_then(|i| live_gw[i]).map(str::to_owned),
                target_gw: None,
                changes: Vec::new(),
                forced: None,
                description_change: false,
            };
            if let Some(l) = l {
                compare_line(d, l, &mut entry);
                if entry.forced.is_none()
                    && self.requested.replaces(&address::physical_line(&d.name))
                {
                    entry.forced = Some(REPLACE_REQUESTED.to_string());
                }
                entry.fate = kept_or_replaced(&entry.forced, d.protect, &entry.changes, || {
                    address::physical_line(&d.name)
                })?;
            }
            self.push_line(entry, m);
        }
        for (i, l) in live.iter().enumerate() {
            if claimed[i] {
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
            self.push_line(
                LineEntry {
                    key,
                    desired: None,
                    live: Some(l),
                    fate,
                    live_gw: live_gw[i].map(str::to_owned),
                    target_gw: None,
                    changes: Vec::new(),
                    forced: None,
                    description_change: false,
                },
                Some(i),
            );
        }
        Ok(())
    }

    /// The live line (its position in `live.lines`) of each declared line,
    /// and which live lines are taken.
    fn claim_live_lines(&self) -> (Vec<Option<usize>>, Vec<bool>) {
        let live = &self.live.lines;
        let mut claimed = vec![false; live.len()];
        // Pinned lines claim their live line first, so a pinned id wins over
        // another declared line of the same live name.
        let mut matched: Vec<Option<usize>> = Vec::with_capacity(self.desired.physical_lines.len());
        for d in &self.desired.physical_lines {
            let m =
                d.id.as_deref()
                    .and_then(|id| self.live_line_at.get(id).copied());
            if let Some(i) = m {
                claimed[i] = true;
            }
            matched.push(m);
        }
        // Then by name. Both lists are sorted by name (the live one by name
        // and ID), so they are walked side by side; the first live line of
        // a name is the one a declared line of that name may take.
        let mut l = 0;
        for (d, m) in self.desired.physical_lines.iter().zip(matched.iter_mut()) {
            while l < live.len() && live[l].name < d.name {
                l += 1;
            }
            if m.is_some() || l == live.len() || live[l].name != d.name {
                continue;
            }
            // `l` is the first live line of the name (a declared name seen
            // twice, reported later, finds it taken).
            if !claimed[l] {
                claimed[l] = true;
                *m = Some(l);
            }
        }
        (matched, claimed)
    }

    fn push_line(&mut self, entry: LineEntry<'a>, live_at: Option<usize>) {
        let i = self.lines.len();
        self.line_by_key.insert(entry.key.clone(), i);
        if let Some(at) = live_at {
            self.entry_of_live[at] = i;
        }
        self.lines.push(entry);
    }

    /// The entry of the live line with ID `id`.
    pub fn line_of_id(&self, id: &str) -> Option<usize> {
        self.entry_of_live_line(*self.live_line_at.get(id)?)
    }

    fn assign_bindings(&mut self) -> Result<(), PlanError> {
        // The gateway the file binds each line to, by entry.
        let mut desired_gw: Vec<Option<&'a str>> = vec![None; self.lines.len()];
        for (_, entry) in &mut self.gws.entries {
            let Some(gw) = entry.desired else { continue };
            let mut found = Vec::with_capacity(gw.lines.len());
            for name in &gw.lines {
                let Some(i) = self
                    .line_by_key
                    .get(name)
                    .copied()
                    .filter(|i| self.lines[*i].desired.is_some())
                else {
                    return Err(PlanError::UnknownLine {
                        address: address::gateway(&gw.name),
                        line: name.clone(),
                    });
                };
                if let Some(other) = desired_gw[i].replace(gw.name.as_str()) {
                    if other != gw.name {
                        return Err(PlanError::LineBoundTwice {
                            line: name.clone(),
                            gateways: vec![other.to_owned(), gw.name.clone()],
                        });
                    }
                }
                found.push(i);
            }
            entry.desired_lines = found;
        }
        for (e, wanted) in self.lines.iter_mut().zip(desired_gw) {
            e.target_gw = if let Some(g) = wanted {
                Some(g.to_owned())
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
        self.line_of_id(id).map(|i| self.lines[i].key.as_str())
    }

    /// The entry of line `key`, named by an action of gateway `gw` (its
    /// id): the gateway's own lines are tried first (a few, just read by
    /// the same action), then the table of every line.
    pub fn line_seen_from(&self, gw: u32, key: &str) -> Option<usize> {
        if let Some((_, g)) = self.gws.entries.get(gw as usize) {
            let mut own = g.desired_lines.iter().chain(&g.live_lines);
            if let Some(&i) = own.find(|&&i| self.lines.get(i).is_some_and(|e| e.key == key)) {
                return Some(i);
            }
        }
        self.line_by_key.get(key).copied()
    }

    pub fn line_entry(&self, key: &str) -> Option<&LineEntry<'a>> {
        self.line_by_key.get(key).map(|i| &self.lines[*i])
    }

    /// The line a next hop or BGP peer of `gw` names: it must be bound to
    /// the gateway. `lines` are the entries of `gw.lines`
    /// ([`GwEntry::desired_lines`]).
    pub fn bound_line(
        &self,
        (gw, lines): (&Gateway, &[usize]),
        addr: &str,
        line: &str,
    ) -> Result<&LineEntry<'a>, PlanError> {
        let Some(at) = gw.lines.iter().position(|l| l == line) else {
            return Err(PlanError::LineNotBound {
                address: addr.to_string(),
                line: line.to_string(),
                gateway: gw.name.clone(),
            });
        };
        lines
            .get(at)
            .and_then(|i| self.lines.get(*i))
            .ok_or_else(|| PlanError::UnknownLine {
                address: addr.to_string(),
                line: line.to_string(),
            })
    }

    /// Remote interconnect address → line key, for the live lines at
    /// `entries` (the lines bound to one gateway live).
    pub fn live_ip_table(&self, entries: &[usize]) -> HashMap<IpAddr, String> {
        let mut table = HashMap::new();
        for e in entries.iter().filter_map(|i| self.lines.get(*i)) {
            if let Some(l) = e.live {
                for ip in [l.remote_ip, l.remote_ip_v6].into_iter().flatten() {
                    table.insert(ip.addr(), e.key.clone());
                }
            }
        }
        table
    }
}
