//! The layers of the backend crate (#20): `src/http/` parses, authorizes and serializes, and
//! the domain modules own their rules and their SQL. Checked on the source text, so that a
//! query pasted into a handler, or a domain module reaching back into the HTTP layer, fails
//! here rather than in review.

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
