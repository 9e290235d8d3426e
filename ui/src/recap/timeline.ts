/**
 * The sentiment timeline as chart series: one series per participant, x in seconds on the
 * meeting's audio axis, y the sentiment score (−1 irritated … +1 positive). Every datum keeps
 * the start of the utterance that moved the sentiment, which is where clicking it seeks.
 */

/** What the chart needs of a sentiment point (`SentimentPoint` over the wire). */
export type SentimentInput = { speaker: string; score: number; start_ms: number; segment_id: string; label: string };

/** One plotted point. */
export type ChartDatum = {
  /** x: seconds from the start of the call. */
  t: number;
  /** y: −1 … +1. */
  score: number;
  /** Seek target: start of the utterance that moved the sentiment, ms. */
  ms: number;
  segmentId: string;
  label: string;
  /** The sentiment dropped here (see [`isDip`]). */
  dip: boolean;
};

/** One participant's line; `seller` for the call's seller side (drawn apart, never a dip). */
export type ChartSeries = { speaker: string; name: string; seller: boolean; data: ChartDatum[] };

/**
 * A point is a dip when its score is below the same participant's previous score, or, for
 * their first point, below neutral (0): everyone starts the call neutral.
 */
export function isDip(score: number, previous: number | undefined): boolean {
  return score < (previous ?? 0);
}

/**
 * Groups `points` by participant (in the order of `names`, then of first appearance), sorts
 * each by time and marks dips. A participant's points at the same instant (one utterance
 * finalized as several segments) become one point, the last of them: two dots on the same spot
 * would hide one another. `names` maps identities to display names; `sellers` are the
 * identities on the seller's side, whose lines carry no dips: a dip is the prospect's reaction
 * a manager reviews, and a seller's drop in tone ("I hear you, that is frustrating") is not one.
 */
export function sentimentSeries(points: readonly SentimentInput[], names: ReadonlyMap<string, string>, sellers: ReadonlySet<string> = new Set()): ChartSeries[] {
  const bySpeaker = new Map<string, SentimentInput[]>();
  for (const speaker of names.keys()) bySpeaker.set(speaker, []);
  for (const p of points) {
    const list = bySpeaker.get(p.speaker);
    if (list) list.push(p);
    else bySpeaker.set(p.speaker, [p]);
  }
  const series: ChartSeries[] = [];
  for (const [speaker, list] of bySpeaker) {
    if (list.length === 0) continue;
    const sorted = [...list]
      .sort((a, b) => a.start_ms - b.start_ms)
      .filter((p, i, all) => i + 1 === all.length || all[i + 1].start_ms !== p.start_ms);
    const data = sorted.map((p, i) => ({
      t: p.start_ms / 1000,
      score: p.score,
      ms: p.start_ms,
      segmentId: p.segment_id,
      label: p.label,
      dip: !sellers.has(speaker) && isDip(p.score, i > 0 ? sorted[i - 1].score : undefined),
    }));
    series.push({ speaker, name: names.get(speaker) ?? speaker, seller: sellers.has(speaker), data });
  }
  return series;
}

/** Where the player goes when a chart point is clicked, ms. */
export function seekTarget(datum: Pick<ChartDatum, "ms">): number {
  return Math.max(0, datum.ms);
}
