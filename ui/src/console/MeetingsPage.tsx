import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Availability } from "../bindings/Availability";
import type { Meeting } from "../bindings/Meeting";
import type { MeetingStatus } from "../bindings/MeetingStatus";
import type { NewMeeting } from "../bindings/NewMeeting";
import { api } from "../api/client";
import { useUser } from "../api/auth";
import { meetingsQuery, usePlaybooks, type When } from "../api/queries";
import { useI18n } from "../i18n";
import { callMinutes, formatDateTime, formatTime, spell } from "../lib/time";
import { Button, Card, ErrorText, Field, Input, Select, Spinner } from "../components/ui";


export function StatusChip({ status }: { status: MeetingStatus }) {
  const { t } = useI18n();
  const tone: Record<MeetingStatus, string> = {
    scheduled: "bg-sky-500/15 text-sky-200",
    live: "bg-emerald-500/20 text-emerald-200",
    ended: "bg-white/10 text-white/60",
    processed: "bg-white/10 text-white/60",
    cancelled: "bg-rose-500/15 text-rose-200",
  };
  return <span className={`rounded-full px-2 py-0.5 text-xs ${tone[status]}`} data-testid="status">{t(`status.${status}`)}</span>;
}

export default function MeetingsPage() {
  const { t, lang } = useI18n();
  const user = useUser();
  const [when, setWhen] = useState<When>("today");
  const [creating, setCreating] = useState(false);
  const meetings = useQuery({ ...meetingsQuery(when), refetchInterval: 30_000 });
  const playbooks = usePlaybooks();
  const playbookName = (id: string) => playbooks.data?.find((p) => p.id === id)?.name ?? "";

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t("console.meetings")}</h1>
        <div className="ml-auto flex rounded-full bg-white/5 p-1 text-sm">
          {(["today", "upcoming", "past"] as When[]).map((w) => (
            <button
              key={w}
              type="button"
              onClick={() => setWhen(w)}
              className={`rounded-full px-3 py-1 ${when === w ? "bg-white/15 font-semibold" : "text-white/60 hover:text-white"}`}
              data-testid={`tab-${w}`}
            >
              {t(`console.${w}`)}
            </button>
          ))}
        </div>
        <Button onClick={() => setCreating((c) => !c)} data-testid="new-meeting">{t("console.newMeeting")}</Button>
      </div>

      <GetStarted />
      {creating && <NewMeetingForm onDone={() => setCreating(false)} />}

      {meetings.isLoading && <Spinner />}
      <ErrorText error={meetings.error} />
      {meetings.data && meetings.data.length === 0 && <p className="text-white/50">{t("console.noMeetings")}</p>}
      <ul className="space-y-2" data-testid="meeting-list">
        {meetings.data?.map((m) => {
          const mine = m.host_id === user?.id;
          const joinable = m.status === "scheduled" || m.status === "live";
          const lasted = callMinutes(m.started_at, m.ended_at);
          return (
            <li key={m.id} className="flex flex-wrap items-center gap-4 rounded-2xl border border-white/10 bg-white/[0.03] px-4 py-3" data-testid="meeting-row" data-meeting-id={m.id}>
              <div className="w-28 shrink-0 text-sm text-white/60">
                {when === "today" ? formatTime(m.starts_at, lang) : formatDateTime(m.starts_at, lang)}
              </div>
              <div className="min-w-0 flex-1">
                <Link to={`/console/meetings/${m.id}`} className="font-medium hover:underline">{m.title}</Link>
                <div className="text-xs text-white/50">{playbookName(m.playbook_id)}</div>
              </div>
              {lasted !== null && (
                <span className="text-xs tabular-nums text-white/50" title={t("console.callLasted")} data-testid="meeting-duration">
                  {spell(lasted)}
                </span>
              )}
              <StatusChip status={m.status} />
              {joinable && mine && (
                <Link to={`/host/${m.id}`} data-testid="join-meeting">
                  <Button>{t("console.join")}</Button>
                </Link>
              )}
              {joinable && !mine && user?.role !== "seller" && (
                <Link to={`/shadow/${m.id}`} data-testid="shadow-meeting">
                  <Button variant="secondary">{t("console.shadow")}</Button>
                </Link>
              )}
              {m.status === "processed" && (
                <Link to={`/console/meetings/${m.id}/recap`} data-testid="recap-link">
                  <Button variant="secondary">{t("console.recap")}</Button>
                </Link>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/**
 * The first-run checklist: availability, a playbook, a first meeting — each step links to where
 * it is done and is ticked once it is. Gone when all three are.
 */
function GetStarted() {
  const { t } = useI18n();
  const availability = useQuery({ queryKey: ["availability"], queryFn: () => api<Availability>("/api/availability") });
  const playbooks = usePlaybooks();
  const today = useQuery(meetingsQuery("today"));
  const upcoming = useQuery(meetingsQuery("upcoming"));
  const past = useQuery(meetingsQuery("past"));
  const queries = [availability, playbooks, today, upcoming, past];
  if (queries.some((q) => !q.data)) return null;
  const steps = [
    { key: "start.availability" as const, done: (availability.data?.weekly.length ?? 0) > 0, to: "/console/availability" },
    { key: "start.playbook" as const, done: (playbooks.data?.length ?? 0) > 0, to: "/console/playbooks" },
    { key: "start.meeting" as const, done: [today, upcoming, past].some((q) => (q.data?.length ?? 0) > 0), to: null },
  ];
  if (steps.every((s) => s.done)) return null;
  return (
    <Card>
      <h2 className="font-semibold">{t("start.title")}</h2>
      <p className="mb-3 text-sm text-white/55">{t("start.intro")}</p>
      <ol className="space-y-2" data-testid="get-started">
        {steps.map((step, n) => (
          <li key={step.key} className="flex items-center gap-3 text-sm" data-testid="get-started-step" data-done={step.done}>
            <span className={`flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs ${step.done ? "bg-emerald-500/20 text-emerald-200" : "bg-white/10 text-white/70"}`}>
              {step.done ? "✓" : n + 1}
            </span>
            {step.done || !step.to ? (
              <span className={step.done ? "text-white/50 line-through" : ""}>{t(step.key)}</span>
            ) : (
              <Link to={step.to} className="text-indigo-300 underline-offset-2 hover:underline">{t(step.key)} →</Link>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}

function NewMeetingForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const client = useQueryClient();
  const playbooks = usePlaybooks();
  const [title, setTitle] = useState("");
  const [playbook, setPlaybook] = useState("");
  const [startsAt, setStartsAt] = useState("");
  const [duration, setDuration] = useState(30);
  const create = useMutation({
    mutationFn: (body: NewMeeting) => api<Meeting>("/api/meetings", { method: "POST", body }),
    onSuccess: (m) => {
      void client.invalidateQueries({ queryKey: ["meetings"] });
      onDone();
      navigate(`/console/meetings/${m.id}`);
    },
  });
  const chosen = playbook || playbooks.data?.[0]?.id || "";
  return (
    <Card>
      <form
        className="grid gap-4 md:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            title,
            playbook_id: chosen,
            starts_at: startsAt ? new Date(startsAt).toISOString() : undefined,
            duration_minutes: duration,
          });
        }}
      >
        <Field label={t("console.title")}>
          <Input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} data-testid="new-title" />
        </Field>
        <Field label={t("console.playbook")}>
          <Select value={chosen} onChange={(e) => setPlaybook(e.target.value)} data-testid="new-playbook">
            {playbooks.data?.map((p) => (
              <option key={p.id} value={p.id}>{p.name}</option>
            ))}
          </Select>
        </Field>
        <Field label={t("console.startsAt")}>
          <Input type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </Field>
        <Field label={t("console.duration")}>
          <Input type="number" min={5} max={480} value={duration} onChange={(e) => setDuration(Number(e.target.value))} />
        </Field>
        <div className="flex items-center gap-3 md:col-span-2">
          <Button type="submit" disabled={create.isPending || !chosen} data-testid="create-meeting">{t("console.create")}</Button>
          <Button variant="ghost" onClick={onDone}>{t("common.cancel")}</Button>
          <ErrorText error={create.error} />
        </div>
      </form>
    </Card>
  );
}
