//! `/api/webhooks`: CRM webhook endpoints of the caller's organization, their delivery log,
//! redelivery and a test event. Managers and admins only; another organization's endpoints and
//! deliveries are 404.

use super::extract::{Body, PathParams, QueryParams};
use super::Error;
use crate::auth::AuthUser;
use crate::state::AppState;
use crate::webhooks::outbox;
use crate::webhooks::{EVENT_TYPES, endpoints, log, ssrf};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use closer_wire::{
    DeliveryStatus, NewWebhookEndpoint, WebhookDelivery, WebhookEndpoint, WebhookEndpointUpdate, WebhookSecret,
};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(event_types))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(rotate_secret))
        .routes(routes!(send_test))
        .routes(routes!(deliveries))
        .routes(routes!(delivery))
        .routes(routes!(redeliver))
}

/// Checks the URL's shape and that it resolves to allowed addresses (SSRF guard).
async fn check_url(state: &AppState, url: &str) -> Result<String, Error> {
    let parsed = ssrf::parse(url).map_err(|e| Error::invalid("url", e.to_string()))?;
    if parsed.as_str().len() > 2048 {
        return Err(Error::invalid("url", "must be at most 2048 characters"));
    }
    ssrf::vet(&parsed, state.config.webhooks_allow_private).await.map_err(|e| Error::invalid("url", e.to_string()))?;
    Ok(parsed.into())
}

/// Known event types, deduplicated, at least one.
fn check_events(events: &[String]) -> Result<Vec<String>, Error> {
    let mut checked: Vec<String> = Vec::new();
    for (i, event) in events.iter().enumerate() {
        if !EVENT_TYPES.iter().any(|(name, _)| name == event) {
            let known: Vec<&str> = EVENT_TYPES.iter().map(|(name, _)| *name).collect();
            return Err(Error::invalid(format!("events[{i}]"), format!("unknown event type; expected one of {known:?}")));
        }
        if !checked.contains(event) {
            checked.push(event.clone());
        }
    }
    if checked.is_empty() {
        return Err(Error::invalid("events", "subscribe to at least one event type"));
    }
    Ok(checked)
}

fn check_description(description: &str) -> Result<String, Error> {
    let description = description.trim();
    if description.chars().count() > 200 || description.chars().any(char::is_control) {
        return Err(Error::invalid("description", "must be at most 200 characters without control characters"));
    }
    Ok(description.to_owned())
}

fn check_secret(secret: &str) -> Result<String, Error> {
    let len = secret.chars().count();
    if !(16..=200).contains(&len) || secret.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid("secret", "must be 16–200 characters without spaces"));
    }
    Ok(secret.to_owned())
}

/// The organization's webhook endpoints.
#[utoipa::path(get, path = "/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, body = Vec<WebhookEndpoint>), (status = 403, description = "sellers")))]
async fn list(State(state): State<AppState>, user: AuthUser) -> Result<Json<Vec<WebhookEndpoint>>, Error> {
    user.require_manager()?;
    Ok(Json(endpoints::list(&state.pg, user.org).await?))
}

/// An event type and what it means.
#[derive(Serialize, utoipa::ToSchema)]
struct EventType {
    r#type: &'static str,
    description: &'static str,
}

/// Event types endpoints can subscribe to.
#[utoipa::path(get, path = "/webhooks/event-types", tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, body = Vec<EventType>)))]
async fn event_types(user: AuthUser) -> Result<Json<Vec<EventType>>, Error> {
    user.require_manager()?;
    Ok(Json(EVENT_TYPES.iter().map(|(r#type, description)| EventType { r#type, description }).collect()))
}

/// Add an endpoint. The answer carries the signing secret (shown this once).
#[utoipa::path(post, path = "/webhooks", tag = "webhooks", security(("bearer" = [])), request_body = NewWebhookEndpoint,
    responses((status = 201, body = WebhookSecret), (status = 422, description = "invalid field, or a URL reaching a private address")))]
async fn create(
    State(state): State<AppState>,
    user: AuthUser,
    Body(body): Body<NewWebhookEndpoint>,
) -> Result<(StatusCode, Json<WebhookSecret>), Error> {
    user.require_manager()?;
    let url = check_url(&state, &body.url).await?;
    let events = check_events(&body.events)?;
    let description = check_description(body.description.as_deref().unwrap_or(""))?;
    let secret = match body.secret.as_deref() {
        Some(secret) => check_secret(secret)?,
        None => endpoints::generate_secret(),
    };
    let endpoint = endpoints::create(&state.pg, user.org, &url, &events, &description, &secret).await?;
    Ok((StatusCode::CREATED, Json(WebhookSecret { endpoint, secret })))
}

/// One endpoint.
#[utoipa::path(get, path = "/webhooks/{id}", tag = "webhooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = WebhookEndpoint), (status = 404, description = "not in your organization")))]
async fn get_one(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<WebhookEndpoint>, Error> {
    user.require_manager()?;
    Ok(Json(endpoints::get(&state.pg, user.org, id).await?.ok_or(Error::NotFound)?))
}

/// Change URL, events, description or activation.
#[utoipa::path(patch, path = "/webhooks/{id}", tag = "webhooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = WebhookEndpointUpdate, responses((status = 200, body = WebhookEndpoint), (status = 422, description = "invalid field")))]
async fn update(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    Body(body): Body<WebhookEndpointUpdate>,
) -> Result<Json<WebhookEndpoint>, Error> {
    user.require_manager()?;
    let url = match body.url.as_deref() {
        Some(url) => Some(check_url(&state, url).await?),
        None => None,
    };
    let events = body.events.as_deref().map(check_events).transpose()?;
    let description = body.description.as_deref().map(check_description).transpose()?;
    let changes = endpoints::Changes {
        url: url.as_deref(),
        events: events.as_deref(),
        description: description.as_deref(),
        active: body.active,
        secret: None,
    };
    Ok(Json(endpoints::update(&state.pg, user.org, id, changes).await?.ok_or(Error::NotFound)?))
}

/// Delete an endpoint and its delivery log.
#[utoipa::path(delete, path = "/webhooks/{id}", tag = "webhooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "deleted"), (status = 404, description = "not in your organization")))]
async fn delete(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<StatusCode, Error> {
    user.require_manager()?;
    if endpoints::delete(&state.pg, user.org, id).await? { Ok(StatusCode::NO_CONTENT) } else { Err(Error::NotFound) }
}

/// Replace the signing secret with a fresh random one (returned this once). Deliveries sent
/// from now on are signed with it, retries of older ones included.
#[utoipa::path(post, path = "/webhooks/{id}/rotate-secret", tag = "webhooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = WebhookSecret)))]
async fn rotate_secret(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<WebhookSecret>, Error> {
    user.require_manager()?;
    let secret = endpoints::generate_secret();
    let changes = endpoints::Changes { secret: Some(&secret), ..Default::default() };
    let endpoint = endpoints::update(&state.pg, user.org, id, changes).await?.ok_or(Error::NotFound)?;
    Ok(Json(WebhookSecret { endpoint, secret }))
}

/// Queue a `webhook.test` event for this endpoint only; follow it in the delivery log.
#[utoipa::path(post, path = "/webhooks/{id}/test", tag = "webhooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 202, body = WebhookDelivery)))]
async fn send_test(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
) -> Result<(StatusCode, Json<WebhookDelivery>), Error> {
    user.require_manager()?;
    endpoints::get(&state.pg, user.org, id).await?.ok_or(Error::NotFound)?;
    let delivery = outbox::enqueue_test(&state.pg, user.org, id).await?;
    let delivery = log::delivery_with_log(&state.pg, user.org, delivery).await?.ok_or(Error::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}

/// Which deliveries to list.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DeliveryQuery {
    /// `pending`, `delivered` or `dead`; default all.
    #[serde(default)]
    status: Option<DeliveryStatus>,
    /// 1–500, default 100.
    #[serde(default)]
    limit: Option<i64>,
}

/// Deliveries of an endpoint, newest first.
#[utoipa::path(get, path = "/webhooks/{id}/deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("id" = Uuid, Path), DeliveryQuery), responses((status = 200, body = Vec<WebhookDelivery>)))]
async fn deliveries(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
    QueryParams(query): QueryParams<DeliveryQuery>,
) -> Result<Json<Vec<WebhookDelivery>>, Error> {
    user.require_manager()?;
    endpoints::get(&state.pg, user.org, id).await?.ok_or(Error::NotFound)?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(Error::invalid("limit", "must be 1–500"));
    }
    Ok(Json(log::deliveries(&state.pg, user.org, id, query.status, limit).await?))
}

/// One delivery with every attempt (status code, error, answer excerpt, duration).
#[utoipa::path(get, path = "/webhooks/deliveries/{id}", tag = "webhooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = WebhookDelivery)))]
async fn delivery(State(state): State<AppState>, user: AuthUser, PathParams(id): PathParams<Uuid>) -> Result<Json<WebhookDelivery>, Error> {
    user.require_manager()?;
    Ok(Json(log::delivery_with_log(&state.pg, user.org, id).await?.ok_or(Error::NotFound)?))
}

/// Send a delivery again (same `Idempotency-Key`) with a fresh attempt budget.
#[utoipa::path(post, path = "/webhooks/deliveries/{id}/redeliver", tag = "webhooks", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 202, body = WebhookDelivery)))]
async fn redeliver(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams(id): PathParams<Uuid>,
) -> Result<(StatusCode, Json<WebhookDelivery>), Error> {
    user.require_manager()?;
    let delivery = log::redeliver(&state.pg, user.org, id).await?.ok_or(Error::NotFound)?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}
