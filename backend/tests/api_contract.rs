//! The served OpenAPI document is the API's contract (#20): schemathesis (pinned in the test
//! receivers' venv, `scripts/setup`) generates requests from `/api/docs/openapi.json` — the
//! documents' examples, the boundary values of every constraint, then random ones — and sends
//! them, as a signed-in admin and without a token, to a real server; every answer must be a
//! documented status code with the declared content type, headers and body schema, no answer
//! may be a server error, a route must refuse a method it does not document (405), and an
//! operation that requires a token must not answer without one.
//!
//! Not yet checked (issue #20): that every request valid by the document is accepted and every
//! invalid one refused (`positive_data_acceptance`, `negative_data_rejection`). The document does
//! not declare yet all the lengths, formats and enums the server enforces (28 operations), and a
//! request naming a playbook or meeting that does not exist is valid by any schema.

mod common;

use common::TestApp;
use std::process::Command;

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_is_the_one_the_document_declares() {
    let app = TestApp::start(|c| c.login_rate_per_minute = 100_000).await;
    let (token, _) = app.sign_up("contract").await;
    let schemathesis = common::receivers_python().with_file_name("schemathesis");
    let report = tempfile::tempdir().unwrap();
    let document = format!("{}/api/docs/openapi.json", app.base);
    let run = tokio::task::spawn_blocking(move || {
        Command::new(schemathesis)
            .args(["run", &document, "--header", &format!("Authorization: Bearer {token}")])
            .args(["--checks", "all", "--exclude-checks", "positive_data_acceptance,negative_data_rejection"])
            .args(["--phases", "examples,coverage,fuzzing", "--max-examples", "20", "--workers", "1", "--seed", "20261207"])
            .args(["--no-color", "--report", "junit", "--report-dir"])
            .arg(report.path())
            .output()
            .expect("schemathesis runs (scripts/setup installs it)")
    })
    .await
    .unwrap();
    let out = String::from_utf8_lossy(&run.stdout);
    let summary = out.rsplit("SUMMARY").next().unwrap_or(&out);
    println!("{summary}");
    assert!(out.contains("Tested:"), "schemathesis tested nothing:\n{out}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "schemathesis found answers the document does not declare:\n{out}");
}
