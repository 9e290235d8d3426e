/** The browser's IANA time zone (falls back to UTC). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export function formatTime(iso: string, lang: string, timeZone?: string): string {
  return new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", timeZone });
}

export function formatDateTime(iso: string, lang: string, timeZone?: string): string {
  return new Date(iso).toLocaleString(lang, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  });
}

/** `YYYY-MM-DD` of a Date in local time. */
export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

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

/**
 * How long a call lasted, in whole minutes (at least 1), from when it really began to when it
 * ended (ISO 8601, `Meeting.started_at` / `ended_at`); null while either is unknown.
 */
export function callMinutes(startedAt: string | undefined, endedAt: string | undefined): number | null {
  if (!startedAt || !endedAt) return null;
  const ms = new Date(endedAt).getTime() - new Date(startedAt).getTime();
  return ms >= 0 ? Math.max(1, Math.round(ms / 60_000)) : null;
}
