//! `docs/getting-started.md` runs as written: every command of every `sh`
//! block, in order, in a scratch copy of a fresh clone, against the
//! embedded emulator, with the exit code the doc states (`# exit N` after
//! the command, else 0). A `text` block after a command block is output the
//! doc promises: it must appear in what the block's last command printed.
//! A block the doc marks `<!-- not run: … -->` (CTyun itself) is skipped.

use crate::support::repo_root;
use std::path::Path;
use std::process::Command;

/// One command line of the doc and the exit code it states.
#[derive(Debug, PartialEq)]
struct DocCommand {
    line: String,
    exit: i32,
}

/// A fenced block: its language and lines, and whether the doc marks it
/// as not to be run.
#[derive(Debug)]
struct Block {
    lang: String,
    lines: Vec<String>,
    not_run: bool,
}

fn blocks(doc: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut previous = "";
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<String> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .map(str::to_owned)
                .collect();
            out.push(Block {
                lang: lang.trim().to_owned(),
                lines: body,
                not_run: previous.starts_with("<!-- not run"),
            });
            previous = "";
            continue;
        }
        if !line.trim().is_empty() {
            previous = line.trim();
        }
    }
    out
}

/// The commands of a `sh` block: every line that is not a comment, with
/// `cargo run --release --` standing for `cda` (the doc says so).
fn commands(block: &Block) -> Vec<DocCommand> {
    block
        .lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (command, comment) = match l.find(" #") {
                Some(i) => (l[..i].trim(), l[i + 2..].trim()),
                None => (l, ""),
            };
            let exit = comment
                .strip_prefix("exit ")
                .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let line = match command.strip_prefix("cargo run --release --") {
                Some(rest) => format!("cda{rest}"),
                None => command.to_owned(),
            };
            DocCommand { line, exit }
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_walk_through_runs_as_written() {
    let doc = std::fs::read_to_string(repo_root().join("docs/getting-started.md")).unwrap();
    let clone = tempfile::tempdir().unwrap();
    copy_dir(
        &repo_root().join("examples"),
        &clone.path().join("examples"),
    );
    // `cda` on the PATH, as `cargo install` would put it.
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_cda"), bin.path().join("cda")).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let mut ran = 0;
    let mut skipped = 0;
    let mut last_stdout = String::new();
    for block in blocks(&doc) {
        match block.lang.as_str() {
            "sh" if block.not_run => skipped += 1,
            "sh" => {
                for command in commands(&block) {
                    let mut cmd = Command::new("sh");
                    cmd.arg("-c")
                        .arg(&command.line)
                        .current_dir(clone.path())
                        .env("PATH", &path)
                        .env("NO_COLOR", "1");
                    for var in [
                        "CDA_ENDPOINT",
                        "CTYUN_AK",
                        "CTYUN_SK",
                        "CTYUN_ACCOUNT",
                        "CDA_LOG",
                        "CDA_EMULATOR_SEED",
                        "CDA_EMULATOR_DIALECT",
                    ] {
                        cmd.env_remove(var);
                    }
                    let out = cmd.output().unwrap();
                    last_stdout = String::from_utf8_lossy(&out.stdout).into_owned();
                    assert_eq!(
                        out.status.code(),
                        Some(command.exit),
                        "`{}`: the doc says exit {}\nstdout:\n{last_stdout}\nstderr:\n{}",
                        command.line,
                        command.exit,
                        String::from_utf8_lossy(&out.stderr)
                    );
                    ran += 1;
                }
            }
            "text" => {
                let promised = block.lines.join("\n");
                assert!(
                    last_stdout.contains(&promised),
                    "the doc shows\n{promised}\nbut the command printed\n{last_stdout}"
                );
            }
            _ => {}
        }
    }
    assert!(ran >= 10, "only {ran} commands ran");
    assert_eq!(skipped, 1, "only the CTyun block is not run");
}

#[test]
fn doc_commands_are_read_with_their_exit_codes() {
    let doc = "x\n\n```sh\n# c\ncargo run --release -- plan -f a.yaml  # exit 2\ncda apply p.cdaplan\n#   exit 3: no\n```\n\n<!-- not run: CTyun -->\n```sh\ncda plan\n```\n";
    let blocks = blocks(doc);
    assert_eq!(blocks.len(), 2);
    assert!(!blocks[0].not_run && blocks[1].not_run);
    assert_eq!(
        commands(&blocks[0]),
        [
            DocCommand {
                line: "cda plan -f a.yaml".into(),
                exit: 2
            },
            DocCommand {
                line: "cda apply p.cdaplan".into(),
                exit: 0
            },
        ]
    );
}
