import type { ActionItem } from "../bindings/ActionItem";
import type { ChecklistCoverage } from "../bindings/ChecklistCoverage";
import type { ObjectionOutcome } from "../bindings/ObjectionOutcome";
import type { SpeakerStats } from "../bindings/SpeakerStats";
import { useI18n } from "../i18n";
import { clock } from "./sync";

/** A quote from the call that seeks the player to where it was said. */
function Evidence({ text, ms, onSeek, testId }: { text: string; ms: number; onSeek: (ms: number) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      onClick={() => onSeek(ms)}
      className="mt-1 block w-full rounded-lg bg-black/20 px-2 py-1 text-left text-xs text-white/70 hover:bg-black/35"
      title={t("recap.hearAt", { time: clock(ms) })}
      data-testid={testId}
      data-ms={ms}
    >
      <span className="mr-2 tabular-nums text-indigo-300">▶ {clock(ms)}</span>“{text}”
    </button>
  );
}

/** Checklist items, covered ones with the words that covered them. */
export function Checklist({ items, onSeek }: { items: ChecklistCoverage[]; onSeek: (ms: number) => void }) {
  const { t } = useI18n();
  return (
    <ul className="space-y-2" data-testid="recap-checklist">
      {items.map((item) => (
        <li key={item.item} data-testid="recap-checklist-item" data-covered={item.covered}>
          <div className="flex items-center gap-2 text-sm">
            <span className={`flex h-5 w-5 shrink-0 items-center justify-center rounded-full text-xs ${item.covered ? "bg-emerald-500/25 text-emerald-200" : "bg-white/10 text-white/60"}`} aria-hidden>
              {item.covered ? "✓" : "·"}
            </span>
            <span className={item.covered ? "" : "text-white/55"}>{item.title}</span>
            <span className="sr-only">{item.covered ? t("recap.covered") : t("recap.notCovered")}</span>
          </div>
          {item.evidence && <Evidence text={item.evidence.text} ms={item.evidence.start_ms} onSeek={onSeek} testId="checklist-evidence" />}
        </li>
      ))}
    </ul>
  );
}

function Chip({ on, yes, no }: { on: boolean; yes: string; no?: string }) {
  if (!on && !no) return null;
  return <span className={`rounded-full px-2 py-0.5 text-[11px] ${on ? "bg-emerald-500/15 text-emerald-200" : "bg-white/10 text-white/50"}`}>{on ? yes : no}</span>;
}

/** Objections raised, their battle cards and what became of them. */
export function BattleCards({ objections, onSeek }: { objections: ObjectionOutcome[]; onSeek: (ms: number) => void }) {
  const { t } = useI18n();
  if (objections.length === 0) return <p className="text-sm text-white/50">{t("recap.noObjections")}</p>;
  return (
    <div className="space-y-3">
      <ul className="space-y-3" data-testid="recap-objections">
        {objections.map((o) => (
          <li key={`${o.objection}-${o.evidence.segment_id}`} data-testid="recap-objection" data-objection={o.objection} data-presented={o.card_presented} data-handled={o.handled}>
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <span className="font-medium">{o.title}</span>
              <Chip on={o.card_shown} yes={t("recap.card.shown")} />
              <Chip on={o.card_presented} yes={t("recap.card.presented")} no={t("recap.card.notPresented")} />
              <Chip on={o.handled} yes={t("recap.card.handled")} no={t("recap.card.notHandled")} />
            </div>
            <Evidence text={o.evidence.text} ms={o.evidence.start_ms} onSeek={onSeek} testId="objection-evidence" />
          </li>
        ))}
      </ul>
      <p className="text-[11px] text-white/60">{t("recap.card.handledRule")}</p>
    </div>
  );
}

/** Per-participant talk statistics. */
export function SpeakerTable({ speakers }: { speakers: SpeakerStats[] }) {
  const { t } = useI18n();
  return (
    <table className="w-full text-sm [&_th]:align-bottom [&_td]:px-2 [&_td:first-child]:pl-0 [&_td:last-child]:pr-0 [&_th]:px-2 [&_th:first-child]:pl-0 [&_th:last-child]:pr-0" data-testid="recap-speakers">
      <thead className="text-left text-xs uppercase tracking-wide text-white/60">
        <tr>
          <th className="py-1 font-medium">{t("recap.speakers")}</th>
          <th className="py-1 text-right font-medium">{t("recap.col.talk")}</th>
          <th className="py-1 text-right font-medium">{t("recap.col.wpm")}</th>
          <th className="py-1 text-right font-medium">{t("recap.col.words")}</th>
          <th className="py-1 text-right font-medium">{t("recap.col.questions")}</th>
          <th className="py-1 text-right align-bottom font-medium">{t("recap.col.monologue")}</th>
        </tr>
      </thead>
      <tbody className="tabular-nums">
        {speakers.map((s) => (
          <tr key={s.speaker} className="border-t border-white/5">
            <td className="py-1.5">
              {s.name} <span className="text-xs text-white/60">{t(s.side === "seller" ? "recap.seller" : "recap.guest")}</span>
            </td>
            <td className="py-1.5 text-right">{s.talk_pct.toFixed(0)}%</td>
            <td className="py-1.5 text-right">{s.wpm != null ? Math.round(s.wpm) : "—"}</td>
            <td className="py-1.5 text-right">{s.words}</td>
            <td className="py-1.5 text-right">{s.questions}</td>
            <td className="py-1.5 text-right">{clock(s.longest_monologue_ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Summary, next steps and action items (who, by when). */
export function Notes({ summary, nextSteps, actions, method }: { summary: string; nextSteps: string[]; actions: ActionItem[]; method: string }) {
  const { t } = useI18n();
  return (
    <div className="space-y-4 text-sm" data-testid="recap-notes">
      <div>
        <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-white/50">{t("recap.summary")}</h3>
        <p className="whitespace-pre-line leading-relaxed text-white/85">{summary}</p>
        <p className="mt-1 text-[11px] text-white/60">{method.startsWith("llm:") ? t("recap.method.llm", { model: method.slice(4) }) : t("recap.method.extractive")}</p>
      </div>
      {nextSteps.length > 0 && (
        <div>
          <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-white/50">{t("recap.nextSteps")}</h3>
          <ul className="list-disc space-y-1 pl-5">{nextSteps.map((s, i) => <li key={i}>{s}</li>)}</ul>
        </div>
      )}
      {actions.length > 0 && (
        <div>
          <h3 className="mb-1 text-xs font-medium uppercase tracking-wide text-white/50">{t("recap.actionItems")}</h3>
          <ul className="space-y-1" data-testid="recap-actions">
            {actions.map((a, i) => (
              <li key={i} className="flex flex-wrap items-baseline gap-2">
                <span>☐ {a.text}</span>
                {a.owner && <span className="rounded-full bg-white/10 px-2 text-xs">{a.owner}</span>}
                {(a.due_date ?? a.due) && <span className="text-xs text-amber-200/80">{t("recap.due", { due: a.due_date ?? a.due ?? "" })}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
