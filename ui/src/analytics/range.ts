/**
 * The dashboard's filters as the query string of `GET /api/analytics`. Dates are calendar
 * days (`YYYY-MM-DD`); the backend reads `from` as that day's start and `to` as that day's end
 * (UTC), so a one-day range is `from = to`.
 */
export type AnalyticsFilter = { from: string; to: string; seller?: string; playbook?: string };

/** Default range: the 30 days up to and including `today`. */
export function defaultFilter(today: Date): AnalyticsFilter {
  const from = new Date(today);
  from.setDate(from.getDate() - 29);
  return { from: day(from), to: day(today) };
}

function day(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** `?from=…&to=…[&seller=…][&playbook=…]`; empty filters are left out. */
export function analyticsQuery(filter: AnalyticsFilter): string {
  const params = new URLSearchParams({ from: filter.from, to: filter.to });
  if (filter.seller) params.set("seller", filter.seller);
  if (filter.playbook) params.set("playbook", filter.playbook);
  return `?${params}`;
}

/** The range is usable: both days set and `from` not after `to`. */
export function validRange(filter: AnalyticsFilter): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(filter.from) && /^\d{4}-\d{2}-\d{2}$/.test(filter.to) && filter.from <= filter.to;
}

/** Widths of the battle-card funnel's bars, percent of the first step (0 when nothing shown). */
export function funnelWidths(steps: readonly number[]): number[] {
  const first = steps[0] ?? 0;
  return steps.map((n) => (first > 0 ? Math.round((n / first) * 1000) / 10 : 0));
}
