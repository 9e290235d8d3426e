import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Availability } from "../bindings/Availability";
import type { DateException } from "../bindings/DateException";
import type { MeetingType } from "../bindings/MeetingType";
import type { MeetingTypeInput } from "../bindings/MeetingTypeInput";
import type { AiAgent } from "../bindings/AiAgent";
import type { Weekday } from "../bindings/Weekday";
import { api } from "../api/client";
import { usePlaybooks } from "../api/queries";
import { useI18n } from "../i18n";
import { browserTimeZone, isoDay } from "../lib/time";
import { Button, Card, ErrorText, Field, Input, Select, Spinner, TextArea } from "../components/ui";

const WEEKDAYS: Weekday[] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const hm = (t: string) => t.slice(0, 5);

function zones(current: string): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return [...new Set([current, browserTimeZone(), "UTC", ...supported])];
}

/** Weekly hours, date exceptions, buffer/notice/horizon, and the booking page's meeting types. */
export default function AvailabilityPage() {
  const { t } = useI18n();
  const client = useQueryClient();
  const query = useQuery({ queryKey: ["availability"], queryFn: () => api<Availability>("/api/availability") });
  const [draft, setDraft] = useState<Availability | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (query.data) setDraft({ ...query.data, weekly: query.data.weekly.map((r) => ({ ...r, start: hm(r.start), end: hm(r.end) })) });
  }, [query.data]);
  const save = useMutation({
    mutationFn: (body: Availability) => api<Availability>("/api/availability", { method: "PUT", body }),
    onSuccess: (a) => {
      client.setQueryData(["availability"], a);
      setSaved(true);
      setTimeout(() => setSaved(false), 1500);
    },
  });
  if (query.isLoading || !draft) return <Spinner />;
  const error = save.error as (Error & { field?: string }) | null;
  const set = (patch: Partial<Availability>) => setDraft({ ...draft, ...patch });

  return (
    <div className="space-y-8">
      <form
        className="space-y-6"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft);
        }}
      >
        <div className="flex items-center gap-3">
          <h1 className="text-2xl font-semibold">{t("console.availability")}</h1>
          <Button type="submit" className="ml-auto" disabled={save.isPending} data-testid="save-availability">
            {saved ? t("common.saved") : t("common.save")}
          </Button>
        </div>
        {error && <p className="text-sm text-rose-300" role="alert">{error.field ? `${error.field}: ` : ""}{error.message}</p>}

        <Card className="grid gap-4 md:grid-cols-4">
          <Field label={t("av.timeZone")}>
            <Select value={draft.time_zone} onChange={(e) => set({ time_zone: e.target.value })}>
              {zones(draft.time_zone).map((z) => <option key={z} value={z}>{z}</option>)}
            </Select>
          </Field>
          <Field label={t("av.buffer")}>
            <Input type="number" min={0} max={240} value={draft.buffer_minutes} onChange={(e) => set({ buffer_minutes: Number(e.target.value) })} />
          </Field>
          <Field label={t("av.notice")}>
            <Input type="number" min={0} max={43200} value={draft.min_notice_minutes} onChange={(e) => set({ min_notice_minutes: Number(e.target.value) })} />
          </Field>
          <Field label={t("av.horizon")}>
            <Input type="number" min={1} max={365} value={draft.horizon_days} onChange={(e) => set({ horizon_days: Number(e.target.value) })} />
          </Field>
          <div className="md:col-span-4">
            <Field label={t("av.intro")} hint={t("av.introHint")}>
              <TextArea rows={2} maxLength={500} value={draft.intro} onChange={(e) => set({ intro: e.target.value })} data-testid="booking-intro" />
            </Field>
          </div>
        </Card>

        <Card>
          <h2 className="mb-4 font-semibold">{t("av.weekly")}</h2>
          <div className="divide-y divide-white/5">
            {WEEKDAYS.map((day) => {
              const rules = draft.weekly.map((r, i) => ({ r, i })).filter(({ r }) => r.weekday === day);
              return (
                <div key={day} className="flex flex-wrap items-start gap-4 py-3" data-testid={`weekday-${day}`}>
                  <div className="w-28 pt-2 text-sm font-medium">{t(`weekday.${day}`)}</div>
                  <div className="flex-1 space-y-2">
                    {rules.length === 0 && <div className="pt-2 text-sm text-white/60">{t("av.unavailable")}</div>}
                    {rules.map(({ r, i }) => (
                      <div key={i} className="flex items-center gap-2">
                        <Input type="time" className="!w-32" aria-label={t("av.from", { day: t(`weekday.${day}`) })} value={hm(r.start)} onChange={(e) => set({ weekly: draft.weekly.map((x, j) => (j === i ? { ...x, start: e.target.value } : x)) })} />
                        <span className="text-white/60">–</span>
                        <Input type="time" className="!w-32" aria-label={t("av.to", { day: t(`weekday.${day}`) })} value={hm(r.end)} onChange={(e) => set({ weekly: draft.weekly.map((x, j) => (j === i ? { ...x, end: e.target.value } : x)) })} />
                        <Button variant="ghost" onClick={() => set({ weekly: draft.weekly.filter((_, j) => j !== i) })} aria-label={t("common.remove")}>×</Button>
                      </div>
                    ))}
                  </div>
                  <Button variant="ghost" onClick={() => set({ weekly: [...draft.weekly, { weekday: day, start: "09:00", end: "17:00" }] })}>+ {t("av.addHours")}</Button>
                </div>
              );
            })}
          </div>
        </Card>

        <Card>
          <h2 className="mb-4 font-semibold">{t("av.exceptions")}</h2>
          <div className="space-y-2">
            {draft.exceptions.map((ex, i) => (
              <ExceptionRow
                key={i}
                value={ex}
                onChange={(next) => set({ exceptions: draft.exceptions.map((x, j) => (j === i ? next : x)) })}
                onRemove={() => set({ exceptions: draft.exceptions.filter((_, j) => j !== i) })}
              />
            ))}
          </div>
          <Button variant="ghost" className="mt-3" onClick={() => set({ exceptions: [...draft.exceptions, { kind: "day_off", date: isoDay(new Date()) }] })}>
            + {t("av.addException")}
          </Button>
        </Card>
      </form>

      <MeetingTypes />
    </div>
  );
}

function ExceptionRow({ value, onChange, onRemove }: { value: DateException; onChange: (v: DateException) => void; onRemove: () => void }) {
  const { t } = useI18n();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Input type="date" className="!w-44" aria-label={t("av.exceptions")} value={value.date} onChange={(e) => onChange({ ...value, date: e.target.value })} />
      <Select
        className="!w-40"
        aria-label={t("av.exceptions")}
        value={value.kind}
        onChange={(e) => onChange(e.target.value === "day_off" ? { kind: "day_off", date: value.date } : { kind: "extra_hours", date: value.date, start: "09:00", end: "12:00" })}
      >
        <option value="day_off">{t("av.dayOff")}</option>
        <option value="extra_hours">{t("av.extraHours")}</option>
      </Select>
      {value.kind === "extra_hours" && (
        <>
          <Input type="time" className="!w-32" aria-label={t("av.from", { day: value.date })} value={hm(value.start)} onChange={(e) => onChange({ ...value, start: e.target.value })} />
          <span className="text-white/60">–</span>
          <Input type="time" className="!w-32" aria-label={t("av.to", { day: value.date })} value={hm(value.end)} onChange={(e) => onChange({ ...value, end: e.target.value })} />
        </>
      )}
      <Button variant="ghost" onClick={onRemove} aria-label={t("common.remove")}>×</Button>
    </div>
  );
}

/** What the editor sends for a stored meeting type. */
const input = ({ slug, title, duration_minutes, playbook_id, active, description, ai_agent_id }: MeetingType): MeetingTypeInput => ({
  slug,
  title,
  duration_minutes,
  playbook_id,
  active,
  description,
  ai_agent_id: ai_agent_id ?? undefined,
});

function MeetingTypes() {
  const { t } = useI18n();
  const client = useQueryClient();
  const types = useQuery({ queryKey: ["meeting-types"], queryFn: () => api<MeetingType[]>("/api/meeting-types") });
  const playbooks = usePlaybooks();
  const agents = useQuery({ queryKey: ["agents"], queryFn: () => api<AiAgent[]>("/api/agents") });
  const refresh = () => void client.invalidateQueries({ queryKey: ["meeting-types"] });
  const upsert = useMutation({
    mutationFn: ({ id, body }: { id?: string; body: MeetingTypeInput }) =>
      id ? api(`/api/meeting-types/${id}`, { method: "PUT", body }) : api("/api/meeting-types", { method: "POST", body }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: (id: string) => api(`/api/meeting-types/${id}`, { method: "DELETE" }), onSuccess: refresh });
  // The meeting type being added (no id) or edited.
  const [draft, setDraft] = useState<{ id?: string; body: MeetingTypeInput } | null>(null);
  const edit = (body: Partial<MeetingTypeInput>) => draft && setDraft({ ...draft, body: { ...draft.body, ...body } });
  return (
    <Card>
      <div className="mb-4 flex items-center">
        <h2 className="font-semibold">{t("av.meetingTypes")}</h2>
        <Button
          variant="ghost"
          className="ml-auto"
          onClick={() => setDraft({ body: { slug: "", title: "", duration_minutes: 30, playbook_id: playbooks.data?.[0]?.id ?? "", active: true, description: "" } })}
          data-testid="add-meeting-type"
        >
          + {t("av.addType")}
        </Button>
      </div>
      <ErrorText error={upsert.error ?? remove.error} />
      <ul className="divide-y divide-white/5">
        {types.data?.map((mt) => (
          <li key={mt.id} className="flex flex-wrap items-center gap-3 py-2 text-sm" data-testid="meeting-type-row">
            <span className="font-medium">{mt.title}</span>
            {mt.description && <span className="basis-full text-white/60 sm:order-last">{mt.description}</span>}
            <code className="text-white/60">/{mt.slug}</code>
            <span className="text-white/60">{t("book.minutes", { count: mt.duration_minutes })}</span>
            <span className="text-white/60">{playbooks.data?.find((p) => p.id === mt.playbook_id)?.name}</span>
            {mt.ai_agent_id && (
              <span className="text-violet-200" data-testid="meeting-type-agent">
                {t("agents.withAgent", { name: agents.data?.find((a) => a.id === mt.ai_agent_id)?.name ?? "…" })}
              </span>
            )}
            <label className="ml-auto flex items-center gap-2 text-white/70">
              <input
                type="checkbox"
                checked={mt.active}
                onChange={(e) => upsert.mutate({ id: mt.id, body: { ...input(mt), active: e.target.checked } })}
              />
              {t("av.active")}
            </label>
            <Button variant="ghost" onClick={() => setDraft({ id: mt.id, body: input(mt) })} data-testid="edit-meeting-type">{t("common.edit")}</Button>
            <Button variant="ghost" onClick={() => remove.mutate(mt.id)}>{t("common.delete")}</Button>
          </li>
        ))}
      </ul>
      {draft && (
        <form
          className="mt-4 grid gap-3 rounded-xl bg-white/5 p-3 md:grid-cols-4"
          onSubmit={(e) => {
            e.preventDefault();
            upsert.mutate(draft, { onSuccess: () => setDraft(null) });
          }}
        >
          <Field label={t("console.title")}><Input value={draft.body.title} onChange={(e) => edit({ title: e.target.value })} required /></Field>
          <Field label={t("av.slug")}><Input value={draft.body.slug} onChange={(e) => edit({ slug: e.target.value })} required /></Field>
          <Field label={t("console.duration")}><Input type="number" min={5} max={480} value={draft.body.duration_minutes} onChange={(e) => edit({ duration_minutes: Number(e.target.value) })} /></Field>
          <Field label={t("console.playbook")}>
            <Select value={draft.body.playbook_id} onChange={(e) => edit({ playbook_id: e.target.value })}>
              {playbooks.data?.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </Select>
          </Field>
          {!!agents.data?.length && (
            <Field label={t("agents.typeRunBy")}>
              <Select value={draft.body.ai_agent_id ?? ""} onChange={(e) => edit({ ai_agent_id: e.target.value || undefined })} data-testid="meeting-type-run-by">
                <option value="">{t("agents.typeRunBySeller")}</option>
                {agents.data.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
              </Select>
            </Field>
          )}
          <div className="md:col-span-4">
            <Field label={t("av.description")}>
              <TextArea rows={2} maxLength={500} value={draft.body.description} onChange={(e) => edit({ description: e.target.value })} data-testid="meeting-type-description" />
            </Field>
          </div>
          <div className="flex gap-2 md:col-span-4">
            <Button type="submit" disabled={upsert.isPending} data-testid="save-meeting-type">{t("common.save")}</Button>
            <Button variant="ghost" onClick={() => setDraft(null)}>{t("common.cancel")}</Button>
          </div>
        </form>
      )}
    </Card>
  );
}
