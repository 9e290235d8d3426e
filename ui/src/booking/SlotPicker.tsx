import { useEffect, useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Slot } from "../bindings/Slot";
import { useI18n } from "../i18n";
import { isoDay } from "../lib/time";
import { Button, ErrorText, Spinner } from "../components/ui";
import { addMonths, monthRange, monthWeeks, weekdayNames } from "./calendar";

export type SlotPickerProps = {
  /** Names the slot source in the query cache (e.g. `["book", slug, type]`). */
  cacheKey: unknown[];
  /** Free slots between two days (`YYYY-MM-DD`, inclusive) of `timeZone`. */
  load: (from: string, to: string, timeZone: string) => Promise<Slot[]>;
  /** IANA zone the days and times are shown in. */
  timeZone: string;
  selected: Slot | null;
  onPick: (slot: Slot) => void;
};

/**
 * Calendly's picker: a month whose days with free times stand out, then the chosen day's times.
 * Opens on the first day that has any; "Later" moves a month on when this one is full.
 */
export function SlotPicker({ cacheKey, load, timeZone, selected, onPick }: SlotPickerProps) {
  const { t, lang } = useI18n();
  const today = isoDay(new Date());
  const thisMonth = today.slice(0, 7);
  const [month, setMonth] = useState(thisMonth);
  const [day, setDay] = useState<string | null>(null);
  const range = monthRange(month, today);
  const slots = useQuery({
    queryKey: [...cacheKey, "slots", month, timeZone],
    queryFn: () => load(range.from, range.to, timeZone),
  });
  const byDay = useMemo(() => {
    const groups = new Map<string, Slot[]>();
    for (const s of slots.data ?? []) {
      const d = s.local_start.slice(0, 10);
      groups.set(d, [...(groups.get(d) ?? []), s]);
    }
    return groups;
  }, [slots.data]);
  // The first day with times is chosen for the reader, as Calendly does.
  useEffect(() => {
    if (slots.data && (day === null || !byDay.has(day))) setDay(byDay.keys().next().value ?? null);
  }, [slots.data, byDay, day]);

  const monthName = new Date(`${month}-15T12:00:00Z`).toLocaleDateString(lang, { month: "long", year: "numeric", timeZone: "UTC" });
  const dayName = (d: string) => new Date(`${d}T12:00:00Z`).toLocaleDateString(lang, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
  const times = day ? byDay.get(day) ?? [] : [];

  return (
    <div className="grid gap-6 md:grid-cols-[minmax(0,1fr)_13rem]" data-testid="slot-picker">
      <div data-testid="booking-calendar" data-month={month}>
        <div className="mb-3 flex items-center gap-2">
          <Button variant="ghost" disabled={month <= thisMonth} onClick={() => setMonth(addMonths(month, -1))} aria-label={t("book.earlier")}>←</Button>
          <span className="flex-1 text-center font-medium capitalize" data-testid="calendar-month">{monthName}</span>
          <Button variant="ghost" onClick={() => setMonth(addMonths(month, 1))} aria-label={t("book.later")}>→</Button>
        </div>
        <div className="grid grid-cols-7 gap-1 text-center text-xs text-white/60">
          {weekdayNames(lang).map((w) => (
            <span key={w} className="py-1 capitalize">{w}</span>
          ))}
        </div>
        <div className="grid grid-cols-7 gap-1" role="group" aria-label={monthName}>
          {monthWeeks(month).flat().map((d, i) => {
            if (!d) return <span key={`pad-${i}`} />;
            const open = byDay.has(d);
            const chosen = d === day;
            return (
              <button
                key={d}
                type="button"
                disabled={!open}
                onClick={() => setDay(d)}
                aria-pressed={chosen}
                aria-label={dayName(d)}
                className={`mx-auto flex aspect-square w-full max-w-11 items-center justify-center rounded-full text-sm ${
                  chosen ? "bg-indigo-600 font-semibold text-white" : open ? "bg-indigo-500/15 font-semibold text-indigo-200 hover:bg-indigo-500/30" : "text-white/25"
                }`}
                data-testid="calendar-day"
                data-day={d}
                data-open={open}
              >
                {Number(d.slice(8))}
              </button>
            );
          })}
        </div>
        {slots.isLoading && <Spinner className="mt-3" />}
        <ErrorText error={slots.error} />
        {slots.data && slots.data.length === 0 && <p className="mt-3 text-sm text-white/50" data-testid="no-slots">{t("book.noSlots")}</p>}
      </div>
      {day && (
        <div className="space-y-2" data-testid="day-times">
          <div className="text-sm font-medium first-letter:uppercase">{dayName(day)}</div>
          {times.map((s) => (
            <button
              key={s.start}
              type="button"
              onClick={() => onPick(s)}
              className={`block w-full rounded-lg border px-3 py-2 text-sm font-medium ${
                selected?.start === s.start ? "border-indigo-400 bg-indigo-600 text-white" : "border-indigo-400/40 text-indigo-100 hover:border-indigo-300 hover:bg-indigo-500/10"
              }`}
              data-testid="slot"
            >
              {s.local_start.slice(11, 16)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
