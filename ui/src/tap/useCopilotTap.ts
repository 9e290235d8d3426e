import { useEffect, useState } from "react";
import {
  RoomEvent,
  Track,
  TrackEvent,
  type LocalTrackPublication,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  type Room,
} from "livekit-client";
import type { Participant as MeetingParticipant } from "../bindings/Participant";
import { accessToken, api, wsUrl } from "../api/client";
import { AudioTap } from "./AudioTap";
import { IngestClient, type IngestStatus, type SocketLike } from "./ingest";

export type TapState = {
  status: IngestStatus;
  /** Identities being tapped. */
  tapped: string[];
  /** Guests who declined AI consent (never tapped) or whom the server refused. */
  excluded: string[];
};

declare global {
  interface Window {
    /** Diagnostics of the seller's audio tap (levels and timing only, no content). */
    __closerTap?: { status: () => IngestStatus; counters: IngestClient["counters"]; activity: () => Record<string, unknown>; tapped: () => string[]; excluded: () => string[] };
  }
}

/**
 * The seller's audio tap: own microphone + every remote microphone of a guest who accepted AI
 * consent → AudioWorklet → 16 kHz s16le 20 ms frames → the meeting's ingest WebSocket.
 * A guest who declined (or is unknown to the backend) is never connected to the tap.
 */
export function useCopilotTap(room: Room | null, meetingId: string, enabled: boolean): TapState {
  const [state, setState] = useState<TapState>({ status: "stopped", tapped: [], excluded: [] });

  useEffect(() => {
    if (!room || !enabled) return;
    let closed = false;
    const excluded = new Set<string>();
    const consent = new Map<string, MeetingParticipant>();
    const restartHooked = new WeakSet<object>();
    const ingest = new IngestClient({
      connect: async () => {
        const token = await accessToken();
        return new WebSocket(wsUrl(`/api/meetings/${meetingId}/audio?access_token=${encodeURIComponent(token ?? "")}`)) as unknown as SocketLike;
      },
      onStatus: (status) => !closed && setState((s) => ({ ...s, status })),
      onRefused: (identity) => {
        excluded.add(identity);
        tap.removeIdentity(identity);
        publish();
      },
    });
    const tap = new AudioTap((identity, pcm, at) => ingest.push(identity, pcm, at));
    const publish = () => !closed && setState((s) => ({ ...s, tapped: tap.identities(), excluded: [...excluded] }));

    const loadConsent = async () => {
      const list = await api<MeetingParticipant[]>(`/api/meetings/${meetingId}/participants`);
      for (const p of list) consent.set(p.identity, p);
    };

    /** Only guests who explicitly accepted are tapped (and the seller's own microphone). */
    const mayTap = async (identity: string): Promise<boolean> => {
      for (let attempt = 0; attempt < 5 && !closed; attempt++) {
        const known = consent.get(identity);
        if (known) {
          if (known.role === "guest") return known.ai_consent === "accepted";
          return known.role === "host";
        }
        await loadConsent().catch(() => undefined);
        if (!consent.has(identity)) await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      }
      return false;
    };

    const tapRemote = async (track: RemoteTrack, publication: RemoteTrackPublication, participant: RemoteParticipant) => {
      if (track.kind !== Track.Kind.Audio || publication.source !== Track.Source.Microphone) return;
      if (excluded.has(participant.identity)) return;
      if (!(await mayTap(participant.identity)) || closed) {
        excluded.add(participant.identity);
        publish();
        return;
      }
      await tap.add(publication.trackSid, participant.identity, track.mediaStreamTrack);
      publish();
    };
    const untapRemote = (_track: RemoteTrack, publication: RemoteTrackPublication) => {
      tap.remove(publication.trackSid);
      publish();
    };
    const tapLocal = async (publication: LocalTrackPublication) => {
      const track = publication.track;
      if (publication.source !== Track.Source.Microphone || !track) return;
      if (!restartHooked.has(track)) {
        restartHooked.add(track);
        // A device switch replaces the MediaStreamTrack: re-tap it.
        track.on(TrackEvent.Restarted, () => {
          if (closed) return;
          tap.remove(publication.trackSid);
          void tapLocal(publication);
        });
      }
      await tap.add(publication.trackSid, room.localParticipant.identity, track.mediaStreamTrack);
      publish();
    };
    const untapLocal = (publication: LocalTrackPublication) => {
      tap.remove(publication.trackSid);
      publish();
    };
    const gone = (participant: RemoteParticipant) => {
      tap.removeIdentity(participant.identity);
      publish();
    };

    room
      .on(RoomEvent.TrackSubscribed, tapRemote)
      .on(RoomEvent.TrackUnsubscribed, untapRemote)
      .on(RoomEvent.LocalTrackPublished, tapLocal)
      .on(RoomEvent.LocalTrackUnpublished, untapLocal)
      .on(RoomEvent.ParticipantDisconnected, gone);

    void loadConsent().catch(() => undefined);
    ingest.start();
    tap.resume();
    // Tracks that were there before we started listening.
    for (const publication of room.localParticipant.trackPublications.values()) void tapLocal(publication);
    for (const participant of room.remoteParticipants.values()) {
      for (const publication of participant.trackPublications.values()) {
        if (publication.track) void tapRemote(publication.track, publication, participant);
      }
    }

    window.__closerTap = {
      status: () => ingest.status,
      counters: ingest.counters,
      activity: () => Object.fromEntries(tap.activity),
      tapped: () => tap.identities(),
      excluded: () => [...excluded],
    };

    return () => {
      closed = true;
      room
        .off(RoomEvent.TrackSubscribed, tapRemote)
        .off(RoomEvent.TrackUnsubscribed, untapRemote)
        .off(RoomEvent.LocalTrackPublished, tapLocal)
        .off(RoomEvent.LocalTrackUnpublished, untapLocal)
        .off(RoomEvent.ParticipantDisconnected, gone);
      ingest.stop();
      tap.close();
      delete window.__closerTap;
    };
  }, [room, meetingId, enabled]);

  return state;
}
