//! Wire types shared by the backend, the desktop app and the UI.
//!
//! Every type here is the single source of truth for its JSON shape: the TypeScript copies in
//! `ui/src/bindings/` are generated from these definitions by [`export_typescript`] (run
//! `cargo run -p closer-wire --bin export-ts`), and a test fails when they are stale.

mod health;
mod playbook;

pub use health::{HealthReport, HealthStatus, ServiceHealth};
pub use playbook::{BattleCard, ChecklistItem, Credit, Objection, Playbook};

use std::path::Path;
use ts_rs::{Config, ExportError, TS};

/// Writes the TypeScript declaration of every wire type (and the types they reference) into
/// `dir`, one `<TypeName>.ts` file per type.
///
/// Errors: [`ExportError`] when a file cannot be written or a type cannot be rendered.
pub fn export_typescript(dir: &Path) -> Result<(), ExportError> {
    let cfg = Config::new().with_out_dir(dir);
    HealthReport::export_all(&cfg)?;
    Playbook::export_all(&cfg)?;
    Ok(())
}
