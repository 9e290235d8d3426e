import { useCallback, useEffect, useRef, useState } from "react";
import { useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { RoomEvent, type Room } from "livekit-client";
import type { AiConsent } from "../bindings/AiConsent";
import type { JoinRequest } from "../bindings/JoinRequest";
import type { PublicMeeting } from "../bindings/PublicMeeting";
import type { RoomAccess } from "../bindings/RoomAccess";
import { api, ApiError } from "../api/client";
import { useI18n } from "../i18n";
import { session } from "../lib/storage";
import { Button, MessageScreen, Spinner } from "../components/ui";
import { GreenRoom, type JoinRequestUi } from "../room/GreenRoom";
import { RoomView } from "../room/RoomView";
import { useLiveRoom, type MediaChoice } from "../room/useLiveRoom";
import { isHostIdentity, parsePresentation, PresentationStage, PRESENT_TOPIC, type Presentation } from "../room/presentation";
import { browserTimeZone, formatDateTime, formatTime, minutesUntil, spell } from "../lib/time";

/** What a tab remembers of its join; `token` lets a reload come back as the same participant. */
type Saved = { name: string; consent: AiConsent; choice: MediaChoice; joined: boolean; token?: string };
type Blocked = "full" | "limited" | "notFound" | "ended" | "cancelled" | null;

const savedKey = (id: string) => `closer.guest.${id}`;

/** `/meet/:id` — the prospect's page: green room, then the room. A reload rejoins. */
export default function GuestPage() {
  const { id = "" } = useParams();
  const { t, lang } = useI18n();
  const info = useQuery({
    queryKey: ["public", id],
    queryFn: () => api<PublicMeeting>(`/api/meetings/${id}/public`, { auth: false }),
    retry: (count, e) => !(e instanceof ApiError && e.status < 500) && count < 2,
  });
  const live = useLiveRoom();
  const { connect } = live;
  const [joining, setJoining] = useState(false);
  const [blocked, setBlocked] = useState<Blocked>(null);
  const [joinError, setJoinError] = useState<string | null>(null);
  const [saved, setSaved] = useState<Saved | null>(() => session.get<Saved>(savedKey(id)));
  const presentation = usePresentation(live.room);
  // Only a page that opens already joined (a reload) rejoins by itself, once.
  const rejoinOnLoad = useRef(saved?.joined === true);

  const join = useCallback(
    async (name: string, consent: AiConsent, choice: MediaChoice) => {
      setJoining(true);
      setJoinError(null);
      try {
        const rejoin = session.get<Saved>(savedKey(id))?.token;
        const body: JoinRequest = { display_name: name, ai_consent: consent, ...(rejoin ? { rejoin_token: rejoin } : {}) };
        const access = await api<RoomAccess>(`/api/meetings/${id}/join`, { method: "POST", auth: false, body });
        const next = { name, consent, choice, joined: true, token: access.token };
        session.set(savedKey(id), next);
        setSaved(next);
        await connect(access, choice);
      } catch (e) {
        if (e instanceof ApiError) {
          if (e.status === 409) setBlocked("full");
          else if (e.status === 429) setBlocked("limited");
          else if (e.status === 404) setBlocked("notFound");
          else if (e.status === 410) setBlocked(/cancel/i.test(e.message) ? "cancelled" : "ended");
          else setJoinError(e.message);
        } else setJoinError(t("common.error"));
      } finally {
        setJoining(false);
      }
    },
    [id, connect, t],
  );

  const over = info.data?.status === "ended" || info.data?.status === "processed" || info.data?.status === "cancelled";

  // A reload (or a dropped connection) rejoins with the same name and consent choice.
  useEffect(() => {
    if (!rejoinOnLoad.current || !saved?.joined || !info.data) return;
    rejoinOnLoad.current = false;
    if (!over) void join(saved.name, saved.consent, saved.choice);
  }, [saved, info.data, over, join]);

  // A connection that drops may be the host ending the call while this page was reconnecting
  // (LiveKit's "room deleted" then never arrives): ask the server what became of the meeting,
  // and an ended meeting shows its screen instead of a reconnect loop.
  const { refetch } = info;
  useEffect(() => {
    if (live.phase === "reconnecting" || live.phase === "disconnected") void refetch();
  }, [live.phase, refetch]);
  const { room, leave: leaveRoom } = live;
  useEffect(() => {
    if (over && room) void leaveRoom();
  }, [over, room, leaveRoom]);

  const leave = async () => {
    if (saved) session.set(savedKey(id), { ...saved, joined: false });
    setSaved((s) => (s ? { ...s, joined: false } : s));
    await live.leave();
  };

  if (info.isLoading) return <Loading />;
  if (info.error) {
    const status = info.error instanceof ApiError ? info.error.status : 0;
    if (status === 404 || status === 400) return <MessageScreen tone="bad" testId="not-found" title={t("guest.notFound.title")} body={t("guest.notFound.body")} />;
    return <MessageScreen tone="bad" title={t("common.error")} action={<Button onClick={() => void info.refetch()}>{t("common.retry")}</Button>} />;
  }
  const meeting = info.data!;
  if (blocked === "notFound") return <MessageScreen tone="bad" testId="not-found" title={t("guest.notFound.title")} body={t("guest.notFound.body")} />;
  if (meeting.status === "cancelled" || blocked === "cancelled") return <MessageScreen tone="warn" testId="cancelled" title={t("guest.cancelled.title")} body={t("guest.cancelled.body")} />;
  if (meeting.status === "ended" || meeting.status === "processed" || blocked === "ended" || live.endReason === "ended") {
    return (
      <MessageScreen
        testId="ended"
        title={live.endReason === "ended" ? t("guest.hostEnded.title") : t("guest.ended.title")}
        body={live.endReason === "ended" ? t("guest.hostEnded.body") : t("guest.ended.body")}
      />
    );
  }
  if (blocked === "full" || live.endReason === "full") {
    return (
      <MessageScreen
        tone="warn"
        testId="room-full"
        title={t("guest.full.title")}
        body={t("guest.full.body")}
        action={<Button onClick={() => { setBlocked(null); live.endReason === "full" && saved && void join(saved.name, saved.consent, saved.choice); }}>{t("common.retry")}</Button>}
      />
    );
  }
  if (blocked === "limited") {
    return <MessageScreen tone="warn" testId="rate-limited" title={t("guest.limited.title")} body={t("guest.limited.body")} action={<Button onClick={() => setBlocked(null)}>{t("common.retry")}</Button>} />;
  }
  if (live.endReason === "removed") return <MessageScreen tone="warn" testId="removed" title={t("guest.removed.title")} />;

  if (live.room && (live.phase === "connected" || live.phase === "reconnecting")) {
    return (
      <RoomView
        room={live.room}
        phase={live.phase}
        title={meeting.title}
        stage={presentation?.type === "present" ? <PresentationStage presentation={presentation} /> : undefined}
        aloneHint={t("guest.waitingHost", { host: meeting.host_name, time: formatTime(meeting.starts_at, lang) })}
        onLeave={() => void leave()}
      />
    );
  }

  if (live.phase === "disconnected" && (live.endReason === "left" || live.endReason === "duplicate")) {
    return (
      <MessageScreen
        testId="left"
        title={t("guest.left.title")}
        action={<Button onClick={() => saved && void join(saved.name, saved.consent, saved.choice)} data-testid="rejoin">{t("guest.left.rejoin")}</Button>}
      />
    );
  }
  if (live.phase === "disconnected" && (live.endReason === "lost" || live.endReason === "failed") && saved) {
    return <Reconnect onRetry={() => void join(saved.name, saved.consent, saved.choice)} busy={joining} error={live.error} />;
  }
  if ((joining || live.phase === "connecting") && saved?.joined) return <Loading label={t("green.joining")} />;

  return (
    <GreenRoom
      title={meeting.title}
      subtitle={t("guest.hostedBy", { host: meeting.host_name, org: meeting.organization_name })}
      note={<MeetingTime startsAt={meeting.starts_at} host={meeting.host_name} />}
      askName
      askConsent
      initialName={saved?.name ?? ""}
      busy={joining || live.phase === "connecting"}
      error={joinError}
      onJoin={({ choice, name, consent }: JoinRequestUi) => void join(name, consent!, choice)}
    />
  );
}

/**
 * When the meeting is, in the guest's own time zone and language, and while it has not started
 * how long until it does (refreshed every 30 s): a guest who opens the link early knows whether
 * to wait here or come back.
 */
function MeetingTime({ startsAt, host }: { startsAt: string; host: string }) {
  const { t, lang } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const minutes = minutesUntil(startsAt, now);
  return (
    <>
      <p data-testid="meeting-time">{t("guest.when", { time: formatDateTime(startsAt, lang), zone: browserTimeZone() })}</p>
      {minutes !== null && (
        <p className="text-amber-200/90" data-testid="meeting-starts-in">{t("guest.startsIn", { duration: spell(minutes), host })}</p>
      )}
    </>
  );
}

function Loading({ label }: { label?: string }) {
  return (
    <div className="flex min-h-screen items-center justify-center gap-3 bg-slate-950 text-white/70" data-testid="loading">
      <Spinner /> {label}
    </div>
  );
}

/** A lost connection: retries by itself a few times, then offers a button. */
function Reconnect({ onRetry, busy, error }: { onRetry: () => void; busy: boolean; error: string | null }) {
  const { t } = useI18n();
  const tries = useRef(0);
  useEffect(() => {
    if (busy || tries.current >= 3) return;
    const timer = setTimeout(() => {
      tries.current++;
      onRetry();
    }, 1500 * (tries.current + 1));
    return () => clearTimeout(timer);
  }, [busy, onRetry]);
  return (
    <MessageScreen
      tone="warn"
      testId="connection-lost"
      title={busy ? t("room.reconnecting") : t("room.connectionLost")}
      body={error ?? undefined}
      action={<Button onClick={onRetry} disabled={busy}>{busy ? <Spinner className="h-4 w-4" /> : null}{t("common.retry")}</Button>}
    />
  );
}

/**
 * The host's "Present now" card: a text stream from the host's web room, or a data packet from
 * the server (no participant: only the server's API key can send one) when the host presents
 * from the desktop app's HUD. Anything from another participant is ignored.
 */
function usePresentation(room: Room | null): Presentation | null {
  const [presentation, setPresentation] = useState<Presentation | null>(null);
  useEffect(() => {
    if (!room) return;
    const show = (text: string) => {
      const message = parsePresentation(text);
      if (message) setPresentation(message.type === "present" ? message : null);
    };
    room.registerTextStreamHandler(PRESENT_TOPIC, async (reader, from) => {
      const text = await reader.readAll();
      if (isHostIdentity(from.identity)) show(text);
    });
    const fromServer = (payload: Uint8Array, participant?: { identity: string }, _kind?: unknown, topic?: string) => {
      if (topic === PRESENT_TOPIC && participant === undefined) show(new TextDecoder().decode(payload));
    };
    const hostLeft = (p: { identity: string }) => isHostIdentity(p.identity) && setPresentation(null);
    room.on(RoomEvent.DataReceived, fromServer);
    room.on(RoomEvent.ParticipantDisconnected, hostLeft);
    return () => {
      room.unregisterTextStreamHandler(PRESENT_TOPIC);
      room.off(RoomEvent.DataReceived, fromServer);
      room.off(RoomEvent.ParticipantDisconnected, hostLeft);
    };
  }, [room]);
  return presentation;
}
