//! Live analysis of redacted utterances against the meeting's playbook (EN + IT): checklist
//! coverage, objection → battle card, per-speaker sentiment, next-best-action tips.
//!
//! Everything runs on the embedded multilingual sentence encoder; one [`Analyzer`] per live
//! session owns the state of that meeting (what is ticked, which objections were raised).

pub mod checklist;
mod index;
pub mod logistic;
pub mod objections;
mod sentiment;
mod sentences;
mod tips;

pub use sentiment::{CLASSES as SENTIMENT_CLASSES, ClassExamples, L2_C as SENTIMENT_L2_C, SentimentModel, label as sentiment_label};

use crate::semantics::encoder::{Embedding, EncoderError, SentenceEncoder};
use closer_wire::{BattleCard, Evidence, Playbook, SentimentLabel};
use checklist::ChecklistIndex;
use logistic::LogisticModel;
use objections::ObjectionIndex;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

/// Partial text is matched too — a strong match ticks or raises while the speaker is still
/// talking — but with every checklist and objection probability threshold raised by this much,
/// and only on sentences of at least [`PARTIAL_MIN_WORDS`] words: the words so far of an
/// unfinished sentence ("what is the biggest") can sound like another item; the final text
/// settles the weak cases.
pub const PARTIAL_EXTRA_PROBABILITY: f32 = 0.1;
/// Shortest partial sentence (words) that is matched at all.
pub const PARTIAL_MIN_WORDS: usize = 5;
// A match in partial text counts only when the utterance's previous partial made the same
// match (final text needs no confirmation): the "LocalAgreement-2" policy for streaming
// Whisper (Macháček, Dabre & Bojar, "Turning Whisper into Real-Time Transcription System",
// IJCNLP-AACL 2023 demos), applied to matches instead of words. Whisper completes the first
// second of a sentence with whatever fits — "qual è oggi…" came out as "qual è il budget
// progetto?", the playbook's vocabulary being in its prompt — and the next partial, a second
// later, no longer says it.
/// An objection already shown is not shown again for this long (ms on the audio axis).
pub const OBJECTION_COOLDOWN_MS: u64 = 120_000;
/// A speaker's silence longer than this ends their turn even if nobody else spoke (a "lapse"
/// in conversation-analysis terms; gaps between turns in conversation are mostly under 1 s,
/// Heldner & Edlund 2010), ms.
pub const TURN_LAPSE_MS: u64 = 2_000;
/// How many recent segment starts [`AnalyzerState::recent_starts`] keeps: far more than the
/// segments that can arrive out of order (a few per speaker).
pub const RECENT_SEGMENTS: usize = 64;

/// Who spoke an utterance, for `credit` rules and objection detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpeakerRole {
    /// The seller (meeting host).
    Host,
    /// A prospect.
    Guest,
}

/// One utterance (or the partial text of one still being spoken), already PII-redacted.
#[derive(Clone, Debug)]
pub struct Utterance<'a> {
    /// Segment id (`<speaker>-<n>`).
    pub segment_id: &'a str,
    /// LiveKit identity of the speaker.
    pub speaker: &'a str,
    /// Host or guest.
    pub role: SpeakerRole,
    /// Redacted text.
    pub text: &'a str,
    /// Start on the audio axis, ms.
    pub start_ms: u64,
    /// End on the audio axis, ms (for partial text: the audio heard so far).
    pub end_ms: u64,
    /// `false` for partial text: only checklist and objections are checked (they are what the
    /// seller needs fast); sentiment and tips wait for the final text.
    pub is_final: bool,
}

/// What the analyzer concluded from one utterance.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// A checklist item is now covered.
    Ticked { item: String, title: String, evidence: Evidence },
    /// A prospect raised an objection.
    Objection { key: String, title: String, battle_card: BattleCard, evidence: Evidence },
    /// The speaker's sentiment over their current turn.
    Sentiment { speaker: String, label: SentimentLabel, confidence: f32, segment_id: String, start_ms: u64, end_ms: u64 },
    /// A new next-best-action tip.
    Suggestion { text: String, item: Option<String>, objection: Option<String> },
}

/// Errors come only from the encoder.
pub type AnalysisError = EncoderError;

/// Shared, read-only models the analyzers of all meetings use.
pub struct AnalysisModels {
    /// The sentence encoder.
    pub encoder: Arc<SentenceEncoder>,
    /// The fitted sentiment model.
    pub sentiment: SentimentModel,
    /// Embeddings of the background fillers (see `data/background.json`).
    pub background: Vec<Embedding>,
    /// The fitted checklist model.
    pub checklist: LogisticModel,
    /// The fitted objection model.
    pub objections: LogisticModel,
}

impl AnalysisModels {
    /// Embeds the background phrases (≈ 50 sentences, tens of ms once per process) and loads
    /// the sentiment model.
    ///
    /// Errors: the encoder failing.
    pub fn new(encoder: Arc<SentenceEncoder>) -> Result<Self, AnalysisError> {
        let sentiment = SentimentModel::builtin();
        let background = index::embed_all(&encoder, &index::background_phrases())?;
        Ok(Self { encoder, sentiment, background, checklist: checklist::builtin_model(), objections: objections::builtin_model() })
    }
}

/// One sentence's features for a model: `(item or objection key, features)` per target scored,
/// in playbook order (see [`Analyzer::checklist_features`], [`Analyzer::objection_features`]).
pub type SentenceFeatures = Vec<(String, Vec<f32>)>;

/// What an analyzer has concluded so far: kept by the session's supervisor so a restarted
/// session goes on from here instead of re-ticking items or re-raising objections. Stored with
/// the session's snapshot (JSON) so a session resumed by another server goes on from here too.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct AnalyzerState {
    /// Checklist keys covered.
    pub ticked: HashSet<String>,
    /// Objection key → audio time (ms) it was last shown.
    pub raised: HashMap<String, u64>,
    /// Speaker → their current turn (segments since someone else last spoke).
    pub turns: HashMap<String, SpeakerTurn>,
    /// (speaker, start ms) of the latest final segments of everyone, at most
    /// [`RECENT_SEGMENTS`]: finals of different speakers arrive out of audio order (each
    /// speaker's STT has its own queue), so "did someone else speak in between" is answered
    /// from start times, not from arrival order.
    pub recent_starts: VecDeque<(String, u64)>,
    /// Text of the last tip shown.
    pub last_suggestion: Option<String>,
    /// What it was about: `item:<key>` or `objection:<key>`.
    pub last_suggestion_about: Option<String>,
    /// Segment id → (checklist keys, objection keys) its latest partial text matched, each
    /// confirmed only if the segment's next partial matches it again.
    pub partial_matches: HashMap<String, (Vec<String>, Vec<String>)>,
}

/// The final segments of one speaker's turn so far. Sentiment is judged on the whole turn:
/// the VAD cuts a turn at every sentence pause, and "Honestly, it is all manual." followed by
/// "We copy data between three tools." is one complaint, not a complaint and a neutral remark.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpeakerTurn {
    /// Redacted text of the turn's final segments, in order.
    pub text: String,
    /// Start of the turn's first segment, ms on the audio axis.
    pub start_ms: u64,
    /// End of its latest segment, ms.
    pub end_ms: u64,
}

/// An utterance readied for matching (see [`Analyzer::prepare`]).
struct Prepared {
    /// Its sentences, then its whole text.
    parts: Vec<String>,
    /// Each part's embedding.
    embeddings: Vec<Embedding>,
    /// The whole text without PII placeholders.
    plain: String,
    /// Sentiment probabilities of `plain`.
    current: [f32; 4],
    /// Index of the whole text among `parts` when it follows sentences, else `usize::MAX`.
    whole_at: usize,
}

/// Per-meeting analysis state.
pub struct Analyzer {
    models: Arc<AnalysisModels>,
    playbook: Playbook,
    checklist: ChecklistIndex,
    objections: ObjectionIndex,
    state: AnalyzerState,
}

impl Analyzer {
    /// Embeds the playbook's example phrasings (and titles).
    ///
    /// Errors: the encoder failing.
    pub fn new(models: Arc<AnalysisModels>, playbook: Playbook) -> Result<Self, AnalysisError> {
        Self::restore(models, playbook, AnalyzerState::default())
    }

    /// Like [`new`](Self::new), continuing from a saved [`AnalyzerState`].
    ///
    /// Errors: the encoder failing.
    pub fn restore(
        models: Arc<AnalysisModels>,
        playbook: Playbook,
        state: AnalyzerState,
    ) -> Result<Self, AnalysisError> {
        let checklist = ChecklistIndex::new(&models.encoder, &playbook.checklist, models.checklist.clone())?;
        let objections = ObjectionIndex::new(&models.encoder, &playbook.objections, models.objections.clone())?;
        Ok(Self { models, playbook, checklist, objections, state })
    }

    /// Everything concluded so far.
    pub fn state(&self) -> &AnalyzerState {
        &self.state
    }

    /// Analyzes one utterance and returns what is new.
    ///
    /// Errors: the encoder failing (the caller keeps the transcript and carries on).
    pub fn analyze(&mut self, u: &Utterance<'_>) -> Result<Vec<Finding>, AnalysisError> {
        let mut findings = Vec::new();
        let Prepared { parts, embeddings, plain, current, whole_at } = self.prepare(u)?;
        let evidence = |text: &str, score: f32| Evidence {
            segment_id: u.segment_id.to_owned(),
            speaker: u.speaker.to_owned(),
            start_ms: u.start_ms,
            text: text.to_owned(),
            score,
        };
        // An objection is not raised in a pleased remark ("perfect, that works for us" is
        // agreement, however close it sounds to "what we have works").
        let pleased = sentiment::label(&current).0 == SentimentLabel::Positive;
        let extra_probability = if u.is_final { 0.0 } else { PARTIAL_EXTRA_PROBABILITY };
        let (mut ticked_here, mut raised_here) = (false, false);
        let confirmed = self.state.partial_matches.remove(u.segment_id).unwrap_or_default();
        let mut matched: (Vec<String>, Vec<String>) = Default::default();
        for (n, (text, embedding)) in parts.iter().zip(&embeddings).enumerate() {
            if !u.is_final && text.split_whitespace().count() < PARTIAL_MIN_WORDS {
                continue;
            }
            let whole = n == whole_at;
            let background = index::best_score(&self.models.background, embedding);
            let checklist = if whole && ticked_here {
                None
            } else {
                let context = self.checklist_context(u, whole, &current, embedding, background);
                self.checklist.decide(text, embedding, &context, extra_probability, |key| !self.state.ticked.contains(key))
            };
            if let Some((key, score)) = checklist {
                ticked_here = true;
                matched.0.push(key.to_owned());
                // A first match in partial text waits for the next partial.
                if u.is_final || confirmed.0.iter().any(|k| k == key) {
                    let item = self.playbook.checklist.iter().find(|i| i.key == key).expect("indexed");
                    self.state.ticked.insert(key.to_owned());
                    findings.push(Finding::Ticked {
                        item: key.to_owned(),
                        title: item.title.clone(),
                        evidence: evidence(text, score),
                    });
                }
            }
            if u.role != SpeakerRole::Guest || pleased || (whole && raised_here) {
                continue; // objections are raised by prospects, and not while pleased
            }
            let fresh = |key: &str| {
                self.state.raised.get(key).is_none_or(|&at| u.start_ms.saturating_sub(at) >= OBJECTION_COOLDOWN_MS)
            };
            let context = self.objection_context(whole, embedding, background);
            if let Some((key, score)) = self.objections.decide(text, embedding, &context, extra_probability, fresh) {
                raised_here = true;
                matched.1.push(key.to_owned());
                if u.is_final || confirmed.1.iter().any(|k| k == key) {
                    let objection = self.playbook.objections.iter().find(|o| o.key == key).expect("indexed");
                    self.state.raised.insert(key.to_owned(), u.start_ms);
                    findings.push(Finding::Objection {
                        key: key.to_owned(),
                        title: objection.title.clone(),
                        battle_card: objection.battle_card.clone(),
                        evidence: evidence(text, score),
                    });
                }
            }
        }
        if !u.is_final {
            self.state.partial_matches.insert(u.segment_id.to_owned(), matched);
        }

        if u.is_final {
            let turn = self.extend_turn(u.speaker, &plain, u.start_ms, u.end_ms);
            let turn_probabilities = if turn.text == plain {
                current
            } else {
                let embedding = self.models.encoder.embed(&[turn.text.as_str()])?.remove(0);
                self.models.sentiment.classify(&embedding)
            };
            let (label, confidence) = sentiment::label(&turn_probabilities);
            findings.push(Finding::Sentiment {
                speaker: u.speaker.to_owned(),
                label,
                confidence,
                segment_id: u.segment_id.to_owned(),
                start_ms: turn.start_ms,
                end_ms: u.end_ms,
            });
        }
        if let Some(tip) = self.suggestion(&findings) {
            findings.push(tip);
        }
        Ok(findings)
    }

    /// Splits `u` into sentences (then its whole text), embeds them and classifies the
    /// sentiment of the whole text without PII placeholders.
    fn prepare(&self, u: &Utterance<'_>) -> Result<Prepared, AnalysisError> {
        let plain = crate::pii::strip_placeholders(u.text).into_owned();
        let parts = sentences::split(u.text);
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let embeddings = self.models.encoder.embed(&refs)?;
        let whole = if plain != u.text {
            self.models.encoder.embed(&[plain.as_str()])?.remove(0)
        } else {
            *embeddings.last().expect("split always returns the whole text")
        };
        let current = self.models.sentiment.classify(&whole);
        // The whole text (last, after the sentences) is matched for what its sentences did not
        // settle: it is there for an idea spread over two short sentences, and once one of
        // them ticked an item, the whole mostly says that item again, less clearly (after
        // "Who else takes part in the decision?" ticked the decision maker, the whole
        // "I see. Who else…?" came out closest to the budget).
        let whole_at = if parts.len() > 1 { parts.len() - 1 } else { usize::MAX };
        Ok(Prepared { parts, embeddings, plain, current, whole_at })
    }

    /// What the checklist model knows of a sentence (`embedding`, its text's reading, whose
    /// best background cosine is `background`) besides the sentence itself.
    fn checklist_context<'a>(
        &self,
        u: &Utterance<'_>,
        whole: bool,
        sentiment: &'a [f32; 4],
        embedding: &Embedding,
        background: f32,
    ) -> checklist::Context<'a> {
        checklist::Context {
            host: u.role == SpeakerRole::Host,
            whole,
            sentiment,
            background,
            objection: self.objections.best_cosine(embedding),
        }
    }

    /// What the objection model knows of a sentence (`embedding`, with best background cosine
    /// `background`) besides the sentence itself.
    fn objection_context(&self, whole: bool, embedding: &Embedding, background: f32) -> objections::Context {
        objections::Context { whole, background, checklist: self.checklist.best_cosine(embedding) }
    }

    /// The objection model's features of every sentence of `u` (and its whole text) against
    /// each of the playbook's objections, exactly as [`analyze`](Self::analyze) scores them;
    /// empty where `analyze` looks for no objection (a seller's utterance, a pleased one). Used
    /// to fit `data/objection_model.json` (`tests/analysis_corpus.rs`).
    ///
    /// Errors: the encoder failing.
    pub fn objection_features(&self, u: &Utterance<'_>) -> Result<Vec<SentenceFeatures>, AnalysisError> {
        let prepared = self.prepare(u)?;
        if u.role != SpeakerRole::Guest || sentiment::label(&prepared.current).0 == SentimentLabel::Positive {
            return Ok(Vec::new());
        }
        Ok(prepared
            .parts
            .iter()
            .zip(&prepared.embeddings)
            .enumerate()
            .map(|(n, (text, embedding))| {
                let background = index::best_score(&self.models.background, embedding);
                let context = self.objection_context(n == prepared.whole_at, embedding, background);
                let features = self.objections.features(text, embedding, &context);
                self.playbook.objections.iter().zip(features).map(|(o, f)| (o.key.clone(), f.to_vec())).collect()
            })
            .collect())
    }

    /// The checklist model's features of every sentence of `u` (and its whole text) against
    /// each item this speaker may earn that `open` says is still unticked, exactly as
    /// [`analyze`](Self::analyze) scores them: per sentence, `(key, features)` in playbook
    /// order. Used to fit `data/checklist_model.json` (`tests/analysis_corpus.rs`), with the
    /// labels' coverage so far as `open`.
    ///
    /// Errors: the encoder failing.
    pub fn checklist_features(
        &self,
        u: &Utterance<'_>,
        open: impl Fn(&str) -> bool,
    ) -> Result<Vec<SentenceFeatures>, AnalysisError> {
        let prepared = self.prepare(u)?;
        let host = u.role == SpeakerRole::Host;
        let eligible: HashSet<&str> = self.checklist.creditable(host).filter(|k| open(k)).collect();
        Ok(prepared
            .parts
            .iter()
            .zip(&prepared.embeddings)
            .enumerate()
            .map(|(n, (text, embedding))| {
                let background = index::best_score(&self.models.background, embedding);
                let context = self.checklist_context(u, n == prepared.whole_at, &prepared.current, embedding, background);
                let features = self.checklist.features(text, embedding, &context, &open);
                self.playbook
                    .checklist
                    .iter()
                    .zip(features)
                    .filter(|(item, _)| eligible.contains(item.key.as_str()))
                    .map(|(item, f)| (item.key.clone(), f.to_vec()))
                    .collect()
            })
            .collect())
    }

    /// Whether an utterance of `speaker` starting at `start_ms` begins a new turn after `turn`:
    /// another speaker's segment started in between, or the silence was over [`TURN_LAPSE_MS`].
    fn interrupts(&self, speaker: &str, turn: &SpeakerTurn, start_ms: u64) -> bool {
        start_ms.saturating_sub(turn.end_ms) > TURN_LAPSE_MS
            || self.state.recent_starts.iter().any(|(other, at)| other != speaker && (turn.end_ms..=start_ms).contains(at))
    }

    /// Adds a final segment (`start_ms..end_ms`, redacted `text`) to `speaker`'s turn and
    /// returns the turn. The turn starts afresh when another speaker's segment started
    /// between the turn's end and this segment, or after a silence over [`TURN_LAPSE_MS`].
    fn extend_turn(&mut self, speaker: &str, text: &str, start_ms: u64, end_ms: u64) -> SpeakerTurn {
        let fresh = SpeakerTurn { text: String::new(), start_ms, end_ms };
        let mut turn = match self.state.turns.remove(speaker) {
            Some(turn) if !self.interrupts(speaker, &turn, start_ms) => turn,
            _ => fresh,
        };
        let state = &mut self.state;
        if !turn.text.is_empty() {
            turn.text.push(' ');
        }
        turn.text.push_str(text);
        turn.end_ms = turn.end_ms.max(end_ms);
        state.turns.insert(speaker.to_owned(), turn.clone());
        if state.recent_starts.len() == RECENT_SEGMENTS {
            state.recent_starts.pop_front();
        }
        state.recent_starts.push_back((speaker.to_owned(), start_ms));
        turn
    }

    /// Next-best action in the call's language (see `tips.rs`): answer the objection just
    /// raised, else cover the next open item of the script. Emitted only when what it is about
    /// changes (another item or objection), so the HUD's tip does not flicker between wordings.
    fn suggestion(&mut self, findings: &[Finding]) -> Option<Finding> {
        let playbook = &self.playbook;
        let raised = findings.iter().rev().find_map(|f| match f {
            Finding::Objection { key, .. } => playbook.objections.iter().find(|o| &o.key == key),
            _ => None,
        });
        let ticked = findings.iter().rev().find_map(|f| match f {
            Finding::Ticked { item, .. } => playbook.checklist.iter().find(|i| &i.key == item),
            _ => None,
        });
        let tip = tips::choose(&playbook.checklist, raised, ticked, |key| !self.state.ticked.contains(key))?;
        let (about, item, objection) = match tip {
            tips::Tip::Answer(o) => (format!("objection:{}", o.key), None, Some(o.key.clone())),
            tips::Tip::Cover(i, _) => (format!("item:{}", i.key), Some(i.key.clone()), None),
        };
        if self.state.last_suggestion_about.as_deref() == Some(about.as_str()) {
            return None;
        }
        let text = tips::text(tip, &playbook.language);
        self.state.last_suggestion = Some(text.clone());
        self.state.last_suggestion_about = Some(about);
        Some(Finding::Suggestion { text, item, objection })
    }
}
