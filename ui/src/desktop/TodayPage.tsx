import { useCallback, useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { useQuery } from "@tanstack/react-query";
import type { Meeting } from "../bindings/Meeting";
import { Button, Card, ErrorText, Spinner } from "../components/ui";
import { desktop, DesktopError, onDeepLink } from "./ipc";
import { useDesktopT } from "./messages";
import { MicCheck } from "./MicCheck";
import { joinMeeting, type JoinOutcome } from "./join";
import { useMain } from "./MainWindow";
import { SUMMONS_POLL_MS, SummonsNotice } from "../components/SummonsNotice";
import type { DeepLink } from "./bindings/DeepLink";

const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** A meeting whose call is over: it has (or will soon have) a recap. */
export const isOver = (m: Pick<Meeting, "status">) => m.status === "ended" || m.status === "processed";

/** Today's meetings: join (hosts) or shadow (managers) an upcoming call, open an ended one's recap. */
export default function TodayPage() {
  const t = useDesktopT();
  const { user } = useMain();
  const navigate = useNavigate();
  const [outcome, setOutcome] = useState<JoinOutcome | null>(null);
  const [joinError, setJoinError] = useState<unknown>(null);
  // Polled so that a guest asking for the seller (their AI agent's call) shows while they hold.
  const meetings = useQuery({ queryKey: ["desktop", "today", TIME_ZONE], queryFn: () => desktop.todaysMeetings(TIME_ZONE), refetchInterval: SUMMONS_POLL_MS });

  const join = useCallback(async (meetingId: string, shadow: boolean) => {
    setJoinError(null);
    try {
      setOutcome(await joinMeeting(meetingId, shadow));
    } catch (e) {
      setJoinError(e);
    }
  }, []);

  // closer:// links: the one the app started with, and any that arrive later.
  useEffect(() => {
    const handle = (link: DeepLink | null) => {
      if (link) void join(link.meeting_id, link.kind === "shadow");
    };
    desktop.takePendingLink().then(handle, () => undefined);
    const unlisten = onDeepLink(() => desktop.takePendingLink().then(handle, () => undefined));
    return () => {
      void unlisten.then((fn) => fn());
    };
  }, [join]);

  const canShadow = user.role === "manager" || user.role === "admin";
  return (
    <main className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <section>
        <h1 className="mb-4 text-xl font-semibold">{t("desktop.today")}</h1>
        {outcome && (
          <p className="mb-4 rounded-lg bg-emerald-500/15 px-3 py-2 text-sm text-emerald-100" data-testid="join-outcome" data-where={outcome}>
            {t(outcome === "browser" ? "desktop.openedInBrowser" : "desktop.openedInApp")}
          </p>
        )}
        {joinError != null && (
          <p className="mb-4 text-sm text-rose-300" role="alert" data-testid="join-error">
            {joinError instanceof DesktopError ? joinError.message : <ErrorText error={joinError} />}
          </p>
        )}
        {meetings.isLoading && <Spinner />}
        {meetings.error && <ErrorText error={meetings.error} />}
        {meetings.data?.length === 0 && <p className="text-white/50">{t("desktop.noMeetings")}</p>}
        <ul className="space-y-2">
          {meetings.data?.map((m) => (
            <li key={m.id} data-testid="meeting-row" data-meeting-id={m.id} data-status={m.status} className="space-y-2">
              {m.summons && m.host_id === user.id && (
                <SummonsNotice
                  summons={m.summons}
                  action={
                    <Button onClick={() => join(m.id, false)} data-testid="summons-join">
                      {t("desktop.join")}
                    </Button>
                  }
                />
              )}
              <Card className="flex items-center gap-4">
                <div className="min-w-0 flex-1">
                  <div className="truncate font-semibold">{m.title}</div>
                  <div className="text-sm text-white/50">
                    {new Date(m.starts_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })} · {m.status}
                  </div>
                </div>
                {isOver(m) ? (
                  <Button variant="secondary" onClick={() => navigate(`/meetings/${m.id}/recap`)} data-testid="open-recap">
                    {t("desktop.recap")}
                  </Button>
                ) : (
                  <>
                    {m.host_id === user.id && (
                      <Button onClick={() => join(m.id, false)} data-testid="join-meeting">
                        {t("desktop.join")}
                      </Button>
                    )}
                    {canShadow && m.host_id !== user.id && (
                      <Button variant="secondary" onClick={() => join(m.id, true)} data-testid="shadow-meeting">
                        {t("desktop.shadow")}
                      </Button>
                    )}
                  </>
                )}
              </Card>
            </li>
          ))}
        </ul>
      </section>
      <aside>
        <MicCheck />
      </aside>
    </main>
  );
}
