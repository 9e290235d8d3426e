import { useState } from "react";
import { api, ApiError } from "../api/client";
import { useI18n } from "../i18n";
import type { CardEvent } from "../hud/state";

/**
 * The desktop HUD's "Present now": the backend presents the card to the guests in the call
 * (`POST /api/meetings/{id}/battle-cards/{objection}/present`, stopped by `DELETE
 * /api/meetings/{id}/presentation`), since the room itself may run in the browser. Returns the
 * presented card's objection key and, after a failed try, why in the UI's language.
 */
export function usePresenter(meetingId: string) {
  const { t } = useI18n();
  const [presenting, setPresenting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const explain = (e: unknown) =>
    setError(e instanceof ApiError && e.status === 409 ? t("hud.presentNobody") : t("hud.presentFailed", { message: e instanceof Error ? e.message : String(e) }));
  const present = (c: CardEvent) => {
    setError(null);
    api(`/api/meetings/${meetingId}/battle-cards/${encodeURIComponent(c.objection)}/present`, { method: "POST" }).then(() => setPresenting(c.objection), explain);
  };
  const stop = () => {
    setError(null);
    api(`/api/meetings/${meetingId}/presentation`, { method: "DELETE" }).then(() => setPresenting(null), explain);
  };
  return { presenting, error, present, stop };
}
