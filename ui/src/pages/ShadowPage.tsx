import { useCallback, useState } from "react";
import { Navigate, useNavigate, useParams } from "react-router";
import type { PriorityMessageRequest } from "../bindings/PriorityMessageRequest";
import type { RoomAccess } from "../bindings/RoomAccess";
import { api } from "../api/client";
import { useUser } from "../api/auth";
import { useMeeting, usePlaybook } from "../api/queries";
import { useI18n, LanguageSwitch } from "../i18n";
import { Button, Logo, MessageScreen, Spinner } from "../components/ui";
import { EyeOffIcon } from "../components/icons";
import { RoomView } from "../room/RoomView";
import { useLiveRoom } from "../room/useLiveRoom";
import { useHudStream } from "../hud/useHudStream";
import { HudDock } from "../hud/HudDock";
import { PriorityComposer } from "../hud/PriorityComposer";
import { sentimentTone } from "../hud/state";

/** `/shadow/:id` — a manager joins hidden, sees and hears the call, reads the HUD, coaches. */
export default function ShadowPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const meeting = useMeeting(id);
  const playbook = usePlaybook(meeting.data?.playbook_id);
  const live = useLiveRoom();
  const [joining, setJoining] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inCall = !!live.room && (live.phase === "connected" || live.phase === "reconnecting");
  const { hud, connected } = useHudStream(id, inCall);

  const nameOf = useCallback(
    (identity: string) => live.room?.remoteParticipants.get(identity)?.name || hud.names[identity] || identity,
    [live.room, hud.names],
  );

  if (meeting.isLoading) return <div className="flex min-h-screen items-center justify-center"><Spinner /></div>;
  if (!meeting.data) return <MessageScreen tone="bad" testId="not-found" title={t("guest.notFound.title")} />;
  if (user && meeting.data.host_id === user.id) return <Navigate to={`/host/${id}`} replace />;
  if (user?.role === "seller") return <MessageScreen tone="bad" title={t("shadow.notAllowed")} />;

  const join = async () => {
    setJoining(true);
    setError(null);
    try {
      const access = await api<RoomAccess>(`/api/meetings/${id}/token`, { method: "POST" });
      await live.connect(access, null);
    } catch (e) {
      setError(e instanceof Error ? e.message : t("common.error"));
    } finally {
      setJoining(false);
    }
  };

  if (inCall && live.room) {
    return (
      <RoomView
        room={live.room}
        phase={live.phase}
        title={meeting.data.title}
        shadow
        toneOf={(identity) => sentimentTone(hud.sentiment[identity]?.label)}
        onLeave={() => {
          void live.leave();
          navigate("/console");
        }}
        headerExtra={
          <span className="flex items-center gap-1.5 rounded-full bg-white/10 px-2.5 py-1 text-xs text-white/70" data-testid="shadow-badge">
            <EyeOffIcon width={14} height={14} /> {t("shadow.title")}
          </span>
        }
        side={<HudDock hud={hud} connected={connected} playbook={playbook.data} readOnly nameOf={nameOf} footer={<PriorityComposer deliver={deliverTo(id)} />} />}
      />
    );
  }

  return (
    <div className="min-h-screen bg-slate-950 text-white">
      <header className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </header>
      <main className="mx-auto max-w-lg px-6 pt-16 text-center">
        <div className="mx-auto mb-6 flex h-16 w-16 items-center justify-center rounded-full bg-indigo-500/15 text-indigo-300">
          <EyeOffIcon />
        </div>
        <h1 className="text-2xl font-semibold">{meeting.data.title}</h1>
        <p className="mt-3 text-white/65">{t("shadow.hidden")}</p>
        {error && <p className="mt-4 text-sm text-rose-300" role="alert">{error}</p>}
        <Button className="mt-8 h-12 px-8" onClick={() => void join()} disabled={joining} data-testid="shadow-join">
          {joining && <Spinner className="h-4 w-4" />} {t("console.shadow")}
        </Button>
      </main>
    </div>
  );
}

/** Sends a priority message to the seller's HUD through the API (the composer's `deliver`). */
function deliverTo(meetingId: string) {
  return (text: string) => {
    const body: PriorityMessageRequest = { text };
    return api(`/api/meetings/${meetingId}/priority-messages`, { method: "POST", body });
  };
}
