import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AiAgent } from "../bindings/AiAgent";
import type { MeetingAgent } from "../bindings/MeetingAgent";
import { api } from "../api/client";
import { useI18n } from "../i18n";
import { Card, ErrorText, Select } from "../components/ui";

/**
 * Who runs a scheduled meeting: its host, or one of the organization's AI agents
 * (`PUT /api/meetings/{id}/agent`). Shown on the meeting's page to its host, managers and admins.
 */
export default function MeetingAgentSelect({ meetingId }: { meetingId: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const agents = useQuery({ queryKey: ["agents"], queryFn: () => api<AiAgent[]>("/api/agents") });
  const assigned = useQuery({ queryKey: ["meeting-agent", meetingId], queryFn: () => api<MeetingAgent>(`/api/meetings/${meetingId}/agent`) });
  const assign = useMutation({
    mutationFn: (body: MeetingAgent) => api<MeetingAgent>(`/api/meetings/${meetingId}/agent`, { method: "PUT", body }),
    onSuccess: (saved) => client.setQueryData(["meeting-agent", meetingId], saved),
  });
  if (!agents.data?.length || !assigned.data) return null;
  return (
    <Card>
      <label className="flex flex-wrap items-center gap-3 text-sm">
        <span className="font-medium">{t("agents.runBy")}</span>
        <Select
          value={assigned.data.agent_id ?? ""}
          onChange={(e) => assign.mutate({ agent_id: e.target.value || null })}
          disabled={assign.isPending}
          data-testid="meeting-agent"
        >
          <option value="">{t("agents.runByHost")}</option>
          {agents.data.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </Select>
      </label>
      <ErrorText error={assign.error} />
    </Card>
  );
}
