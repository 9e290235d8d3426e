/**
 * A month as a calendar page: weeks from Monday to Sunday (as in Italy and most of Europe; the
 * booking page's readers), each day as `YYYY-MM-DD`, or null where the page shows another
 * month's day. `month` is `YYYY-MM`.
 */
export function monthWeeks(month: string): (string | null)[][] {
  const [year, m] = month.split("-").map(Number);
  const first = new Date(Date.UTC(year, m - 1, 1));
  const days = new Date(Date.UTC(year, m, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday = 0
  const cells: (string | null)[] = Array.from({ length: lead }, () => null);
  for (let d = 1; d <= days; d++) cells.push(`${month}-${String(d).padStart(2, "0")}`);
  while (cells.length % 7 !== 0) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
}

/** The month `delta` months after `month` (`YYYY-MM`). */
export function addMonths(month: string, delta: number): string {
  const [year, m] = month.split("-").map(Number);
  const d = new Date(Date.UTC(year, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The days a month's slots are asked for: from `today` (or the 1st, if later) to the month's end. */
export function monthRange(month: string, today: string): { from: string; to: string } {
  const weeks = monthWeeks(month).flat().filter((d): d is string => d !== null);
  const first = weeks[0];
  return { from: today > first ? today : first, to: weeks[weeks.length - 1] };
}

/** Weekday names from Monday, short, in `lang`. */
export function weekdayNames(lang: string): string[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i, 12)).toLocaleDateString(lang, { weekday: "short", timeZone: "UTC" }));
}
