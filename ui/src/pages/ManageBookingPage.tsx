import { useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Booking } from "../bindings/Booking";
import { api } from "../api/client";
import { useI18n } from "../i18n";
import { formatDateTime } from "../lib/time";
import { Button, ErrorText, MessageScreen, Spinner } from "../components/ui";

/** `/booking/:token` — the prospect's manage link from the confirmation e-mail. */
export default function ManageBookingPage() {
  const { token = "" } = useParams();
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const booking = useQuery({ queryKey: ["booking", token], queryFn: () => api<Booking>(`/api/bookings/${token}`, { auth: false }), retry: false });
  const cancel = useMutation({
    mutationFn: () => api<Booking>(`/api/bookings/${token}/cancel`, { method: "POST", auth: false }),
    onSuccess: (b) => client.setQueryData(["booking", token], b),
  });
  if (booking.isLoading) return <div className="flex min-h-screen items-center justify-center bg-slate-950"><Spinner /></div>;
  if (!booking.data) return <MessageScreen tone="bad" title={t("book.notFound")} />;
  const b = booking.data;
  if (b.status === "cancelled") return <MessageScreen tone="warn" title={t("book.cancelledBooking")} />;
  return (
    <MessageScreen
      title={t("book.manageTitle")}
      body={
        <>
          {formatDateTime(b.start, lang)}
          <a href={b.meeting_url} className="mt-3 block break-all text-indigo-300 underline">{b.meeting_url}</a>
        </>
      }
      action={
        <div className="space-y-2">
          <Button variant="danger" onClick={() => window.confirm(t("book.cancelBooking") + "?") && cancel.mutate()} disabled={cancel.isPending}>
            {t("book.cancelBooking")}
          </Button>
          <ErrorText error={cancel.error} />
        </div>
      }
    />
  );
}
