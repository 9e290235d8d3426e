import type { BattleCard } from "../bindings/BattleCard";
import type { Evidence } from "../bindings/Evidence";
import type { HudEnvelope } from "../bindings/HudEnvelope";
import type { HudNotice } from "../bindings/HudNotice";
import type { SentimentLabel } from "../bindings/SentimentLabel";

export type Envelope = HudEnvelope;
export type Notice = HudNotice;
export type HudKind = Envelope["kind"];

export type TranscriptLine = {
  segmentId: string;
  speaker: string;
  name: string;
  text: string;
  final: boolean;
  startMs: number;
  seq: number;
};

export type Tick = { item: string; title: string; evidence: Evidence; seq: number; receivedAt: number };
export type CardEvent = { objection: string; title: string; card: BattleCard; evidence: Evidence; seq: number; receivedAt: number };
export type Mood = { name: string; label: SentimentLabel; confidence: number; seq: number };
export type Tip = { text: string; item?: string; objection?: string; seq: number };
export type ManagerMessage = { from: string; text: string; seq: number; receivedAt: number };
export type Provider = { provider: string; state: string; message: string };

export type HudState = {
  lastSeq: number;
  transcript: TranscriptLine[];
  ticks: Record<string, Tick>;
  cards: CardEvent[];
  sentiment: Record<string, Mood>;
  tips: Tip[];
  messages: ManagerMessage[];
  providers: Record<string, Provider>;
  /** Display names by identity, learned from transcript and sentiment events. */
  names: Record<string, string>;
  /**
   * How far the copilot is behind the call, ms: from the end of the latest final utterance to
   * its emission (`at_ms − end_ms`, both on the meeting's audio axis), or what the server's
   * latest `copilot_status` said (it speaks up while finals are missing); null before either.
   */
  lagMs: number | null;
  /**
   * How long no copilot has listened to the call, ms, as the server's latest
   * `copilot_absent` notice said (no worker had room for the meeting, or it is moving to
   * another); null while one listens.
   */
  copilotAbsentMs: number | null;
};

/**
 * From this lag on, the HUD says the copilot is delayed instead of live: ticks and cards are
 * due within 2 s of speech, so "Live" never shows while they are late. The server speaks up
 * (`copilot_status`) from the same 2 s (`BEHIND_REPORT_MS` in `backend/src/live/session.rs`).
 */
export const DELAYED_MS = 2_000;

/**
 * What the HUD's status light says: connecting, live, delayed by whole seconds, or waiting
 * (whole seconds) for a copilot to listen at all.
 */
export type HudStatus =
  | { state: "connecting" }
  | { state: "live" }
  | { state: "delayed"; seconds: number }
  | { state: "waiting"; seconds: number };

/** The HUD's status from its socket, the copilot's last measured lag and its absence. */
export function hudStatus(connected: boolean, lagMs: number | null, copilotAbsentMs: number | null = null): HudStatus {
  if (!connected) return { state: "connecting" };
  if (copilotAbsentMs !== null) return { state: "waiting", seconds: Math.round(copilotAbsentMs / 1000) };
  if (lagMs !== null && lagMs >= DELAYED_MS) return { state: "delayed", seconds: Math.round(lagMs / 1000) };
  return { state: "live" };
}

/** Folds a notice of the HUD socket (outside the event stream: no `seq`) into the state. */
export function reduceNotice(state: HudState, notice: Notice): HudState {
  switch (notice.notice) {
    case "copilot_absent":
      return { ...state, copilotAbsentMs: notice.waiting_ms };
    case "copilot_present":
      return { ...state, copilotAbsentMs: null };
    default:
      return state;
  }
}

export const emptyHud: HudState = {
  lastSeq: -1,
  transcript: [],
  ticks: {},
  cards: [],
  sentiment: {},
  tips: [],
  messages: [],
  providers: {},
  names: {},
  lagMs: null,
  copilotAbsentMs: null,
};

const MAX_LINES = 200;

/** Folds one envelope into the HUD state (events at or below `lastSeq` are duplicates). */
export function reduceHud(state: HudState, e: Envelope, receivedAt = Date.now()): HudState {
  if (e.seq <= state.lastSeq) return state;
  const next: HudState = { ...state, lastSeq: e.seq };
  switch (e.kind) {
    case "transcript_partial":
    case "transcript_final": {
      const line: TranscriptLine = {
        segmentId: e.segment_id,
        speaker: e.speaker,
        name: e.speaker_name,
        text: e.text,
        final: e.kind === "transcript_final",
        startMs: e.start_ms,
        seq: e.seq,
      };
      const index = state.transcript.findIndex((l) => l.segmentId === e.segment_id);
      let transcript: TranscriptLine[];
      if (index >= 0) {
        // A partial never overwrites the final of its segment.
        if (state.transcript[index].final && !line.final) return next;
        transcript = state.transcript.slice();
        transcript[index] = line;
      } else {
        transcript = [...state.transcript, line];
        transcript.sort((a, b) => a.startMs - b.startMs || a.seq - b.seq);
        if (transcript.length > MAX_LINES) transcript = transcript.slice(-MAX_LINES);
      }
      // Drop lines a final emptied (Whisper heard nothing after all).
      if (line.final && !line.text.trim()) transcript = transcript.filter((l) => l.segmentId !== e.segment_id);
      next.transcript = transcript;
      next.names = { ...state.names, [e.speaker]: e.speaker_name };
      if (e.kind === "transcript_final") next.lagMs = Math.max(0, e.at_ms - e.end_ms);
      return next;
    }
    case "checklist_ticked":
      if (state.ticks[e.item]) return next;
      next.ticks = { ...state.ticks, [e.item]: { item: e.item, title: e.title, evidence: e.evidence, seq: e.seq, receivedAt } };
      return next;
    case "objection_detected":
      next.cards = [
        { objection: e.objection, title: e.title, card: e.battle_card, evidence: e.evidence, seq: e.seq, receivedAt },
        ...state.cards.filter((c) => c.objection !== e.objection),
      ];
      return next;
    case "sentiment_updated":
      next.sentiment = { ...state.sentiment, [e.speaker]: { name: e.speaker_name, label: e.label, confidence: e.confidence, seq: e.seq } };
      next.names = { ...state.names, [e.speaker]: e.speaker_name };
      return next;
    case "suggestion":
      next.tips = [{ text: e.text, item: e.item, objection: e.objection, seq: e.seq }, ...state.tips].slice(0, 5);
      return next;
    case "priority_message":
      next.messages = [...state.messages, { from: e.from, text: e.text, seq: e.seq, receivedAt }];
      return next;
    case "copilot_status":
      next.lagMs = e.behind_ms;
      return next;
    case "provider_status":
      next.providers = { ...state.providers, [e.speaker]: { provider: e.provider, state: e.state, message: e.message } };
      return next;
    default:
      return next;
  }
}

/** Colour of a sentiment label (tile borders, chips). */
export function sentimentTone(label: SentimentLabel | undefined): "good" | "mid" | "bad" | null {
  switch (label) {
    case "positive":
      return "good";
    case "neutral":
      return "mid";
    case "negative":
    case "irritated":
      return "bad";
    default:
      return null;
  }
}
