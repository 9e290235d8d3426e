import { useEffect, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import { SUMMONS_POLL_MS, secondsLeft } from "../components/SummonsNotice";
import { useI18n } from "../i18n";
import { desktop } from "./ipc";

/**
 * While `enabled` (a user is signed in to the desktop app): an OS notification for each guest of
 * the user's AI-agent calls who asks for them now (issue #18), so a seller working in another
 * application hears of it while the guest holds; *Today* shows the request with Join. Polls
 * every [`SUMMONS_POLL_MS`]; notifies once per request (its meeting and `until`: a guest who
 * asks again is a new request), never for one whose guest stopped holding.
 */
export function useSummonsNotifications(enabled: boolean) {
  const { t } = useI18n();
  const notified = useRef(new Set<string>());
  const summoned = useQuery({ queryKey: ["desktop", "summoned"], queryFn: () => desktop.summonedMeetings(), enabled, refetchInterval: SUMMONS_POLL_MS });
  useEffect(() => {
    for (const { id, summons } of summoned.data ?? []) {
      if (!summons) continue;
      const key = `${id}@${summons.until}`;
      const seconds = secondsLeft(summons.until);
      if (seconds === 0 || notified.current.has(key)) continue;
      notified.current.add(key);
      desktop
        .notify(t("summons.asks", { guest: summons.guest }), t("summons.context", { agent: summons.agent, seconds }))
        .catch((e: unknown) => console.warn("the request for you was not notified", e));
    }
  }, [summoned.data, t]);
}
