//! The layers of the backend crate (#20): `src/http/` parses, authorizes and serializes, the
//! domain modules own their rules and their SQL, and imports between the top-level modules go
//! one way. Checked on the source text, so that a query pasted into a handler, a domain module
//! reaching back into the HTTP layer, or an import that closes a loop fails here rather than
//! in review.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, recursively, sorted.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Files of `files` whose text contains any of `needles`, with the first needle found.
fn offenders(files: &[PathBuf], needles: &[&str]) -> Vec<String> {
    files
        .iter()
        .filter_map(|f| {
            let text = fs::read_to_string(f).unwrap();
            needles.iter().find(|n| text.contains(*n)).map(|n| format!("{} ({n})", f.strip_prefix(src()).unwrap().display()))
        })
        .collect()
}

#[test]
fn handlers_hold_no_queries() {
    let handlers = sources(&src().join("http"));
    assert!(handlers.len() > 20, "the handlers were found: {handlers:?}");
    let found = offenders(&handlers, &["sqlx::query", "query_as(", "query_scalar(", "collection::<", ".collection("]);
    assert!(found.is_empty(), "SQL or a MongoDB collection in the HTTP layer, move it to its domain module: {found:?}");
}

#[test]
fn domain_modules_do_not_import_the_http_layer() {
    let http = src().join("http");
    // `server.rs` mounts the router: the one place above the HTTP layer.
    let domain: Vec<PathBuf> = sources(&src()).into_iter().filter(|f| !f.starts_with(&http) && !f.ends_with("server.rs")).collect();
    assert!(domain.len() > 50, "the domain modules were found: {}", domain.len());
    let found = offenders(&domain, &["crate::http", "super::http"]);
    assert!(found.is_empty(), "a domain module imports the HTTP layer: {found:?}");
}

/// The top-level module a file of `src/` belongs to (`meetings` for `src/meetings/read.rs`,
/// `state` for `src/state.rs`).
fn top_level(file: &Path) -> String {
    let first = file.strip_prefix(src()).unwrap().components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The top-level modules `code` names through `crate::` paths: `crate::x::…` and each head of
/// a `crate::{x, y::…}` group.
fn named_modules(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                found.extend(group.split(',').map(|part| ident(part.trim())).filter(|m| !m.is_empty()));
            }
            None => {
                found.insert(ident(rest));
            }
        }
    }
    found
}

/// The code of `file` that builds into the server: without its tests and comment lines (a doc
/// link is not a dependency).
fn production_code(file: &Path) -> String {
    let text = fs::read_to_string(file).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

/// Which top-level modules each one uses (`lib.rs` and `main.rs` aside).
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in sources(&src()) {
        let module = top_level(&file);
        if module == "lib" || module == "main" {
            continue;
        }
        let uses = graph.entry(module.clone()).or_default();
        uses.extend(named_modules(&production_code(&file)).into_iter().filter(|m| *m != module));
    }
    graph
}

/// A cycle of `graph` as the path that closes it (`[a, b, a]`), if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry((*a).into()).or_default().insert((*b).into());
        }
        g
    };
    assert_eq!(find_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "a")])), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    assert_eq!(find_cycle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert_eq!(named_modules("use crate::{auth::AuthUser, meetings};\nlet x = crate::state::AppState;"), ["auth", "meetings", "state"].map(String::from).into());
}

/// Imports between the top-level modules of `src/` go one way: `http` above the domain
/// modules, `state` (what the server shares) above the parts it builds, the composed use cases
/// (`room_access`) above the modules they compose.
#[test]
fn top_level_modules_import_one_way() {
    let graph = module_graph();
    assert!(graph["http"].contains("meetings") && graph["agent"].contains("meetings"), "the imports were read: {graph:?}");
    assert_eq!(find_cycle(&graph), None, "these top-level modules import each other in a loop; move what closes it (or pass what it needs)");
}

/// The module path of a file of `src/` (`meetings::read` for `src/meetings/read.rs`, `meetings`
/// for `src/meetings/mod.rs`).
fn module_path(file: &Path) -> String {
    let relative = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The paths `code` names after `prefix` (`crate::`, `super::`): `a::b::C` and each item of a
/// `{a::b, c}` group, as written.
fn named_paths(code: &str, prefix: &str) -> Vec<String> {
    let path = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect::<String>();
    let mut found = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // `super::` inside `crate::a::super::` or an identifier ending in it
        }
        let rest = &code[at + prefix.len()..];
        match rest.strip_prefix('{') {
            Some(group) => found.extend(group[..group.find('}').unwrap_or(group.len())].split(',').map(|p| path(p.trim()))),
            None => found.push(path(rest)),
        }
    }
    found.into_iter().map(|p| p.trim_end_matches(':').to_owned()).filter(|p| !p.is_empty()).collect()
}

/// Which modules (one per file) each file's module uses, each reference resolved to the
/// deepest module it names (`crate::meetings::read::Window` → `meetings::read`).
fn file_module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files: Vec<PathBuf> = sources(&src()).into_iter().filter(|f| !f.ends_with("lib.rs") && !f.ends_with("main.rs")).collect();
    let modules: BTreeSet<String> = files.iter().map(|f| module_path(f)).collect();
    let resolve = |path: &str| {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len()).rev().map(|n| parts[..n].join("::")).find(|m| modules.contains(m))
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let module = module_path(file);
        let parent = module.rsplit_once("::").map(|(p, _)| p.to_owned()).unwrap_or_default();
        let code = production_code(file);
        let absolute = named_paths(&code, "crate::");
        let relative = named_paths(&code, "super::").into_iter().map(|p| if parent.is_empty() { p } else { format!("{parent}::{p}") });
        let uses = graph.entry(module.clone()).or_default();
        uses.extend(absolute.into_iter().chain(relative).filter_map(|p| resolve(&p)).filter(|m| *m != module));
    }
    graph
}

/// No two modules use each other, directly or around a loop, at the granularity of files:
/// `live::session` and `live::persist`, say, may not each import the other's items.
#[test]
fn modules_import_one_way() {
    let graph = file_module_graph();
    assert!(graph.len() > 100 && graph["http::meetings"].contains("meetings") && graph["live::session"].contains("live::persist"), "the imports were read: {graph:?}");
    assert_eq!(find_cycle(&graph), None, "these modules import each other in a loop; move what closes it");
}
