import { useEffect, useRef, useState } from "react";
import { useParams } from "react-router";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { Booking } from "../bindings/Booking";
import type { BookingPage as Page } from "../bindings/BookingPage";
import type { BookingRequest } from "../bindings/BookingRequest";
import type { InstantCall } from "../bindings/InstantCall";
import type { InstantCallRequest } from "../bindings/InstantCallRequest";
import type { Slot } from "../bindings/Slot";
import { api, ApiError } from "../api/client";
import { useI18n, LanguageSwitch } from "../i18n";
import { browserTimeZone } from "../lib/time";
import { SlotPicker } from "../booking/SlotPicker";
import { Button, Card, ErrorText, Field, Input, Logo, MessageScreen, Select, Spinner } from "../components/ui";

/** The IANA zones a prospect may pick from (the browser's list), `current` always among them. */
function timeZones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return all.includes(current) ? all : [current, ...all];
}

/**
 * `/book/:slug` — a prospect picks a meeting type and a free slot (times in a zone guessed from
 * the browser, or picked), and books it; the e-mails come in the language the page is shown in.
 * For a meeting type an AI agent runs, they may talk to the agent now instead: the call is
 * created and the page offers its guest link.
 */
export default function BookingPage() {
  const { slug = "" } = useParams();
  const { t, lang } = useI18n();
  // Guessed from the browser; a prospect planning from elsewhere picks another.
  const [tz, setTz] = useState(browserTimeZone);
  const page = useQuery({ queryKey: ["book", slug], queryFn: () => api<Page>(`/api/book/${slug}`, { auth: false }), retry: false });
  const [type, setType] = useState<string | null>(null);
  const [slot, setSlot] = useState<Slot | null>(null);
  // Talking to the meeting type's AI agent now instead of booking a time.
  const [now, setNow] = useState(false);
  const [form, setForm] = useState({ name: "", email: "", company: "" });
  const nameField = useRef<HTMLInputElement>(null);
  // The form opens below the calendar, a screen or more down on a phone: bring it into
  // view with the cursor in its first field as soon as a time is picked.
  useEffect(() => {
    if (!slot && !now) return;
    nameField.current?.focus({ preventScroll: true });
    nameField.current?.closest("[data-testid=booking-details]")?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [slot, now]);
  const chosenType = type ?? page.data?.meeting_types[0]?.slug ?? null;
  const agentName = page.data?.meeting_types.find((mt) => mt.slug === chosenType)?.ai_agent_name ?? null;

  const book = useMutation({
    mutationFn: (body: BookingRequest) => api<Booking>(`/api/book/${slug}`, { method: "POST", body, auth: false }),
  });
  const talkNow = useMutation({
    mutationFn: (body: InstantCallRequest) => api<InstantCall>(`/api/book/${slug}/now`, { method: "POST", body, auth: false }),
  });

  if (page.isLoading) return <div className="flex min-h-screen items-center justify-center bg-slate-950"><Spinner /></div>;
  if (page.error) {
    return <MessageScreen tone="bad" testId="booking-not-found" title={page.error instanceof ApiError && page.error.status === 404 ? t("book.notFound") : t("common.error")} />;
  }
  const p = page.data!;

  if (talkNow.data) {
    return (
      <MessageScreen
        testId="talk-now-ready"
        title={t("agents.talkNowReady", { name: agentName ?? "" })}
        body={
          <a href={talkNow.data.meeting_url} className="mt-2 inline-block rounded-xl bg-indigo-500 px-5 py-2.5 font-medium text-white hover:bg-indigo-400" data-testid="talk-now-join">
            {t("agents.talkNowJoin")}
          </a>
        }
      />
    );
  }

  if (book.data) {
    return (
      <MessageScreen
        testId="booking-confirmed"
        title={t("book.confirmed")}
        body={
          <>
            {t("book.confirmedBody", { email: form.email })}
            <span className="mt-4 block text-sm text-white/50">{t("book.joinLink")}</span>
            <a href={book.data.meeting_url} className="break-all text-indigo-300 underline">{book.data.meeting_url}</a>
            {book.data.manage_token && (
              <a href={`/booking/${book.data.manage_token}`} className="mt-3 block text-sm text-white/60 underline">{t("book.manageTitle")}</a>
            )}
          </>
        }
      />
    );
  }

  const dayLabel = (day: string) => new Date(`${day}T12:00:00`).toLocaleDateString(lang, { weekday: "short", day: "numeric", month: "short" });
  const timeLabel = (s: Slot) => s.local_start.slice(11, 16);

  return (
    <div className="min-h-screen bg-slate-950 text-white">
      <header className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </header>
      <main className="mx-auto max-w-4xl space-y-6 px-6 pb-16">
        <div className="flex items-start gap-4">
          {p.seller_photo_url && (
            <img src={p.seller_photo_url} alt={p.seller_name} className="h-20 w-20 shrink-0 rounded-full object-cover ring-2 ring-white/10" data-testid="booking-photo" />
          )}
          <div className="min-w-0">
            <p className="text-sm text-white/50">{p.organization_name}</p>
            <h1 className="text-3xl font-semibold" data-testid="booking-title">{t("book.title", { name: p.seller_name })}</h1>
            {p.seller_intro && <p className="mt-2 max-w-2xl whitespace-pre-line text-white/70" data-testid="booking-intro">{p.seller_intro}</p>}
          </div>
        </div>

        <section>
          <h2 className="mb-2 text-sm font-semibold uppercase tracking-wide text-white/55">{t("book.chooseType")}</h2>
          <div className="flex flex-wrap gap-2">
            {p.meeting_types.map((mt) => (
              <button
                key={mt.slug}
                type="button"
                onClick={() => {
                  setType(mt.slug);
                  setNow(false);
                  setSlot(null);
                }}
                className={`rounded-xl border px-4 py-3 text-left ${chosenType === mt.slug ? "border-indigo-400 bg-indigo-500/15" : "border-white/10 bg-white/5 hover:bg-white/10"}`}
                data-testid="meeting-type"
              >
                <div className="font-medium">{mt.title}</div>
                <div className="text-xs text-white/60">{t("book.minutes", { count: mt.duration_minutes })}</div>
                {mt.description && <div className="mt-1 max-w-xs text-xs text-white/70" data-testid="meeting-type-description">{mt.description}</div>}
                {mt.ai_agent_name && (
                  <div className="mt-1 text-xs text-violet-200" data-testid="meeting-type-agent">
                    {t("agents.withAgent", { name: mt.ai_agent_name })}
                  </div>
                )}
              </button>
            ))}
          </div>
        </section>

        <section>
          <div className="mb-2 flex flex-wrap items-center gap-3">
            <h2 className="text-sm font-semibold uppercase tracking-wide text-white/55">{t("book.chooseSlot")}</h2>
            <label className="flex min-w-0 items-center gap-2 text-xs text-white/50">
              <span>{t("book.timeZone")}</span>
              <Select
                value={tz}
                onChange={(e) => {
                  setTz(e.target.value);
                  setSlot(null);
                }}
                className="!w-auto max-w-[13rem] !py-1 text-xs"
                data-testid="book-time-zone"
              >
                {timeZones(tz).map((zone) => (
                  <option key={zone} value={zone}>{zone.replaceAll("_", " ")}</option>
                ))}
              </Select>
            </label>
          </div>
          {agentName && (
            <div className="mb-3 flex flex-wrap items-center gap-3 rounded-xl border border-violet-400/30 bg-violet-500/10 px-4 py-3 text-sm" data-testid="talk-now">
              <span className="text-violet-100">{t("agents.talkNowPitch", { name: agentName })}</span>
              <Button
                variant="secondary"
                className="ml-auto"
                onClick={() => {
                  setSlot(null);
                  setNow(true);
                }}
                data-testid="talk-now-start"
              >
                {t("agents.talkNow", { name: agentName })}
              </Button>
            </div>
          )}
          {chosenType && (
            <SlotPicker
              cacheKey={["book", slug, chosenType]}
              load={(from, to, timeZone) =>
                api<Slot[]>(`/api/book/${slug}/slots?${new URLSearchParams({ meeting_type: chosenType, from, to, time_zone: timeZone })}`, { auth: false })
              }
              timeZone={tz}
              selected={slot}
              onPick={(picked) => {
                setNow(false);
                setSlot(picked);
              }}
            />
          )}
        </section>

        {(slot || (now && agentName)) && chosenType && (
          <Card data-testid="booking-details">
            <h2 className="mb-4 font-semibold">
              {t("book.yourDetails")} · {slot ? `${dayLabel(slot.local_start.slice(0, 10))} ${timeLabel(slot)}` : t("agents.talkNowWhen", { name: agentName ?? "" })}
            </h2>
            <form
              className="grid gap-4 md:grid-cols-3"
              onSubmit={(e) => {
                e.preventDefault();
                if (slot) {
                  book.mutate({ meeting_type: chosenType, start: slot.start, name: form.name, email: form.email, company: form.company, time_zone: tz, language: lang });
                } else {
                  talkNow.mutate({ meeting_type: chosenType, name: form.name, email: form.email, company: form.company });
                }
              }}
            >
              <Field label={t("book.name")}><Input ref={nameField} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required maxLength={100} data-testid="book-name" /></Field>
              <Field label={t("book.email")}><Input type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} required data-testid="book-email" /></Field>
              <Field label={t("book.company")}><Input value={form.company} onChange={(e) => setForm({ ...form, company: e.target.value })} required maxLength={200} data-testid="book-company" /></Field>
              <div className="flex items-center gap-3 md:col-span-3">
                <Button type="submit" disabled={book.isPending || talkNow.isPending} data-testid="book-confirm">
                  {slot ? t("book.confirm") : t("agents.talkNow", { name: agentName ?? "" })}
                </Button>
                <ErrorText error={slot ? book.error : talkNow.error} />
              </div>
            </form>
          </Card>
        )}
      </main>
    </div>
  );
}
