import { useCallback, useEffect, useRef, useState } from "react";
import { DisconnectReason, Room, RoomEvent, VideoPresets, type RoomOptions } from "livekit-client";

export type RoomPhase = "idle" | "connecting" | "connected" | "reconnecting" | "disconnected";

/** What the green room decided: which devices, and whether to start with them on. */
export type MediaChoice = {
  audio: boolean;
  video: boolean;
  /** Camera send quality (Meet's "send resolution"): `standard` (540p) unless chosen. */
  quality?: VideoQuality;
  audioDeviceId?: string;
  videoDeviceId?: string;
  speakerDeviceId?: string;
};

export type VideoQuality = "high" | "standard" | "low";

/** Capture resolution and simulcast layers per quality (low: one small layer, for weak machines). */
export const QUALITY = {
  high: { resolution: VideoPresets.h720.resolution, simulcast: true, layers: [VideoPresets.h180, VideoPresets.h360] },
  standard: { resolution: VideoPresets.h540.resolution, simulcast: true, layers: [VideoPresets.h180, VideoPresets.h360] },
  low: { resolution: VideoPresets.h180.resolution, simulcast: false, layers: [] },
} as const;

export type Access = { livekit_url: string; token: string; identity: string };

/** Why the room ended, as the pages show it. */
export type EndReason = "left" | "ended" | "removed" | "duplicate" | "lost" | "full" | "failed";

export function endReasonOf(reason: DisconnectReason | undefined): EndReason {
  switch (reason) {
    case DisconnectReason.CLIENT_INITIATED:
      return "left";
    case DisconnectReason.ROOM_DELETED:
    case DisconnectReason.ROOM_CLOSED:
      return "ended";
    case DisconnectReason.PARTICIPANT_REMOVED:
      return "removed";
    case DisconnectReason.DUPLICATE_IDENTITY:
      return "duplicate";
    default:
      return "lost";
  }
}

const OPTIONS: RoomOptions = {
  adaptiveStream: true,
  dynacast: true,
  disconnectOnPageLeave: true,
  videoCaptureDefaults: { resolution: VideoPresets.h540.resolution },
  publishDefaults: { simulcast: true, videoSimulcastLayers: [VideoPresets.h180, VideoPresets.h360] },
  audioCaptureDefaults: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
};

/**
 * One LiveKit room for a page: connect with an access token, publish the green room's choices,
 * follow the connection (reconnecting, disconnected with a reason).
 */
export function useLiveRoom() {
  const [room, setRoom] = useState<Room | null>(null);
  const [phase, setPhase] = useState<RoomPhase>("idle");
  const [endReason, setEndReason] = useState<EndReason | null>(null);
  const [error, setError] = useState<string | null>(null);
  const roomRef = useRef<Room | null>(null);

  const connect = useCallback(async (access: Access, choice: MediaChoice | null) => {
    roomRef.current?.removeAllListeners();
    await roomRef.current?.disconnect();
    const quality = QUALITY[choice?.quality ?? "standard"];
    const next = new Room({
      ...OPTIONS,
      videoCaptureDefaults: { resolution: quality.resolution },
      publishDefaults: { ...OPTIONS.publishDefaults, simulcast: quality.simulcast, videoSimulcastLayers: [...quality.layers] },
    });
    roomRef.current = next;
    setRoom(next);
    setError(null);
    setEndReason(null);
    setPhase("connecting");
    next
      .on(RoomEvent.Reconnecting, () => setPhase("reconnecting"))
      .on(RoomEvent.SignalReconnecting, () => setPhase("reconnecting"))
      .on(RoomEvent.Reconnected, () => setPhase("connected"))
      .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
        if (roomRef.current !== next) return;
        setEndReason(endReasonOf(reason));
        setPhase("disconnected");
      });
    try {
      await next.connect(access.livekit_url, access.token, { autoSubscribe: true });
    } catch (e) {
      if (roomRef.current !== next) return;
      const message = e instanceof Error ? e.message : String(e);
      setError(message);
      setEndReason(/full/i.test(message) ? "full" : "failed");
      setPhase("disconnected");
      return;
    }
    setPhase("connected");
    if (choice) {
      if (choice.speakerDeviceId) void next.switchActiveDevice("audiooutput", choice.speakerDeviceId).catch(() => undefined);
      const publish = async (kind: "audio" | "video") => {
        try {
          if (kind === "audio" && choice.audio) {
            await next.localParticipant.setMicrophoneEnabled(true, choice.audioDeviceId ? { deviceId: choice.audioDeviceId } : undefined);
          }
          if (kind === "video" && choice.video) {
            const quality = QUALITY[choice.quality ?? "standard"];
            await next.localParticipant.setCameraEnabled(
              true,
              { deviceId: choice.videoDeviceId, resolution: quality.resolution },
              { simulcast: quality.simulcast, videoSimulcastLayers: [...quality.layers] },
            );
          }
        } catch (e) {
          console.warn(`could not publish ${kind}`, e);
        }
      };
      await Promise.all([publish("audio"), publish("video")]);
    }
  }, []);

  const leave = useCallback(async () => {
    await roomRef.current?.disconnect(true);
  }, []);

  useEffect(
    () => () => {
      const current = roomRef.current;
      roomRef.current = null;
      void current?.disconnect();
    },
    [],
  );

  return { room, phase, endReason, error, connect, leave };
}
