//! An AI agent's conversation by voice (#17), for a scripted qualification: it greets, asks its
//! questions one at a time (then, on the phone line, offers call backs: [`super::offer`]), and
//! after each listens for the guest's answer — the guest's turn ends after the VAD's hangover
//! (700 ms of silence, `live::vad`) — which Whisper transcribes before the agent goes on. What the guest says is read by [`super::dialogue`]: a question of
//! theirs is answered from the agent's FAQ (or promised a colleague's answer) before the agent
//! asks its own again; an answer that leaves its BANT criterion unclear gets one follow-up. The guest may barge in at any time: when the VAD opens an
//! utterance while the agent speaks, the agent stops within a frame ([`super::voice`]) and what
//! the guest says is the answer to the line they cut off.
//!
//! Each line of the script is synthesised while the one before it is said (the greeting before
//! the agent speaks; replies and follow-ups when said), and the answer is transcribed from the
//! pause that begins the guest's silence (160 ms), as the copilot's finals are (`live::session`):
//! when the pause lasts the hangover, that decode is the answer; when they speak on, it is
//! dropped. So the gap after a guest's turn is about the hangover, or the decode when longer.

use super::consent::Consent;
use super::dialogue::Dialogue;
use super::offer::Offer;
use chrono::{DateTime, Utc};
use super::reasoning::{Response, TurnContext};
use super::voice::{Spoken, Voice, VoiceError};
use crate::semantics::encoder::EncoderError;
use closer_wire::{AiAgent, BantCriterion};
use crate::live::vad::{FRAME as VAD_FRAME, Vad, VadOutput};
use crate::stt::{SpeechContext, SttError};
use crate::stt::whisper::WhisperEngine;
use crate::tts::{Speech, TtsError, Voices};
use closer_rtc::AudioStream;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// How long the agent waits for an answer after asking, before it moves on without one.
pub const ANSWER_WAIT: Duration = Duration::from_secs(20);
/// How long a guest who accepted that the seller be asked to join holds for them, before the
/// agent carries on (the seller is e-mailed a link to the call: a minute to see it and join).
pub const TRANSFER_HOLD: Duration = Duration::from_secs(45);
/// While the guest holds, the agent says it is still trying every this long, so the line is
/// never silent for longer (call centres' usual 15–20 s between hold messages): twice in a
/// [`TRANSFER_HOLD`].
pub const HOLD_REMINDER: Duration = Duration::from_secs(15);
/// How long the agent waits for the guest to start replying to whether the call back's number
/// is theirs before it takes silence as a yes (a caller who objects does so at once).
pub const NUMBER_WAIT: Duration = Duration::from_secs(4);
/// Turns of the guest's heard per question at most: the answer, the answer to a follow-up, and
/// questions of the guest's in between; then the agent goes on.
const MAX_TURNS: usize = 4;

/// What the agent says, in the order it says it.
#[derive(Clone, Debug)]
pub struct Script {
    /// `en` or `it`.
    pub language: String,
    /// The opening line (e.g. greeting the guest by name).
    pub greeting: String,
    /// The greeting ends asking the guest's name, which is unknown (a phone caller whose phone
    /// sent none): what they answer names them ([`super::name`]).
    pub asks_name: bool,
    /// The questions, asked in order.
    pub questions: Vec<Question>,
    /// Call backs to offer after the questions, in order (the phone line's, [`super::offer`]);
    /// the first the guest accepts is booked.
    pub offers: Vec<Offer>,
    /// The last line.
    pub closing: String,
}

impl Script {
    /// The conversation `agent` runs with a guest called `guest_name`: its greeting addressed to
    /// the guest's first name (`{guest}`; an unknown name leaves the greeting without one and
    /// is asked for at its end, in the same breath), its questions with their BANT criteria,
    /// its closing.
    pub fn of(agent: &AiAgent, guest_name: Option<&str>) -> Script {
        let first = guest_name.and_then(|n| n.split_whitespace().next()).unwrap_or("");
        let greeting = if first.is_empty() {
            // "Hello {guest}, thanks…" → "Hello, thanks…": drop the placeholder and a space before it.
            let greeting = agent.greeting.replace(" {guest}", "").replace("{guest}", "");
            format!("{greeting} {}", super::dialogue::Lines::of(&agent.language).ask_name)
        } else {
            agent.greeting.replace("{guest}", first)
        };
        Script {
            language: agent.language.clone(),
            greeting,
            asks_name: first.is_empty(),
            questions: agent.questions.iter().map(|q| Question { text: q.text.clone(), criterion: q.criterion }).collect(),
            offers: Vec::new(),
            closing: agent.closing.clone(),
        }
    }
}

/// The seller's part in the call: taking it over, and being asked for.
#[derive(Debug)]
pub struct SellerSide<F> {
    /// Resolves when a seller takes the call over (their microphone live in the room).
    pub takes_over: F,
    /// The seller a guest may ask for; `None`: nobody to summon.
    pub transfer: Option<Transfer>,
}

impl SellerSide<std::future::Pending<()>> {
    /// No seller: nobody takes the call over or can be asked for.
    pub fn absent() -> Self {
        Self { takes_over: std::future::pending(), transfer: None }
    }
}

/// The seller a guest may ask to speak with during the call ([`super::transfer`]).
#[derive(Debug)]
pub struct Transfer {
    /// Their name as the agent says it.
    pub seller: String,
    /// Within their opening hours: they may be called in. Outside them the guest is told they
    /// will call back.
    pub in_hours: bool,
    /// Sent once, when the guest accepts that the seller be asked to join, with the name the
    /// guest gave in the call (a caller whose phone sent none, [`Script::asks_name`]), if any:
    /// the caller of [`run`] tells the seller who asks, and a seller who joins takes the call
    /// over ([`SellerSide::takes_over`]).
    pub summon: tokio::sync::oneshot::Sender<Option<String>>,
}

/// A question of the script.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    /// What the agent says.
    pub text: String,
    /// The BANT criterion its answer tells about, if any (see [`bant_answers`]).
    pub criterion: Option<BantCriterion>,
}

/// One question and what the guest answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Exchange {
    /// The question asked.
    pub question: String,
    /// Its BANT criterion, from the [`Question`].
    pub criterion: Option<BantCriterion>,
    /// The guest's answer as Whisper heard it; `None` when they said nothing within [`ANSWER_WAIT`].
    pub answer: Option<String>,
    /// The guest cut the question off.
    pub interrupted: bool,
    /// The answer left its BANT criterion unclear, so the agent asked a follow-up; `answer`
    /// holds both replies.
    pub followed_up: bool,
    /// What the guest asked the agent before answering, in order.
    pub guest_questions: Vec<GuestQuestion>,
}

/// A question of the guest's.
#[derive(Clone, Debug, PartialEq)]
pub struct GuestQuestion {
    /// As Whisper heard it.
    pub text: String,
    /// Answered from the FAQ; `false`: the agent promised a colleague's answer.
    pub answered: bool,
}

/// How a conversation ended, and what was said until then.
#[derive(Debug)]
pub struct Conversation {
    /// The questions asked, each with its answer, in order (those asked before an early end).
    pub exchanges: Vec<Exchange>,
    /// Why it ended.
    pub end: End,
    /// The guest's replies to the call backs offered, as Whisper heard them, each as read.
    pub replies: Vec<(String, Consent)>,
    /// The start of the call back the guest accepted, if any (said before an early end).
    pub booked: Option<DateTime<Utc>>,
    /// The guest asked for the seller and wanted them called in (or the seller was outside
    /// their hours): whether they came is `end`'s [`End::HandedOver`].
    pub asked_for_seller: bool,
    /// The name the guest gave when asked ([`Script::asks_name`]), as Whisper wrote it.
    pub guest_name: Option<String>,
    /// The number the call back `booked` rings, E.164, when the caller said the one said back
    /// to them was not theirs and gave another ([`super::number`]).
    pub call_back_number: Option<String>,
}

/// Why a conversation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The script was said to its closing line.
    Finished,
    /// The guest's track ended (they left).
    GuestLeft,
    /// A seller took the call over (`SellerSide::takes_over`): the agent fell silent at once.
    HandedOver,
}

/// Why the conversation could not go on.
#[derive(Debug, thiserror::Error)]
pub enum ConversationError {
    /// A line could not be synthesised.
    #[error(transparent)]
    Speech(#[from] TtsError),
    /// The agent's track failed.
    #[error(transparent)]
    Voice(#[from] VoiceError),
    /// Whisper failed on an answer.
    #[error("transcribing the answer: {0}")]
    Stt(String),
    /// The sentence encoder failed on an answer.
    #[error("reading the answer: {0}")]
    Encoder(#[from] EncoderError),
}

/// The transcription of one utterance, under way.
type Transcription = tokio::task::JoinHandle<Result<String, SttError>>;

/// What the guest's track tells the agent.
enum Heard {
    /// A complete utterance, being transcribed.
    Utterance(Transcription),
    /// The track ended.
    Left,
}

/// Runs `script` with the guest whose microphone is `guest` (subscribed at 16 kHz mono),
/// speaking on `voice` with `voices`, transcribing with `whisper`, until its closing line, the
/// guest leaving, or the `seller`'s `takes_over` resolving (then the agent stops speaking within
/// a frame and what was queued on its track is dropped). Returns each question asked with its
/// answer. A guest whose name is unknown is asked it by the greeting ([`Script::asks_name`]):
/// the name heard is said back and returned ([`name_of`]); a caller who accepts a call back is
/// asked whether the number said back is theirs ([`number_to_call`]). With the seller's
/// `transfer`, the first time the guest asks to speak with a person (an answer to a question
/// or a reply to an offer) the agent offers to ask that seller to join, and if the guest
/// accepts, summons them and holds for [`TRANSFER_HOLD`] (outside the seller's hours it says
/// they will call back instead); then it asks its question (or makes its offer) again.
///
/// Errors: [`ConversationError`] when a line cannot be synthesised or said, or Whisper fails.
pub async fn run(
    voice: &Voice,
    voices: Arc<Voices>,
    whisper: Arc<WhisperEngine>,
    guest: AudioStream,
    script: &Script,
    dialogue: &Dialogue,
    seller: SellerSide<impl Future<Output = ()>>,
) -> Result<Conversation, ConversationError> {
    let SellerSide { takes_over, mut transfer } = seller;
    // Each line is synthesised while the one before it is said (the greeting before the agent
    // speaks), so a caller hears the greeting as soon as it is ready: one voice synthesises for
    // every call of the process, and five calls at once on 2 cores used to wait about 9 s for
    // their whole scripts.
    let mut lines = Lines::new(voices.clone(), script);
    let greeting = lines.next(&script.greeting).await?;

    let barge_in = Arc::new(AtomicBool::new(false));
    let (heard_tx, mut heard) = mpsc::unbounded_channel();
    let listening = tokio::spawn(listen(guest, whisper, script.language.clone(), barge_in.clone(), heard_tx));
    let speaker = Speaker { voice, voices: &voices, language: &script.language, barge_in: &barge_in };
    let (mut exchanges, mut replies, mut booked, mut asked_for_seller) = (Vec::new(), Vec::new(), None, false);
    let (mut guest_name, mut call_back_number) = (None, None);
    let talk = async {
        speaker.speak(&greeting).await?;
        if script.asks_name {
            match name_of(&speaker, dialogue, &mut heard).await? {
                Named::Name(name) => guest_name = Some(name),
                Named::Unknown => {}
                Named::Left => return Ok(End::GuestLeft),
            }
        }
        for question in &script.questions {
            let speech = lines.next(&question.text).await?;
            // What the guest said before this question answered an earlier line.
            while let Ok(stale) = heard.try_recv() {
                if matches!(stale, Heard::Left) {
                    return Ok(End::GuestLeft);
                }
            }
            let interrupted = speaker.speak(&speech).await?;
            let mut exchange = Exchange {
                question: question.text.clone(),
                criterion: question.criterion,
                answer: None,
                interrupted,
                followed_up: false,
                guest_questions: Vec::new(),
            };
            for _ in 0..MAX_TURNS {
                let text = match next(&mut heard).await? {
                    Said::Turn(text) => text,
                    Said::Left => {
                        exchanges.push(exchange);
                        return Ok(End::GuestLeft);
                    }
                    Said::Silence => break,
                };
                if transfer.is_some() && dialogue.asks_for_person(&text).await? {
                    if let Some(end) = offer_transfer(&speaker, dialogue, &mut heard, &mut transfer, guest_name.as_deref(), &mut asked_for_seller).await? {
                        exchanges.push(exchange);
                        return Ok(end);
                    }
                    speaker.say(&format!("{} {}", dialogue.lines().back_to_question, question.text)).await?;
                    continue;
                }
                let context = TurnContext {
                    question: &question.text,
                    answered: exchange.answer.as_deref(),
                    may_follow_up: !exchange.followed_up,
                    turn: &text,
                };
                match dialogue.respond(question.criterion, context).await? {
                    Response::Question { reply, answered } => {
                        exchange.guest_questions.push(GuestQuestion { text, answered });
                        speaker.say(&format!("{reply} {} {}", dialogue.lines().back_to_question, question.text)).await?;
                    }
                    Response::Objection { reply } => {
                        speaker.say(&format!("{reply} {} {}", dialogue.lines().back_to_question, question.text)).await?;
                    }
                    Response::Answer { follow_up } => {
                        exchange.answer = Some(match exchange.answer.take() {
                            Some(before) => format!("{before} {text}"),
                            None => text,
                        });
                        let Some(line) = follow_up else { break };
                        exchange.followed_up = true;
                        speaker.say(&line).await?;
                    }
                }
            }
            exchanges.push(exchange);
        }
        'offers: for offer in &script.offers {
            let speech = lines.next(&offer.line).await?;
            // An unclear reply gets the offer once more; silence ends the offers.
            for asked in 1..=2 {
                while let Ok(stale) = heard.try_recv() {
                    if matches!(stale, Heard::Left) {
                        return Ok(End::GuestLeft);
                    }
                }
                speaker.speak(&speech).await?;
                let reply = match next(&mut heard).await? {
                    Said::Turn(reply) => reply,
                    Said::Left => return Ok(End::GuestLeft),
                    Said::Silence => break 'offers,
                };
                if transfer.is_some() && dialogue.asks_for_person(&reply).await? {
                    if let Some(end) = offer_transfer(&speaker, dialogue, &mut heard, &mut transfer, guest_name.as_deref(), &mut asked_for_seller).await? {
                        return Ok(end);
                    }
                    continue;
                }
                let consent = dialogue.consent(&reply).await?;
                replies.push((reply, consent));
                match consent {
                    Consent::Accept => {
                        booked = Some(offer.start);
                        speaker.say(&offer.confirmation).await?;
                        match number_to_call(&speaker, dialogue, &mut heard, offer).await? {
                            Number::Kept => {}
                            Number::Given(number) => call_back_number = Some(number),
                            Number::Left => return Ok(End::GuestLeft),
                        }
                        break 'offers;
                    }
                    Consent::Decline => continue 'offers,
                    Consent::Unclear if asked == 1 => {}
                    Consent::Unclear => continue 'offers,
                }
            }
        }
        speaker.speak(&lines.next(&script.closing).await?).await?;
        Ok(End::Finished)
    };
    let end: Result<End, ConversationError> = tokio::select! {
        end = talk => end,
        _ = takes_over => {
            voice.silence()?;
            Ok(End::HandedOver)
        }
    };
    listening.abort();
    Ok(Conversation { exchanges, end: end?, replies, booked, asked_for_seller, guest_name, call_back_number })
}

/// A script's lines in the order they may be said (greeting, questions, offers, closing), each
/// synthesised while the one before it is said.
struct Lines {
    voices: Arc<Voices>,
    language: String,
    order: Vec<String>,
    /// Where in `order` the last line taken was.
    at: usize,
    /// The line after it, being synthesised.
    ahead: Option<(usize, Synthesis)>,
}

impl Lines {
    fn new(voices: Arc<Voices>, script: &Script) -> Self {
        let order = [script.greeting.clone()]
            .into_iter()
            .chain(script.questions.iter().map(|q| q.text.clone()))
            .chain(script.offers.iter().map(|o| o.line.clone()))
            .chain([script.closing.clone()])
            .collect();
        Self { voices, language: script.language.clone(), order, at: 0, ahead: None }
    }

    /// `text`, the next line of the script said (lines may be skipped: the offers left once
    /// one is accepted), as speech; starts synthesising the line after it.
    ///
    /// Errors: [`ConversationError::Speech`] when it cannot be synthesised.
    async fn next(&mut self, text: &str) -> Result<Speech, ConversationError> {
        let index = (self.at..self.order.len()).find(|&i| self.order[i] == text);
        let ahead = self.ahead.take();
        let speech = match (index, ahead) {
            (Some(index), Some((i, synthesising))) if i == index => synthesising,
            _ => synthesise(self.voices.clone(), self.language.clone(), text.to_owned()),
        };
        // Done before the next line starts: one voice serves every call, and a line started
        // early would queue other calls' greetings behind it.
        let speech = synthesised(speech).await?;
        if let Some(index) = index {
            self.at = index + 1;
            if let Some(following) = self.order.get(self.at).cloned() {
                self.ahead = Some((self.at, synthesise(self.voices.clone(), self.language.clone(), following)));
            }
        }
        Ok(speech)
    }
}

/// What the guest said next.
enum Said {
    /// A turn, as Whisper heard it.
    Turn(String),
    /// Nothing within [`ANSWER_WAIT`].
    Silence,
    /// They left.
    Left,
}

/// Waits up to [`ANSWER_WAIT`] for the guest's next turn and its transcription.
///
/// Errors: [`ConversationError::Stt`] when Whisper fails.
async fn next(heard: &mut mpsc::UnboundedReceiver<Heard>) -> Result<Said, ConversationError> {
    match tokio::time::timeout(ANSWER_WAIT, heard.recv()).await {
        Ok(heard) => said(heard).await,
        Err(_) => Ok(Said::Silence),
    }
}

/// As [`next`], but silence is [`NUMBER_WAIT`] without the guest starting to speak (a turn
/// begun by then is waited for as [`next`] waits).
///
/// Errors: [`ConversationError::Stt`] when Whisper fails.
async fn reply(heard: &mut mpsc::UnboundedReceiver<Heard>, speaking: &AtomicBool) -> Result<Said, ConversationError> {
    match tokio::time::timeout(NUMBER_WAIT, heard.recv()).await {
        Ok(heard) => said(heard).await,
        Err(_) if speaking.load(Ordering::Relaxed) => next(heard).await,
        Err(_) => Ok(Said::Silence),
    }
}

/// What the listener's next message says.
///
/// Errors: [`ConversationError::Stt`] when Whisper fails.
async fn said(heard: Option<Heard>) -> Result<Said, ConversationError> {
    Ok(match heard {
        Some(Heard::Utterance(transcription)) => Said::Turn(
            transcription.await.map_err(|e| ConversationError::Stt(e.to_string()))?.map_err(|e| ConversationError::Stt(e.to_string()))?,
        ),
        Some(Heard::Left) | None => Said::Left,
    })
}

/// What the guest answered to the greeting's question of their name.
enum Named {
    /// Their name, as Whisper wrote it.
    Name(String),
    /// Silence, or two answers without a name.
    Unknown,
    /// The guest left.
    Left,
}

/// Reads the guest's name in their answer to the greeting ([`super::name`]) and says it back;
/// an answer without one gets the question once more, silence does not.
///
/// Errors: [`ConversationError`] when a line cannot be said, or Whisper fails.
async fn name_of(speaker: &Speaker<'_>, dialogue: &Dialogue, heard: &mut mpsc::UnboundedReceiver<Heard>) -> Result<Named, ConversationError> {
    let lines = dialogue.lines();
    for again in [Some(lines.ask_name_again), None] {
        let answer = match next(heard).await? {
            Said::Turn(answer) => answer,
            Said::Silence => break,
            Said::Left => return Ok(Named::Left),
        };
        if let Some(name) = super::name::heard(&answer) {
            speaker.say(&lines.thanks_name.replace("{name}", &name)).await?;
            return Ok(Named::Name(name));
        }
        if let Some(line) = again {
            speaker.say(line).await?;
        }
    }
    Ok(Named::Unknown)
}

/// Whose number a booked call back rings.
enum Number {
    /// The one said back (the caller agreed, said nothing, or gave no number that could be read).
    Kept,
    /// The one the caller gave instead, E.164.
    Given(String),
    /// The caller left.
    Left,
}

/// The caller's reply to `offer`'s confirmation, which asks whether the number said back is
/// theirs: a number in it, or given when asked after a no, is said back by its last four
/// digits and rings instead ([`super::number`], read in the country of the number said back);
/// a no followed by nothing that reads as a number is told the number said back will ring.
///
/// Errors: [`ConversationError`] when a line cannot be said, or Whisper or the encoder fail.
async fn number_to_call(
    speaker: &Speaker<'_>,
    dialogue: &Dialogue,
    heard: &mut mpsc::UnboundedReceiver<Heard>,
    offer: &Offer,
) -> Result<Number, ConversationError> {
    let lines = dialogue.lines();
    let answer = match reply(heard, speaker.barge_in).await? {
        Said::Turn(answer) => answer,
        Said::Silence => return Ok(Number::Kept),
        Said::Left => return Ok(Number::Left),
    };
    let given = match super::number::heard(&answer, &offer.number) {
        Some(number) => Some(number),
        None if dialogue.consent(&answer).await? == Consent::Decline => {
            speaker.say(&lines.ask_number.replace("{seller}", &offer.seller)).await?;
            match next(heard).await? {
                Said::Turn(answer) => super::number::heard(&answer, &offer.number),
                Said::Silence => None,
                Said::Left => return Ok(Number::Left),
            }
        }
        None => return Ok(Number::Kept),
    };
    Ok(match given {
        Some(number) => {
            let noted = lines.number_noted.replace("{seller}", &offer.seller).replace("{ending}", &super::offer::ending(&number));
            speaker.say(&noted).await?;
            Number::Given(number)
        }
        None => {
            speaker.say(&lines.number_missed.replace("{seller}", &offer.seller)).await?;
            Number::Kept
        }
    })
}

/// The guest asked to speak with a person: the agent offers to ask `transfer`'s seller to join;
/// when the guest accepts, it summons them (naming the guest as `guest_name`, the name they gave
/// in the call, if any) and holds for [`TRANSFER_HOLD`], saying every
/// [`HOLD_REMINDER`] that it is still trying (a seller who joins meanwhile takes the call over,
/// which ends [`run`]), then says the seller could not come.
/// Outside the seller's hours it says at once that they will call back. The seller is taken
/// from `transfer` once called in or found away; a guest who declined may ask again. Sets
/// `wanted` unless the guest declined the offer. `Some(End::GuestLeft)` when the guest left
/// meanwhile, else `None`: the script goes on (also when `transfer` is `None`).
///
/// Errors: [`ConversationError`] when a line cannot be said or a reply not read.
async fn offer_transfer(
    speaker: &Speaker<'_>,
    dialogue: &Dialogue,
    heard: &mut mpsc::UnboundedReceiver<Heard>,
    transfer: &mut Option<Transfer>,
    guest_name: Option<&str>,
    wanted: &mut bool,
) -> Result<Option<End>, ConversationError> {
    let Some(asked) = transfer.as_ref() else { return Ok(None) };
    let (lines, seller, in_hours) = (dialogue.lines(), asked.seller.clone(), asked.in_hours);
    if !in_hours {
        *wanted = true;
        *transfer = None;
        speaker.say(&lines.seller_away.replace("{seller}", &seller)).await?;
        return Ok(None);
    }
    speaker.say(&lines.transfer_offer.replace("{seller}", &seller)).await?;
    let reply = match next(heard).await? {
        Said::Turn(reply) => reply,
        Said::Left => return Ok(Some(End::GuestLeft)),
        Said::Silence => String::new(),
    };
    if dialogue.consent(&reply).await? != Consent::Accept {
        speaker.say(lines.carry_on).await?;
        return Ok(None);
    }
    *wanted = true;
    if let Some(called) = transfer.take() {
        let _ = called.summon.send(guest_name.map(str::to_owned));
    }
    speaker.say(&lines.transfer_hold.replace("{seller}", &seller)).await?;
    // What the guest says while holding ("hello?") is not an answer to anything.
    let hold = tokio::time::sleep(TRANSFER_HOLD);
    tokio::pin!(hold);
    let mut reminder = tokio::time::interval_at(tokio::time::Instant::now() + HOLD_REMINDER, HOLD_REMINDER);
    loop {
        tokio::select! {
            biased;
            _ = &mut hold => break,
            said = heard.recv() => if matches!(said, Some(Heard::Left) | None) {
                return Ok(Some(End::GuestLeft));
            },
            _ = reminder.tick() => {
                speaker.say(&lines.transfer_still_holding.replace("{seller}", &seller)).await?;
            }
        }
    }
    speaker.say(&lines.transfer_missed.replace("{seller}", &seller)).await?;
    Ok(None)
}

/// A line being synthesised.
type Synthesis = tokio::task::JoinHandle<Result<Speech, TtsError>>;

/// Starts synthesising `text` in `language` on a blocking thread.
fn synthesise(voices: Arc<Voices>, language: String, text: String) -> Synthesis {
    tokio::task::spawn_blocking(move || voices.speak(&language, &text))
}

/// The speech of `synthesis`, once done.
///
/// Errors: [`ConversationError::Speech`] when it failed.
async fn synthesised(synthesis: Synthesis) -> Result<Speech, ConversationError> {
    Ok(synthesis.await.map_err(|e| ConversationError::Speech(TtsError::Runtime(e.to_string())))??)
}

/// What the agent speaks with: its track, the voices, its language, and the flag the listener
/// holds while the guest speaks.
struct Speaker<'a> {
    voice: &'a Voice,
    voices: &'a Arc<Voices>,
    language: &'a str,
    barge_in: &'a AtomicBool,
}

impl Speaker<'_> {
    /// Synthesises `text` (on a blocking thread) and says it, as [`Speaker::speak`].
    async fn say(&self, text: &str) -> Result<bool, ConversationError> {
        let speech = synthesised(synthesise(self.voices.clone(), self.language.to_owned(), text.to_owned())).await?;
        self.speak(&speech).await
    }

    /// Says one line; `true` when the guest barged in. The listener holds `barge_in` set while
    /// an utterance of the guest's is open, so a line is not started over a guest who is
    /// speaking.
    async fn speak(&self, speech: &Speech) -> Result<bool, ConversationError> {
        Ok(matches!(self.voice.say(speech, self.barge_in).await?, Spoken::Interrupted { .. }))
    }
}

/// Starts transcribing `samples` (16 kHz mono) on a blocking thread; setting `abort` stops it.
fn transcribe(whisper: &Arc<WhisperEngine>, samples: Vec<f32>, language: &str, abort: Arc<AtomicBool>) -> Transcription {
    let (whisper, speech) = (whisper.clone(), SpeechContext::language(language));
    tokio::task::spawn_blocking(move || {
        whisper.transcribe_abortable(&samples, &speech, &abort).map(|t| t.text.trim().to_owned())
    })
}

/// Reads the guest's 10 ms frames into the VAD's 20 ms frames: an utterance opening sets
/// `barge_in` (cleared when it ends); a pause starts the utterance's transcription, speech
/// resuming aborts it, and at the utterance's end that transcription (or a new one, when none
/// is under way) is sent on `heard`.
async fn listen(
    mut guest: AudioStream,
    whisper: Arc<WhisperEngine>,
    language: String,
    barge_in: Arc<AtomicBool>,
    heard: mpsc::UnboundedSender<Heard>,
) {
    let mut vad = Vad::default();
    let (mut pending, mut utterance) = (Vec::with_capacity(VAD_FRAME), Vec::new());
    let mut speculative: Option<(Transcription, Arc<AtomicBool>)> = None;
    let drop_speculative = |speculative: &mut Option<(Transcription, Arc<AtomicBool>)>| {
        if let Some((_, abort)) = speculative.take() {
            abort.store(true, Ordering::Release);
        }
    };
    while let Some(frame) = guest.recv().await {
        pending.extend(frame.samples);
        while pending.len() >= VAD_FRAME {
            let samples: Vec<i16> = pending.drain(..VAD_FRAME).collect();
            match vad.push(&samples) {
                VadOutput::Silence => {}
                VadOutput::Speech(audio) => {
                    barge_in.store(true, Ordering::Release);
                    utterance.extend(audio.iter().map(|&s| f32::from(s) / 32768.0));
                    if vad.pause_started() {
                        drop_speculative(&mut speculative);
                        let abort = Arc::new(AtomicBool::new(false));
                        speculative = Some((transcribe(&whisper, utterance.clone(), &language, abort.clone()), abort));
                    } else if vad.speech_resumed() {
                        drop_speculative(&mut speculative);
                    }
                }
                VadOutput::End => {
                    barge_in.store(false, Ordering::Release);
                    let samples = std::mem::take(&mut utterance);
                    let transcription = match speculative.take() {
                        Some((transcription, _)) => transcription,
                        None => transcribe(&whisper, samples, &language, Arc::new(AtomicBool::new(false))),
                    };
                    let _ = heard.send(Heard::Utterance(transcription));
                }
            }
        }
    }
    drop_speculative(&mut speculative);
    let _ = heard.send(Heard::Left);
}

/// What the guest asked in `exchanges` that the agent promised a colleague's answer to.
pub fn open_questions(exchanges: &[Exchange]) -> Vec<String> {
    exchanges.iter().flat_map(|e| &e.guest_questions).filter(|q| !q.answered).map(|q| q.text.clone()).collect()
}

/// The answers of `exchanges` to questions with a BANT criterion, in the order they were
/// given: what [`crate::leads::bant::Assessor::assess`] scores.
pub fn bant_answers(exchanges: &[Exchange]) -> Vec<(BantCriterion, &str)> {
    exchanges.iter().filter_map(|e| Some((e.criterion?, e.answer.as_deref()?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use closer_wire::AgentQuestion;
    use uuid::Uuid;

    fn agent(greeting: &str) -> AiAgent {
        AiAgent {
            id: Uuid::new_v4(),
            name: "Giulia".into(),
            language: "it".into(),
            persona: String::new(),
            greeting: greeting.into(),
            questions: vec![AgentQuestion { text: "Che budget avete previsto?".into(), criterion: Some(BantCriterion::Budget) }],
            faq: Vec::new(),
            closing: "Grazie, a presto.".into(),
            handoff_owner_id: None,
            qualify_score: 50,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_script_greets_the_guest_by_first_name_or_asks_it_and_keeps_the_criteria() {
        let a = agent("Buongiorno {guest}, sono Giulia di Acme.");
        let script = Script::of(&a, Some("Paolo Bianchi"));
        assert_eq!(script.greeting, "Buongiorno Paolo, sono Giulia di Acme.");
        assert_eq!(script.questions[0].criterion, Some(BantCriterion::Budget));
        assert_eq!((script.language.as_str(), script.closing.as_str()), ("it", "Grazie, a presto."));
        assert!(!script.asks_name, "a guest with a name is not asked it");
        let unnamed = Script::of(&a, None);
        assert_eq!(unnamed.greeting, "Buongiorno, sono Giulia di Acme. Posso avere il suo nome, per favore?");
        assert!(unnamed.asks_name);
        assert_eq!(Script::of(&a, Some("  ")).greeting, unnamed.greeting);
    }
}
