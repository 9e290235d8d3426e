import type { ReactNode } from "react";
import type { Kpis } from "../bindings/Kpis";
import type { SpeakerStats } from "../bindings/SpeakerStats";
import { useI18n } from "../i18n";
import { clock } from "./sync";

/** Where a pace sits against the comfortable band. */
export type PaceVerdict = "slow" | "ok" | "fast";

/** `slow` below `min`, `fast` above `max`, else `ok` (bounds inclusive), all in wpm. */
export function paceVerdict(wpm: number, min: number, max: number): PaceVerdict {
  return wpm < min ? "slow" : wpm > max ? "fast" : "ok";
}

/** Range of the pace gauge, wpm: wide enough for any speaker we have heard. */
const PACE_SCALE: [number, number] = [60, 240];
const pctOf = (v: number, [lo, hi]: [number, number]) => Math.min(100, Math.max(0, ((v - lo) / (hi - lo)) * 100));

export function KpiCard({ title, value, detail, children, testId }: { title: string; value: ReactNode; detail?: ReactNode; children?: ReactNode; testId?: string }) {
  return (
    <div className="rounded-2xl border border-white/10 bg-white/[0.04] p-4" data-testid={testId}>
      <div className="text-xs font-medium uppercase tracking-wide text-white/50">{title}</div>
      <div className="mt-1 text-2xl font-semibold tabular-nums">{value}</div>
      {detail && <div className="mt-0.5 text-xs text-white/55">{detail}</div>}
      {children && <div className="mt-3">{children}</div>}
    </div>
  );
}

/** Seller vs guests as one bar with a tick at the benchmark share (percent). */
export function TalkBar({ seller, benchmark }: { seller: number; benchmark: number }) {
  return (
    <div className="relative h-3 overflow-visible rounded-full bg-teal-400/40" aria-hidden>
      <div className="h-full rounded-l-full bg-indigo-400" style={{ width: `${Math.min(100, Math.max(0, seller))}%` }} />
      <div className="absolute -top-1 h-5 w-0.5 bg-white" style={{ left: `${benchmark}%` }} title={`${benchmark}%`} />
    </div>
  );
}

/** A wpm scale with the comfortable band shaded and a marker at `wpm`. */
export function PaceGauge({ wpm, min, max }: { wpm: number; min: number; max: number }) {
  return (
    <div className="relative h-3 rounded-full bg-white/10" aria-hidden>
      <div className="absolute h-full rounded-full bg-emerald-400/35" style={{ left: `${pctOf(min, PACE_SCALE)}%`, width: `${pctOf(max, PACE_SCALE) - pctOf(min, PACE_SCALE)}%` }} />
      <div className="absolute -top-1 h-5 w-1 -translate-x-1/2 rounded bg-white" style={{ left: `${pctOf(wpm, PACE_SCALE)}%` }} />
    </div>
  );
}

/** The call's headline numbers with their benchmark bands. */
export function KpiCards({ kpis, speakers }: { kpis: Kpis; speakers: SpeakerStats[] }) {
  const { t } = useI18n();
  const b = kpis.benchmarks;
  const seller = Math.round(kpis.seller_talk_pct);
  const delta = Math.round(kpis.seller_talk_pct - b.seller_talk_pct);
  const monologueBy = speakers.find((s) => s.speaker === kpis.longest_monologue_speaker)?.name ?? kpis.longest_monologue_speaker;
  const verdict = kpis.seller_wpm != null ? paceVerdict(kpis.seller_wpm, b.wpm_min, b.wpm_max) : null;
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="kpi-cards">
      <KpiCard
        testId="kpi-talk"
        title={t("recap.talkRatio")}
        value={`${seller}:${100 - seller}`}
        detail={delta === 0 ? t("recap.talkRatio.on") : t(delta > 0 ? "recap.talkRatio.over" : "recap.talkRatio.under", { points: Math.abs(delta), pct: b.seller_talk_pct })}
      >
        <TalkBar seller={kpis.seller_talk_pct} benchmark={b.seller_talk_pct} />
        <p className="mt-2 text-[11px] leading-snug text-white/60">{t("recap.talkRatio.benchmark")}</p>
      </KpiCard>
      <KpiCard
        testId="kpi-pace"
        title={t("recap.pace")}
        value={kpis.seller_wpm != null ? `${Math.round(kpis.seller_wpm)} wpm` : "—"}
        detail={verdict ? t(`recap.pace.${verdict}`) : t("recap.pace.unknown")}
      >
        {kpis.seller_wpm != null && <PaceGauge wpm={kpis.seller_wpm} min={b.wpm_min} max={b.wpm_max} />}
        <p className="mt-2 text-[11px] text-white/60">{t("recap.pace.band", { min: b.wpm_min, max: b.wpm_max })}</p>
      </KpiCard>
      <KpiCard
        testId="kpi-adherence"
        title={t("recap.adherence")}
        value={`${Math.round(kpis.script_adherence_pct)}%`}
        detail={t("recap.adherence.items", { covered: kpis.items_covered, total: kpis.items_total })}
      >
        <div className="h-3 rounded-full bg-white/10" aria-hidden>
          <div className="h-full rounded-full bg-indigo-400" style={{ width: `${Math.min(100, kpis.script_adherence_pct)}%` }} />
        </div>
      </KpiCard>
      <KpiCard
        testId="kpi-objections"
        title={t("recap.objectionsHandled")}
        value={kpis.objections_raised > 0 ? `${Math.round((kpis.objections_handled / kpis.objections_raised) * 100)}%` : "—"}
        detail={t("recap.objectionsHandled.of", { handled: kpis.objections_handled, raised: kpis.objections_raised })}
      />
      <KpiCard testId="kpi-questions" title={t("recap.questions")} value={kpis.seller_questions} />
      <KpiCard
        testId="kpi-monologue"
        title={t("recap.monologue")}
        value={clock(kpis.longest_monologue_ms)}
        detail={monologueBy ? t("recap.monologue.by", { name: monologueBy }) : undefined}
      />
      <KpiCard
        testId="kpi-sentiment"
        title={t("recap.guestSentiment")}
        value={kpis.sentiment_score != null ? `${kpis.sentiment_score > 0 ? "+" : ""}${kpis.sentiment_score.toFixed(2)}` : "—"}
        detail={t("an.sentimentHint")}
      />
      <KpiCard testId="kpi-duration" title={t("recap.duration")} value={clock(kpis.duration_ms)} />
    </div>
  );
}
