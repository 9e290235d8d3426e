//! `closer-server seed`: a demo organization with an admin, a manager and a seller, the four
//! starter playbooks (`crate::playbooks::STARTERS`), the seller's availability
//! (Mon–Fri 09:00–17:00 Europe/Rome) and one meeting type per playbook. Idempotent: what
//! already exists is kept.

use crate::auth::password;
use closer_wire::{Availability, WeeklyRule, Weekday};
use sqlx::PgPool;
use uuid::Uuid;

/// Slug of the demo organization; also the admin's booking slug.
pub const ORG_SLUG: &str = "closer-demo";

/// Seeds the demo data with `password` for the three demo users
/// (`admin|manager|seller@closer-demo.example.com`); returns the organization id.
///
/// Errors: database failures, or a seed playbook that does not validate.
pub async fn run(pg: &PgPool, password: &str) -> anyhow::Result<Uuid> {
    let org: Uuid = sqlx::query_scalar(
        "INSERT INTO organizations (name, slug) VALUES ('Closer Demo', $1)
         ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id",
    )
    .bind(ORG_SLUG)
    .fetch_one(pg)
    .await?;
    let hash = password::hash(password)?;
    let mut seller = Uuid::nil();
    for (role, name, slug) in [("admin", "Demo Admin", ORG_SLUG), ("manager", "Marta Manager", "marta-demo"), ("seller", "Sara Seller", "sara-demo")] {
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO users (organization_id, email, display_name, role, password_hash, slug)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id",
        )
        .bind(org)
        .bind(format!("{role}@{ORG_SLUG}.example.com"))
        .bind(name)
        .bind(role)
        .bind(&hash)
        .bind(slug)
        .fetch_one(pg)
        .await?;
        if role == "seller" {
            seller = id;
        }
    }
    for (slug, _) in crate::playbooks::STARTERS {
        let playbook = crate::playbooks::starter(slug).expect("listed");
        let (id, _) =
            crate::playbooks::add_starter(pg, org, slug).await.map_err(|e| anyhow::anyhow!("seed playbook {slug}: {e}"))?;
        sqlx::query(
            "INSERT INTO meeting_types (organization_id, seller_id, slug, title, duration_minutes, playbook_id)
             VALUES ($1, $2, $3, $4, 30, $5) ON CONFLICT (seller_id, slug) DO NOTHING",
        )
        .bind(org)
        .bind(seller)
        .bind(slug)
        .bind(&playbook.name)
        .bind(id)
        .execute(pg)
        .await?;
    }
    let weekdays = [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday];
    let availability = Availability {
        time_zone: "Europe/Rome".into(),
        weekly: weekdays
            .iter()
            .map(|d| WeeklyRule { weekday: *d, start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(), end: chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default() })
            .collect(),
        exceptions: vec![],
        buffer_minutes: 10,
        min_notice_minutes: 120,
        horizon_days: 60,
        intro: String::new(),
    };
    if crate::scheduling::store::load(pg, seller).await?.is_none() {
        crate::scheduling::store::save(pg, org, seller, &availability).await?;
    }
    Ok(org)
}
