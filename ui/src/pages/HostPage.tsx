import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { RoomEvent, type RemoteParticipant, type Room } from "livekit-client";
import type { RoomAccess } from "../bindings/RoomAccess";
import { api, ApiError } from "../api/client";
import { useMeeting, usePlaybook } from "../api/queries";
import { useI18n } from "../i18n";
import { Button, MessageScreen, Spinner } from "../components/ui";
import { LinkIcon } from "../components/icons";
import { fetchImageDataUrl } from "../components/AuthedImage";
import { GreenRoom } from "../room/GreenRoom";
import { RoomView } from "../room/RoomView";
import { useLiveRoom, type MediaChoice } from "../room/useLiveRoom";
import { isGuestIdentity, PresentationStage, PRESENT_TOPIC, type Presentation } from "../room/presentation";
import { useDeclinedGuests } from "../room/useDeclinedGuests";
import { useHudStream } from "../hud/useHudStream";
import { HudDock } from "../hud/HudDock";
import { sentimentTone, type CardEvent } from "../hud/state";

type Presented = Extract<Presentation, { type: "present" }>;

/**
 * `/host/:id` — the seller's room: the Meet-like room + HUD + "Present now". The page sends no
 * audio to Closer: the copilot joins the room itself (a hidden LiveKit agent run by the server).
 */
export default function HostPage() {
  const { id = "" } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const meeting = useMeeting(id);
  const playbook = usePlaybook(meeting.data?.playbook_id);
  const live = useLiveRoom();
  const [joining, setJoining] = useState(false);
  const [joinError, setJoinError] = useState<string | null>(null);
  const inCall = !!live.room && (live.phase === "connected" || live.phase === "reconnecting");
  const declined = useDeclinedGuests(live.room, id);
  const { hud, connected: hudConnected } = useHudStream(id, inCall);
  const { presenting, present, stop } = usePresenter(live.room, id, hud.cards);
  const [copied, setCopied] = useState(false);

  const join = async (choice: MediaChoice) => {
    setJoining(true);
    setJoinError(null);
    try {
      const access = await api<RoomAccess>(`/api/meetings/${id}/token`, { method: "POST" });
      await live.connect(access, choice);
    } catch (e) {
      setJoinError(e instanceof Error ? e.message : t("common.error"));
    } finally {
      setJoining(false);
    }
  };

  const leave = async () => {
    await live.leave();
    navigate(`/console/meetings/${id}`);
  };

  const endForAll = async () => {
    if (!window.confirm(t("room.endConfirm"))) return;
    // The server finishes the copilot's transcripts, then closes the room for everyone; the
    // seller need not wait for that.
    const ending = api(`/api/meetings/${id}/end`, { method: "POST" }).catch((e) => {
      if (!(e instanceof ApiError && e.status === 410)) console.warn("end call", e);
    });
    await Promise.race([ending, new Promise((r) => setTimeout(r, 4000))]);
    await leave();
  };

  const nameOf = useCallback(
    (identity: string) => {
      if (live.room?.localParticipant.identity === identity) return live.room.localParticipant.name || t("common.you");
      return live.room?.remoteParticipants.get(identity)?.name || hud.names[identity] || identity;
    },
    [live.room, hud.names, t],
  );

  if (meeting.isLoading) return <div className="flex min-h-screen items-center justify-center"><Spinner /></div>;
  if (meeting.error || !meeting.data) {
    return <MessageScreen tone="bad" testId="not-found" title={t("guest.notFound.title")} action={<Button onClick={() => navigate("/console")}>{t("common.back")}</Button>} />;
  }
  const m = meeting.data;
  if (m.status === "ended" || m.status === "processed" || m.status === "cancelled") {
    return <MessageScreen testId="ended" title={t(m.status === "cancelled" ? "guest.cancelled.title" : "guest.ended.title")} action={<Button onClick={() => navigate(`/console/meetings/${id}`)}>{t("common.back")}</Button>} />;
  }

  if (inCall && live.room) {
    const copy = () => {
      void navigator.clipboard?.writeText(m.guest_url).then(() => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      });
    };
    return (
      <RoomView
        room={live.room}
        phase={live.phase}
        title={m.title}
        toneOf={(identity) => sentimentTone(hud.sentiment[identity]?.label)}
        badgeOf={(identity) => (declined.has(identity) ? t("host.notTranscribed") : undefined)}
        stage={presenting ? <PresentationStage presentation={presenting} onStop={() => void stop()} /> : undefined}
        onLeave={() => void leave()}
        headerExtra={
          <Button variant="ghost" className="!px-3 !py-1 text-xs" onClick={copy}>
            <LinkIcon width={14} height={14} /> {copied ? t("common.copied") : t("room.copyLink")}
          </Button>
        }
        extraControls={
          <Button variant="danger" onClick={() => void endForAll()} data-testid="end-for-all">
            {t("room.endForAll")}
          </Button>
        }
        side={
          <HudDock
            hud={hud}
            connected={hudConnected}
            playbook={playbook.data}
            presentingId={presenting?.id ?? null}
            onPresent={(c) => void present(c)}
            onStopPresenting={() => void stop()}
            nameOf={nameOf}
          />
        }
      />
    );
  }

  return (
    <GreenRoom
      title={m.title}
      subtitle={playbook.data ? `${t("console.playbook")}: ${playbook.data.name}` : undefined}
      busy={joining || live.phase === "connecting"}
      error={joinError ?? (live.phase === "disconnected" && live.endReason !== "left" ? live.error ?? t("room.connectionLost") : null)}
      onJoin={({ choice }) => void join(choice)}
      aside={
        <div className="rounded-xl border border-white/10 bg-white/5 p-3 text-sm">
          <div className="mb-1 text-white/55">{t("host.guestLinkHint")}</div>
          <code className="block truncate text-indigo-200" data-testid="host-guest-link">{m.guest_url}</code>
        </div>
      }
    />
  );
}

/**
 * "Present now": sends a battle card to the guests only (a text stream addressed to them).
 * `cards` are the HUD's battle cards: their images are fetched as soon as they are shown, so a
 * click sends at once instead of after a round trip to the server (budget: 500 ms to the
 * guests' screens).
 */
function usePresenter(room: Room | null, meetingId: string, cards: CardEvent[]) {
  const [presenting, setPresenting] = useState<Presented | null>(null);
  const current = useRef<Presented | null>(null);
  current.current = presenting;
  const images = useRef(new Map<string, Promise<string | undefined>>());
  const imageOf = useCallback((url: string) => {
    let image = images.current.get(url);
    if (!image) {
      image = fetchImageDataUrl(url).catch(() => {
        images.current.delete(url); // a failed fetch is tried again on the click
        return undefined;
      });
      images.current.set(url, image);
    }
    return image;
  }, []);
  useEffect(() => {
    for (const c of cards) if (c.card.image_url) void imageOf(c.card.image_url);
  }, [cards, imageOf]);

  const guests = useCallback(() => (room ? [...room.remoteParticipants.values()].map((p) => p.identity).filter(isGuestIdentity) : []), [room]);

  const send = useCallback(
    async (message: Presentation, to: string[]) => {
      if (!room || to.length === 0) return; // an empty list would mean "everyone"
      await room.localParticipant.sendText(JSON.stringify(message), { topic: PRESENT_TOPIC, destinationIdentities: to });
    },
    [room],
  );

  const present = useCallback(
    async (c: CardEvent) => {
      if (!room) return;
      const image = c.card.image_url ? await imageOf(c.card.image_url) : undefined;
      const message: Presented = {
        type: "present",
        id: c.objection,
        title: c.card.title,
        points: c.card.points,
        image,
        from: room.localParticipant.name || "",
      };
      // Sent before the seller's own page re-renders with the stage, so on a busy machine that
      // render cannot take its turn ahead of the guests' copy; a failed send shows nothing.
      await send(message, guests());
      setPresenting(message);
      // Recaps and analytics count presented cards (fire and forget).
      void api(`/api/meetings/${meetingId}/battle-cards/${encodeURIComponent(c.objection)}/presented`, { method: "POST" }).catch(() => undefined);
    },
    [room, send, guests, meetingId, imageOf],
  );

  const stop = useCallback(async () => {
    const was = current.current;
    setPresenting(null);
    await send({ type: "stop", id: was?.id }, guests());
  }, [send, guests]);

  // Guests who join while a card is shown get it too.
  useEffect(() => {
    if (!room) return;
    const joined = (p: RemoteParticipant) => {
      if (current.current && isGuestIdentity(p.identity)) void send(current.current, [p.identity]);
    };
    room.on(RoomEvent.ParticipantConnected, joined);
    return () => {
      room.off(RoomEvent.ParticipantConnected, joined);
    };
  }, [room, send]);

  return useMemo(() => ({ presenting, present, stop }), [presenting, present, stop]);
}
