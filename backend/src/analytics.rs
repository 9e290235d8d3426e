//! Sales analytics over a date range: meetings from PostgreSQL (scheduled, booked, held),
//! KPIs from their recaps in MongoDB, aggregated in Rust (FerretDB computes one accumulator
//! per `$group`, so nothing here relies on server-side aggregation).
//!
//! Averages are plain means over the processed meetings that have the figure (each call
//! weighs the same, whatever its length). The leaderboard score is documented on
//! [`closer_wire::LeaderboardEntry::score`].

use chrono::{DateTime, Utc};
use closer_wire::{Aggregate, Analytics, BattleCardFunnel, LeaderboardEntry, ObjectionAnalytics, Recap, SellerAnalytics};
use sqlx::PgPool;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A meeting in the range.
#[derive(Clone, Debug)]
pub struct MeetingFacts {
    pub id: Uuid,
    pub seller: Uuid,
    pub booked: bool,
    /// Someone joined (it went live).
    pub held: bool,
}

/// What to aggregate.
#[derive(Clone, Copy, Debug)]
pub struct Filter {
    pub organization: Uuid,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub seller: Option<Uuid>,
    pub playbook: Option<Uuid>,
}

/// Mean rounded to `1 / scale` (10 → one decimal).
fn mean(values: impl Iterator<Item = f64>, scale: f64) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| (sum / f64::from(n) * scale).round() / scale)
}

fn rate(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0)
}

/// Figures of `meetings` (their recaps looked up in `recaps`).
pub fn aggregate(meetings: &[&MeetingFacts], recaps: &BTreeMap<Uuid, Recap>) -> Aggregate {
    let done: Vec<&Recap> = meetings.iter().filter_map(|m| recaps.get(&m.id)).collect();
    let raised: u32 = done.iter().map(|r| r.kpis.objections_raised).sum();
    let handled: u32 = done.iter().map(|r| r.kpis.objections_handled).sum();
    Aggregate {
        meetings_scheduled: meetings.len() as u32,
        meetings_booked: meetings.iter().filter(|m| m.booked).count() as u32,
        meetings_held: meetings.iter().filter(|m| m.held).count() as u32,
        meetings_processed: done.len() as u32,
        avg_adherence_pct: mean(done.iter().filter(|r| r.kpis.items_total > 0).map(|r| r.kpis.script_adherence_pct), 10.0),
        avg_seller_talk_pct: mean(done.iter().filter(|r| r.kpis.duration_ms > 0).map(|r| r.kpis.seller_talk_pct), 10.0),
        avg_seller_wpm: mean(done.iter().filter_map(|r| r.kpis.seller_wpm), 10.0),
        avg_seller_questions: mean(done.iter().filter(|r| r.kpis.duration_ms > 0).map(|r| f64::from(r.kpis.seller_questions)), 10.0),
        avg_sentiment: mean(done.iter().filter_map(|r| r.kpis.sentiment_score), 100.0),
        objections_raised: raised,
        objections_handled: handled,
        handled_rate_pct: rate(handled, raised),
    }
}

/// Per objection key, most raised first.
fn objections(recaps: &[&Recap]) -> Vec<ObjectionAnalytics> {
    let mut by_key: BTreeMap<&str, ObjectionAnalytics> = BTreeMap::new();
    for outcome in recaps.iter().flat_map(|r| &r.objections) {
        let entry = by_key.entry(&outcome.objection).or_insert_with(|| ObjectionAnalytics {
            objection: outcome.objection.clone(),
            title: outcome.title.clone(),
            raised: 0,
            handled: 0,
            handled_rate_pct: None,
            presented: 0,
        });
        entry.raised += 1;
        entry.handled += u32::from(outcome.handled);
        entry.presented += u32::from(outcome.card_presented);
    }
    let mut list: Vec<ObjectionAnalytics> =
        by_key.into_values().map(|o| ObjectionAnalytics { handled_rate_pct: rate(o.handled, o.raised), ..o }).collect();
    list.sort_by(|a, b| b.raised.cmp(&a.raised).then(a.objection.cmp(&b.objection)));
    list
}

fn funnel(recaps: &[&Recap]) -> BattleCardFunnel {
    let all = recaps.iter().flat_map(|r| &r.objections);
    all.fold(BattleCardFunnel::default(), |f, o| BattleCardFunnel {
        shown: f.shown + u32::from(o.card_shown),
        presented: f.presented + u32::from(o.card_presented),
        handled: f.handled + u32::from(o.handled),
        handled_after_presented: f.handled_after_presented + u32::from(o.card_presented && o.handled),
    })
}

/// The leaderboard score of a seller's aggregate (see [`LeaderboardEntry::score`]); `None`
/// without processed meetings.
pub fn score(stats: &Aggregate) -> Option<f64> {
    if stats.meetings_processed == 0 {
        return None;
    }
    let adherence = stats.avg_adherence_pct.unwrap_or(0.0);
    // No objection raised: nothing mishandled.
    let handled = stats.handled_rate_pct.unwrap_or(100.0);
    let target = crate::recap::kpis::benchmarks().seller_talk_pct;
    let talk = stats.avg_seller_talk_pct.map_or(0.0, |t| (100.0 - (t - target).abs() * 2.5).max(0.0));
    Some(((0.4 * adherence + 0.3 * handled + 0.3 * talk) * 10.0).round() / 10.0)
}

/// Everything `GET /api/analytics` answers. `names` maps seller ids to display names;
/// `leaderboard` is filled only when asked (managers).
pub fn build(
    filter: &Filter,
    meetings: &[MeetingFacts],
    recaps: &BTreeMap<Uuid, Recap>,
    names: &BTreeMap<Uuid, String>,
    leaderboard: bool,
) -> Analytics {
    let all: Vec<&MeetingFacts> = meetings.iter().collect();
    let mut sellers: Vec<SellerAnalytics> = names
        .iter()
        .filter_map(|(id, name)| {
            let own: Vec<&MeetingFacts> = meetings.iter().filter(|m| m.seller == *id).collect();
            (!own.is_empty()).then(|| SellerAnalytics { seller_id: *id, name: name.clone(), stats: aggregate(&own, recaps) })
        })
        .collect();
    sellers.sort_by(|a, b| a.name.cmp(&b.name).then(a.seller_id.cmp(&b.seller_id)));
    let done: Vec<&Recap> = meetings.iter().filter_map(|m| recaps.get(&m.id)).collect();
    let mut board: Vec<LeaderboardEntry> = if leaderboard {
        sellers
            .iter()
            .filter_map(|s| {
                score(&s.stats).map(|score| LeaderboardEntry {
                    rank: 0,
                    seller_id: s.seller_id,
                    name: s.name.clone(),
                    score,
                    meetings_held: s.stats.meetings_held,
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    board.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.meetings_held.cmp(&a.meetings_held)).then(a.name.cmp(&b.name)));
    for (i, entry) in board.iter_mut().enumerate() {
        entry.rank = i as u32 + 1;
    }
    Analytics {
        from: filter.from,
        to: filter.to,
        seller: filter.seller,
        playbook: filter.playbook,
        team: aggregate(&all, recaps),
        sellers,
        objections: objections(&done),
        battle_cards: funnel(&done),
        leaderboard: board,
        benchmarks: crate::recap::kpis::benchmarks(),
    }
}

/// Loads the meetings of `filter` (by scheduled start, cancelled ones excluded), their
/// sellers' names and recaps, and aggregates them.
///
/// Errors: database failures.
pub async fn load(pg: &PgPool, mongo: &mongodb::Database, filter: &Filter, leaderboard: bool) -> anyhow::Result<Analytics> {
    type Row = (Uuid, Uuid, bool, bool, String);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT m.id, m.host_id, EXISTS (SELECT 1 FROM bookings b WHERE b.meeting_id = m.id),
                m.started_at IS NOT NULL OR m.status IN ('live', 'ended', 'processed'), u.display_name
         FROM meetings m JOIN users u ON u.id = m.host_id
         WHERE m.organization_id = $1 AND m.starts_at >= $2 AND m.starts_at < $3 AND m.status <> 'cancelled'
           AND ($4::uuid IS NULL OR m.host_id = $4) AND ($5::uuid IS NULL OR m.playbook_id = $5)
         ORDER BY m.starts_at LIMIT 20000",
    )
    .bind(filter.organization)
    .bind(filter.from)
    .bind(filter.to)
    .bind(filter.seller)
    .bind(filter.playbook)
    .fetch_all(pg)
    .await?;
    let mut names = BTreeMap::new();
    let meetings: Vec<MeetingFacts> = rows
        .into_iter()
        .map(|(id, seller, booked, held, name)| {
            names.insert(seller, name);
            MeetingFacts { id, seller, booked, held }
        })
        .collect();
    let ids: Vec<Uuid> = meetings.iter().map(|m| m.id).collect();
    let recaps: BTreeMap<Uuid, Recap> =
        crate::recap::store::get_many(mongo, filter.organization, &ids).await?.into_iter().map(|r| (r.meeting_id, r)).collect();
    Ok(build(filter, &meetings, &recaps, &names, leaderboard))
}

/// Header of [`csv`]'s rows.
pub const CSV_HEADER: [&str; 13] = [
    "seller",
    "meetings_scheduled",
    "meetings_booked",
    "meetings_held",
    "meetings_processed",
    "avg_adherence_pct",
    "avg_seller_talk_pct",
    "avg_seller_wpm",
    "avg_seller_questions",
    "avg_sentiment",
    "objections_raised",
    "objections_handled",
    "handled_rate_pct",
];

/// `figures` as CSV (RFC 4180, `csv` crate): [`CSV_HEADER`], one row per seller, then a row
/// named `Team` for everyone in the filter. A figure without data is an empty cell. A name
/// that a spreadsheet would run as a formula (starting with `= + - @`, tab or carriage return)
/// gets a leading `'` (OWASP, "CSV Injection").
///
/// Errors: only the writer's (none for an in-memory buffer in practice).
pub fn csv(figures: &Analytics) -> Result<String, ::csv::Error> {
    let mut out = ::csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_HEADER)?;
    let team = ("Team", &figures.team);
    for (name, s) in figures.sellers.iter().map(|s| (s.name.as_str(), &s.stats)).chain(std::iter::once(team)) {
        let name = if name.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{name}") } else { name.to_owned() };
        let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        out.write_record([
            name,
            s.meetings_scheduled.to_string(),
            s.meetings_booked.to_string(),
            s.meetings_held.to_string(),
            s.meetings_processed.to_string(),
            opt(s.avg_adherence_pct),
            opt(s.avg_seller_talk_pct),
            opt(s.avg_seller_wpm),
            opt(s.avg_seller_questions),
            opt(s.avg_sentiment),
            s.objections_raised.to_string(),
            s.objections_handled.to_string(),
            opt(s.handled_rate_pct),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("the writer was given UTF-8 only"))
}
