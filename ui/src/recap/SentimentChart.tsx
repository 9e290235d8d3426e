import { useMemo } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { SentimentPoint } from "../bindings/SentimentPoint";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/messages";
import { clock } from "./sync";
import { sentimentSeries, seekTarget, type ChartDatum } from "./timeline";

/** Line colours per prospect, in series order; the seller's line is grey and dashed. */
const COLORS = ["#818cf8", "#2dd4bf", "#f472b6", "#fbbf24", "#a3e635", "#38bdf8"];
const SELLER = "#94a3b8";
const DIP = "#f43f5e";

/**
 * Sentiment of each participant over the call (step lines: a score holds until the next
 * utterance moves it), the player's position as a vertical line, and every point clickable:
 * it seeks the player to the utterance that moved the sentiment. Dips are drawn red and also
 * listed as buttons under the chart.
 */
export function SentimentChart({
  points,
  names,
  sellers,
  durationMs,
  currentMs,
  onSeek,
}: {
  points: SentimentPoint[];
  names: ReadonlyMap<string, string>;
  /** Identities on the seller's side: drawn apart, with no dips. */
  sellers: ReadonlySet<string>;
  durationMs: number;
  currentMs: number;
  onSeek: (ms: number) => void;
}) {
  const { t } = useI18n();
  const series = useMemo(() => sentimentSeries(points, names, sellers), [points, names, sellers]);
  const prospects = series.filter((s) => !s.seller);
  const color = (s: (typeof series)[number]) => (s.seller ? SELLER : COLORS[prospects.indexOf(s) % COLORS.length]);
  if (series.length === 0) return <p className="text-sm text-white/50">{t("recap.noSentiment")}</p>;
  const end = Math.max(durationMs, ...series.flatMap((s) => s.data.map((d) => d.ms))) / 1000;
  const dips = series.flatMap((s) => s.data.filter((d) => d.dip).map((d) => ({ ...d, name: s.name })));
  dips.sort((a, b) => a.ms - b.ms);
  const scoreLabel = (score: number) => (score >= 0.5 ? t("sentiment.positive") : score > -0.3 ? t("sentiment.neutral") : score > -0.8 ? t("sentiment.negative") : t("sentiment.irritated"));

  return (
    <div data-testid="sentiment-chart">
      <div className="h-56 w-full overflow-hidden [&_*:focus:not(:focus-visible)]:outline-none">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="rgba(255,255,255,0.06)" />
            <XAxis type="number" dataKey="t" domain={[0, Math.ceil(end)]} tickFormatter={(s: number) => clock(s * 1000)} stroke="rgba(255,255,255,0.45)" fontSize={11} />
            <YAxis domain={[-1, 1]} ticks={[-1, 0, 1]} width={70} tickFormatter={scoreLabel} stroke="rgba(255,255,255,0.45)" fontSize={11} />
            <ReferenceLine y={0} stroke="rgba(255,255,255,0.2)" />
            <ReferenceLine x={currentMs / 1000} stroke="#fcd34d" strokeWidth={1.5} ifOverflow="extendDomain" />
            <Tooltip
              cursor={false}
              contentStyle={{ background: "#0f172a", border: "1px solid rgba(255,255,255,0.15)", borderRadius: 8, fontSize: 12 }}
              labelFormatter={(s) => clock(Number(s) * 1000)}
              formatter={(value, name, item) => [`${Number(value).toFixed(2)} · ${t(`sentiment.${(item.payload as ChartDatum).label}` as MessageKey)}`, name]}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {series.map((s) => (
              <Line
                key={s.speaker}
                data={s.data}
                dataKey="score"
                name={s.seller ? t("recap.sellerLine", { name: s.name }) : s.name}
                type="stepAfter"
                stroke={color(s)}
                strokeDasharray={s.seller ? "5 4" : undefined}
                strokeWidth={s.seller ? 1.5 : 2}
                isAnimationActive={false}
                activeDot={false}
                dot={(props) => {
                  const d = props.payload as ChartDatum;
                  return (
                    <g
                      key={`${s.speaker}-${props.index}`}
                      data-testid="sentiment-point"
                      data-speaker={s.speaker}
                      data-ms={d.ms}
                      data-segment={d.segmentId}
                      data-dip={d.dip}
                      data-score={d.score}
                      style={{ cursor: "pointer" }}
                      onClick={() => onSeek(seekTarget(d))}
                    >
                      <circle cx={props.cx} cy={props.cy} r={11} fill="transparent" />
                      <circle cx={props.cx} cy={props.cy} r={d.dip ? 5 : 3.5} fill={d.dip ? DIP : color(s)} stroke="#0f172a" strokeWidth={1.5} />
                    </g>
                  );
                }}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="mt-2 text-xs text-white/60">{t("recap.sentimentHint")}</p>
      {dips.length > 0 && (
        <div className="mt-2 flex flex-wrap items-center gap-2 text-xs">
          <span className="text-white/50">{t("recap.dips")}:</span>
          {dips.map((d) => (
            <button
              key={`${d.segmentId}-${d.ms}`}
              type="button"
              onClick={() => onSeek(seekTarget(d))}
              className="rounded-full bg-rose-500/15 px-2 py-0.5 text-rose-200 hover:bg-rose-500/25"
              data-testid="sentiment-dip"
              data-ms={d.ms}
            >
              {t("recap.dipAt", { name: d.name, time: clock(d.ms) })}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
