//! Wire types shared by the backend, the desktop app and the UI.
//!
//! Every type here is the single source of truth for its JSON shape: the TypeScript copies in
//! `ui/src/bindings/` are generated from these definitions by [`export_typescript`] (run
//! `cargo run -p closer-wire --bin export-ts`), and a test fails when they are stale.

mod agents;
mod analytics;
mod audio_frame;
mod auth;
mod events;
mod health;
mod leads;
mod live_api;
mod meetings;
mod phone;
mod playbook;
mod recap;
#[cfg(feature = "openapi")]
pub mod rules;
mod scheduling;
mod stt;
mod team;
mod webhooks;

pub use agents::{AgentFaq, AgentQuestion, AiAgent, AiAgentInput, MeetingAgent};
pub use analytics::{
    Aggregate, Analytics, BattleCardFunnel, LeaderboardEntry, ObjectionAnalytics, SellerAnalytics,
};
pub use auth::{Handoff, HandoffRedeem, Login, NewUser, Organization, RefreshRequest, Role, Session, SignUp, User};
pub use audio_frame::*;
pub use events::{
    Evidence, HudEnvelope, HudEvent, HudNotice, ProviderState, SentimentLabel, WordTiming,
};
pub use live_api::{CopilotPresence, IngestControl, PriorityMessageRequest};
pub use health::{HealthReport, HealthStatus, ServiceHealth};
pub use leads::{Bant, BantCriterion, BantScore, Lead, LeadStage, LeadUpdate, NewLead};
pub use meetings::{
    AiConsent, JoinRequest, Meeting, MeetingStatus, MeetingUpdate, NewMeeting, Participant,
    ParticipantRole, PublicMeeting, RoomAccess, Summons,
};
pub use phone::{NewPhoneNumber, PhoneCall, PhoneCallOutcome, PhoneNumber, PhoneTarget};
pub use recap::{
    ActionItem, Benchmarks, ChecklistCoverage, Kpis, ObjectionOutcome, Recap, SentimentPoint, Side,
    SpeakerStats, TranscriptLine,
};
pub use playbook::{BattleCard, ChecklistItem, Credit, Objection, Playbook, StarterPlaybook, StoredPlaybook};
pub use scheduling::{
    Availability, Booking, BookingPage, BookingRequest, BookingStatus, DateException, InstantCall, InstantCallRequest,
    MeetingType, MeetingTypeInput, PublicMeetingType, RescheduleRequest, Slot, WeeklyRule, Weekday,
};
pub use stt::{SttProviderKind, SttSettings};
pub use team::{
    AcceptInvitation, Invitation, InvitationPreview, InvitationSent, InvitationStatus, NewInvitation, PasswordResetConfirm,
    PasswordChange, PasswordResetRequest, ProfileUpdate, UserUpdate,
};
pub use webhooks::{
    DeliveryStatus, NewWebhookEndpoint, WebhookAttempt, WebhookDelivery, WebhookEndpoint,
    WebhookEndpointUpdate, WebhookSecret,
};

use std::path::Path;
use ts_rs::{Config, ExportError, TS};

/// Writes the TypeScript declaration of every wire type (and the types they reference) into
/// `dir`, one `<TypeName>.ts` file per type.
///
/// Errors: [`ExportError`] when a file cannot be written or a type cannot be rendered.
pub fn export_typescript(dir: &Path) -> Result<(), ExportError> {
    // JSON carries 64-bit integers as numbers, and every value Closer sends is far below 2^53
    // (milliseconds, counts, sequence numbers): `number`, not ts-rs' default `bigint`.
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    HealthReport::export_all(&cfg)?;
    Playbook::export_all(&cfg)?;
    HudEnvelope::export_all(&cfg)?;
    HudNotice::export_all(&cfg)?;
    IngestControl::export_all(&cfg)?;
    PriorityMessageRequest::export_all(&cfg)?;
    CopilotPresence::export_all(&cfg)?;
    StoredPlaybook::export_all(&cfg)?;
    StarterPlaybook::export_all(&cfg)?;
    SignUp::export_all(&cfg)?;
    Login::export_all(&cfg)?;
    RefreshRequest::export_all(&cfg)?;
    Session::export_all(&cfg)?;
    Handoff::export_all(&cfg)?;
    HandoffRedeem::export_all(&cfg)?;
    NewUser::export_all(&cfg)?;
    Organization::export_all(&cfg)?;
    Availability::export_all(&cfg)?;
    Slot::export_all(&cfg)?;
    MeetingType::export_all(&cfg)?;
    MeetingTypeInput::export_all(&cfg)?;
    BookingPage::export_all(&cfg)?;
    BookingRequest::export_all(&cfg)?;
    Booking::export_all(&cfg)?;
    InstantCallRequest::export_all(&cfg)?;
    InstantCall::export_all(&cfg)?;
    PhoneNumber::export_all(&cfg)?;
    NewPhoneNumber::export_all(&cfg)?;
    PhoneCall::export_all(&cfg)?;
    PhoneTarget::export_all(&cfg)?;
    RescheduleRequest::export_all(&cfg)?;
    Meeting::export_all(&cfg)?;
    Summons::export_all(&cfg)?;
    NewMeeting::export_all(&cfg)?;
    MeetingUpdate::export_all(&cfg)?;
    PublicMeeting::export_all(&cfg)?;
    JoinRequest::export_all(&cfg)?;
    RoomAccess::export_all(&cfg)?;
    Participant::export_all(&cfg)?;
    NewWebhookEndpoint::export_all(&cfg)?;
    WebhookEndpointUpdate::export_all(&cfg)?;
    WebhookSecret::export_all(&cfg)?;
    WebhookDelivery::export_all(&cfg)?;
    Recap::export_all(&cfg)?;
    Analytics::export_all(&cfg)?;
    SttSettings::export_all(&cfg)?;
    Lead::export_all(&cfg)?;
    NewLead::export_all(&cfg)?;
    LeadUpdate::export_all(&cfg)?;
    AiAgent::export_all(&cfg)?;
    AiAgentInput::export_all(&cfg)?;
    MeetingAgent::export_all(&cfg)?;
    NewInvitation::export_all(&cfg)?;
    InvitationSent::export_all(&cfg)?;
    InvitationPreview::export_all(&cfg)?;
    AcceptInvitation::export_all(&cfg)?;
    UserUpdate::export_all(&cfg)?;
    PasswordResetRequest::export_all(&cfg)?;
    PasswordResetConfirm::export_all(&cfg)?;
    ProfileUpdate::export_all(&cfg)?;
    PasswordChange::export_all(&cfg)?;
    Ok(())
}
