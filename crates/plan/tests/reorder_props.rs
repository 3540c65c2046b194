#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The order of the file's lists carries no meaning: for every example in
//! `examples/` and the example of `docs/desired-state.md`, any permutation
//! of every list (lines, gateways, a gateway's lines, VPCs, subnets, static
//! routes and their destinations and next hops, BGP routes, their networks
//! and peers) plans exactly as the file does, from an empty estate and from
//! the estate the file created — also when an older cda created a gateway
//! with the switch of another of its lines as its default hostname.

use plan::model::{DesiredState, SecretRef};
use plan::{Inventory, Plan, PlanOptions};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Not desired-state files: the emulator's inventory seeds.
const NOT_DESIRED_STATE: &[&str] = &["emulator-seed.yaml", "emulator-seed-two-regions.yaml"];
const KEY_HASH_INPUT: &str = "stand-in";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every example a user may copy, by name.
fn examples() -> Vec<(String, DesiredState)> {
    let mut out: Vec<(String, DesiredState)> = std::fs::read_dir(repo_root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !NOT_DESIRED_STATE.contains(&name.as_ref())
        })
        .map(|p| {
            let state = plan::desired::load(&p).unwrap_or_else(|d| panic!("{}: {d}", p.display()));
            (p.display().to_string(), state)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let doc = std::fs::read_to_string(repo_root().join("docs/desired-state.md")).unwrap();
    let example = doc
        .split("## Example")
        .nth(1)
        .and_then(|s| s.split("```yaml\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("docs/desired-state.md has an example block");
    let state = plan::desired::parse("docs/desired-state.md", example).unwrap();
    out.push(("docs/desired-state.md".into(), state));
    assert!(out.len() >= 4, "examples: {:?}", out.iter().map(|e| &e.0));
    out
}

fn options(state: &DesiredState) -> PlanOptions {
    let mut secret_hashes = BTreeMap::<SecretRef, String>::new();
    for peer in state
        .gateways
        .iter()
        .flat_map(|g| &g.bgp)
        .flat_map(|b| &b.peers)
    {
        if let Some(key) = &peer.key {
            secret_hashes.insert(key.clone(), plan::secret_hash(KEY_HASH_INPUT));
        }
    }
    PlanOptions {
        secret_hashes,
        ..PlanOptions::default()
    }
}

fn plan_of(state: &DesiredState, live: &Inventory) -> Plan {
    plan::plan(state, live, &options(state)).unwrap()
}

/// SplitMix64: one seed, one permutation of everything.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

fn permuted(state: &DesiredState, seed: u64) -> DesiredState {
    let mut rng = Rng(seed);
    let mut s = state.clone();
    rng.shuffle(&mut s.prune);
    rng.shuffle(&mut s.physical_lines);
    rng.shuffle(&mut s.gateways);
    for gw in &mut s.gateways {
        rng.shuffle(&mut gw.lines);
        rng.shuffle(&mut gw.vpcs);
        for vpc in &mut gw.vpcs {
            rng.shuffle(&mut vpc.subnets);
            rng.shuffle(&mut vpc.subnets_v6);
        }
        rng.shuffle(&mut gw.static_routes);
        for route in &mut gw.static_routes {
            rng.shuffle(&mut route.dst);
            rng.shuffle(&mut route.next_hops);
        }
        rng.shuffle(&mut gw.bgp);
        for route in &mut gw.bgp {
            rng.shuffle(&mut route.networks);
            rng.shuffle(&mut route.peers);
        }
    }
    s
}

/// The estate `state` created, with each gateway's hostname the switch of
/// one of its lines chosen by `seed` (what an older cda, which took the
/// first line in the file's order, may have created).
fn created_by_any_order(state: &DesiredState, seed: u64) -> Inventory {
    let mut live = plan::testing::created(
        &plan_of(state, &Inventory::default()),
        &plan::secret_hash(KEY_HASH_INPUT),
    );
    let mut rng = Rng(seed);
    for gw in &mut live.gateways {
        let declared = state.gateways.iter().find(|g| g.name == gw.name).unwrap();
        if declared.hostname.is_some() || declared.lines.is_empty() {
            continue;
        }
        let line = &declared.lines[rng.below(declared.lines.len())];
        let switch = state
            .physical_lines
            .iter()
            .find(|l| &l.name == line)
            .map(|l| l.switch.hostname.clone());
        gw.hostname = switch;
    }
    live
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn reordering_the_file_never_changes_the_plan(seed in any::<u64>()) {
        for (name, state) in examples() {
            let shuffled = permuted(&state, seed);
            let empty = Inventory::default();
            prop_assert_eq!(
                plan_of(&shuffled, &empty),
                plan_of(&state, &empty),
                "{}: from an empty estate", name
            );
            let live = created_by_any_order(&state, seed ^ 1);
            let again = plan_of(&shuffled, &live);
            prop_assert!(
                again.is_empty(),
                "{}: re-planning a reordered file over its own estate: {:?}",
                name,
                again.actions.iter().map(|a| &a.address).collect::<Vec<_>>()
            );
            prop_assert_eq!(again, plan_of(&state, &live), "{}", name);
        }
    }
}

#[test]
fn a_gateway_on_the_switch_of_a_line_listed_later_is_kept() {
    // The case the issue reported: a gateway created when another line came
    // first in `lines`. At least one example has a gateway whose lines
    // land on two switches, or this test would prove nothing.
    let mut checked = 0;
    for (name, state) in examples() {
        let live = plan::testing::created(
            &plan_of(&state, &Inventory::default()),
            &plan::secret_hash(KEY_HASH_INPUT),
        );
        for gw in state.gateways.iter().filter(|g| g.hostname.is_none()) {
            let switches: std::collections::BTreeSet<&str> = gw
                .lines
                .iter()
                .filter_map(|l| state.physical_lines.iter().find(|p| &p.name == l))
                .map(|l| l.switch.hostname.as_str())
                .collect();
            for switch in switches {
                let mut live = live.clone();
                for g in live.gateways.iter_mut().filter(|g| g.name == gw.name) {
                    g.hostname = Some(switch.to_owned());
                }
                let again = plan_of(&state, &live);
                assert!(again.is_empty(), "{name}: {} on {switch}", gw.name);
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}
