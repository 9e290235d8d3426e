import { useState } from "react";
import { Link, useParams } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { useUser } from "../api/auth";
import { useMeeting, useParticipants, usePlaybook } from "../api/queries";
import { useI18n } from "../i18n";
import { callMinutes, formatDateTime, spell } from "../lib/time";
import { Button, Card, ErrorText, Spinner } from "../components/ui";
import { StatusChip } from "./MeetingsPage";
import MeetingAgentSelect from "../agents/MeetingAgentSelect";

export default function MeetingDetailsPage() {
  const { id = "" } = useParams();
  const { t, lang } = useI18n();
  const user = useUser();
  const client = useQueryClient();
  const meeting = useMeeting(id);
  const playbook = usePlaybook(meeting.data?.playbook_id);
  const participants = useParticipants(id, 10_000);
  const [copied, setCopied] = useState(false);
  const cancel = useMutation({
    mutationFn: () => api(`/api/meetings/${id}/cancel`, { method: "POST" }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["meeting", id] }),
  });
  if (meeting.isLoading) return <Spinner />;
  if (!meeting.data) return <ErrorText error={meeting.error} />;
  const m = meeting.data;
  const mine = m.host_id === user?.id;
  const joinable = m.status === "scheduled" || m.status === "live";
  const lasted = callMinutes(m.started_at, m.ended_at);
  return (
    <div className="space-y-6" data-testid="meeting-details">
      <div className="flex flex-wrap items-center gap-3">
        <Link to="/console" className="text-sm text-white/50 hover:text-white">← {t("console.meetings")}</Link>
      </div>
      <div className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
          <h1 className="text-2xl font-semibold">{m.title}</h1>
          <p className="mt-1 text-white/60">
            {formatDateTime(m.starts_at, lang)} – {new Date(m.ends_at).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" })} · <StatusChip status={m.status} />
            {lasted !== null && (
              <span className="ml-2 text-sm" data-testid="details-duration">
                {t("console.lasted", { duration: spell(lasted) })}
              </span>
            )}
          </p>
        </div>
        {(m.status === "ended" || m.status === "processed") && <Link to={`/console/meetings/${m.id}/recap`}><Button data-testid="details-recap">{t("console.recap")}</Button></Link>}
        {joinable && mine && <Link to={`/host/${m.id}`}><Button data-testid="details-join">{t("console.join")}</Button></Link>}
        {joinable && !mine && user?.role !== "seller" && <Link to={`/shadow/${m.id}`}><Button variant="secondary" data-testid="details-shadow">{t("console.shadow")}</Button></Link>}
        {m.status === "scheduled" && (
          <Button variant="ghost" onClick={() => window.confirm(t("console.cancelMeeting") + "?") && cancel.mutate()} disabled={cancel.isPending}>
            {t("console.cancelMeeting")}
          </Button>
        )}
      </div>
      <ErrorText error={cancel.error} />

      <Card>
        <div className="text-xs font-medium uppercase tracking-wide text-white/50">{t("console.guestLink")}</div>
        <div className="mt-2 flex items-center gap-3">
          <code className="min-w-0 flex-1 truncate rounded-lg bg-black/30 px-3 py-2 text-sm" data-testid="guest-link">{m.guest_url}</code>
          <Button
            variant="secondary"
            onClick={() =>
              void navigator.clipboard?.writeText(m.guest_url).then(() => {
                setCopied(true);
                setTimeout(() => setCopied(false), 1500);
              })
            }
          >
            {copied ? t("common.copied") : t("common.copy")}
          </Button>
        </div>
      </Card>

      {m.status === "scheduled" && (mine || user?.role !== "seller") && <MeetingAgentSelect meetingId={m.id} />}

      <div className="grid gap-6 md:grid-cols-2">
        <Card>
          <div className="mb-3 flex items-center justify-between">
            <h2 className="font-semibold">{t("console.playbook")}: {playbook.data?.name}</h2>
            {playbook.data && <Link to={`/console/playbooks/${playbook.data.id}`} className="text-sm text-indigo-300 hover:underline">→</Link>}
          </div>
          <h3 className="mb-1 text-xs uppercase tracking-wide text-white/60">{t("pb.checklist")}</h3>
          <ol className="mb-4 list-decimal space-y-1 pl-5 text-sm">
            {playbook.data?.checklist.map((i) => <li key={i.key}>{i.title}</li>)}
          </ol>
          <h3 className="mb-1 text-xs uppercase tracking-wide text-white/60">{t("pb.objections")}</h3>
          <ul className="space-y-1 text-sm">
            {playbook.data?.objections.map((o) => (
              <li key={o.key}>
                <span className="font-medium">{o.title}</span> <span className="text-white/50">— {o.battle_card.title}</span>
              </li>
            ))}
          </ul>
        </Card>
        <Card>
          <h2 className="mb-3 font-semibold">{t("console.participants")}</h2>
          {participants.data?.length === 0 && <p className="text-sm text-white/50">{t("common.none")}</p>}
          <ul className="space-y-2 text-sm" data-testid="participants">
            {participants.data?.map((p) => (
              <li key={p.identity} className="flex items-center gap-2">
                <span className="font-medium">{p.display_name}</span>
                <span className="text-white/60">{t(`role.${p.role}`)}</span>
                {p.ai_consent && (
                  <span className={`ml-auto rounded-full px-2 py-0.5 text-xs ${p.ai_consent === "accepted" ? "bg-emerald-500/15 text-emerald-200" : "bg-amber-500/15 text-amber-200"}`}>
                    {t("console.consent")}: {t(`consent.${p.ai_consent}`)}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </div>
  );
}
