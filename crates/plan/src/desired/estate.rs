//! An estate written across several files (`-f` repeated, or a directory
//! of `*.yaml` files): one desired state per region.
//!
//! Every file is read, converted and validated on its own, as a single file
//! is, except that a gateway may bind and route over a line another file of
//! its region declares. Then the files of one region are checked against
//! each other, as one file's lists are: a line, gateway or pinned line id
//! declared twice, or a line bound by two gateways, is reported in the later
//! file with the place of the first. Files of one region then make one
//! state: their lists one after the other, the union of their `prune`
//! kinds, and their one `account`.
//!
//! Each file is first read on the streaming path (see `convert/stream.rs`)
//! and the rules run on the models alone; only when something is wrong,
//! in any file or across them, is the whole estate read again into span
//! trees, which report every problem at its place. So a valid estate never
//! holds a tree, and memory is its files' and models'.
//!
//! The size limit holds per file: an estate grows by adding files.

use super::convert::Conv;
use super::diagnostics::Collector;
use super::validate::RegionLines;
use super::{read_text, read_tree, too_large, Diagnostics, SourceMap, MAX_FILE_BYTES};
use crate::model::DesiredState;
use sha2::{Digest, Sha256};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The desired state of every region the files name.
#[derive(Debug, Clone)]
pub struct Estate {
    /// One state per region, by region.
    pub regions: Vec<RegionalState>,
    /// The files, in the order they were read.
    pub files: Vec<String>,
    /// What a saved plan records to tell the files it was made from: of a
    /// single file, the hash of its text ([`crate::planfile::desired_hash`]);
    /// of several, the hash of their names and hashes in order.
    pub content_hash: String,
}

/// The files of one region as one desired state.
#[derive(Debug, Clone)]
pub struct RegionalState {
    pub state: DesiredState,
    /// Where each field of `state` is written, in whichever file.
    pub sources: SourceMap,
}

/// The files `-f` arguments name, in order: a file as given, a directory
/// as every `*.yaml` file directly in it, sorted by name. A file named
/// twice (directly and through its directory) is read once.
pub fn files_of(args: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<Diagnostics>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        if !arg.is_dir() {
            files.push(arg.clone());
            continue;
        }
        match yaml_files_in(arg) {
            Ok(found) if found.is_empty() => errors.push(whole_file(
                arg,
                "the directory holds no `*.yaml` file".to_owned(),
            )),
            Ok(found) => files.extend(found),
            Err(e) => errors.push(whole_file(arg, format!("cannot list the directory: {e}"))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut seen = BTreeSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    Ok(files)
}

fn yaml_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "yaml") && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

fn whole_file(path: &Path, message: String) -> Diagnostics {
    Diagnostics::whole_file(
        &path.display().to_string(),
        String::new(),
        1,
        1,
        0..0,
        message,
    )
}

/// Reads, parses and validates the files `-f` arguments name
/// ([`files_of`]); on failure, the problems of every file that has some,
/// in file order.
pub fn load_estate(args: &[PathBuf]) -> Result<Estate, Vec<Diagnostics>> {
    let paths = files_of(args)?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        let name = path.display().to_string();
        match read_text(path, &name) {
            Ok(text) => files.push((name, text)),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    parse_estate(&files)
}

/// Parses and validates `(file name, text)` pairs as one estate.
pub fn parse_estate(files: &[(String, String)]) -> Result<Estate, Vec<Diagnostics>> {
    match stream_estate(files) {
        Some(estate) => Ok(estate),
        None => tree_estate(files),
    }
}

/// The estate read on the streaming path, each file converted as it is
/// parsed and no tree kept; `None` when any file has a problem, alone or
/// against the others, which the tree path then finds and reports.
pub(super) fn stream_estate(files: &[(String, String)]) -> Option<Estate> {
    let mut parts = Vec::new();
    let mut convs = Vec::new();
    let mut states = Vec::new();
    for (name, text) in files {
        if text.len() > MAX_FILE_BYTES {
            return None;
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (cv, state) = Conv::stream_file(name, text)?;
        parts.push((name.as_str(), text));
        convs.push(cv);
        states.push(state);
    }
    check(&mut convs, &states);
    if convs.iter().any(|cv| cv.c.has_errors()) {
        return None;
    }
    drop(convs);
    Some(assemble(files, parts.into_iter().zip(states)))
}

/// The estate read on the tree path: every problem of every file, each at
/// its place.
pub(super) fn tree_estate(files: &[(String, String)]) -> Result<Estate, Vec<Diagnostics>> {
    let mut errors = Vec::new();
    let mut trees = Vec::new();
    for (name, text) in files {
        if text.len() > MAX_FILE_BYTES {
            errors.push(too_large(name, text.len()));
            continue;
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match read_tree(name, text) {
            Ok(root) => trees.push((name.as_str(), text, root)),
            Err(d) => errors.push(d),
        }
    }
    let mut convs: Vec<Conv<'_>> = trees
        .iter()
        .map(|(name, text, root)| Conv::new(Collector::new(name, text), root))
        .collect();
    let states: Vec<DesiredState> = convs
        .iter_mut()
        .zip(&trees)
        .map(|(cv, (_, _, root))| cv.desired_state(root))
        .collect();
    check(&mut convs, &states);
    let failed = errors.len() + convs.iter().filter(|cv| cv.c.has_errors()).count();
    if failed > 0 {
        errors.extend(
            convs
                .into_iter()
                .filter(|cv| cv.c.has_errors())
                .map(|cv| cv.c.finish()),
        );
        return Err(errors);
    }
    drop(convs);
    // Read again if something must be located (see `SourceMap`).
    let parts = trees.into_iter().map(|(name, text, _root)| (name, text));
    Ok(assemble(files, parts.zip(states)))
}

/// The rules of each file, then those across the files of one region.
fn check(convs: &mut [Conv<'_>], states: &[DesiredState]) {
    if convs.len() < 2 {
        for (cv, s) in convs.iter_mut().zip(states) {
            cv.validate(s, None);
        }
        return;
    }
    // One table of a region's lines for all its files, not one per file.
    let mut region_lines: HashMap<&str, RegionLines<'_>> = HashMap::new();
    for s in states {
        let table = region_lines.entry(s.region.as_str()).or_default();
        table.extend(s.physical_lines.iter().map(|l| (l.name.as_str(), l)));
    }
    for (cv, s) in convs.iter_mut().zip(states) {
        cv.validate(s, region_lines.get(s.region.as_str()));
    }
    across_files(convs, states);
}

/// The valid files' states as one state per region.
fn assemble<'f>(
    files: &[(String, String)],
    parts: impl Iterator<Item = ((&'f str, &'f str), DesiredState)>,
) -> Estate {
    let content_hash = estate_hash(files);
    let mut regions: BTreeMap<String, (DesiredState, Vec<SourceMap>)> = BTreeMap::new();
    for ((name, text), state) in parts {
        let map = SourceMap::single(name, text, state.physical_lines.len(), state.gateways.len());
        match regions.get_mut(&state.region) {
            Some((merged, maps)) => {
                merge(merged, state);
                maps.push(map);
            }
            None => {
                regions.insert(state.region.clone(), (state, vec![map]));
            }
        }
    }
    let regions = regions
        .into_values()
        .filter_map(|(state, maps)| {
            SourceMap::merged(maps).map(|sources| RegionalState { state, sources })
        })
        .collect();
    Estate {
        regions,
        files: files.iter().map(|(name, _)| name.clone()).collect(),
        content_hash,
    }
}

fn estate_hash(files: &[(String, String)]) -> String {
    match files {
        [(_, text)] => crate::planfile::desired_hash(text.as_bytes()),
        _ => {
            let mut all = Sha256::new();
            for (name, text) in files {
                all.update(name.as_bytes());
                all.update(b"\n");
                all.update(crate::planfile::desired_hash(text.as_bytes()).as_bytes());
                all.update(b"\n");
            }
            hex::encode(all.finalize())
        }
    }
}

/// Adds a later file of the same region to `into`. Accounts agree (checked
/// by [`across_files`]); `prune` is the union, since it says which kinds
/// the region's files together declare in full.
fn merge(into: &mut DesiredState, file: DesiredState) {
    if into.account.is_none() {
        into.account = file.account;
    }
    for kind in file.prune {
        if !into.prune.contains(&kind) {
            into.prune.push(kind);
        }
    }
    into.prune.sort();
    into.physical_lines.extend(file.physical_lines);
    into.gateways.extend(file.gateways);
}

/// (region, name) → where first declared: (file, index in its list). A
/// path is only written out for a clash.
type Seen<'s> = HashMap<(&'s str, &'s str), (usize, usize)>;

/// Declarations that clash across files of one region, each reported in
/// the later file with `file:line:col` of the first.
fn across_files(convs: &mut [Conv<'_>], states: &[DesiredState]) {
    let mut line_names: Seen<'_> = HashMap::new();
    let mut line_ids: Seen<'_> = HashMap::new();
    let mut gateways: Seen<'_> = HashMap::new();
    // (region, line) → (file, gateway index, index in its `lines`, gateway)
    let mut bound: HashMap<(&str, &str), (usize, usize, usize, &str)> = HashMap::new();
    let mut accounts: HashMap<&str, (usize, &str)> = HashMap::new();
    for (i, s) in states.iter().enumerate() {
        let region = s.region.as_str();
        if let Some(account) = s.account.as_deref() {
            match accounts.get(region) {
                Some(&(j, first)) if first != account => {
                    let at = place(&convs[j], "account");
                    clash(
                        &mut convs[i],
                        "account",
                        "another account",
                        format!("region {region} is already given account `{first}` ({at}); the files of one region name one account"),
                    );
                }
                Some(_) => {}
                None => {
                    accounts.insert(region, (i, account));
                }
            }
        }
        for (k, l) in s.physical_lines.iter().enumerate() {
            let path = || format!("physical_lines[{k}]");
            if let Some(first) = first_elsewhere(&mut line_names, (region, &l.name), (i, k)) {
                let at = first_place(convs, "physical_lines", first, "name");
                let message = format!("duplicate line name `{}` (also {at})", l.name);
                clash(
                    &mut convs[i],
                    &format!("{}.name", path()),
                    "duplicate name",
                    message,
                );
            }
            if let Some(id) = &l.id {
                if let Some(first) = first_elsewhere(&mut line_ids, (region, id), (i, k)) {
                    let at = first_place(convs, "physical_lines", first, "id");
                    let message = format!("line id `{id}` is already pinned by {at}");
                    clash(
                        &mut convs[i],
                        &format!("{}.id", path()),
                        "duplicate id",
                        message,
                    );
                }
            }
        }
        for (k, g) in s.gateways.iter().enumerate() {
            if let Some(first) = first_elsewhere(&mut gateways, (region, &g.name), (i, k)) {
                let at = first_place(convs, "gateways", first, "name");
                let message = format!("duplicate gateway name `{}` (also {at})", g.name);
                clash(
                    &mut convs[i],
                    &format!("gateways[{k}].name"),
                    "duplicate name",
                    message,
                );
            }
            for (n, line) in g.lines.iter().enumerate() {
                match bound.entry((region, line.as_str())) {
                    Entry::Occupied(first) => {
                        let (j, fk, fn_, gw) = *first.get();
                        if j != i && gw != g.name {
                            let at = place(&convs[j], &format!("gateways[{fk}].lines[{fn_}]"));
                            let message = format!(
                                "line `{line}` is already bound to gateway `{gw}` ({at}); a line is bound to one gateway at most"
                            );
                            let lp = format!("gateways[{k}].lines[{n}]");
                            clash(&mut convs[i], &lp, "bound twice", message);
                        }
                    }
                    Entry::Vacant(slot) => {
                        slot.insert((i, k, n, &g.name));
                    }
                }
            }
        }
    }
}

/// Records `key` as seen at file `i`, `path`; returns where it was first
/// seen when that is another file.
fn first_elsewhere<'s>(
    seen: &mut Seen<'s>,
    key: (&'s str, &'s str),
    (i, k): (usize, usize),
) -> Option<(usize, usize)> {
    match seen.entry(key) {
        Entry::Occupied(first) => Some(*first.get()).filter(|(j, _)| *j != i),
        Entry::Vacant(slot) => {
            slot.insert((i, k));
            None
        }
    }
}

/// `file:line:col` of `field` of item `k` of `list` in file `j`.
fn first_place(convs: &[Conv<'_>], list: &str, (j, k): (usize, usize), field: &str) -> String {
    place(&convs[j], &format!("{list}[{k}].{field}"))
}

/// `file:line:col` of `path` in the file `cv` reads.
fn place(cv: &Conv<'_>, path: &str) -> String {
    let (index, text) = (cv.c.index(), cv.c.text());
    let range = index.byte_range(text, cv.loc(path));
    let (line, col) = index.line_col(text, range.start);
    format!("{}:{line}:{col}", cv.c.file())
}

fn clash(cv: &mut Conv<'_>, path: &str, label: &str, message: String) {
    let loc = cv.loc(path);
    cv.c.error(loc, path, label, message, None);
}
