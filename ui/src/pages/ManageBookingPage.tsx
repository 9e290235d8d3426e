import { useState } from "react";
import { useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Booking } from "../bindings/Booking";
import type { RescheduleRequest } from "../bindings/RescheduleRequest";
import type { Slot } from "../bindings/Slot";
import { api } from "../api/client";
import { useI18n, LanguageSwitch } from "../i18n";
import { browserTimeZone, formatDateTime } from "../lib/time";
import { SlotPicker } from "../booking/SlotPicker";
import { Button, Card, ErrorText, Logo, MessageScreen, Spinner } from "../components/ui";

/**
 * `/booking/:token` — the prospect's manage link from the confirmation e-mail: the booked time,
 * the call's link, moving it to another free time (a month calendar, in the browser's zone)
 * and cancelling it.
 */
export default function ManageBookingPage() {
  const { token = "" } = useParams();
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const tz = browserTimeZone();
  const [moving, setMoving] = useState(false);
  const [slot, setSlot] = useState<Slot | null>(null);
  const booking = useQuery({ queryKey: ["booking", token], queryFn: () => api<Booking>(`/api/bookings/${token}`, { auth: false }), retry: false });
  const cancel = useMutation({
    mutationFn: () => api<Booking>(`/api/bookings/${token}/cancel`, { method: "POST", auth: false }),
    onSuccess: (b) => client.setQueryData(["booking", token], b),
  });
  const reschedule = useMutation({
    mutationFn: (body: RescheduleRequest) => api<Booking>(`/api/bookings/${token}/reschedule`, { method: "POST", body, auth: false }),
    onSuccess: (b) => {
      client.setQueryData(["booking", token], b);
      // The old time is free again and the new one taken: the calendar asks anew next time.
      void client.invalidateQueries({ queryKey: ["manage", token] });
      setMoving(false);
      setSlot(null);
    },
  });
  if (booking.isLoading) return <div className="flex min-h-screen items-center justify-center bg-slate-950"><Spinner /></div>;
  if (!booking.data) return <MessageScreen tone="bad" title={t("book.notFound")} />;
  const b = booking.data;
  if (b.status === "cancelled") return <MessageScreen tone="warn" title={t("book.cancelledBooking")} />;

  return (
    <div className="min-h-screen bg-slate-950 text-white">
      <header className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </header>
      <main className="mx-auto max-w-3xl space-y-6 px-6 pb-16">
        <div>
          <h1 className="text-2xl font-semibold">{t("book.manageTitle")}</h1>
          <p className="mt-2 text-lg" data-testid="booking-time">{formatDateTime(b.start, lang, tz)}</p>
          {reschedule.isSuccess && <p className="text-sm text-emerald-300" data-testid="booking-moved" role="status">{t("book.moved")}</p>}
          <a href={b.meeting_url} className="mt-2 block break-all text-sm text-indigo-300 underline">{b.meeting_url}</a>
        </div>
        {!moving ? (
          <div className="flex flex-wrap gap-3">
            <Button onClick={() => setMoving(true)} data-testid="reschedule">{t("book.reschedule")}</Button>
            <Button variant="danger" onClick={() => window.confirm(t("book.cancelBooking") + "?") && cancel.mutate()} disabled={cancel.isPending} data-testid="cancel-booking">
              {t("book.cancelBooking")}
            </Button>
          </div>
        ) : (
          <Card data-testid="reschedule-panel">
            <h2 className="mb-1 font-semibold">{t("book.rescheduleTitle")}</h2>
            <p className="mb-4 text-xs text-white/50">{t("book.timesInZone", { tz: tz.replaceAll("_", " ") })}</p>
            <SlotPicker
              cacheKey={["manage", token]}
              load={(from, to, timeZone) => api<Slot[]>(`/api/bookings/${token}/slots?${new URLSearchParams({ from, to, time_zone: timeZone })}`, { auth: false })}
              timeZone={tz}
              selected={slot}
              onPick={setSlot}
            />
            <div className="mt-4 flex flex-wrap items-center gap-3">
              <Button
                disabled={!slot || slot.start === b.start || reschedule.isPending}
                onClick={() => slot && reschedule.mutate({ start: slot.start })}
                data-testid="reschedule-confirm"
              >
                {slot ? t("book.moveTo", { when: formatDateTime(slot.start, lang, tz) }) : t("book.pickNewTime")}
              </Button>
              <Button variant="ghost" onClick={() => setMoving(false)}>{t("common.cancel")}</Button>
              <ErrorText error={reschedule.error} />
            </div>
          </Card>
        )}
        <ErrorText error={cancel.error} />
      </main>
    </div>
  );
}
