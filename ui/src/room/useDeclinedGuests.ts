import { useEffect, useMemo } from "react";
import { RoomEvent, type Room } from "livekit-client";
import { useParticipants } from "../api/queries";

/**
 * LiveKit identities of the guests of `meetingId` who declined AI assistance: the copilot (a
 * hidden participant the server runs) never subscribes to their microphones, and the seller's
 * page says so on their tiles. Read again whenever someone joins `room`.
 */
export function useDeclinedGuests(room: Room | null, meetingId: string): Set<string> {
  const participants = useParticipants(meetingId);
  const { refetch } = participants;
  useEffect(() => {
    if (!room) return;
    const joined = () => void refetch();
    room.on(RoomEvent.ParticipantConnected, joined);
    return () => {
      room.off(RoomEvent.ParticipantConnected, joined);
    };
  }, [room, refetch]);
  return useMemo(
    () => new Set((participants.data ?? []).filter((p) => p.role === "guest" && p.ai_consent === "declined").map((p) => p.identity)),
    [participants.data],
  );
}
