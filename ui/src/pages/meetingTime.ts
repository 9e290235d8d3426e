/**
 * Whole minutes from `now` (ms since the epoch) until `startsAt` (ISO 8601), rounded up, or
 * null once the start has passed.
 */
export function minutesUntil(startsAt: string, now: number): number | null {
  const ms = new Date(startsAt).getTime() - now;
  return ms > 0 ? Math.ceil(ms / 60_000) : null;
}

/** `minutes` as people say it: "45 min", "2 h 5 min", "3 h" (the units read the same in EN and IT). */
export function spell(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}
