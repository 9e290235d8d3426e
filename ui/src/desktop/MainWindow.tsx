import { Suspense, useEffect, useState } from "react";
import { NavLink, Outlet, useNavigate, useOutletContext } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import type { User } from "../bindings/User";
import { LanguageSwitch } from "../i18n";
import { ErrorText, Logo, Spinner } from "../components/ui";
import { desktop, onDeepLink } from "./ipc";
import { useDesktopT, type DesktopKey } from "./messages";
import { SignInForm } from "./SignInForm";
import { setDesktopUser } from "./session";
import { useSummonsNotifications } from "./useSummonsNotifications";

/** What the main window's screens get from it: the signed-in user and how to sign out. */
export type MainContext = { user: User; signOut: () => Promise<void> };

/** The signed-in user and sign-out, inside the main window's screens. */
export const useMain = () => useOutletContext<MainContext>();

const TABS: [string, DesktopKey][] = [
  ["/", "desktop.meetings"],
  ["/playbooks", "desktop.playbooks"],
  ["/settings", "desktop.settings"],
];

/**
 * The main window: sign-in, then its screens under a tab bar — today's meetings (join, shadow,
 * recap of an ended meeting), playbooks (the console's pages), settings; while signed in, OS
 * notifications of guests asking for the seller.
 */
export default function MainWindow() {
  const t = useDesktopT();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);

  const signedIn = (next: User | null) => {
    setDesktopUser(next);
    setUser(next);
  };

  useEffect(() => {
    desktop.currentUser().then(signedIn, (e) => {
      setError(e);
      signedIn(null);
    });
  }, []);

  // A closer:// link joins from today's meetings, which take it when they show.
  useEffect(() => {
    const unlisten = onDeepLink(() => navigate("/"));
    return () => void unlisten.then((fn) => fn());
  }, [navigate]);

  // A guest asking for the seller is notified by the OS, whichever screen or app is in front.
  useSummonsNotifications(!!user);

  if (user === undefined) {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <Spinner />
      </div>
    );
  }
  const signOut = async () => {
    await desktop.signOut();
    queryClient.clear();
    signedIn(null);
    navigate("/");
  };
  return (
    <div className="flex min-h-screen flex-col text-white">
      <header className="flex items-center gap-6 border-b border-white/10 px-6 py-3">
        <Logo />
        {user && (
          <nav className="flex gap-1 text-sm">
            {TABS.map(([to, label]) => (
              <NavLink
                key={to}
                to={to}
                end={to === "/"}
                data-testid={`tab-${to.slice(1) || "meetings"}`}
                className={({ isActive }) => `rounded-lg px-3 py-1.5 transition ${isActive ? "bg-white/15 text-white" : "text-white/60 hover:text-white"}`}
              >
                {t(label)}
              </NavLink>
            ))}
          </nav>
        )}
        <div className="ml-auto flex items-center gap-3">
          {user ? (
            <span className="text-sm text-white/60" data-testid="signed-in-as">
              {t("desktop.signedInAs", { name: user.display_name })}
            </span>
          ) : (
            <LanguageSwitch />
          )}
        </div>
      </header>
      {error != null && !user && (
        <p className="px-6 pt-3 text-sm text-rose-300" role="alert">
          <ErrorText error={error} />
        </p>
      )}
      {user ? (
        <div className="flex-1 p-6">
          <Suspense fallback={<Spinner />}>
            <Outlet context={{ user, signOut } satisfies MainContext} />
          </Suspense>
        </div>
      ) : (
        <SignInForm onSignedIn={signedIn} />
      )}
    </div>
  );
}
