//! Talk-time KPIs from the final segments' word timings.
//!
//! Definitions (all per speaker, over the final segments in start order):
//! - **talk time** = Σ of the utterances' audio spans (`start_ms..end_ms`, bounded by the voice
//!   activity detector) plus the pauses of up to [`TURN_PAUSE_MS`] between two consecutive
//!   utterances of the same speaker with nobody speaking in between (the detector splits speech
//!   at ~300 ms pauses; a short pause inside a turn is still the speaker's floor). Spans, not
//!   word timestamps: recogniser word times (Whisper's especially) drift by 0.3–0.5 s at
//!   utterance edges — measured on the rendered fixtures — while the detected span does not.
//!   Overlapping speech counts for each speaker.
//! - **talk share** = talk time / everyone's talk time × 100; seller vs guests sums the sides.
//!   Benchmark: the seller talks 43 % in top-performing calls (Gong Labs, 25,537 sales calls).
//! - **words per minute** = spoken words (numerals counted as read: "10,000" = 2 in English,
//!   [`super::text::spoken_words`]) / talk minutes, over the utterances without a redacted span:
//!   a placeholder such as `[card]` stands for an unknown number of spoken words, so those
//!   utterances are left out of the pace (words and time), which keeps it unbiased. Reported
//!   from 5 words on. Benchmark band 130–175 wpm (conversational English averages ≈150, e.g.
//!   the National Center for Voice and Speech; Italian conversation is similar in words).
//! - **longest monologue** = longest run of consecutive utterances of one speaker with no
//!   other speaker's utterance in between and no pause longer than [`MONOLOGUE_PAUSE_MS`];
//!   length = end of its last utterance − start of its first.
//! - **questions** = sentences that end with `?` or open with an interrogative word
//!   ([`super::text::is_question`]).

use super::record::{CallRecord, Segment};
use super::text;
use closer_wire::{Benchmarks, Side, SpeakerStats};

/// A pause longer than this ends a monologue even if the same speaker goes on, ms.
pub const MONOLOGUE_PAUSE_MS: u64 = 2000;
/// A pause up to this long between two utterances of the same speaker is part of their turn.
pub const TURN_PAUSE_MS: u64 = 1000;
/// Fewer words than this give no words-per-minute figure.
pub const MIN_WORDS_FOR_WPM: u32 = 5;

/// The benchmark bands of [`closer_wire::Kpis::benchmarks`].
pub fn benchmarks() -> Benchmarks {
    Benchmarks { seller_talk_pct: 43.0, wpm_min: 130.0, wpm_max: 175.0 }
}

/// Audio span of one utterance, ms.
pub fn span_ms(segment: &Segment) -> u64 {
    segment.end_ms.saturating_sub(segment.start_ms)
}

/// Spoken words of one utterance: its timed words, else the words of its text, each counted
/// with [`text::spoken_words`].
fn word_count(segment: &Segment, language: &str) -> u32 {
    if segment.words.is_empty() {
        text::words(&segment.text).iter().map(|w| text::spoken_words(w, language)).sum()
    } else {
        segment.words.iter().map(|w| text::spoken_words(&w.text, language)).sum()
    }
}

fn redacted(segment: &Segment) -> bool {
    segment.words.iter().any(|w| text::is_placeholder(&w.text)) || text::words(&segment.text).iter().any(|w| text::is_placeholder(w))
}

/// Talk and pace material of one speaker.
#[derive(Clone, Debug, Default, PartialEq)]
struct Talk {
    talk_ms: u64,
    words: u32,
    /// Words and time of the utterances without redactions.
    pace_words: u32,
    pace_ms: u64,
}

/// [`Talk`] of every speaker who spoke, by identity.
fn talk(segments: &[Segment], language: &str) -> Vec<(String, Talk)> {
    let mut out: Vec<(String, Talk)> = Vec::new();
    let mut previous: Option<&Segment> = None;
    for segment in segments {
        let index = match out.iter().position(|(s, _)| *s == segment.speaker) {
            Some(i) => i,
            None => {
                out.push((segment.speaker.clone(), Talk::default()));
                out.len() - 1
            }
        };
        let t = &mut out[index].1;
        let clean = !redacted(segment);
        t.talk_ms += span_ms(segment);
        t.words += word_count(segment, language);
        if clean {
            t.pace_words += word_count(segment, language);
            t.pace_ms += span_ms(segment);
        }
        if let Some(prev) = previous.filter(|p| p.speaker == segment.speaker) {
            let pause = segment.start_ms.saturating_sub(prev.end_ms);
            if segment.start_ms >= prev.end_ms && pause <= TURN_PAUSE_MS {
                t.talk_ms += pause;
                if clean && !redacted(prev) {
                    t.pace_ms += pause;
                }
            }
        }
        previous = Some(segment);
    }
    out
}

/// Words per minute from words and milliseconds; `None` below [`MIN_WORDS_FOR_WPM`].
pub fn wpm(words: u32, ms: u64) -> Option<f64> {
    (words >= MIN_WORDS_FOR_WPM && ms > 0).then(|| f64::from(words) * 60_000.0 / ms as f64)
}

/// Longest monologue per speaker, ms.
fn monologues(segments: &[Segment]) -> Vec<(String, u64)> {
    let mut best: Vec<(String, u64)> = Vec::new();
    let mut run: Option<(&str, u64, u64)> = None; // speaker, start, end
    let close = |run: (&str, u64, u64), best: &mut Vec<(String, u64)>| {
        let length = run.2.saturating_sub(run.1);
        match best.iter_mut().find(|(s, _)| s == run.0) {
            Some((_, longest)) => *longest = (*longest).max(length),
            None => best.push((run.0.to_owned(), length)),
        }
    };
    for segment in segments {
        run = match run {
            Some((speaker, start, end))
                if speaker == segment.speaker && segment.start_ms <= end + MONOLOGUE_PAUSE_MS =>
            {
                Some((speaker, start, end.max(segment.end_ms)))
            }
            Some(previous) => {
                close(previous, &mut best);
                Some((&segment.speaker, segment.start_ms, segment.end_ms))
            }
            None => Some((&segment.speaker, segment.start_ms, segment.end_ms)),
        };
    }
    if let Some(last) = run {
        close(last, &mut best);
    }
    best
}

/// Statistics of every speaker, in order of first appearance (silent participants included
/// with zeros).
pub fn speaker_stats(record: &CallRecord) -> Vec<SpeakerStats> {
    let talks = talk(&record.segments, &record.language);
    let total: u64 = talks.iter().map(|(_, t)| t.talk_ms).sum();
    let longest = monologues(&record.segments);
    record
        .speaker_ids()
        .into_iter()
        .map(|id| {
            let t = talks.iter().find(|(s, _)| *s == id).map(|(_, t)| t.clone()).unwrap_or_default();
            let own: Vec<&Segment> = record.segments.iter().filter(|s| s.speaker == id).collect();
            let questions = own
                .iter()
                .flat_map(|s| text::sentences(&s.text))
                .filter(|sentence| text::is_question(sentence, &record.language))
                .count() as u32;
            SpeakerStats {
                name: record.name(&id),
                side: record.side(&id),
                talk_ms: t.talk_ms,
                talk_pct: percent(t.talk_ms, total),
                words: t.words,
                wpm: wpm(t.pace_words, t.pace_ms),
                longest_monologue_ms: longest.iter().find(|(s, _)| *s == id).map_or(0, |(_, l)| *l),
                questions,
                turns: own.len() as u32,
                speaker: id,
            }
        })
        .collect()
}

/// Talk share and pace of one side: (percent of talk, words per minute).
pub fn side_totals(record: &CallRecord, side: Side) -> (f64, Option<f64>) {
    let talks = talk(&record.segments, &record.language);
    let total: u64 = talks.iter().map(|(_, t)| t.talk_ms).sum();
    let own = talks.iter().filter(|(s, _)| record.side(s) == side).map(|(_, t)| t);
    let (talk_ms, words, ms) = own.fold((0, 0, 0), |a, t| (a.0 + t.talk_ms, a.1 + t.pace_words, a.2 + t.pace_ms));
    (percent(talk_ms, total), wpm(words, ms))
}

/// `part / whole × 100`, rounded to 0.1; 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 * 1000.0 / whole as f64).round() / 10.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_wire::WordTiming;

    fn segment(speaker: &str, start: u64, end: u64, text: &str) -> Segment {
        let tokens = text::words(text);
        let step = (end - start) / tokens.len().max(1) as u64;
        let words = tokens
            .iter()
            .enumerate()
            .map(|(i, w)| WordTiming { text: (*w).to_owned(), start_ms: start + i as u64 * step, end_ms: start + (i as u64 + 1) * step })
            .collect();
        Segment { segment_id: format!("{speaker}-{start}"), speaker: speaker.into(), speaker_name: speaker.into(), text: text.into(), start_ms: start, end_ms: end, words }
    }

    #[test]
    fn monologues_merge_short_pauses_only() {
        let segments = vec![
            segment("a", 0, 5000, "one two three"),
            segment("a", 6000, 9000, "four five"),
            segment("b", 9500, 10_000, "yes"),
            segment("a", 10_500, 12_000, "six"),
            segment("a", 15_000, 16_000, "seven"),
        ];
        assert_eq!(monologues(&segments), vec![("a".to_owned(), 9000), ("b".to_owned(), 500)]);
    }

    #[test]
    fn talk_joins_short_pauses_and_pace_skips_redacted_utterances() {
        let mut card = segment("a", 10_500, 14_000, "the card is [card]");
        card.words.last_mut().unwrap().text = "[card]".into();
        let segments = vec![
            segment("a", 0, 3000, "one two three four five six"),
            segment("a", 3500, 6500, "seven eight nine ten eleven twelve"),
            segment("b", 7000, 8000, "yes indeed"),
            segment("a", 9000, 10_000, "thirteen"),
            card,
        ];
        let talks = talk(&segments, "en");
        // a: 3000 + 500 (pause) + 3000 + 1000 + 500 (pause) + 3500 talk; pace without the card
        // utterance and the pause next to it: 13 words over 7500 ms.
        assert_eq!(talks[0], ("a".to_owned(), Talk { talk_ms: 11_500, words: 17, pace_words: 13, pace_ms: 7500 }));
        assert_eq!(talks[1].1.talk_ms, 1000);
        assert_eq!(wpm(13, 7500), Some(104.0));
        assert_eq!(wpm(4, 3000), None);
        assert_eq!(percent(1, 3), 33.3);
    }
}
