//! The recap as a PDF: the printable page ([`super::html`]) printed by headless Chromium, the
//! same engine that prints it from a seller's browser, so the PDF and "Print" look alike.
//!
//! The page is written to a private temporary directory and printed from there with every
//! network request refused (the page is self-contained), no user profile, and no header or
//! footer. One render at a time per server: a print costs about 150 MB and most of a core for
//! about a second on 2 cores, and exports are rare next to calls.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::Command;
use tokio::sync::Semaphore;

/// Longest a print may take before it is abandoned (a healthy one takes 1–3 s here).
const TIMEOUT: Duration = Duration::from_secs(60);

static ONE_AT_A_TIME: Semaphore = Semaphore::const_new(1);

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The configured browser (`pdf_browser`) could not be started: not installed, or not executable.
    #[error("PDF export needs Chromium on the server; `{browser}` could not be started: {source}")]
    NoBrowser { browser: String, source: std::io::Error },
    /// The browser ran but printed nothing usable (its exit status and last output lines).
    #[error("the PDF could not be printed: {0}")]
    Failed(String),
    /// The print took longer than [`TIMEOUT`].
    #[error("printing the PDF took longer than {}s", TIMEOUT.as_secs())]
    TimedOut,
    /// The temporary files could not be written or read.
    #[error("PDF export: {0}")]
    Io(#[from] std::io::Error),
}

/// Prints a self-contained HTML document (`html`, UTF-8) to PDF bytes (A4, backgrounds kept)
/// with the Chromium at `browser` (a path, or a name looked up in `PATH`).
///
/// Errors: [`PdfError::NoBrowser`] when it cannot be started; [`PdfError::Failed`] when it
/// exits without a PDF; [`PdfError::TimedOut`] after 60 s (the browser is killed).
pub async fn render(html: &str, browser: &str) -> Result<Vec<u8>, PdfError> {
    let _turn = ONE_AT_A_TIME.acquire().await.map_err(|e| PdfError::Failed(e.to_string()))?;
    let dir = tempfile::tempdir()?;
    let page = dir.path().join("recap.html");
    let pdf = dir.path().join("recap.pdf");
    tokio::fs::write(&page, html).await?;
    let mut command = Command::new(browser);
    command
        .args(arguments(dir.path(), &page, &pdf))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().map_err(|source| PdfError::NoBrowser { browser: browser.to_owned(), source })?;
    let output = tokio::time::timeout(TIMEOUT, child.wait_with_output()).await.map_err(|_| PdfError::TimedOut)??;
    let bytes = tokio::fs::read(&pdf).await.unwrap_or_default();
    if !output.status.success() || !bytes.starts_with(b"%PDF-") {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        return Err(PdfError::Failed(format!("{} ({})", output.status, tail.into_iter().rev().collect::<Vec<_>>().join(" | "))));
    }
    Ok(bytes)
}

/// Chromium's command line: headless printing of a local file, isolated from any profile and
/// from the network (`--host-resolver-rules` resolves every host to nothing, so even a link
/// that slipped into the page could not be fetched).
fn arguments(profile: &Path, page: &Path, pdf: &Path) -> Vec<String> {
    vec![
        "--headless".into(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-extensions".into(),
        "--no-first-run".into(),
        "--no-default-browser-check".into(),
        "--host-resolver-rules=MAP * ~NOTFOUND".into(),
        format!("--user-data-dir={}", profile.join("profile").display()),
        "--no-pdf-header-footer".into(),
        format!("--print-to-pdf={}", pdf.display()),
        format!("file://{}", page.display()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_missing_browser_is_named_in_the_error() {
        let error = render("<!doctype html><p>x</p>", "/nonexistent/chromium").await.unwrap_err();
        assert!(matches!(error, PdfError::NoBrowser { .. }), "{error:?}");
        assert!(error.to_string().contains("PDF export needs Chromium on the server"), "{error}");
    }
}
