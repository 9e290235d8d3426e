import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import { AnimatePresence, motion } from "motion/react";
import type { StoredPlaybook } from "../bindings/StoredPlaybook";
import { useI18n } from "../i18n";
import { AuthedImage } from "../components/AuthedImage";
import { CheckIcon, ChevronIcon, GripIcon } from "../components/icons";
import { hudStatus, sentimentTone, type CardEvent, type HudState, type HudStatus } from "./state";

const TONE_CHIP = {
  good: "bg-emerald-400/20 text-emerald-200 ring-emerald-400/40",
  mid: "bg-yellow-400/15 text-yellow-100 ring-yellow-400/40",
  bad: "bg-rose-500/20 text-rose-200 ring-rose-400/50",
} as const;

export type HudPanelProps = {
  hud: HudState;
  connected: boolean;
  playbook?: StoredPlaybook;
  readOnly?: boolean;
  presentingId?: string | null;
  onPresent?: (card: CardEvent) => void;
  onStopPresenting?: () => void;
  /** Display name of an identity (room participants first, then what the HUD learned). */
  nameOf: (identity: string) => string;
  footer?: ReactNode;
  /** The header is a handle that moves its window (the desktop HUD): shows a grip. */
  movable?: boolean;
  /** The collapse button's action; without it the panel collapses to its header by itself. */
  onCollapse?: () => void;
};

/**
 * The copilot HUD's panel, filling its container (the room's dock, or the desktop HUD window):
 * a header with the copilot's status (connecting / live / delayed N s) and a collapse button,
 * then manager messages, battle cards ("Present now"), next-best-action, sentiment chips, the
 * self-ticking checklist (click a tick for its evidence) and the live transcript.
 */
export function HudPanel({ hud, connected, playbook, readOnly, presentingId, onPresent, onStopPresenting, nameOf, footer, movable, onCollapse }: HudPanelProps) {
  const { t } = useI18n();
  const status = hudStatus(connected, hud.lagMs, hud.copilotAbsentMs);
  const [collapsed, setCollapsed] = useState(false);

  return (
    <aside
      className="flex h-full min-h-0 w-full flex-col overflow-hidden rounded-2xl border border-white/10 bg-slate-900/75 text-sm text-white shadow-2xl shadow-black/40 backdrop-blur-sm"
      data-testid="hud-panel"
      data-readonly={readOnly || undefined}
      aria-label={t("hud.title")}
    >
      <div
        className={`flex select-none items-center gap-2 border-b border-white/10 px-3 py-2 ${movable ? "cursor-grab active:cursor-grabbing" : ""}`}
        title={movable ? t("hud.dragHint") : undefined}
        data-testid="hud-handle"
      >
        {movable && <GripIcon width={16} height={16} className="text-white/60" />}
        <span className="font-semibold">{t("hud.title")}</span>
        <StatusLight status={status} connected={connected} />
        {readOnly && <span className="rounded bg-white/10 px-1.5 py-0.5 text-[10px] uppercase tracking-wide text-white/60">{t("hud.readOnly")}</span>}
        <button
          type="button"
          className="ml-auto rounded p-1 text-white/60 hover:bg-white/10 hover:text-white"
          onClick={() => (onCollapse ? onCollapse() : setCollapsed((c) => !c))}
          aria-label={collapsed ? t("hud.expand") : t("hud.collapse")}
          aria-expanded={!collapsed}
          data-testid="hud-collapse"
        >
          <ChevronIcon width={16} height={16} className={collapsed ? "" : "rotate-180"} />
        </button>
      </div>
      {!collapsed && (
        <div className="min-h-0 flex-1 space-y-3 overflow-y-auto p-3">
          <Messages hud={hud} />
          <Cards hud={hud} readOnly={readOnly} presentingId={presentingId} onPresent={onPresent} onStop={onStopPresenting} />
          <Tips hud={hud} />
          <Sentiment hud={hud} nameOf={nameOf} />
          <Checklist hud={hud} playbook={playbook} nameOf={nameOf} />
          <Transcript hud={hud} />
        </div>
      )}
      {footer && <div className="border-t border-white/10 p-3">{footer}</div>}
    </aside>
  );
}

/** The copilot's status as a light and words: pulsing while connecting, amber while delayed or waiting. */
export function StatusLight({ status, connected, compact }: { status: HudStatus; connected: boolean; compact?: boolean }) {
  const { t } = useI18n();
  const words =
    status.state === "live"
      ? t("hud.connected")
      : status.state === "delayed"
        ? t("hud.delayed", { seconds: status.seconds })
        : status.state === "waiting"
          ? t("hud.waiting", { seconds: status.seconds })
          : t("hud.disconnected");
  const amber = status.state === "delayed" || status.state === "waiting";
  return (
    <>
      <span
        className={`h-2 w-2 shrink-0 rounded-full ${status.state === "live" ? "bg-emerald-400" : amber ? "bg-amber-400" : "animate-pulse bg-amber-400"}`}
        data-testid="hud-connection"
        data-connected={connected}
        data-status={status.state}
        title={compact ? words : undefined}
      />
      <span className={compact ? "sr-only" : `text-xs ${amber ? "text-amber-200" : "text-white/50"}`} role="status" data-testid="hud-status">
        {words}
      </span>
    </>
  );
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section data-testid={testId}>
      <h3 className="mb-1.5 text-[11px] font-semibold uppercase tracking-wider text-white/60">{title}</h3>
      {children}
    </section>
  );
}

function Messages({ hud }: { hud: HudState }) {
  const { t } = useI18n();
  const recent = hud.messages.slice(-3).reverse();
  if (recent.length === 0) return null;
  return (
    <Section title={t("hud.messages")} testId="hud-messages">
      <div className="space-y-1.5">
        <AnimatePresence initial={false}>
          {recent.map((m, i) => (
            <motion.div
              key={m.seq}
              initial={{ opacity: 0, scale: 0.9, y: -6 }}
              animate={{ opacity: 1, scale: 1, y: 0 }}
              className={`rounded-xl px-3 py-2 ${i === 0 ? "bg-amber-400/90 text-slate-950 shadow-lg shadow-amber-500/20" : "bg-amber-400/15 text-amber-100"}`}
              data-testid="manager-message"
            >
              <div className="text-[11px] font-semibold uppercase tracking-wide opacity-70">{t("hud.messageFrom", { name: m.from })}</div>
              <div className="font-medium">{m.text}</div>
            </motion.div>
          ))}
        </AnimatePresence>
      </div>
    </Section>
  );
}

function Cards({ hud, readOnly, presentingId, onPresent, onStop }: { hud: HudState; readOnly?: boolean; presentingId?: string | null; onPresent?: (c: CardEvent) => void; onStop?: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  if (hud.cards.length === 0) return null;
  return (
    <Section title={t("hud.battleCards")}>
      <div className="space-y-2">
        {hud.cards.map((c, i) => {
          const expanded = i === 0 || open === c.objection;
          const presenting = presentingId === c.objection;
          return (
            <motion.div
              key={c.objection}
              layout
              initial={{ opacity: 0, x: 20 }}
              animate={{ opacity: 1, x: 0 }}
              className={`rounded-xl border p-3 ${i === 0 ? "border-indigo-400/50 bg-indigo-500/20" : "border-white/10 bg-white/5"}`}
              data-testid="battle-card"
              data-objection={c.objection}
            >
              <div className="flex items-start gap-2">
                <button type="button" className="min-w-0 flex-1 text-left" onClick={() => setOpen(open === c.objection ? null : c.objection)} aria-expanded={expanded}>
                  <div className="text-[11px] uppercase tracking-wide text-indigo-200/80">{c.title}</div>
                  <div className="font-semibold" data-testid="battle-card-title">{c.card.title}</div>
                </button>
                {!readOnly &&
                  (presenting ? (
                    <button type="button" onClick={onStop} className="shrink-0 rounded-full bg-rose-600 px-3 py-1 text-xs font-semibold hover:bg-rose-500" data-testid="stop-presenting">
                      {t("hud.stopPresenting")}
                    </button>
                  ) : (
                    <button type="button" onClick={() => onPresent?.(c)} className="shrink-0 rounded-full bg-indigo-600 px-3 py-1 text-xs font-semibold hover:bg-indigo-500" data-testid="present-now">
                      {t("hud.presentNow")}
                    </button>
                  ))}
              </div>
              {presenting && <div className="mt-1 text-xs text-emerald-300">{t("hud.presentingCard")}</div>}
              {expanded && (
                <>
                  <ul className="mt-1.5 list-disc space-y-0.5 pl-4 text-white/85">
                    {c.card.points.map((p, j) => (
                      <li key={j}>{p}</li>
                    ))}
                  </ul>
                  {c.card.image_url && <AuthedImage src={c.card.image_url} alt="" className="mt-2 max-h-28 rounded-lg bg-white object-contain" />}
                </>
              )}
            </motion.div>
          );
        })}
      </div>
    </Section>
  );
}

function Tips({ hud }: { hud: HudState }) {
  const { t } = useI18n();
  const tip = hud.tips[0];
  if (!tip) return null;
  return (
    <Section title={t("hud.tips")}>
      <motion.div key={tip.seq} initial={{ opacity: 0 }} animate={{ opacity: 1 }} className="rounded-xl bg-sky-400/15 px-3 py-2 text-sky-100" data-testid="hud-tip">
        {tip.text}
      </motion.div>
    </Section>
  );
}

function Sentiment({ hud, nameOf }: { hud: HudState; nameOf: (id: string) => string }) {
  const { t } = useI18n();
  const entries = Object.entries(hud.sentiment);
  if (entries.length === 0) return null;
  return (
    <Section title={t("hud.sentiment")}>
      <div className="flex flex-wrap gap-1.5">
        {entries.map(([identity, mood]) => {
          const tone = sentimentTone(mood.label) ?? "mid";
          return (
            <span key={identity} className={`rounded-full px-2.5 py-0.5 text-xs ring-1 ${TONE_CHIP[tone]}`} data-testid="sentiment-chip" data-identity={identity} data-label={mood.label}>
              {mood.name || nameOf(identity)} · {t(`sentiment.${mood.label}`)}
            </span>
          );
        })}
      </div>
    </Section>
  );
}

function Checklist({ hud, playbook, nameOf }: { hud: HudState; playbook?: StoredPlaybook; nameOf: (id: string) => string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  const items = playbook?.checklist.map((i) => ({ key: i.key, title: i.title })) ?? [];
  for (const tick of Object.values(hud.ticks)) if (!items.some((i) => i.key === tick.item)) items.push({ key: tick.item, title: tick.title });
  if (items.length === 0) return null;
  const done = items.filter((i) => hud.ticks[i.key]).length;
  return (
    <Section title={`${t("hud.checklist")} · ${done}/${items.length}`} testId="hud-checklist">
      <ul className="space-y-0.5">
        {items.map((item) => {
          const tick = hud.ticks[item.key];
          return (
            <li key={item.key} data-testid="checklist-item" data-key={item.key} data-ticked={tick ? "true" : "false"}>
              <button
                type="button"
                disabled={!tick}
                onClick={() => setOpen(open === item.key ? null : item.key)}
                className="flex w-full items-center gap-2 rounded-lg px-1.5 py-1 text-left enabled:hover:bg-white/5"
              >
                <motion.span
                  animate={tick ? { scale: [1, 1.35, 1], backgroundColor: "rgb(52 211 153)" } : { scale: 1 }}
                  className={`flex h-4 w-4 shrink-0 items-center justify-center rounded-full ${tick ? "text-slate-950" : "ring-1 ring-white/30"}`}
                >
                  {tick && <CheckIcon width={11} height={11} strokeWidth={3.5} />}
                </motion.span>
                <span className={tick ? "text-white" : "text-white/60"}>{item.title}</span>
              </button>
              {tick && open === item.key && (
                <p className="ml-7 mt-0.5 rounded-lg bg-white/5 px-2 py-1 text-xs text-white/70" data-testid="checklist-evidence">
                  {t("hud.evidence", { name: nameOf(tick.evidence.speaker), text: tick.evidence.text })}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

function Transcript({ hud }: { hud: HudState }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const lines = hud.transcript.slice(-40);
  const stick = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [lines.length, lines[lines.length - 1]?.text]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onScroll = () => (stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24);
    el.addEventListener("scroll", onScroll);
    return () => el.removeEventListener("scroll", onScroll);
  }, []);
  return (
    <Section title={t("hud.transcript")} testId="hud-transcript">
      {/* Focusable, so a keyboard can scroll back through it. */}
      <div ref={ref} className="max-h-44 space-y-1 overflow-y-auto pr-1" tabIndex={0} role="log" aria-label={t("hud.transcript")}>
        {lines.length === 0 && <p className="text-white/60">{t("hud.transcriptEmpty")}</p>}
        {lines.map((l) => (
          <p key={l.segmentId} className={l.final ? "text-white/90" : "italic text-white/55"} data-testid="transcript-line" data-speaker={l.speaker} data-speaker-name={l.name} data-final={l.final}>
            <span className="font-semibold text-indigo-200">{l.name}:</span> {l.text}
          </p>
        ))}
      </div>
    </Section>
  );
}
