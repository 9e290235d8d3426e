//! `POST /api/meetings/{id}/battle-cards/{objection}/presented`: the seller's HUD reports that
//! a battle card was presented to the guests ("Present now"), so recaps and analytics can tell
//! shown cards from presented ones. Stored in MongoDB `presentations` (`_id` =
//! `<meeting>:<objection>`, upserted: presenting twice counts once).

use super::Error;
use super::extract::PathParams;
use crate::auth::AuthUser;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use mongodb::bson::{Document, doc};
use mongodb::options::UpdateOptions;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(presented))
}

/// Record that the meeting's host presented the battle card of `objection` (a key of the
/// meeting's playbook).
#[utoipa::path(post, path = "/meetings/{id}/battle-cards/{objection}/presented", tag = "recap", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("objection" = String, Path)),
    responses((status = 204, description = "recorded"), (status = 403, description = "not the host"),
        (status = 422, description = "not an objection of the meeting's playbook")))]
async fn presented(
    State(state): State<AppState>,
    user: AuthUser,
    PathParams((id, objection)): PathParams<(Uuid, String)>,
) -> Result<StatusCode, Error> {
    if !crate::meetings::is_host(&state.pg, id, &user).await? {
        return Err(Error::Forbidden("only the meeting's host presents battle cards".into()));
    }
    let playbook = crate::meetings::playbook(&state.pg, id).await?.ok_or(Error::NotFound)?;
    if !playbook.objections.iter().any(|o| o.key == objection) {
        return Err(Error::invalid("objection", "not an objection of this meeting's playbook"));
    }
    let meeting = id.to_string();
    state
        .mongo
        .collection::<Document>("presentations")
        .update_one(
            doc! {"_id": format!("{meeting}:{objection}")},
            doc! {"$setOnInsert": {"meeting_id": &meeting, "objection": &objection, "at": chrono::Utc::now().to_rfc3339()}},
        )
        .with_options(UpdateOptions::builder().upsert(true).build())
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    Ok(StatusCode::NO_CONTENT)
}
