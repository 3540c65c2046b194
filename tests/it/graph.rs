//! `cda graph -f FILE`: the quick start's plan as DOT and Mermaid, one box
//! per action coloured by its change, one arrow per dependency.

use crate::support::{assert_code, cda, scratch, stdout};

fn graph(format: &str) -> String {
    let dir = scratch();
    let out = cda()
        .current_dir(dir.path())
        .args(["graph", "-f", "examples/quickstart.yaml", "--emulator"])
        .args(["--format", format])
        .output()
        .unwrap();
    assert_code(&out, 0);
    // The plan of the same file, to count actions and dependencies.
    let plan = cda()
        .current_dir(dir.path())
        .args([
            "plan",
            "-f",
            "examples/quickstart.yaml",
            "--emulator",
            "--json",
        ])
        .output()
        .unwrap();
    assert_code(&plan, 0);
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let actions = plan["actions"].as_array().unwrap();
    let edges: usize = actions
        .iter()
        .map(|a| a["depends_on"].as_array().map_or(0, Vec::len))
        .sum();
    let text = stdout(&out);
    let arrow = if format == "dot" { " -> " } else { " --> " };
    assert_eq!(text.matches(arrow).count(), edges, "{text}");
    for a in actions {
        let address = a["address"].as_str().unwrap();
        assert!(text.contains(address), "{address} missing:\n{text}");
    }
    assert!(actions.len() >= 5);
    text
}

#[test]
fn dot_colours_each_action_by_its_change() {
    let dot = graph("dot");
    assert!(dot.starts_with("digraph plan {\n"), "{dot}");
    assert!(
        dot.contains("label=\"+ physical_line.bj-idc-c\", fillcolor=\"#dafbe1\""),
        "{dot}"
    );
    assert!(
        dot.contains("label=\"~ physical_line.bj-idc-a\", fillcolor=\"#fff8c5\""),
        "{dot}"
    );
    assert!(
        dot.contains("label=\"-/+ vpc.gwprod01.vpc-shared3m8q\", fillcolor=\"#ffe2c2\""),
        "{dot}"
    );
    assert!(
        dot.contains("label=\"- physical_line.gz-lab-a\", fillcolor=\"#ffebe9\""),
        "{dot}"
    );
}

#[test]
fn mermaid_puts_each_action_in_its_class() {
    let m = graph("mermaid");
    assert!(m.starts_with("flowchart LR\n"), "{m}");
    assert!(m.contains("\"+ physical_line.bj-idc-c\"]:::create"), "{m}");
    assert!(m.contains("\"- physical_line.gz-lab-a\"]:::delete"), "{m}");
    assert!(m.contains("classDef replace fill:#ffe2c2"), "{m}");
}
