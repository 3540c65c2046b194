//! Pictures of a plan as graph source text: the order of its actions
//! (`cda graph`, DOT or Mermaid) and the topology it touches (the Mermaid
//! diagram of the Markdown comment). Colours say the kind of change, the
//! same four everywhere: green create, amber update, orange replace, red
//! delete.

use super::change_marker;
use crate::action::{Action, ChangeKind, Plan, ResourceKind};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The text formats a graph is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    /// Graphviz (`dot -Tsvg`).
    Dot,
    /// Mermaid (`flowchart`), which forges render in Markdown.
    Mermaid,
}

/// Fill and stroke of each kind of change.
fn colours(change: ChangeKind) -> (&'static str, &'static str) {
    match change {
        ChangeKind::Create => ("#dafbe1", "#1a7f37"),
        ChangeKind::Update => ("#fff8c5", "#9a6700"),
        ChangeKind::Replace => ("#ffe2c2", "#bc4c00"),
        ChangeKind::Delete => ("#ffebe9", "#cf222e"),
    }
}

const CHANGES: [ChangeKind; 4] = [
    ChangeKind::Create,
    ChangeKind::Update,
    ChangeKind::Replace,
    ChangeKind::Delete,
];

fn class(change: ChangeKind) -> &'static str {
    super::change_name(change)
}

/// The plan's actions and what each waits for, an arrow from an action to
/// the one that runs after it. An empty plan is a graph without nodes.
pub fn dependency_graph(plan: &Plan, format: GraphFormat) -> String {
    match format {
        GraphFormat::Dot => dependency_dot(plan),
        GraphFormat::Mermaid => dependency_mermaid(plan),
    }
}

fn action_label(a: &Action) -> String {
    format!("{} {}", change_marker(a.change), a.address)
}

fn dependency_dot(plan: &Plan) -> String {
    let mut out = String::from(
        "digraph plan {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n",
    );
    for a in &plan.actions {
        let (fill, stroke) = colours(a.change);
        let _ = writeln!(
            out,
            "  a{} [label=\"{}\", fillcolor=\"{fill}\", color=\"{stroke}\", tooltip=\"{}\"];",
            a.id,
            dot_escape(&action_label(a)),
            class(a.change)
        );
    }
    for a in &plan.actions {
        for d in &a.depends_on {
            let _ = writeln!(out, "  a{d} -> a{};", a.id);
        }
    }
    out.push_str("}\n");
    out
}

fn dependency_mermaid(plan: &Plan) -> String {
    let mut out = String::from("flowchart LR\n");
    for a in &plan.actions {
        let _ = writeln!(
            out,
            "  a{}[\"{}\"]:::{}",
            a.id,
            mermaid_escape(&action_label(a)),
            class(a.change)
        );
    }
    for a in &plan.actions {
        for d in &a.depends_on {
            let _ = writeln!(out, "  a{d} --> a{}", a.id);
        }
    }
    class_defs(&mut out);
    out
}

fn class_defs(out: &mut String) {
    for change in CHANGES {
        let (fill, stroke) = colours(change);
        let _ = writeln!(
            out,
            "  classDef {} fill:{fill},stroke:{stroke},color:#1f2328",
            class(change)
        );
    }
    out.push_str("  classDef same fill:#f6f8fa,stroke:#8c959f,color:#57606a\n");
}

/// Inside a DOT string: backslash and quote escaped, no raw newlines.
fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\n', '\r'], " ")
}

/// Inside a Mermaid `["…"]` label: quotes and markup as entities.
fn mermaid_escape(s: &str) -> String {
    s.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace(['\n', '\r'], " ")
}

/// The notes of a box, one per kind of child and change; a child deleted
/// and created again (a health check re-created with its VPC) is one
/// replace.
fn notes(notes: &[(&'static str, ChangeKind)]) -> Vec<String> {
    let mut by_what: BTreeMap<&str, Vec<ChangeKind>> = BTreeMap::new();
    for (what, change) in notes {
        by_what.entry(what).or_default().push(*change);
    }
    let mut out = Vec::new();
    for (what, mut changes) in by_what {
        changes.sort();
        changes.dedup();
        if changes.contains(&ChangeKind::Create) && changes.contains(&ChangeKind::Delete) {
            changes.retain(|c| !matches!(c, ChangeKind::Create | ChangeKind::Delete));
            changes.push(ChangeKind::Replace);
            changes.sort();
            changes.dedup();
        }
        for c in changes {
            out.push(format!("{} {what}", change_marker(c)));
        }
    }
    out
}

/// One gateway, line or VPC of the topology diagram.
#[derive(Debug, Default)]
struct Shape {
    /// Its own change; `None`: drawn because a neighbour changes.
    change: Option<ChangeKind>,
    /// Changes to what hangs off it (routes, health checks), as notes.
    notes: Vec<(&'static str, ChangeKind)>,
}

/// The gateways, lines and VPCs a plan touches, the bindings (line to
/// gateway) and attachments (gateway to VPC) between them, each coloured by
/// its change; objects drawn only as a neighbour are grey. Routes and
/// health checks are notes on their gateway or VPC. `None` for a plan that
/// changes nothing.
pub fn topology_mermaid(plan: &Plan) -> Option<String> {
    if plan.actions.is_empty() {
        return None;
    }
    Some(Topology::of(plan).mermaid())
}

/// What [`topology_mermaid`] draws, by name.
struct Topology<'p> {
    gateways: BTreeMap<&'p str, Shape>,
    lines: BTreeMap<&'p str, Shape>,
    /// By (gateway, VPC id).
    vpcs: BTreeMap<(&'p str, &'p str), Shape>,
    /// By (line, gateway): the binding's change.
    bindings: BTreeMap<(&'p str, &'p str), ChangeKind>,
}

impl<'p> Topology<'p> {
    fn of(plan: &'p Plan) -> Topology<'p> {
        let mut gateways: BTreeMap<&str, Shape> = BTreeMap::new();
        let mut lines: BTreeMap<&str, Shape> = BTreeMap::new();
        // (gateway, vpc id) → box; bindings and attachments: (from, to) → change.
        let mut vpcs: BTreeMap<(&str, &str), Shape> = BTreeMap::new();
        let mut bindings: BTreeMap<(&str, &str), ChangeKind> = BTreeMap::new();
        for a in &plan.actions {
            let gw = a.gateway.as_deref();
            // What follows the kind and, for gateway objects, the gateway.
            let rest = |prefix: &str| -> Option<&str> {
                let s = a.address.strip_prefix(prefix)?.strip_prefix('.')?;
                match gw {
                    Some(g) if prefix != "physical_line" && prefix != "gateway" => {
                        s.strip_prefix(g)?.strip_prefix('.')
                    }
                    _ => Some(s),
                }
            };
            match a.kind {
                ResourceKind::PhysicalLine => {
                    if let Some(name) = rest("physical_line") {
                        lines.entry(name).or_default().change = Some(a.change);
                    }
                }
                ResourceKind::Gateway => {
                    if let Some(name) = rest("gateway") {
                        gateways.entry(name).or_default().change = Some(a.change);
                    }
                }
                ResourceKind::Binding => {
                    if let (Some(g), Some(line)) = (gw, rest("binding")) {
                        gateways.entry(g).or_default();
                        lines.entry(line).or_default();
                        bindings.insert((line, g), a.change);
                    }
                }
                ResourceKind::Vpc => {
                    if let (Some(g), Some(id)) = (gw, rest("vpc")) {
                        gateways.entry(g).or_default();
                        vpcs.entry((g, id)).or_default().change = Some(a.change);
                    }
                }
                ResourceKind::HealthCheck => {
                    if let (Some(g), Some(id)) = (gw, rest("health_check")) {
                        gateways.entry(g).or_default();
                        let note = ("health check", a.change);
                        vpcs.entry((g, id)).or_default().notes.push(note);
                    }
                }
                ResourceKind::StaticRoute | ResourceKind::BgpRoute => {
                    if let Some(g) = gw {
                        let what = if a.kind == ResourceKind::StaticRoute {
                            "static route"
                        } else {
                            "BGP route"
                        };
                        gateways.entry(g).or_default().notes.push((what, a.change));
                    }
                }
            }
        }
        Topology {
            gateways,
            lines,
            vpcs,
            bindings,
        }
    }

    fn mermaid(&self) -> String {
        let Topology {
            gateways,
            lines,
            vpcs,
            bindings,
        } = self;
        let mut out = String::from("flowchart LR\n");
        let node = |out: &mut String, id: &str, name: &str, what: &str, b: &Shape| {
            let name = mermaid_escape(name);
            let mut label = match b.change {
                Some(c) => format!("{} {name}<br/>{what}", change_marker(c)),
                None => format!("{name}<br/>{what}"),
            };
            for n in notes(&b.notes) {
                label.push_str("<br/>");
                label.push_str(&n);
            }
            let class = b.change.map_or("same", class);
            let _ = writeln!(out, "  {id}[\"{label}\"]:::{class}");
        };
        let ids_l: BTreeMap<&str, String> = lines
            .keys()
            .enumerate()
            .map(|(i, k)| (*k, format!("l{i}")))
            .collect();
        let ids_g: BTreeMap<&str, String> = gateways
            .keys()
            .enumerate()
            .map(|(i, k)| (*k, format!("g{i}")))
            .collect();
        for (name, b) in lines.iter() {
            node(&mut out, &ids_l[name], name, "line", b);
        }
        for (name, b) in gateways.iter() {
            node(&mut out, &ids_g[name], name, "gateway", b);
        }
        let mut vpc_ids = Vec::new();
        for (i, ((g, id), b)) in vpcs.iter().enumerate() {
            let vid = format!("v{i}");
            node(&mut out, &vid, id, "VPC", b);
            vpc_ids.push((ids_g[g].clone(), vid, b.change));
        }
        // Links in the order written: linkStyle counts them from 0.
        let mut styles = Vec::new();
        for (n, ((line, g), change)) in bindings.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {} ---|\"{} bind\"| {}",
                ids_l[line],
                change_marker(*change),
                ids_g[g]
            );
            styles.push((n, Some(*change)));
        }
        for (g, v, change) in vpc_ids {
            styles.push((styles.len(), change));
            let _ = writeln!(out, "  {g} --- {v}");
        }
        for (n, change) in styles {
            if let Some(change) = change {
                let (_, stroke) = colours(change);
                let dash = if change == ChangeKind::Delete {
                    ",stroke-dasharray:5 5"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  linkStyle {n} stroke:{stroke},stroke-width:2px{dash}"
                );
            }
        }
        class_defs(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::plan_of as plan;

    fn action(id: usize, address: &str, kind: ResourceKind, change: ChangeKind) -> Action {
        let gateway = match kind {
            ResourceKind::PhysicalLine => None,
            _ => address.split('.').nth(1).map(str::to_owned),
        };
        Action {
            id,
            address: address.into(),
            kind,
            change,
            gateway,
            attributes: vec![],
            before: None,
            after: None,
            impact: vec![],
            depends_on: vec![],
            calls: vec![],
        }
    }

    /// A new line bound to a gateway, a replaced VPC with its health check,
    /// an updated static route, an old line unbound and deleted.
    fn sample() -> Plan {
        use ChangeKind::*;
        use ResourceKind::*;
        let mut actions = vec![
            action(0, "physical_line.bj-c", PhysicalLine, Create),
            action(1, "binding.gw1.bj-c", Binding, Create),
            action(2, "vpc.gw1.vpc-a", Vpc, Replace),
            action(3, "health_check.gw1.vpc-a", HealthCheck, Create),
            action(4, "static_route.gw1.IPV4[10.0.0.0/8]", StaticRoute, Update),
            action(5, "binding.gw1.old", Binding, Delete),
            action(6, "physical_line.old", PhysicalLine, Delete),
        ];
        actions[1].depends_on = vec![0];
        actions[3].depends_on = vec![2];
        actions[4].depends_on = vec![1];
        actions[5].depends_on = vec![4];
        actions[6].depends_on = vec![5];
        plan(actions)
    }

    #[test]
    fn dot_has_every_action_coloured_and_every_dependency() {
        let dot = dependency_graph(&sample(), GraphFormat::Dot);
        assert!(dot.starts_with("digraph plan {\n"), "{dot}");
        assert!(dot.ends_with("}\n"));
        assert!(dot.contains(
            "  a0 [label=\"+ physical_line.bj-c\", fillcolor=\"#dafbe1\", color=\"#1a7f37\", tooltip=\"create\"];"
        ));
        assert!(dot.contains("a2 [label=\"-/+ vpc.gw1.vpc-a\", fillcolor=\"#ffe2c2\""));
        assert!(dot.contains("a6 [label=\"- physical_line.old\", fillcolor=\"#ffebe9\""));
        for edge in [
            "a0 -> a1;",
            "a2 -> a3;",
            "a1 -> a4;",
            "a4 -> a5;",
            "a5 -> a6;",
        ] {
            assert!(dot.contains(edge), "{edge} in\n{dot}");
        }
        assert_eq!(dot.matches(" -> ").count(), 5);
    }

    #[test]
    fn mermaid_has_every_action_in_its_class_and_every_dependency() {
        let m = dependency_graph(&sample(), GraphFormat::Mermaid);
        assert!(m.starts_with("flowchart LR\n"), "{m}");
        assert!(
            m.contains("  a4[\"~ static_route.gw1.IPV4[10.0.0.0/8]\"]:::update\n"),
            "{m}"
        );
        assert!(m.contains("  a0 --> a1\n"));
        assert_eq!(m.matches(" --> ").count(), 5);
        for class in ["create", "update", "replace", "delete"] {
            assert!(m.contains(&format!("classDef {class} fill:")), "{m}");
        }
    }

    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        let p = plan(vec![action(
            0,
            "physical_line.a\"b<c>\\",
            ResourceKind::PhysicalLine,
            ChangeKind::Create,
        )]);
        let dot = dependency_graph(&p, GraphFormat::Dot);
        assert!(
            dot.contains("label=\"+ physical_line.a\\\"b<c>\\\\\""),
            "{dot}"
        );
        let m = dependency_graph(&p, GraphFormat::Mermaid);
        assert!(
            m.contains("a0[\"+ physical_line.a#quot;b#lt;c#gt;\\\"]"),
            "{m}"
        );
    }

    #[test]
    fn the_topology_shows_lines_gateways_and_vpcs_by_change() {
        let m = topology_mermaid(&sample()).unwrap();
        // Lines and gateways sorted by name: bj-c is l0, old is l1.
        assert!(m.contains("  l0[\"+ bj-c<br/>line\"]:::create\n"), "{m}");
        assert!(m.contains("  l1[\"- old<br/>line\"]:::delete\n"), "{m}");
        // The gateway itself is unchanged: grey, with its route's change.
        assert!(
            m.contains("  g0[\"gw1<br/>gateway<br/>~ static route\"]:::same\n"),
            "{m}"
        );
        assert!(
            m.contains("  v0[\"-/+ vpc-a<br/>VPC<br/>+ health check\"]:::replace\n"),
            "{m}"
        );
        assert!(m.contains("  l0 ---|\"+ bind\"| g0\n"));
        assert!(m.contains("  l1 ---|\"- bind\"| g0\n"));
        assert!(m.contains("  g0 --- v0\n"));
        assert!(
            m.contains("  linkStyle 1 stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5\n"),
            "{m}"
        );
        assert!(
            m.contains("  linkStyle 2 stroke:#bc4c00,stroke-width:2px\n"),
            "{m}"
        );
        assert_eq!(topology_mermaid(&plan(vec![])), None);
        // Deleted and created again: one replace note.
        let again = plan(vec![
            action(
                0,
                "health_check.gw1.vpc-a",
                ResourceKind::HealthCheck,
                ChangeKind::Delete,
            ),
            action(
                1,
                "health_check.gw1.vpc-a",
                ResourceKind::HealthCheck,
                ChangeKind::Create,
            ),
        ]);
        let m = topology_mermaid(&again).unwrap();
        assert!(
            m.contains("  v0[\"vpc-a<br/>VPC<br/>-/+ health check\"]:::same\n"),
            "{m}"
        );
    }
}
