//! Assembling a [`Recap`] from a [`CallRecord`]: the deterministic analysis (KPIs, checklist,
//! objections, sentiment, transcript) and the notes (summary, next steps, action items) from
//! the embedded extractive method or an LLM.

use super::record::CallRecord;
use super::{actions, kpis, objections, sentiment, summary};
use crate::semantics::encoder::SentenceEncoder;
use chrono::{DateTime, NaiveDate, Utc};
use closer_wire::{
    ActionItem, ChecklistCoverage, Kpis, ObjectionOutcome, Recap, SentimentPoint, Side, SpeakerStats, TranscriptLine,
};
use uuid::Uuid;

/// The computed part of a recap (no free text).
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub kpis: Kpis,
    pub speakers: Vec<SpeakerStats>,
    pub checklist: Vec<ChecklistCoverage>,
    pub objections: Vec<ObjectionOutcome>,
    pub sentiment: Vec<SentimentPoint>,
    pub transcript: Vec<TranscriptLine>,
}

/// Summary, next steps and action items, and how they were produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Notes {
    pub summary: String,
    pub next_steps: Vec<String>,
    pub action_items: Vec<ActionItem>,
    /// `extractive` or `llm:<model>`.
    pub method: String,
}

/// Facts of the meeting from PostgreSQL.
#[derive(Clone, Debug)]
pub struct Meta {
    pub meeting_id: Uuid,
    pub title: String,
    pub host_id: Uuid,
    pub playbook_id: Uuid,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Day the call took place (UTC), for resolving "next Tuesday".
    pub call_date: NaiveDate,
    pub recording_url: Option<String>,
}

/// KPIs, checklist coverage, objection outcomes, sentiment timeline and transcript.
pub fn analyze(record: &CallRecord) -> Analysis {
    let speakers = kpis::speaker_stats(record);
    let checklist: Vec<ChecklistCoverage> = record
        .playbook
        .checklist
        .iter()
        .map(|item| {
            let evidence = record.ticks.iter().find(|t| t.item == item.key).map(|t| t.evidence.clone());
            ChecklistCoverage { item: item.key.clone(), title: item.title.clone(), covered: evidence.is_some(), evidence }
        })
        .collect();
    let objections = objections::outcomes(record);
    let covered = checklist.iter().filter(|c| c.covered).count() as u64;
    let total = checklist.len() as u64;
    let (seller_talk_pct, seller_wpm) = kpis::side_totals(record, Side::Seller);
    let (guest_talk_pct, guest_wpm) = kpis::side_totals(record, Side::Guest);
    let longest = speakers.iter().filter(|s| s.longest_monologue_ms > 0).max_by_key(|s| s.longest_monologue_ms);
    let kpis = Kpis {
        script_adherence_pct: kpis::percent(covered, total),
        items_covered: covered as u32,
        items_total: total as u32,
        seller_talk_pct,
        guest_talk_pct,
        seller_wpm: seller_wpm.map(round1),
        guest_wpm: guest_wpm.map(round1),
        longest_monologue_ms: longest.map_or(0, |s| s.longest_monologue_ms),
        longest_monologue_speaker: longest.map(|s| s.speaker.clone()),
        seller_questions: speakers.iter().filter(|s| s.side == Side::Seller).map(|s| s.questions).sum(),
        objections_raised: objections.len() as u32,
        objections_handled: objections.iter().filter(|o| o.handled).count() as u32,
        sentiment_score: sentiment::guest_score(record),
        duration_ms: record.segments.iter().map(|s| s.end_ms).max().unwrap_or(0),
        benchmarks: kpis::benchmarks(),
    };
    let transcript = record
        .segments
        .iter()
        .map(|s| TranscriptLine {
            segment_id: s.segment_id.clone(),
            speaker: s.speaker.clone(),
            speaker_name: record.name(&s.speaker),
            side: record.side(&s.speaker),
            text: s.text.clone(),
            start_ms: s.start_ms,
            end_ms: s.end_ms,
        })
        .collect();
    let speakers = speakers.into_iter().map(|s| SpeakerStats { wpm: s.wpm.map(round1), ..s }).collect();
    Analysis { kpis, speakers, checklist, objections, sentiment: sentiment::timeline(record), transcript }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// Notes by the embedded extractive method (works offline; `encoder` improves the choice of
/// key sentences and is optional).
pub fn extractive_notes(
    record: &CallRecord,
    title: &str,
    analysis: &Analysis,
    call_date: NaiveDate,
    encoder: Option<&SentenceEncoder>,
) -> Notes {
    let points = summary::key_points(record, &analysis.checklist, &analysis.objections, encoder);
    let summary = summary::summarize(record, title, &analysis.kpis, &analysis.checklist, &analysis.objections, &points);
    let (action_items, next_steps) = actions::extract(record, call_date);
    Notes { summary, next_steps, action_items, method: "extractive".into() }
}

/// The recap document.
pub fn recap(meta: &Meta, record: &CallRecord, analysis: Analysis, notes: Notes) -> Recap {
    Recap {
        meeting_id: meta.meeting_id,
        title: meta.title.clone(),
        host_id: meta.host_id,
        playbook_id: meta.playbook_id,
        playbook_name: record.playbook.name.clone(),
        language: record.language.clone(),
        started_at: meta.started_at,
        ended_at: meta.ended_at,
        kpis: analysis.kpis,
        speakers: analysis.speakers,
        checklist: analysis.checklist,
        objections: analysis.objections,
        sentiment: analysis.sentiment,
        transcript: analysis.transcript,
        summary: notes.summary,
        next_steps: notes.next_steps,
        action_items: notes.action_items,
        summary_method: notes.method,
        recording_url: meta.recording_url.clone(),
        generated_at: Utc::now(),
    }
}
