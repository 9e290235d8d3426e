import { useCallback, useEffect, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { User } from "../bindings/User";
import type { Wire } from "../lib/wire";
import { LanguageSwitch, useI18n } from "../i18n";
import { Button, Card, ErrorText, Logo, Spinner } from "../components/ui";
import { desktop, DesktopError, onDeepLink } from "./ipc";
import { useDesktopT } from "./messages";
import { SignInForm } from "./SignInForm";
import { MicCheck } from "./MicCheck";
import { joinMeeting, type JoinOutcome } from "./join";
import type { DeepLink } from "./bindings/DeepLink";

const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** The main window: sign-in, then today's meetings (join / shadow), microphone check, HUD options. */
export default function MainWindow() {
  const [user, setUser] = useState<Wire<User> | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    desktop.currentUser().then(setUser, (e) => {
      setError(e);
      setUser(null);
    });
  }, []);

  if (user === undefined) {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Spinner />
      </div>
    );
  }
  return (
    <div className="flex min-h-screen flex-col text-white">
      <header className="flex items-center justify-between border-b border-white/10 px-6 py-3">
        <Logo />
        <div className="flex items-center gap-3">
          {user && <SignOut user={user} onSignedOut={() => setUser(null)} />}
          <LanguageSwitch />
        </div>
      </header>
      {error != null && !user && (
        <p className="px-6 pt-3 text-sm text-rose-300" role="alert">
          <ErrorText error={error} />
        </p>
      )}
      {user ? <Signedin user={user} /> : <SignInForm onSignedIn={setUser} />}
    </div>
  );
}

function SignOut({ user, onSignedOut }: { user: Wire<User>; onSignedOut: () => void }) {
  const t = useDesktopT();
  const queryClient = useQueryClient();
  return (
    <>
      <span className="text-sm text-white/60" data-testid="signed-in-as">
        {t("desktop.signedInAs", { name: user.display_name })}
      </span>
      <Button
        variant="ghost"
        data-testid="sign-out"
        onClick={async () => {
          await desktop.signOut();
          queryClient.clear();
          onSignedOut();
        }}
      >
        {t("desktop.signOut")}
      </Button>
    </>
  );
}

function Signedin({ user }: { user: Wire<User> }) {
  const t = useDesktopT();
  const [outcome, setOutcome] = useState<JoinOutcome | null>(null);
  const [joinError, setJoinError] = useState<unknown>(null);
  const meetings = useQuery({ queryKey: ["desktop", "today", TIME_ZONE], queryFn: () => desktop.todaysMeetings(TIME_ZONE) });

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
    <main className="grid flex-1 gap-6 p-6 lg:grid-cols-[1fr_22rem]">
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
            <li key={m.id} data-testid="meeting-row" data-meeting-id={m.id}>
              <Card className="flex items-center gap-4">
                <div className="min-w-0 flex-1">
                  <div className="truncate font-semibold">{m.title}</div>
                  <div className="text-sm text-white/50">
                    {new Date(m.starts_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })} · {m.status}
                  </div>
                </div>
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
              </Card>
            </li>
          ))}
        </ul>
      </section>
      <aside className="space-y-6">
        <MicCheck />
        <HudOptions />
      </aside>
    </main>
  );
}

function HudOptions() {
  const t = useDesktopT();
  const { t: tw } = useI18n();
  const [clickThrough, setClickThrough] = useState(false);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("desktop.hud")}</h2>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={clickThrough}
          data-testid="hud-click-through"
          onChange={async (e) => {
            const enabled = e.target.checked;
            await desktop.hudSetClickThrough(enabled);
            setClickThrough(enabled);
          }}
        />
        {t("desktop.clickThrough")}
      </label>
      <p className="mt-2 text-xs text-white/45">{t("desktop.shortcut")}</p>
      <p className="sr-only">{tw("hud.title")}</p>
    </Card>
  );
}
