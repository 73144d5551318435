//! The architecture of `core/`, checked: concept folders, the kernel
//! (`runtime/`) importing nothing user-facing, no import cycle between
//! folders, and files small enough to read.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 450;
/// The files allowed directly in `core/`: the crate root and the public loop API.
const TOP_FILES: [&str; 3] = ["lib.rs", "event_loop.rs", "runner.rs"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The folder of `core/` a file belongs to; top-level files are "(top)".
fn folder_of(core: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(core).unwrap();
    let mut parts = rel.components();
    let first = parts
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    if parts.next().is_some() {
        first
    } else {
        "(top)".to_string()
    }
}

/// The `crate::NAME` paths used by the code of `text` (comments excluded).
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                refs.insert(name);
            }
            rest = after;
        }
    }
    refs
}

fn graph() -> (BTreeMap<String, BTreeSet<String>>, Vec<PathBuf>) {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("core");
    let mut files = Vec::new();
    rust_files(&core, &mut files);
    let folders: BTreeSet<String> = files.iter().map(|f| folder_of(&core, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        if file.ends_with("lib.rs") {
            continue; // the root re-exports everything
        }
        let from = folder_of(&core, file);
        let text = fs::read_to_string(file).unwrap();
        for name in crate_refs(&text) {
            let to = if folders.contains(&name) {
                name
            } else {
                "(top)".to_string()
            };
            if to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    (edges, files)
}

#[test]
fn at_most_three_files_stand_directly_in_core() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("core");
    let mut top: Vec<String> = fs::read_dir(&core)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    top.sort();
    for name in &top {
        assert!(
            TOP_FILES.contains(&name.as_str()),
            "core/{name} belongs in a concept folder"
        );
    }
}

#[test]
fn no_file_is_over_the_line_limit() {
    let (_, files) = graph();
    for file in files {
        let lines = fs::read_to_string(&file).unwrap().lines().count();
        assert!(
            lines <= MAX_LINES,
            "{} has {lines} lines (at most {MAX_LINES}): split it by concept",
            file.display()
        );
    }
}

#[test]
fn the_kernel_imports_nothing_user_facing() {
    let (edges, _) = graph();
    let out = edges.get("runtime").cloned().unwrap_or_default();
    assert!(out.is_empty(), "runtime/ imports {out:?}");
}

#[test]
fn no_import_cycle_crosses_a_folder_boundary() {
    let (edges, _) = graph();
    // Depth-first search for a back edge, reporting the cycle's path.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            panic!("import cycle between folders: {:?}", &path[at..]);
        }
        if done.contains(node) {
            return;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, path, done);
        }
        path.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, &edges, &mut Vec::new(), &mut done);
    }
}
