//! Fails when `ui/src/bindings/` no longer matches the Rust wire types.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect()
}

#[test]
fn generated_typescript_matches_committed_bindings() {
    let fresh = tempfile::tempdir().unwrap();
    closer_wire::export_typescript(fresh.path()).unwrap();
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");

    let fresh = read_dir(fresh.path());
    let committed = read_dir(&committed);
    assert!(!fresh.is_empty(), "the generator produced no files");
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "binding files differ; run `cargo run -p closer-wire --bin export-ts`"
    );
    for (name, text) in &fresh {
        assert_eq!(
            text, &committed[name],
            "ui/src/bindings/{name} is stale; run `cargo run -p closer-wire --bin export-ts`"
        );
    }
}

#[test]
fn health_report_status_follows_probes() {
    use closer_wire::{HealthReport, HealthStatus, ServiceHealth};
    let up = ServiceHealth { ok: true, latency_ms: 3, error: None };
    let down = ServiceHealth { ok: false, latency_ms: 1000, error: Some("timeout".into()) };
    let all = HealthReport::new("1".into(), up.clone(), up.clone(), up.clone(), up.clone());
    assert_eq!(all.status, HealthStatus::Ok);
    let one_down = HealthReport::new("1".into(), up.clone(), down, up.clone(), up);
    assert_eq!(one_down.status, HealthStatus::Unavailable);
    let json = serde_json::to_value(&one_down).unwrap();
    assert_eq!(json["status"], "unavailable");
    assert_eq!(json["mongodb"]["error"], "timeout");
}

#[test]
fn shared_fixture_playbooks_round_trip() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/playbooks");
    let dir = std::env::var_os("CLOSER_SHARED_DIR")
        .map(|d| PathBuf::from(d).join("fixtures/playbooks"))
        .unwrap_or(dir);
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let original: serde_json::Value = serde_json::from_str(&text).unwrap();
        let playbook: closer_wire::Playbook = serde_json::from_str(&text).unwrap();
        assert!(!playbook.checklist.is_empty() && !playbook.objections.is_empty());
        assert_eq!(serde_json::to_value(&playbook).unwrap(), original, "export differs from import");
        seen += 1;
    }
    assert!(seen >= 2, "expected the shared fixture playbooks in {}", dir.display());
}
