//! `POST /api/book/{seller_slug}/now`: the booking page's "talk to our AI consultant now" (#17).
//! For a meeting type an AI agent runs, the prospect skips the calendar: a meeting starting now
//! is created for that agent, with the prospect as a lead linked to it (the agent's summary
//! reaches them by e-mail), and the guest link is returned to open at once. The seller's
//! calendar is untouched: the agent, not the seller, takes the call.

use super::extract::{Body, PathParams};
use super::{Error, validate};
use crate::booking::{insert_meeting, meeting_type, seller};
use crate::meetings;
use crate::leads::{self, Contact};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use closer_wire::{InstantCall, InstantCallRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(talk_now))
}

/// Start a call with the meeting type's AI agent now; answers its guest link.
#[utoipa::path(post, path = "/book/{seller_slug}/now", tag = "booking", params(("seller_slug" = String, Path)), request_body = InstantCallRequest,
    responses((status = 201, body = InstantCall), (status = 422, description = "invalid field, or a meeting type no AI agent runs")))]
async fn talk_now(
    State(state): State<AppState>,
    PathParams(slug): PathParams<String>,
    Body(body): Body<InstantCallRequest>,
) -> Result<(StatusCode, Json<InstantCall>), Error> {
    let name = validate::name("name", &body.name, 100)?;
    let email = validate::email("email", &body.email)?;
    let company = validate::name("company", &body.company, 200)?;
    let seller = seller(&state.pg, &slug).await?;
    let kind = meeting_type(&state.pg, seller.id, &body.meeting_type).await?;
    if kind.ai_agent.is_none() {
        return Err(Error::invalid("meeting_type", "no AI agent runs this meeting type; book a time instead"));
    }
    let meeting = insert_meeting(&state.pg, &seller, &kind, &company, Utc::now()).await?;
    let contact = Contact { name, company, email: Some(email), phone: None };
    leads::create(&state.pg, seller.organization_id, contact, None, Some(meeting)).await?;
    Ok((StatusCode::CREATED, Json(InstantCall { meeting_id: meeting, meeting_url: meetings::guest_url(&state.config, meeting) })))
}
