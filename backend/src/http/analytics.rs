//! `GET /api/analytics?from&to&seller&playbook`: meetings held/booked, adherence, talk share,
//! pace, objections by category with handled rate, sentiment, battle-card funnel, and the
//! leaderboard. Managers and admins see their organization (optionally one seller); a seller
//! sees only their own figures and no leaderboard.

use super::Error;
use super::extract::QueryParams;
use crate::analytics::{self, Filter};
use crate::auth::AuthUser;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use closer_wire::{Analytics, Role};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_analytics)).routes(routes!(export_csv))
}

/// The range and filters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Params {
    /// Start (inclusive): `YYYY-MM-DD` (00:00 UTC) or an RFC 3339 time. Default: 30 days before `to`.
    #[serde(default)]
    from: Option<String>,
    /// End: `YYYY-MM-DD` (that whole day, UTC) or an RFC 3339 time (exclusive). Default: now.
    #[serde(default)]
    to: Option<String>,
    /// Only this seller's meetings.
    #[serde(default)]
    seller: Option<Uuid>,
    /// Only meetings with this playbook.
    #[serde(default)]
    playbook: Option<Uuid>,
}

/// Parses `value` as a date (its start, or the next day's start when `end`) or a timestamp.
fn instant(field: &str, value: &str, end: bool) -> Result<DateTime<Utc>, Error> {
    if let Ok(date) = value.parse::<NaiveDate>() {
        let day = if end { date.succ_opt().unwrap_or(date) } else { date };
        return Ok(day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc());
    }
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.to_utc())
        .map_err(|_| Error::invalid(field, "expected YYYY-MM-DD or an RFC 3339 time"))
}

/// Sales analytics of the caller's organization (or, for sellers, of themselves).
#[utoipa::path(get, path = "/analytics", tag = "analytics", security(("bearer" = [])), params(Params),
    responses((status = 200, body = Analytics), (status = 403, description = "a seller asking for someone else"),
        (status = 422, description = "invalid range")))]
async fn get_analytics(State(state): State<AppState>, user: AuthUser, QueryParams(params): QueryParams<Params>) -> Result<Json<Analytics>, Error> {
    let (filter, manager) = filter(&user, params)?;
    Ok(Json(analytics::load(&state.pg, &state.mongo, &filter, manager).await?))
}

/// The same figures as a spreadsheet: one CSV row per seller and a last row for the team
/// (`text/csv`, UTF-8, a download named after the range).
#[utoipa::path(get, path = "/analytics/export.csv", tag = "analytics", security(("bearer" = [])), params(Params),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, description = "a seller asking for someone else"),
        (status = 422, description = "invalid range")))]
async fn export_csv(State(state): State<AppState>, user: AuthUser, QueryParams(params): QueryParams<Params>) -> Result<impl IntoResponse, Error> {
    let (filter, manager) = filter(&user, params)?;
    let figures = analytics::load(&state.pg, &state.mongo, &filter, manager).await?;
    let name = format!("closer-analytics-{}-{}.csv", figures.from.format("%Y-%m-%d"), (figures.to - Duration::seconds(1)).format("%Y-%m-%d"));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        analytics::csv(&figures).map_err(anyhow::Error::from)?,
    ))
}

/// The [`Filter`] of `params` for `user`, and whether `user` sees the whole organization.
///
/// Errors: an invalid or over-long range (422), a seller asking for someone else (403).
fn filter(user: &AuthUser, params: Params) -> Result<(Filter, bool), Error> {
    let to = match params.to.as_deref() {
        Some(to) => instant("to", to, true)?,
        None => Utc::now(),
    };
    let from = match params.from.as_deref() {
        Some(from) => instant("from", from, false)?,
        None => to - Duration::days(30),
    };
    if from >= to {
        return Err(Error::invalid("from", "must be before `to`"));
    }
    if to - from > Duration::days(366) {
        return Err(Error::invalid("from", "the range may span at most 366 days"));
    }
    let manager = user.role != Role::Seller;
    let seller = match (manager, params.seller) {
        (true, seller) => seller,
        (false, Some(other)) if other != user.id => return Err(Error::Forbidden("sellers see only their own analytics".into())),
        (false, _) => Some(user.id),
    };
    Ok((Filter { organization: user.org, from, to, seller, playbook: params.playbook }, manager))
}
