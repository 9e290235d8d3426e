//! What an AI agent makes of what the guest says after it asked a question (#17): an answer; a
//! question its FAQ answers; or another question, which it does not answer (it never invents a
//! price or a fact) but promises a colleague's answer to. An answer that leaves its BANT
//! criterion unclear gets one follow-up question. With an LLM configured the turn is read by
//! [`super::reasoning`] first ([`Dialogue::respond`]); without one, or when the LLM fails, is
//! late or breaks a rule, by the embedded method below.
//!
//! A turn matches an FAQ entry by [`match_score`]: the larger of its embedding's cosines to the
//! entry's question and to its answer, plus [`LEXICAL_WEIGHT`] × the share of its words (their
//! first five letters, words of four letters or more) that the entry uses. It is that entry's
//! question when the best score reaches [`FAQ_MIN_SCORE`] and it asks something (a question
//! mark, as Whisper writes one), or [`FAQ_MIN_SCORE_UNMARKED`] without one; another question
//! when it asks but matches no entry; else an answer. The weight and both thresholds were
//! chosen on the calibration half of `tests/fixtures/agent-faq` (the most turns read right
//! while at least 70 % of the FAQ answers given are the right ones: a wrong answer is worse
//! than a colleague's promised one) and are measured on its held-out half
//! (`backend/tests/agent_faq.rs`). The sentence encoder tells a paraphrased question from a
//! near miss poorly, so the agent answers about half the questions its FAQ covers and
//! promises a colleague's answer to the rest.

use super::consent::{Consent, ConsentReader};
use super::reasoning::{Reasoner, Response, TurnContext, TURN_BUDGET};
use super::transfer::TransferReader;
use crate::leads::bant::Assessor;
use crate::semantics::encoder::{Embedding, EncoderError, SentenceEncoder, cosine};
use closer_wire::{AgentFaq, BantCriterion};
use std::collections::BTreeSet;
use std::sync::Arc;

/// [`match_score`] from which a turn that asks something is that entry's question.
pub const FAQ_MIN_SCORE: f32 = 0.4;
/// [`match_score`] from which a turn is that entry's question even without a question mark
/// (Whisper drops some).
pub const FAQ_MIN_SCORE_UNMARKED: f32 = 0.5;
/// Weight of the shared words in [`match_score`].
pub const LEXICAL_WEIGHT: f32 = 0.25;

/// How well a turn (embedded `turn`, words `turn_words`) matches an FAQ entry (its question and
/// answer embedded, `words` of both): `max(cos(turn, question), cos(turn, answer)) +`
/// [`LEXICAL_WEIGHT`] `× |turn_words ∩ words| / |turn_words|`.
pub fn match_score(turn: &Embedding, turn_words: &BTreeSet<String>, question: &Embedding, answer: &Embedding, words: &BTreeSet<String>) -> f32 {
    let shared = if turn_words.is_empty() { 0.0 } else { turn_words.intersection(words).count() as f32 / turn_words.len() as f32 };
    cosine(turn, question).max(cosine(turn, answer)) + LEXICAL_WEIGHT * shared
}

/// The words of `text` that [`match_score`] compares: lowercased, four letters or more, cut to
/// their first five (a crude stem: "prices" and "pricing" meet, as "prezzo" and "prezzi").
pub fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_'))
        .filter(|w| w.chars().count() > 3)
        .map(|w| w.to_lowercase().chars().take(5).collect())
        .collect()
}

/// What a turn of the guest's is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Turn {
    /// An answer to the agent's question.
    Answer,
    /// The question FAQ entry `n` answers.
    Faq(usize),
    /// A question the FAQ does not answer.
    Question,
}

/// The embedded readers of the agents' dialogues: loaded once per process, shared by its calls.
pub struct Readers {
    pub encoder: Arc<SentenceEncoder>,
    /// BANT from the answers (and whether one leaves its criterion unclear).
    pub assessor: Assessor,
    /// Replies to the call backs offered.
    pub consent: ConsentReader,
    /// Requests to speak with a person.
    pub transfer: TransferReader,
}

impl Readers {
    /// The built-in readers, embedding their examples with `encoder` (blocking, a second or so).
    ///
    /// Errors: the encoder failing on an example.
    pub fn builtin(encoder: Arc<SentenceEncoder>) -> anyhow::Result<Self> {
        let assessor = Assessor::builtin(&encoder)?;
        let consent = ConsentReader::builtin(&encoder)?;
        let transfer = TransferReader::builtin(&encoder)?;
        Ok(Self { encoder, assessor, consent, transfer })
    }
}

/// Reads the guest's turns for one agent: its FAQ, embedded, and the [`Readers`]; first with
/// its [`Reasoner`] when it has one.
pub struct Dialogue {
    embedded: Arc<Embedded>,
    reasoner: Option<Reasoner>,
}

/// The embedded reading (shared with the blocking thread it runs on).
struct Embedded {
    readers: Arc<Readers>,
    faq: Vec<Entry>,
    lines: &'static Lines,
}

/// An FAQ entry, embedded.
struct Entry {
    answer: String,
    question_embedding: Embedding,
    answer_embedding: Embedding,
    words: BTreeSet<String>,
}

impl Dialogue {
    /// The dialogue of an agent speaking `language` (`en` or `it`) with `faq` (embedded here:
    /// blocking, about 10 ms an entry), reading with `readers`.
    ///
    /// Errors: the encoder failing.
    pub fn new(readers: Arc<Readers>, language: &str, faq: &[AgentFaq]) -> Result<Self, EncoderError> {
        let mut entries = Vec::with_capacity(faq.len());
        for f in faq {
            let mut embedded = readers.encoder.embed(&[f.question.as_str(), f.answer.as_str()])?.into_iter();
            let (Some(question_embedding), Some(answer_embedding)) = (embedded.next(), embedded.next()) else {
                return Err(EncoderError::Runtime("two texts, fewer embeddings".into()));
            };
            let words = words(&format!("{} {}", f.question, f.answer));
            entries.push(Entry { answer: f.answer.clone(), question_embedding, answer_embedding, words });
        }
        Ok(Self { embedded: Arc::new(Embedded { readers, faq: entries, lines: Lines::of(language) }), reasoner: None })
    }

    /// The same dialogue reading turns with `reasoner` first (an LLM), when given.
    pub fn with_reasoner(mut self, reasoner: Option<Reasoner>) -> Self {
        self.reasoner = reasoner;
        self
    }

    /// What the agent makes of `turn` and says next: the LLM's verdict when there is a
    /// [`Reasoner`] and its verdict comes, checked, within [`TURN_BUDGET`]; else the embedded
    /// reading ([`Dialogue::read`], [`Dialogue::follow_up`] on the whole answer so far).
    ///
    /// Errors: the encoder failing (the embedded reading).
    pub async fn respond(&self, criterion: Option<BantCriterion>, turn: TurnContext<'_>) -> Result<Response, EncoderError> {
        if let Some(reasoner) = &self.reasoner {
            match tokio::time::timeout(TURN_BUDGET, reasoner.read(turn)).await {
                Ok(Ok(response)) => return Ok(response),
                Ok(Err(e)) => tracing::warn!(model = reasoner.model(), error = %e, "the LLM's reading of a turn was not used"),
                Err(_) => tracing::warn!(model = reasoner.model(), budget_ms = TURN_BUDGET.as_millis() as u64, "the LLM's reading of a turn came too late"),
            }
        }
        // The encoder runs for tens of ms: on a blocking thread, off the runtime's workers.
        let embedded = self.embedded.clone();
        let text = turn.turn.to_owned();
        let whole = turn.may_follow_up.then(|| match turn.answered {
            Some(before) => format!("{before} {}", turn.turn),
            None => turn.turn.to_owned(),
        });
        tokio::task::spawn_blocking(move || embedded.respond(criterion, &text, whole.as_deref()))
            .await
            .map_err(|e| EncoderError::Runtime(e.to_string()))?
    }

    /// What `reply` (the guest's, as Whisper wrote it) says to the offer just made: by the
    /// embedded reader ([`super::consent`]), on a blocking thread.
    ///
    /// Errors: the encoder failing.
    pub async fn consent(&self, reply: &str) -> Result<Consent, EncoderError> {
        let (embedded, reply) = (self.embedded.clone(), reply.to_owned());
        tokio::task::spawn_blocking(move || embedded.readers.consent.read(&embedded.readers.encoder, &reply))
            .await
            .map_err(|e| EncoderError::Runtime(e.to_string()))?
    }

    /// Whether `turn` (the guest's, as Whisper wrote it) asks to speak with a person now: by the
    /// embedded reader ([`super::transfer`]), on a blocking thread.
    ///
    /// Errors: the encoder failing.
    pub async fn asks_for_person(&self, turn: &str) -> Result<bool, EncoderError> {
        let (embedded, turn) = (self.embedded.clone(), turn.to_owned());
        tokio::task::spawn_blocking(move || embedded.readers.transfer.asks_for_person(&embedded.readers.encoder, &turn))
            .await
            .map_err(|e| EncoderError::Runtime(e.to_string()))?
    }

    /// What `text` (a turn of the guest's, as Whisper wrote it) is.
    ///
    /// Errors: the encoder failing.
    pub fn read(&self, text: &str) -> Result<Turn, EncoderError> {
        self.embedded.read(text)
    }

    /// The FAQ's answer `n`.
    pub fn faq_answer(&self, n: usize) -> &str {
        &self.embedded.faq[n].answer
    }

    /// The follow-up to ask when `answer` leaves `criterion` unclear (the assessor scores it 1),
    /// else `None`.
    ///
    /// Errors: the encoder failing.
    pub fn follow_up(&self, criterion: Option<BantCriterion>, answer: &str) -> Result<Option<&'static str>, EncoderError> {
        self.embedded.follow_up(criterion, answer)
    }

    /// The agent's fixed lines in its language.
    pub fn lines(&self) -> &'static Lines {
        self.embedded.lines
    }
}

impl Embedded {
    /// [`Dialogue::respond`] without the LLM: `whole` is the answer so far with this turn when a
    /// follow-up may still be asked.
    fn respond(&self, criterion: Option<BantCriterion>, text: &str, whole: Option<&str>) -> Result<Response, EncoderError> {
        Ok(match self.read(text)? {
            Turn::Faq(n) => Response::Question { reply: self.faq[n].answer.clone(), answered: true },
            Turn::Question => Response::Question { reply: self.lines.deflect.to_owned(), answered: false },
            Turn::Answer => match whole {
                Some(whole) => Response::Answer { follow_up: self.follow_up(criterion, whole)?.map(str::to_owned) },
                None => Response::Answer { follow_up: None },
            },
        })
    }

    fn read(&self, text: &str) -> Result<Turn, EncoderError> {
        let asks = text.contains('?');
        if self.faq.is_empty() {
            return Ok(classify(None, asks));
        }
        let e = self.readers.encoder.embed(&[text])?.remove(0);
        let turn_words = words(text);
        let best = self
            .faq
            .iter()
            .enumerate()
            .map(|(n, f)| (n, match_score(&e, &turn_words, &f.question_embedding, &f.answer_embedding, &f.words)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        Ok(classify(best, asks))
    }

    fn follow_up(&self, criterion: Option<BantCriterion>, answer: &str) -> Result<Option<&'static str>, EncoderError> {
        let Some(criterion) = criterion else { return Ok(None) };
        Ok((self.readers.assessor.score(&self.readers.encoder, criterion, answer)? == 1).then(|| self.lines.follow_up(criterion)))
    }
}

/// The turn given its best FAQ match (entry, [`match_score`]) and whether it asks something.
pub fn classify(best: Option<(usize, f32)>, asks: bool) -> Turn {
    classify_with(best, asks, (FAQ_MIN_SCORE, FAQ_MIN_SCORE_UNMARKED))
}

/// [`classify`] with other thresholds `(asking, unmarked)` (for choosing them).
pub fn classify_with(best: Option<(usize, f32)>, asks: bool, (asking, unmarked): (f32, f32)) -> Turn {
    match best {
        Some((n, c)) if c >= unmarked || (asks && c >= asking) => Turn::Faq(n),
        _ if asks => Turn::Question,
        _ => Turn::Answer,
    }
}

/// What the agent says besides its script, per language.
#[derive(Debug)]
pub struct Lines {
    /// To a question the FAQ does not answer.
    pub deflect: &'static str,
    /// Before asking its question again after answering the guest's.
    pub back_to_question: &'static str,
    /// To a guest asking for a person: whether to call the seller (`{seller}`) in now.
    pub transfer_offer: &'static str,
    /// Once the seller (`{seller}`) is asked to join: the guest holds.
    pub transfer_hold: &'static str,
    /// Every [`super::conversation::HOLD_REMINDER`] while the guest holds for the seller
    /// (`{seller}`): the line is not dead.
    pub transfer_still_holding: &'static str,
    /// When the seller (`{seller}`) did not join while the guest held.
    pub transfer_missed: &'static str,
    /// When the guest does not want the seller after all.
    pub carry_on: &'static str,
    /// To a guest asking for the seller (`{seller}`) outside their opening hours.
    pub seller_away: &'static str,
    /// Ends the greeting to a caller whose phone sent no name.
    pub ask_name: &'static str,
    /// When the answer to [`Lines::ask_name`] had no name in it.
    pub ask_name_again: &'static str,
    /// Once the caller said their name (`{name}`): it is said back to them.
    pub thanks_name: &'static str,
    /// When the caller says the call back's number is not theirs: which one the seller
    /// (`{seller}`) should call.
    pub ask_number: &'static str,
    /// The number the caller gave, said back by its last four digits (`{ending}`).
    pub number_noted: &'static str,
    /// When no number could be read from what the caller said.
    pub number_missed: &'static str,
    budget: &'static str,
    authority: &'static str,
    need: &'static str,
    timeline: &'static str,
}

const EN: Lines = Lines {
    deflect: "Good question. I don't want to give you a wrong answer, so a colleague will get back to you on that.",
    back_to_question: "Coming back to my question:",
    transfer_offer: "Would you like me to ask {seller} to join us now?",
    transfer_hold: "I have asked {seller} to join us. Please stay on the line, it may take a minute.",
    transfer_still_holding: "Still trying to reach {seller}, thank you for holding.",
    transfer_missed: "{seller} cannot join right now and will call you back. In the meantime, let's carry on.",
    carry_on: "All right, let's carry on.",
    seller_away: "{seller} is not in right now, so I will make sure they call you back. Let's carry on.",
    ask_name: "May I have your name, please?",
    ask_name_again: "Sorry, I did not catch your name. Could you tell me your first and last name?",
    thanks_name: "Thank you, {name}.",
    ask_number: "Which number should {seller} call you on?",
    number_noted: "Thank you: {seller} will call you on the number ending in {ending}.",
    number_missed: "Sorry, I did not get the number: {seller} will call the one you are calling from.",
    budget: "Even a rough range helps: what amount do you have in mind?",
    authority: "And who else would need to approve it?",
    need: "What is the main problem you would like to solve?",
    timeline: "Roughly when would you like to start?",
};

const IT: Lines = Lines {
    deflect: "Bella domanda. Non voglio darle una risposta sbagliata: la ricontatterà un collega su questo.",
    back_to_question: "Torno alla mia domanda:",
    transfer_offer: "Vuole che chieda a {seller} di unirsi a noi adesso?",
    transfer_hold: "Ho chiesto a {seller} di unirsi a noi. Resti in linea, per favore: potrebbe volerci un minuto.",
    transfer_still_holding: "Sto ancora cercando {seller}, grazie per l'attesa.",
    transfer_missed: "{seller} al momento non può unirsi e la richiamerà. Intanto andiamo avanti.",
    carry_on: "Va bene, andiamo avanti.",
    seller_away: "{seller} al momento non è in ufficio: farò in modo che la richiami. Intanto andiamo avanti.",
    ask_name: "Posso avere il suo nome, per favore?",
    ask_name_again: "Mi scusi, non ho capito il suo nome. Può dirmi nome e cognome?",
    thanks_name: "Grazie, {name}.",
    ask_number: "A quale numero la può chiamare {seller}?",
    number_noted: "Grazie: {seller} la chiamerà al numero che finisce con {ending}.",
    number_missed: "Mi scusi, non ho capito il numero: {seller} chiamerà quello da cui sta chiamando.",
    budget: "Anche un ordine di grandezza mi aiuta: che cifra avete in mente?",
    authority: "E chi altro dovrebbe approvare la decisione?",
    need: "Qual è il problema principale che vorreste risolvere?",
    timeline: "Più o meno, quando vorreste partire?",
};

impl Lines {
    /// The lines of `language` (`it…` Italian, anything else English).
    pub fn of(language: &str) -> &'static Lines {
        if language.to_ascii_lowercase().starts_with("it") { &IT } else { &EN }
    }

    fn follow_up(&self, criterion: BantCriterion) -> &'static str {
        match criterion {
            BantCriterion::Budget => self.budget,
            BantCriterion::Authority => self.authority,
            BantCriterion::Need => self.need,
            BantCriterion::Timeline => self.timeline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_turn_is_an_faq_question_a_question_or_an_answer() {
        assert_eq!(classify(Some((2, FAQ_MIN_SCORE)), true), Turn::Faq(2));
        assert_eq!(classify(Some((2, FAQ_MIN_SCORE)), false), Turn::Answer, "close to an entry but asking nothing");
        assert_eq!(classify(Some((1, FAQ_MIN_SCORE_UNMARKED)), false), Turn::Faq(1), "Whisper dropped the question mark");
        assert_eq!(classify(Some((0, FAQ_MIN_SCORE - 0.01)), true), Turn::Question);
        assert_eq!(classify(None, true), Turn::Question, "no FAQ");
        assert_eq!(classify(None, false), Turn::Answer);
    }

    #[test]
    fn words_are_compared_by_their_first_five_letters() {
        let w = words("How much do the Prices cost, per month? Il prezzo?");
        assert_eq!(w.into_iter().collect::<Vec<_>>(), ["cost", "month", "much", "prezz", "price"]);
    }

    #[test]
    fn the_lines_follow_the_agents_language() {
        assert!(Lines::of("it").deflect.starts_with("Bella domanda"));
        assert!(Lines::of("en-US").deflect.starts_with("Good question"));
        assert_eq!(Lines::of("it").follow_up(BantCriterion::Timeline), "Più o meno, quando vorreste partire?");
    }
}
