//! `/api/leads`: the organization's leads. Managers and admins see and change every lead; a
//! seller sees the leads they own and the unassigned ones, and may claim those. A lead that is
//! not visible to the caller is 404.

use super::extract::{Body, PathParams};
use super::{Error, validate};
use crate::auth::AuthUser;
use crate::leads::bant::EVIDENCE_MAX;
use crate::leads::{self, Contact, Viewer};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{Bant, BantScore, Lead, LeadUpdate, NewLead, Role};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get_one, update))
}

fn viewer(user: &AuthUser) -> Viewer {
    match user.role {
        Role::Seller => Viewer::Seller(user.id),
        Role::Admin | Role::Manager => Viewer::Everyone,
    }
}

fn company(value: &str) -> Result<String, Error> {
    let company = value.trim();
    if company.chars().count() > 200 || company.chars().any(char::is_control) {
        return Err(Error::invalid("company", "must be at most 200 characters without control characters"));
    }
    Ok(company.to_owned())
}

/// Checks each assessed criterion (score 0–2, evidence ≤ [`EVIDENCE_MAX`] characters) and
/// redacts personal data from the evidence: it is call text, stored like every transcript.
fn bant(value: Bant) -> Result<Bant, Error> {
    let check = |field: &str, score: Option<BantScore>| -> Result<Option<BantScore>, Error> {
        let Some(s) = score else { return Ok(None) };
        if s.score > 2 {
            return Err(Error::invalid(format!("bant.{field}.score"), "must be 0 (not met), 1 (unclear) or 2 (met)"));
        }
        let evidence = crate::pii::redact(s.evidence.trim()).text;
        if evidence.chars().count() > EVIDENCE_MAX {
            return Err(Error::invalid(format!("bant.{field}.evidence"), format!("must be at most {EVIDENCE_MAX} characters")));
        }
        Ok(Some(BantScore { score: s.score, evidence, meeting_id: s.meeting_id }))
    };
    Ok(Bant {
        budget: check("budget", value.budget)?,
        authority: check("authority", value.authority)?,
        need: check("need", value.need)?,
        timeline: check("timeline", value.timeline)?,
    })
}

/// The leads the caller sees, most recently changed first.
#[utoipa::path(get, path = "/leads", tag = "leads", security(("bearer" = [])), responses((status = 200, body = Vec<Lead>)))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<Lead>>, Error> {
    Ok(Json(leads::list(&state.pg, user.org, viewer(&user)).await?))
}

/// Create a lead (201), or find the organization's lead with the same e-mail (200); either is
/// linked to `meeting_id`. A lead a seller creates is theirs; a manager's or admin's is
/// unassigned unless `owner_id` names someone.
#[utoipa::path(post, path = "/leads", tag = "leads", security(("bearer" = [])), request_body = NewLead,
    responses((status = 201, body = Lead), (status = 200, body = Lead, description = "a lead with this e-mail exists"),
        (status = 403, description = "a seller assigning someone else"), (status = 422, description = "invalid field")))]
async fn create(State(state): State<AppState>, user: AuthUser, Body(body): Body<NewLead>) -> Result<(StatusCode, Json<Lead>), Error> {
    let contact = Contact {
        name: validate::name("name", &body.name, 200)?,
        company: company(body.company.as_deref().unwrap_or(""))?,
        email: body.email.as_deref().map(|e| validate::email("email", e)).transpose()?,
        phone: body.phone.as_deref().map(|p| validate::phone("phone", p)).transpose()?,
    };
    let owner = match (user.role, body.owner_id) {
        (Role::Seller, Some(owner)) if owner != user.id => {
            return Err(Error::Forbidden("sellers may not assign leads to others".into()));
        }
        (Role::Seller, _) => Some(user.id),
        (_, owner) => owner,
    };
    let (lead, created) = leads::create(&state.pg, user.org, contact, owner, body.meeting_id).await?;
    if !viewer(&user).sees(lead.owner_id) {
        // The address belongs to another seller's lead: saying so would leak it, and creating
        // a second one would split the history; the meeting is linked, the lead stays theirs.
        return Err(Error::Conflict("this e-mail belongs to a lead another seller owns".into()));
    }
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(lead)))
}

/// One lead.
#[utoipa::path(get, path = "/leads/{id}", tag = "leads", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Lead), (status = 404, description = "not visible to the caller")))]
async fn get_one(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<Lead>, Error> {
    let mut conn = state.pg.acquire().await?;
    let lead = leads::get(&mut conn, user.org, id).await?.filter(|l| viewer(&user).sees(l.owner_id)).ok_or(Error::NotFound)?;
    Ok(Json(lead))
}

/// Change a lead's contact fields, stage, owner or BANT assessment.
#[utoipa::path(patch, path = "/leads/{id}", tag = "leads", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = LeadUpdate,
    responses((status = 200, body = Lead), (status = 403, description = "a seller assigning someone else"),
        (status = 404, description = "not visible to the caller"), (status = 409, description = "the e-mail is another lead's"),
        (status = 422, description = "invalid field")))]
async fn update(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    Body(body): Body<LeadUpdate>,
) -> Result<Json<Lead>, Error> {
    let changes = leads::Changes {
        name: body.name.as_deref().map(|n| validate::name("name", n, 200)).transpose()?,
        company: body.company.as_deref().map(company).transpose()?,
        email: body.email.as_deref().map(|e| validate::email("email", e)).transpose()?,
        phone: body.phone.as_deref().map(|p| validate::phone("phone", p)).transpose()?,
        stage: body.stage,
        owner: body.owner_id,
        bant: body.bant.map(bant).transpose()?,
    };
    let lead = leads::update(&state.pg, user.org, id, viewer(&user), changes).await?.ok_or(Error::NotFound)?;
    Ok(Json(lead))
}
