import { NavLink, Outlet, useNavigate } from "react-router";
import { logout } from "../api/client";
import { useUser } from "../api/auth";
import { useI18n, LanguageSwitch } from "../i18n";
import type { MessageKey } from "../i18n/messages";
import { useMediaQuery } from "../lib/media";
import { Logo } from "../components/ui";
import { SummonsBanner } from "./SummonsBanner";

/** The console's sections: path, label, test id, and whether sellers see it. */
const SECTIONS: { to: string; label: MessageKey; testId: string; sellers: boolean }[] = [
  { to: "/console", label: "console.meetings", testId: "nav-meetings", sellers: true },
  { to: "/console/playbooks", label: "console.playbooks", testId: "nav-playbooks", sellers: true },
  { to: "/console/availability", label: "console.availability", testId: "nav-availability", sellers: true },
  { to: "/console/leads", label: "console.leads", testId: "nav-leads", sellers: true },
  { to: "/console/agents", label: "console.agents", testId: "nav-agents", sellers: true },
  { to: "/console/analytics", label: "console.analytics", testId: "nav-analytics", sellers: true },
  { to: "/console/phone", label: "console.phone", testId: "nav-phone", sellers: false },
  { to: "/console/webhooks", label: "console.webhooks", testId: "nav-webhooks", sellers: false },
  { to: "/console/team", label: "console.team", testId: "nav-team", sellers: false },
  { to: "/console/profile", label: "console.profile", testId: "nav-profile", sellers: true },
];

/**
 * The console's frame: a sidebar on wide screens; on phones (under 768 px, Tailwind's `md`) a
 * top bar with language, sign-out and the sections in a row that scrolls sideways instead of
 * widening the page. One of the two is rendered, never both.
 */
export default function ConsoleLayout() {
  const { t } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const wide = useMediaQuery("(min-width: 768px)");
  const sections = SECTIONS.filter((s) => s.sellers || user?.role !== "seller");
  const link = ({ isActive }: { isActive: boolean }) =>
    `block whitespace-nowrap rounded-lg px-3 py-2 text-sm transition ${isActive ? "bg-white/10 font-semibold text-white" : "text-white/65 hover:bg-white/5 hover:text-white"}`;
  const signOut = (
    <button type="button" className="text-xs text-white/60 hover:text-white" onClick={() => void logout().then(() => navigate("/login"))} data-testid="sign-out">
      {t("console.signOut")}
    </button>
  );
  return (
    <div className="flex min-h-screen bg-slate-950 text-white">
      {wide && (
        <aside className="flex w-60 shrink-0 flex-col border-r border-white/10 p-4">
          <Logo className="mb-8 px-2" />
          <nav className="space-y-1">
            {sections.map((s) => (
              <NavLink key={s.to} to={s.to} end={s.to === "/console"} className={link} data-testid={s.testId}>{t(s.label)}</NavLink>
            ))}
            {user && (
              <a href={`/book/${user.slug}`} target="_blank" rel="noreferrer" className="block rounded-lg px-3 py-2 text-sm text-white/65 hover:bg-white/5 hover:text-white">
                {t("console.bookingPage")} ↗
              </a>
            )}
          </nav>
          <div className="mt-auto space-y-3 px-2 text-sm">
            <div>
              <div className="font-medium" data-testid="console-user">{user?.display_name}</div>
              <div className="text-xs text-white/50">{user?.email}</div>
            </div>
            <div className="flex items-center justify-between">
              <LanguageSwitch />
              {signOut}
            </div>
          </div>
        </aside>
      )}
      <div className="flex min-w-0 flex-1 flex-col">
        {!wide && (
          <header className="border-b border-white/10">
            <div className="flex items-center justify-between px-4 py-3">
              <Logo />
              <div className="flex items-center gap-3">
                <LanguageSwitch />
                {signOut}
              </div>
            </div>
            <nav className="flex gap-1 overflow-x-auto px-2 pb-2">
              {sections.map((s) => (
                <NavLink key={s.to} to={s.to} end={s.to === "/console"} className={link}>{t(s.label)}</NavLink>
              ))}
            </nav>
          </header>
        )}
        <main className="mx-auto w-full max-w-5xl flex-1 p-6 md:p-10">
          <SummonsBanner />
          <Outlet />
        </main>
      </div>
    </div>
  );
}
