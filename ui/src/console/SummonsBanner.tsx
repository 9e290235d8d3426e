import { Link } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { meetingsQuery } from "../api/queries";
import { SUMMONS_POLL_MS, SummonsNotice } from "../components/SummonsNotice";
import { useI18n } from "../i18n";

/**
 * Above every console page: the guests of the signed-in user's AI-agent calls who ask for them
 * now (issue #18), each with a link into the call (the host's green room).
 */
export function SummonsBanner() {
  const { t } = useI18n();
  const meetings = useQuery({ ...meetingsQuery("summoned"), refetchInterval: SUMMONS_POLL_MS });
  const asking = (meetings.data ?? []).flatMap((m) => (m.summons ? [{ id: m.id, summons: m.summons }] : []));
  if (asking.length === 0) return null;
  return (
    <div className="mb-6 space-y-2">
      {asking.map((m) => (
        <SummonsNotice
          key={m.id}
          summons={m.summons}
          action={
            <Link to={`/host/${m.id}`} className="rounded-full bg-amber-300 px-4 py-2 text-sm font-semibold text-slate-950 hover:bg-amber-200" data-testid="summons-join">
              {t("summons.join")}
            </Link>
          }
        />
      ))}
    </div>
  );
}
