//! `/api/agents`: the organization's AI agents (everyone reads them; managers and admins
//! create, change and delete them), and `/api/meetings/{id}/agent`: the agent assigned to run
//! a meeting (its host, managers and admins).

use super::extract::{Body, PathParams};
use super::{Error, validate};
use crate::meetings;
use crate::ai_agents::{self, Fields};
use crate::auth::AuthUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{AgentFaq, AgentQuestion, AiAgent, AiAgentInput, MeetingAgent};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, replace, delete))
        .routes(routes!(meeting_agent, assign))
}

/// Most questions one agent asks: a qualification call, not a survey.
const MAX_QUESTIONS: usize = 20;
/// Most FAQ entries of one agent (each is embedded when its call starts).
const MAX_FAQ: usize = 30;

fn text(field: &str, value: &str, max: usize) -> Result<String, Error> {
    let value = value.trim();
    let len = value.chars().count();
    if len == 0 || len > max || value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(field, format!("must be 1–{max} characters")));
    }
    Ok(value.to_owned())
}

fn fields(body: AiAgentInput) -> Result<Fields, Error> {
    if !["en", "it"].contains(&body.language.as_str()) {
        return Err(Error::invalid("language", "expected \"en\" or \"it\""));
    }
    let persona = body.persona.unwrap_or_default().trim().to_owned();
    if persona.chars().count() > 4000 {
        return Err(Error::invalid("persona", "must be at most 4000 characters"));
    }
    if body.questions.is_empty() || body.questions.len() > MAX_QUESTIONS {
        return Err(Error::invalid("questions", format!("ask 1–{MAX_QUESTIONS} questions")));
    }
    let questions = body
        .questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| Ok(AgentQuestion { text: text(&format!("questions[{i}].text"), &q.text, 300)?, criterion: q.criterion }))
        .collect::<Result<Vec<_>, Error>>()?;
    let faq = body.faq.unwrap_or_default();
    if faq.len() > MAX_FAQ {
        return Err(Error::invalid("faq", format!("at most {MAX_FAQ} entries")));
    }
    let faq = faq
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            Ok(AgentFaq { question: text(&format!("faq[{i}].question"), &f.question, 300)?, answer: text(&format!("faq[{i}].answer"), &f.answer, 1000)? })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let qualify_score = body.qualify_score.unwrap_or(50);
    if qualify_score > 100 {
        return Err(Error::invalid("qualify_score", "must be 0–100"));
    }
    Ok(Fields {
        name: validate::name("name", &body.name, 60)?,
        language: body.language,
        persona,
        greeting: text("greeting", &body.greeting, 500)?,
        questions,
        faq,
        closing: text("closing", &body.closing, 500)?,
        handoff_owner_id: body.handoff_owner_id,
        qualify_score,
    })
}

/// The organization's AI agents, by name.
#[utoipa::path(get, path = "/agents", tag = "agents", security(("bearer" = [])), responses((status = 200, body = Vec<AiAgent>)))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<AiAgent>>, Error> {
    Ok(Json(ai_agents::list(&state.pg, user.org).await?))
}

/// Create an AI agent (managers and admins).
#[utoipa::path(post, path = "/agents", tag = "agents", security(("bearer" = [])), request_body = AiAgentInput,
    responses((status = 201, body = AiAgent), (status = 403, description = "not a manager"), (status = 422, description = "invalid field")))]
async fn create(State(state): State<AppState>, user: AuthUser, Body(body): Body<AiAgentInput>) -> Result<(StatusCode, Json<AiAgent>), Error> {
    user.require_manager()?;
    let agent = ai_agents::create(&state.pg, user.org, fields(body)?).await?;
    Ok((StatusCode::CREATED, Json(agent)))
}

/// One AI agent.
#[utoipa::path(get, path = "/agents/{id}", tag = "agents", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AiAgent), (status = 404, description = "not the organization's")))]
async fn get_one(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<AiAgent>, Error> {
    Ok(Json(ai_agents::get(&state.pg, user.org, id).await?.ok_or(Error::NotFound)?))
}

/// Replace an AI agent's settings (managers and admins); meetings already assigned keep it.
#[utoipa::path(put, path = "/agents/{id}", tag = "agents", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AiAgentInput,
    responses((status = 200, body = AiAgent), (status = 403, description = "not a manager"), (status = 404, description = "not the organization's"),
        (status = 422, description = "invalid field")))]
async fn replace(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    Body(body): Body<AiAgentInput>,
) -> Result<Json<AiAgent>, Error> {
    user.require_manager()?;
    let agent = ai_agents::replace(&state.pg, user.org, id, fields(body)?).await?.ok_or(Error::NotFound)?;
    Ok(Json(agent))
}

/// Delete an AI agent (managers and admins); the meetings it was to run go back to their hosts.
#[utoipa::path(delete, path = "/agents/{id}", tag = "agents", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, description = "not a manager"), (status = 404, description = "not the organization's")))]
async fn delete(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<StatusCode, Error> {
    user.require_manager()?;
    if ai_agents::delete(&state.pg, user.org, id).await? { Ok(StatusCode::NO_CONTENT) } else { Err(Error::NotFound) }
}

/// The AI agent assigned to run the meeting.
#[utoipa::path(get, path = "/meetings/{id}/agent", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = MeetingAgent), (status = 404, description = "not visible to the caller")))]
async fn meeting_agent(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<MeetingAgent>, Error> {
    meetings::visible(&state.pg, &state.config, &user, id).await?;
    Ok(Json(MeetingAgent { agent_id: ai_agents::of_meeting(&state.pg, user.org, id).await? }))
}

/// Assign an AI agent to run the meeting, or none (its host, managers, admins).
#[utoipa::path(put, path = "/meetings/{id}/agent", tag = "meetings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = MeetingAgent,
    responses((status = 200, body = MeetingAgent), (status = 404, description = "not visible to the caller"),
        (status = 422, description = "no such agent")))]
async fn assign(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    Body(body): Body<MeetingAgent>,
) -> Result<Json<MeetingAgent>, Error> {
    meetings::visible(&state.pg, &state.config, &user, id).await?;
    ai_agents::assign(&state.pg, user.org, id, body.agent_id).await?;
    Ok(Json(body))
}
