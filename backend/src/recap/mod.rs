//! Post-call processing: when a meeting ends, its recap (KPIs, checklist with evidence,
//! objections handled, sentiment timeline, transcript, summary, next steps, action items) is
//! computed from the live session's MongoDB documents, stored in the `recaps` collection, and
//! the meeting becomes `processed` together with its `meeting.processed` CRM webhook.
//!
//! - [`record`]: the call as plain data; [`load`] reads it from PostgreSQL and MongoDB.
//! - [`kpis`], [`objections`], [`sentiment`]: the measured part (formulas documented there).
//! - [`summary`], [`actions`], [`dates`]: embedded extractive notes (EN + IT, offline);
//!   [`notes_llm`]: notes by the configured LLM instead.
//! - [`build`]: assembles the [`closer_wire::Recap`]; [`store`]: the `recaps` collection.
//! - [`finalize`]: one meeting, idempotently; [`jobs`]: the durable job queue and worker.
//! - [`payload`]: the `meeting.processed` webhook body; [`html`]: the printable page, and
//!   [`pdf`]: that page printed to PDF by headless Chromium.

pub mod actions;
pub mod build;
pub mod dates;
pub mod finalize;
pub mod html;
pub mod jobs;
pub mod kpis;
pub mod load;
pub mod notes_llm;
pub mod objections;
pub mod payload;
pub mod pdf;
pub mod record;
pub mod sentiment;
pub mod store;
pub mod summary;
pub mod text;
