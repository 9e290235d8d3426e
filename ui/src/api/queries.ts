import { useQuery } from "@tanstack/react-query";
import type { Meeting } from "../bindings/Meeting";
import type { StoredPlaybook } from "../bindings/StoredPlaybook";
import type { Participant } from "../bindings/Participant";
import { api } from "./client";

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
