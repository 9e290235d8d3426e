//! CRM webhooks: per-organization endpoints, a durable PostgreSQL outbox written in the same
//! transaction as the state change it reports, and a worker delivering it with retries.
//!
//! Flow: [`outbox::enqueue`] (inside the caller's transaction) stores the event and one
//! delivery per subscribed active endpoint → [`worker`] claims due deliveries under a lease,
//! checks the URL against [`ssrf`], signs the body ([`signature`]) and POSTs it → a 2xx marks
//! it delivered; anything else is retried after [`backoff`] until the attempts run out, then
//! it is dead-lettered (kept, visible in the delivery log, redeliverable).
//!
//! Receivers: see `backend/docs/crm-webhooks.md` and `backend/docs/webhook-payload.schema.json`.

pub mod backoff;
pub mod deliver;
pub mod endpoints;
pub mod log;
pub mod outbox;
pub mod signature;
pub mod ssrf;
pub mod worker;

/// Event types an endpoint may subscribe to, with what they mean.
pub const EVENT_TYPES: &[(&str, &str)] = &[
    (MEETING_PROCESSED, "A call's post-call processing finished: recap, KPIs, summary, action items."),
    (LEAD_CREATED, "A lead was created, by hand or by an AI agent after its call: contact, stage, owner, BANT."),
    (LEAD_UPDATED, "A lead changed: contact fields, stage, owner, BANT assessment, or another meeting linked."),
    (WEBHOOK_TEST, "Sent by `POST /api/webhooks/{id}/test` to that endpoint only."),
];

/// `meeting.processed`: the recap of a call is ready.
pub const MEETING_PROCESSED: &str = "meeting.processed";
/// `lead.created`: a new lead, its data the lead as the API returns it.
pub const LEAD_CREATED: &str = "lead.created";
/// `lead.updated`: a lead changed, its data the lead as it now is.
pub const LEAD_UPDATED: &str = "lead.updated";
/// `webhook.test`: a connectivity test requested by an admin.
pub const WEBHOOK_TEST: &str = "webhook.test";
