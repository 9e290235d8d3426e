import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Aggregate } from "../bindings/Aggregate";
import type { Analytics } from "../bindings/Analytics";
import type { Benchmarks } from "../bindings/Benchmarks";
import type { User } from "../bindings/User";
import { api } from "../api/client";
import { fetchBlob, saveBlob } from "../api/download";
import { useUser } from "../api/auth";
import { usePlaybooks } from "../api/queries";
import { useI18n } from "../i18n";
import { Button, Card, ErrorText, Field, Input, Select, Spinner } from "../components/ui";
import { KpiCard, PaceGauge, TalkBar } from "../recap/KpiCards";
import { analyticsQuery, defaultFilter, funnelWidths, validRange, type AnalyticsFilter } from "./range";

const pct = (v: number | undefined) => (v == null ? "—" : `${Math.round(v)}%`);
const num = (v: number | undefined, digits = 0) => (v == null ? "—" : v.toFixed(digits));

/**
 * `/console/analytics`: per team and per seller over a date range, filtered by seller and
 * playbook: meetings held/booked, adherence, talk share, pace, questions, sentiment, objections
 * by category with handled rate, the battle-card funnel and (for managers) the leaderboard.
 */
export default function AnalyticsPage() {
  const { t } = useI18n();
  const user = useUser();
  const manager = user?.role !== "seller";
  const [filter, setFilter] = useState<AnalyticsFilter>(() => defaultFilter(new Date()));
  const playbooks = usePlaybooks();
  const users = useQuery({ queryKey: ["users"], queryFn: () => api<User[]>("/api/users"), enabled: manager });
  const ok = validRange(filter);
  const analytics = useQuery({
    queryKey: ["analytics", filter],
    queryFn: () => api<Analytics>(`/api/analytics${analyticsQuery(filter)}`),
    enabled: ok,
  });
  const set = (patch: Partial<AnalyticsFilter>) => setFilter((f) => ({ ...f, ...patch }));
  const a = analytics.data;
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const blob = await fetchBlob(`/api/analytics/export.csv${analyticsQuery(filter)}`);
      await saveBlob(blob, `closer-analytics-${filter.from}-${filter.to}.csv`, t("an.exportCsv"));
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="space-y-6" data-testid="analytics-page">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t("an.title")}</h1>
        <Button variant="secondary" className="ml-auto" disabled={!ok || exporting} onClick={() => void exportCsv()} data-testid="an-export">
          {exporting && <Spinner className="h-4 w-4" />} {t("an.exportCsv")}
        </Button>
      </div>
      <ErrorText error={exportError} />
      <div className="grid gap-3 sm:grid-cols-4">
        <Field label={t("an.from")}>
          <Input type="date" value={filter.from} onChange={(e) => set({ from: e.target.value })} data-testid="an-from" />
        </Field>
        <Field label={t("an.to")}>
          <Input type="date" value={filter.to} onChange={(e) => set({ to: e.target.value })} data-testid="an-to" />
        </Field>
        {manager && (
          <Field label={t("an.seller")}>
            <Select value={filter.seller ?? ""} onChange={(e) => set({ seller: e.target.value || undefined })} data-testid="an-seller">
              <option value="">{t("an.allSellers")}</option>
              {users.data?.map((u) => <option key={u.id} value={u.id}>{u.display_name}</option>)}
            </Select>
          </Field>
        )}
        <Field label={t("an.playbook")}>
          <Select value={filter.playbook ?? ""} onChange={(e) => set({ playbook: e.target.value || undefined })} data-testid="an-playbook">
            <option value="">{t("an.allPlaybooks")}</option>
            {playbooks.data?.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </Select>
        </Field>
      </div>
      {!ok && <p className="text-sm text-rose-300" role="alert">{t("an.badRange")}</p>}
      {analytics.isLoading && <Spinner />}
      <ErrorText error={analytics.error} />
      {a && (
        <>
          <TeamCards team={a.team} benchmarks={a.benchmarks} />
          {a.team.meetings_scheduled === 0 && <p className="text-white/50" data-testid="an-empty">{t("an.empty")}</p>}
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <Card>
              <h2 className="mb-3 font-semibold">{t("an.objections")}</h2>
              <Objections analytics={a} />
            </Card>
            <Card>
              <h2 className="mb-3 font-semibold">{t("an.funnel")}</h2>
              <Funnel analytics={a} />
            </Card>
          </div>
          <Card>
            <h2 className="mb-3 font-semibold">{t("an.sellers")}</h2>
            <Sellers analytics={a} />
          </Card>
          {manager && a.leaderboard.length > 0 && (
            <Card>
              <h2 className="mb-1 font-semibold">{t("an.leaderboard")}</h2>
              <p className="mb-3 text-xs text-white/60">{t("an.scoreHint")}</p>
              <ol className="space-y-2" data-testid="an-leaderboard">
                {a.leaderboard.map((e) => (
                  <li key={e.seller_id} className="flex items-center gap-3 text-sm" data-testid="an-leader" data-seller={e.seller_id}>
                    <span className={`flex h-7 w-7 items-center justify-center rounded-full text-xs font-bold ${e.rank === 1 ? "bg-amber-400/25 text-amber-200" : "bg-white/10"}`}>{e.rank}</span>
                    <span className="flex-1 font-medium">{e.name}</span>
                    <span className="w-40"><span className="block h-2 rounded-full bg-indigo-400" style={{ width: `${Math.max(2, e.score)}%` }} /></span>
                    <span className="w-12 text-right tabular-nums">{Math.round(e.score)}</span>
                    <span className="w-20 text-right text-xs text-white/50">{e.meetings_held} {t("an.meetings").toLowerCase()}</span>
                  </li>
                ))}
              </ol>
            </Card>
          )}
        </>
      )}
    </div>
  );
}

function TeamCards({ team, benchmarks: b }: { team: Aggregate; benchmarks: Benchmarks }) {
  const { t } = useI18n();
  return (
    <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="an-team">
      <KpiCard testId="an-held" title={t("an.held")} value={team.meetings_held} detail={t("an.heldOf", { scheduled: team.meetings_scheduled, processed: team.meetings_processed })} />
      <KpiCard testId="an-booked" title={t("an.booked")} value={team.meetings_booked} detail={t("an.bookedHint")} />
      <KpiCard testId="an-adherence" title={t("an.adherence")} value={pct(team.avg_adherence_pct)} />
      <KpiCard
        testId="an-handled"
        title={t("an.handledRate")}
        value={pct(team.handled_rate_pct)}
        detail={t("an.handledOf", { handled: team.objections_handled, raised: team.objections_raised })}
      />
      <KpiCard testId="an-talk" title={t("an.talk")} value={pct(team.avg_seller_talk_pct)} detail={t("an.talkBenchmark", { pct: b.seller_talk_pct })}>
        {team.avg_seller_talk_pct != null && <TalkBar seller={team.avg_seller_talk_pct} benchmark={b.seller_talk_pct} />}
      </KpiCard>
      <KpiCard testId="an-wpm" title={t("an.wpm")} value={team.avg_seller_wpm != null ? `${Math.round(team.avg_seller_wpm)} wpm` : "—"} detail={t("an.wpmBand", { min: b.wpm_min, max: b.wpm_max })}>
        {team.avg_seller_wpm != null && <PaceGauge wpm={team.avg_seller_wpm} min={b.wpm_min} max={b.wpm_max} />}
      </KpiCard>
      <KpiCard testId="an-questions" title={t("an.questions")} value={num(team.avg_seller_questions, 1)} />
      <KpiCard testId="an-sentiment" title={t("an.sentiment")} value={num(team.avg_sentiment, 2)} detail={t("an.sentimentHint")} />
    </div>
  );
}

function Objections({ analytics }: { analytics: Analytics }) {
  const { t } = useI18n();
  if (analytics.objections.length === 0) return <p className="text-sm text-white/50">{t("recap.noObjections")}</p>;
  const data = analytics.objections.map((o) => ({ title: o.title, raised: o.raised, handled: o.handled }));
  return (
    <div className="space-y-3">
      <div style={{ height: 40 + data.length * 44 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ left: 0, right: 12 }}>
            <CartesianGrid stroke="rgba(255,255,255,0.06)" horizontal={false} />
            <XAxis type="number" allowDecimals={false} stroke="rgba(255,255,255,0.45)" fontSize={11} />
            <YAxis type="category" dataKey="title" width={130} stroke="rgba(255,255,255,0.45)" fontSize={11} />
            <Tooltip cursor={{ fill: "rgba(255,255,255,0.05)" }} contentStyle={{ background: "#0f172a", border: "1px solid rgba(255,255,255,0.15)", borderRadius: 8, fontSize: 12 }} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="raised" name={t("an.raised")} fill="#f472b6" isAnimationActive={false} />
            <Bar dataKey="handled" name={t("an.handled")} fill="#34d399" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm [&_th]:align-bottom [&_td]:px-2 [&_td:first-child]:pl-0 [&_td:last-child]:pr-0 [&_th]:px-2 [&_th:first-child]:pl-0 [&_th:last-child]:pr-0" data-testid="an-objections">
          <thead className="text-left text-xs uppercase tracking-wide text-white/60">
            <tr>
              <th className="py-1 font-medium" />
              <th className="py-1 text-right font-medium">{t("an.raised")}</th>
              <th className="py-1 text-right font-medium">{t("an.handled")}</th>
              <th className="py-1 text-right font-medium">{t("an.presented")}</th>
              <th className="py-1 text-right font-medium">{t("an.rate")}</th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            {analytics.objections.map((o) => (
              <tr key={o.objection} className="border-t border-white/5" data-testid="an-objection" data-objection={o.objection} data-raised={o.raised} data-handled={o.handled}>
                <td className="py-1.5">{o.title}</td>
                <td className="py-1.5 text-right">{o.raised}</td>
                <td className="py-1.5 text-right">{o.handled}</td>
                <td className="py-1.5 text-right">{o.presented}</td>
                <td className="py-1.5 text-right">{pct(o.handled_rate_pct)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Funnel({ analytics }: { analytics: Analytics }) {
  const { t } = useI18n();
  const f = analytics.battle_cards;
  const steps = [
    { key: "shown", label: t("an.funnel.shown"), value: f.shown, color: "bg-indigo-400" },
    { key: "presented", label: t("an.funnel.presented"), value: f.presented, color: "bg-sky-400" },
    { key: "handled", label: t("an.funnel.handled"), value: f.handled, color: "bg-emerald-400" },
  ];
  const widths = funnelWidths(steps.map((s) => s.value));
  return (
    <div className="space-y-3" data-testid="an-funnel">
      {steps.map((s, i) => (
        <div key={s.key} data-testid={`an-funnel-${s.key}`} data-value={s.value}>
          <div className="mb-1 flex justify-between text-sm">
            <span>{s.label}</span>
            <span className="tabular-nums font-semibold">{s.value}</span>
          </div>
          <div className="h-3 rounded-full bg-white/10">
            <div className={`h-full rounded-full ${s.color}`} style={{ width: `${widths[i]}%` }} />
          </div>
        </div>
      ))}
      <p className="text-xs text-white/50">{t("an.funnel.afterPresented", { count: f.handled_after_presented })}</p>
    </div>
  );
}

function Sellers({ analytics }: { analytics: Analytics }) {
  const { t } = useI18n();
  if (analytics.sellers.length === 0) return <p className="text-sm text-white/50">{t("an.empty")}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[640px] text-sm [&_td]:px-2 [&_td:first-child]:pl-0 [&_td:last-child]:pr-0 [&_th]:whitespace-nowrap [&_th]:px-2 [&_th:first-child]:pl-0 [&_th:last-child]:pr-0" data-testid="an-sellers">
        <thead className="text-left text-xs uppercase tracking-wide text-white/60">
          <tr>
            <th className="py-1 font-medium">{t("an.name")}</th>
            <th className="py-1 text-right font-medium">{t("an.col.held")}</th>
            <th className="py-1 text-right font-medium">{t("an.col.booked")}</th>
            <th className="py-1 text-right font-medium">{t("an.col.adherence")}</th>
            <th className="py-1 text-right font-medium">{t("an.col.talk")}</th>
            <th className="py-1 text-right font-medium">wpm</th>
            <th className="py-1 text-right font-medium">{t("an.col.sentiment")}</th>
            <th className="py-1 text-right font-medium">{t("an.col.handled")}</th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {analytics.sellers.map((s) => (
            <tr key={s.seller_id} className="border-t border-white/5" data-testid="an-seller-row" data-seller={s.seller_id}>
              <td className="py-1.5 font-medium">{s.name}</td>
              <td className="py-1.5 text-right" data-testid="an-seller-held">{s.stats.meetings_held}</td>
              <td className="py-1.5 text-right">{s.stats.meetings_booked}</td>
              <td className="py-1.5 text-right" data-testid="an-seller-adherence">{pct(s.stats.avg_adherence_pct)}</td>
              <td className="py-1.5 text-right" data-testid="an-seller-talk">{pct(s.stats.avg_seller_talk_pct)}</td>
              <td className="py-1.5 text-right">{num(s.stats.avg_seller_wpm)}</td>
              <td className="py-1.5 text-right">{num(s.stats.avg_sentiment, 2)}</td>
              <td className="py-1.5 text-right">{pct(s.stats.handled_rate_pct)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
