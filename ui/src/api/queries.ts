import { useQuery } from "@tanstack/react-query";
import type { Meeting } from "../bindings/Meeting";
import type { StoredPlaybook } from "../bindings/StoredPlaybook";
import type { Participant } from "../bindings/Participant";
import { browserTimeZone } from "../lib/time";
import { api } from "./client";

/** A window of the signed-in user's meetings (a tab of the list), as `GET /api/meetings?when=` names it. */
export type When = "today" | "upcoming" | "past";

/**
 * The query of the meetings of `when` (the browser's time zone defines today), or `summoned`:
 * the user's own meetings whose guest asks for them now.
 */
export const meetingsQuery = (when: When | "summoned") => ({
  queryKey: ["meetings", when],
  queryFn: () => api<Meeting[]>(`/api/meetings?when=${when}&time_zone=${encodeURIComponent(browserTimeZone())}`),
});

export function useMeeting(id: string) {
  return useQuery({ queryKey: ["meeting", id], queryFn: () => api<Meeting>(`/api/meetings/${id}`), enabled: !!id });
}

export function usePlaybook(id: string | undefined) {
  return useQuery({ queryKey: ["playbook", id], queryFn: () => api<StoredPlaybook>(`/api/playbooks/${id}`), enabled: !!id });
}

export function usePlaybooks() {
  return useQuery({ queryKey: ["playbooks"], queryFn: () => api<StoredPlaybook[]>("/api/playbooks") });
}

export function useParticipants(meetingId: string, refetchInterval?: number) {
  return useQuery({
    queryKey: ["participants", meetingId],
    queryFn: () => api<Participant[]>(`/api/meetings/${meetingId}/participants`),
    refetchInterval,
  });
}
