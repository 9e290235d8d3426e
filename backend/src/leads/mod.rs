//! Leads (PostgreSQL `leads`, `lead_meetings`): the prospects an organization works, their
//! BANT assessment and the meetings they took part in. Every function is scoped by the
//! organization; what a seller may see and change is [`Viewer`]'s rule. Every change is
//! reported to the CRM webhooks (`lead.created` / `lead.updated`) in its own transaction.

pub mod after_call;
pub mod bant;

use crate::error::Error;
use crate::webhooks::outbox::{self, Audience};
use crate::webhooks::{LEAD_CREATED, LEAD_UPDATED};
use chrono::{DateTime, Utc};
use closer_wire::{Bant, Lead, LeadStage};
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// 0–100 from a BANT assessment: the four criteria's scores (0–2 each, an unassessed one
/// counting 0) summed over their maximum of 8, rounded; `None` while none is assessed. Equal
/// weights are the textbook BANT (IBM's original four questions), not a fit to any data.
pub fn score(bant: &Bant) -> Option<u8> {
    let assessed: Vec<u8> = [&bant.budget, &bant.authority, &bant.need, &bant.timeline]
        .into_iter()
        .flatten()
        .map(|s| s.score.min(2))
        .collect();
    if assessed.is_empty() {
        return None;
    }
    let sum: u32 = assessed.iter().map(|&s| u32::from(s)).sum();
    Some(((sum * 100 + 4) / 8) as u8)
}

/// Who asks: managers and admins see every lead of the organization; a seller sees the leads
/// they own and the unassigned ones (which they may claim).
#[derive(Clone, Copy, Debug)]
pub enum Viewer {
    Everyone,
    Seller(Uuid),
}

impl Viewer {
    /// Whether this viewer may see (and so change) a lead owned by `owner`.
    pub fn sees(self, owner: Option<Uuid>) -> bool {
        match self {
            Viewer::Everyone => true,
            Viewer::Seller(me) => owner.is_none_or(|o| o == me),
        }
    }
}

/// The contact fields of a lead, already validated by the HTTP layer.
#[derive(Clone, Debug, Default)]
pub struct Contact {
    pub name: String,
    pub company: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

const SELECT: &str = "SELECT l.id, l.name, l.company, l.email, l.phone, l.stage, l.bant, l.owner_id, u.display_name,
        l.created_at, l.updated_at,
        coalesce((SELECT array_agg(m.meeting_id ORDER BY m.linked_at, m.meeting_id) FROM lead_meetings m WHERE m.lead_id = l.id), '{}')
    FROM leads l LEFT JOIN users u ON u.id = l.owner_id";

type Row = (
    Uuid,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Json<Bant>,
    Option<Uuid>,
    Option<String>,
    DateTime<Utc>,
    DateTime<Utc>,
    Vec<Uuid>,
);

fn lead(row: Row) -> Result<Lead, sqlx::Error> {
    let (id, name, company, email, phone, stage, Json(bant), owner_id, owner_name, created_at, updated_at, meeting_ids) = row;
    let stage = LeadStage::parse(&stage).ok_or_else(|| sqlx::Error::Decode(format!("unknown lead stage {stage:?}").into()))?;
    Ok(Lead { id, name, company, email, phone, stage, score: score(&bant), bant, owner_id, owner_name, meeting_ids, created_at, updated_at })
}

/// The leads `viewer` sees, most recently changed first.
pub async fn list(pg: &PgPool, org: Uuid, viewer: Viewer) -> Result<Vec<Lead>, sqlx::Error> {
    let seller = match viewer {
        Viewer::Everyone => None,
        Viewer::Seller(id) => Some(id),
    };
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE l.organization_id = $1 AND ($2::uuid IS NULL OR l.owner_id IS NULL OR l.owner_id = $2)
         ORDER BY l.updated_at DESC, l.id"
    ))
    .bind(org)
    .bind(seller)
    .fetch_all(pg)
    .await?;
    rows.into_iter().map(lead).collect()
}

/// Lead `id` of the organization, whoever owns it.
pub async fn get(conn: &mut PgConnection, org: Uuid, id: Uuid) -> Result<Option<Lead>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE l.id = $1 AND l.organization_id = $2"))
        .bind(id)
        .bind(org)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(lead).transpose()
}

/// Checks that `owner` is an active user of the organization.
///
/// Errors: [`Error::Invalid`] on `owner_id` otherwise.
async fn check_owner(conn: &mut PgConnection, org: Uuid, owner: Uuid) -> Result<(), Error> {
    if crate::team::users::is_active_member(conn, org, owner).await? {
        Ok(())
    } else {
        Err(Error::invalid("owner_id", "not an active member of the organization"))
    }
}

/// Links the lead to a meeting of the organization (again is a no-op); whether it is new.
///
/// Errors: [`Error::Invalid`] on `meeting_id` for a meeting that is not the organization's.
pub(crate) async fn link(conn: &mut PgConnection, org: Uuid, lead: Uuid, meeting: Uuid) -> Result<bool, Error> {
    let linked = sqlx::query(
        "INSERT INTO lead_meetings (lead_id, meeting_id)
         SELECT $1, id FROM meetings WHERE id = $2 AND organization_id = $3
         ON CONFLICT DO NOTHING",
    )
    .bind(lead)
    .bind(meeting)
    .bind(org)
    .execute(&mut *conn)
    .await?;
    if linked.rows_affected() == 0 {
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM meetings WHERE id = $1 AND organization_id = $2)")
            .bind(meeting)
            .bind(org)
            .fetch_one(&mut *conn)
            .await?;
        if !known {
            return Err(Error::invalid("meeting_id", "no such meeting in the organization"));
        }
    }
    Ok(linked.rows_affected() == 1)
}

/// Queues `event` with the lead as its data for the organization's webhooks, on the
/// transaction of the change.
async fn notify(conn: &mut PgConnection, org: Uuid, event: &str, lead: &Lead) -> Result<(), Error> {
    let data = serde_json::to_value(lead).map_err(anyhow::Error::from)?;
    outbox::enqueue(conn, org, event, None, data, Audience::Subscribers).await?;
    Ok(())
}

/// Stores a new lead, or finds the organization's lead with the same e-mail (the same guest
/// met again must not become a second lead), and links it to `meeting`. Returns the lead and
/// whether it was created. One transaction: a failed link leaves no lead behind, and the
/// webhook event (`lead.created`, or `lead.updated` when a known lead gets a new meeting)
/// commits with the change.
///
/// Errors: [`Error::Invalid`] for an owner or meeting outside the organization; database
/// failures.
pub async fn create(
    pg: &PgPool,
    org: Uuid,
    contact: Contact,
    owner: Option<Uuid>,
    meeting: Option<Uuid>,
) -> Result<(Lead, bool), Error> {
    let mut tx = pg.begin().await?;
    if let Some(owner) = owner {
        check_owner(&mut tx, org, owner).await?;
    }
    let inserted: Option<Uuid> = sqlx::query_scalar(
        "INSERT INTO leads (organization_id, name, company, email, phone, owner_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (organization_id, email) WHERE email IS NOT NULL DO NOTHING RETURNING id",
    )
    .bind(org)
    .bind(&contact.name)
    .bind(&contact.company)
    .bind(&contact.email)
    .bind(&contact.phone)
    .bind(owner)
    .fetch_optional(&mut *tx)
    .await?;
    let (id, created) = match inserted {
        Some(id) => (id, true),
        None => {
            let id: Uuid = sqlx::query_scalar("SELECT id FROM leads WHERE organization_id = $1 AND email = $2")
                .bind(org)
                .bind(&contact.email)
                .fetch_one(&mut *tx)
                .await?;
            (id, false)
        }
    };
    let linked = match meeting {
        Some(meeting) => link(&mut tx, org, id, meeting).await?,
        None => false,
    };
    let lead = get(&mut tx, org, id).await?.ok_or(Error::NotFound)?;
    if created {
        notify(&mut tx, org, LEAD_CREATED, &lead).await?;
    } else if linked {
        notify(&mut tx, org, LEAD_UPDATED, &lead).await?;
    }
    tx.commit().await?;
    Ok((lead, created))
}

/// What [`update`] changes; `None` keeps the current value.
#[derive(Debug, Default)]
pub struct Changes {
    pub name: Option<String>,
    pub company: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub stage: Option<LeadStage>,
    pub owner: Option<Uuid>,
    pub bant: Option<Bant>,
}

/// Applies `changes` to lead `id` if `viewer` sees it, and returns it as it now is; `None`
/// when it is not the organization's or not visible to `viewer`. A seller may only set the
/// owner to themselves (claiming an unassigned lead).
///
/// Errors: [`Error::Forbidden`] for a seller assigning someone else; [`Error::Invalid`] for an
/// owner outside the organization; [`Error::Conflict`] when the new e-mail is another lead's.
pub async fn update(pg: &PgPool, org: Uuid, id: Uuid, viewer: Viewer, changes: Changes) -> Result<Option<Lead>, Error> {
    let mut tx = pg.begin().await?;
    let owner: Option<Option<Uuid>> =
        sqlx::query_scalar("SELECT owner_id FROM leads WHERE id = $1 AND organization_id = $2 FOR UPDATE")
            .bind(id)
            .bind(org)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(owner) = owner.filter(|&o| viewer.sees(o)) else {
        return Ok(None);
    };
    if let Some(new_owner) = changes.owner {
        if let Viewer::Seller(me) = viewer
            && (new_owner != me || owner.is_some_and(|o| o != me))
        {
            return Err(Error::Forbidden("sellers may only claim an unassigned lead for themselves".into()));
        }
        check_owner(&mut tx, org, new_owner).await?;
    }
    sqlx::query(
        "UPDATE leads SET name = coalesce($3, name), company = coalesce($4, company), email = coalesce($5, email),
             phone = coalesce($6, phone), stage = coalesce($7, stage), owner_id = coalesce($8, owner_id),
             bant = coalesce($9, bant), updated_at = now()
         WHERE id = $1 AND organization_id = $2",
    )
    .bind(id)
    .bind(org)
    .bind(changes.name)
    .bind(changes.company)
    .bind(changes.email)
    .bind(changes.phone)
    .bind(changes.stage.map(LeadStage::as_str))
    .bind(changes.owner)
    .bind(changes.bant.map(Json))
    .execute(&mut *tx)
    .await
    .map_err(|e| Error::unique_conflict(e, "another lead has this e-mail"))?;
    let lead = get(&mut tx, org, id).await?.ok_or(Error::NotFound)?;
    notify(&mut tx, org, LEAD_UPDATED, &lead).await?;
    tx.commit().await?;
    Ok(Some(lead))
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_wire::BantScore;

    fn criterion(score: u8) -> Option<BantScore> {
        Some(BantScore { score, evidence: "…".into(), meeting_id: None })
    }

    #[test]
    fn the_score_is_the_share_of_the_eight_bant_points() {
        assert_eq!(score(&Bant::default()), None);
        assert_eq!(score(&Bant { budget: criterion(2), ..Bant::default() }), Some(25));
        assert_eq!(score(&Bant { budget: criterion(2), authority: criterion(1), need: criterion(2), timeline: criterion(0) }), Some(63));
        assert_eq!(score(&Bant { budget: criterion(2), authority: criterion(2), need: criterion(2), timeline: criterion(2) }), Some(100));
    }

    #[test]
    fn a_seller_sees_their_own_and_unassigned_leads() {
        let (me, other) = (Uuid::new_v4(), Uuid::new_v4());
        assert!(Viewer::Seller(me).sees(None));
        assert!(Viewer::Seller(me).sees(Some(me)));
        assert!(!Viewer::Seller(me).sees(Some(other)));
        assert!(Viewer::Everyone.sees(Some(other)));
    }
}
