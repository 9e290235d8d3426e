import { useState } from "react";
import { Link } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { NewPhoneNumber } from "../bindings/NewPhoneNumber";
import type { PhoneCall } from "../bindings/PhoneCall";
import type { PhoneCallOutcome } from "../bindings/PhoneCallOutcome";
import type { PhoneNumber } from "../bindings/PhoneNumber";
import type { PhoneTarget } from "../bindings/PhoneTarget";
import { api, ApiError } from "../api/client";
import { useUser } from "../api/auth";
import { useI18n } from "../i18n";
import { formatDateTime } from "../lib/time";
import { useAuthedMedia } from "../recap/usePlayer";
import { Button, Card, ErrorText, Field, Input, Select, Spinner } from "../components/ui";

/**
 * `/console/phone` (managers and admins): the organization's phone line — its numbers, each
 * with the meeting type, seller and AI agent that answer it (admins add and remove them), and
 * the log of its calls, refreshed every 5 s, each linked to the meeting and the lead it became,
 * with the call back it booked and its recording to listen to once the meeting is finalized.
 */
export default function PhonePage() {
  const { t } = useI18n();
  const user = useUser();
  const manager = user?.role !== "seller";
  const numbers = useQuery({ queryKey: ["phone-numbers"], queryFn: () => api<PhoneNumber[]>("/api/phone-numbers"), enabled: manager });
  const targets = useQuery({ queryKey: ["phone-targets"], queryFn: () => api<PhoneTarget[]>("/api/phone-numbers/targets"), enabled: manager });
  if (!manager) return <p className="text-white/60">{t("phone.forManagers")}</p>;
  const byType = new Map((targets.data ?? []).map((target) => [target.meeting_type_id, target]));
  return (
    <div className="space-y-6" data-testid="phone-page">
      <div>
        <h1 className="text-2xl font-semibold">{t("phone.title")}</h1>
        <p className="mt-1 text-sm text-white/55">{t("phone.intro")}</p>
      </div>
      <Card>
        <h2 className="mb-3 font-semibold">{t("phone.numbers")}</h2>
        {numbers.isLoading && <Spinner />}
        <ErrorText error={numbers.error} />
        {numbers.data?.length === 0 && <p className="text-sm text-white/50">{t("phone.noNumbers")}</p>}
        <ul className="divide-y divide-white/5" data-testid="phone-numbers">
          {numbers.data?.map((n) => <NumberRow key={n.id} number={n} target={byType.get(n.meeting_type_id)} admin={user?.role === "admin"} />)}
        </ul>
        {user?.role === "admin" && targets.data && <NewNumber targets={targets.data} />}
      </Card>
      <CallLog />
    </div>
  );
}

function NumberRow({ number, target, admin }: { number: PhoneNumber; target?: PhoneTarget; admin: boolean }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api(`/api/phone-numbers/${number.id}`, { method: "DELETE" }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["phone-numbers"] }),
  });
  return (
    <li className="flex flex-wrap items-center gap-3 py-2 text-sm" data-testid="phone-number" data-number={number.number}>
      <span className="font-mono">{number.number}</span>
      {target && (
        <span className="min-w-0 flex-1 truncate text-white/60">
          {t("phone.answeredAs", { title: target.title, seller: target.seller_name, agent: target.agent_name })}
        </span>
      )}
      {admin && (
        <Button variant="ghost" className="ml-auto" onClick={() => window.confirm(t("phone.confirmRemove", { number: number.number })) && remove.mutate()} disabled={remove.isPending}>
          {t("phone.remove")}
        </Button>
      )}
      <ErrorText error={remove.error} />
    </li>
  );
}

function NewNumber({ targets }: { targets: PhoneTarget[] }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [number, setNumber] = useState("");
  const [meetingType, setMeetingType] = useState("");
  const chosen = meetingType || targets[0]?.meeting_type_id || "";
  const create = useMutation({
    mutationFn: (body: NewPhoneNumber) => api<PhoneNumber>("/api/phone-numbers", { method: "POST", body }),
    onSuccess: () => {
      setNumber("");
      void client.invalidateQueries({ queryKey: ["phone-numbers"] });
    },
  });
  if (targets.length === 0) return <p className="mt-3 text-sm text-white/50" data-testid="phone-no-targets">{t("phone.noTargets")}</p>;
  const numberError = create.error instanceof ApiError && create.error.field === "number" ? create.error.message : null;
  return (
    <form
      className="mt-4 grid gap-3 md:grid-cols-[1fr_2fr_auto] md:items-end"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ number, meeting_type_id: chosen });
      }}
    >
      <Field label={t("phone.number")} error={numberError}>
        <Input required value={number} onChange={(e) => setNumber(e.target.value)} placeholder="+39 02 1234 5678" data-testid="phone-new-number" />
      </Field>
      <Field label={t("phone.meetingType")}>
        <Select value={chosen} onChange={(e) => setMeetingType(e.target.value)} data-testid="phone-new-type">
          {targets.map((target) => (
            <option key={target.meeting_type_id} value={target.meeting_type_id}>
              {t("phone.answeredAs", { title: target.title, seller: target.seller_name, agent: target.agent_name })}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit" disabled={create.isPending} data-testid="phone-create">{t("phone.create")}</Button>
      {!numberError && <div className="md:col-span-3"><ErrorText error={create.error} /></div>}
    </form>
  );
}

const OUTCOME_TONE: Record<PhoneCallOutcome, string> = {
  in_progress: "bg-sky-500/15 text-sky-200",
  completed: "bg-emerald-500/15 text-emerald-200",
  abandoned: "bg-white/10 text-white/60",
  failed: "bg-rose-500/15 text-rose-200",
};

/** A call's recording, fetched with the user's token only when they ask to listen. */
function CallRecording({ path }: { path: string }) {
  const { t } = useI18n();
  const [listening, setListening] = useState(false);
  if (!listening) {
    return (
      <button type="button" className="text-xs text-indigo-300 hover:underline" onClick={() => setListening(true)} data-testid="phone-listen">
        {t("phone.listen")}
      </button>
    );
  }
  return <Recording path={path} />;
}

function Recording({ path }: { path: string }) {
  const { t } = useI18n();
  const media = useAuthedMedia(path);
  if (media.error) return <span className="text-xs text-rose-300">{t("phone.recordingFailed")}</span>;
  if (!media.url) return <Spinner className="h-4 w-4" />;
  return <audio className="h-8" controls autoPlay src={media.url} data-testid="phone-recording" />;
}

function CallLog() {
  const { t, lang } = useI18n();
  const calls = useQuery({ queryKey: ["phone-calls"], queryFn: () => api<PhoneCall[]>("/api/phone-calls"), refetchInterval: 5_000 });
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("phone.log")}</h2>
      {calls.isLoading && <Spinner />}
      <ErrorText error={calls.error} />
      {calls.data?.length === 0 && <p className="text-sm text-white/50">{t("phone.noCalls")}</p>}
      <ul className="divide-y divide-white/5" data-testid="phone-calls">
        {calls.data?.map((call) => (
          <li key={call.id} className="flex flex-wrap items-center gap-3 py-2 text-sm" data-testid="phone-call" data-outcome={call.outcome}>
            <span className="text-xs text-white/60">{formatDateTime(call.started_at, lang)}</span>
            <span className="font-mono">{call.caller || t("phone.withheld")}</span>
            <span className="text-xs text-white/50">→ {call.number}</span>
            <span className={`rounded-full px-2 py-0.5 text-xs ${OUTCOME_TONE[call.outcome]}`}>{t(`phone.outcome.${call.outcome}`)}</span>
            {call.duration_secs != null && (
              <span className="tabular-nums text-xs text-white/60">
                {t("phone.duration", { minutes: String(Math.floor(call.duration_secs / 60)), seconds: String(call.duration_secs % 60) })}
              </span>
            )}
            {call.call_back_at && (
              <span className="rounded-full bg-indigo-500/15 px-2 py-0.5 text-xs text-indigo-200" data-testid="phone-call-back">
                {t("phone.callBack", { when: formatDateTime(call.call_back_at, lang) })}
              </span>
            )}
            <span className="ml-auto flex items-center gap-3">
              {call.recording_url && <CallRecording path={call.recording_url} />}
              {call.lead_id && (
                <Link className="text-xs text-indigo-300 hover:underline" to="/console/leads">
                  {t("phone.lead")}
                </Link>
              )}
              {call.meeting_id && (
                <Link className="text-xs text-indigo-300 hover:underline" to={`/console/meetings/${call.meeting_id}`}>
                  {t("phone.meeting")}
                </Link>
              )}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
