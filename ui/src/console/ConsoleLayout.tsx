import { NavLink, Outlet, useNavigate } from "react-router";
import { logout } from "../api/client";
import { useUser } from "../api/auth";
import { useI18n, LanguageSwitch } from "../i18n";
import { Logo } from "../components/ui";

export default function ConsoleLayout() {
  const { t } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const link = ({ isActive }: { isActive: boolean }) =>
    `block rounded-lg px-3 py-2 text-sm transition ${isActive ? "bg-white/10 font-semibold text-white" : "text-white/65 hover:bg-white/5 hover:text-white"}`;
  return (
    <div className="flex min-h-screen bg-slate-950 text-white">
      <aside className="flex w-60 shrink-0 flex-col border-r border-white/10 p-4 max-md:hidden">
        <Logo className="mb-8 px-2" />
        <nav className="space-y-1">
          <NavLink to="/console" end className={link} data-testid="nav-meetings">{t("console.meetings")}</NavLink>
          <NavLink to="/console/playbooks" className={link} data-testid="nav-playbooks">{t("console.playbooks")}</NavLink>
          <NavLink to="/console/availability" className={link} data-testid="nav-availability">{t("console.availability")}</NavLink>
          <NavLink to="/console/analytics" className={link} data-testid="nav-analytics">{t("console.analytics")}</NavLink>
          {user?.role !== "seller" && <NavLink to="/console/webhooks" className={link} data-testid="nav-webhooks">{t("console.webhooks")}</NavLink>}
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
            <button
              type="button"
              className="text-xs text-white/60 hover:text-white"
              onClick={() => void logout().then(() => navigate("/login"))}
              data-testid="sign-out"
            >
              {t("console.signOut")}
            </button>
          </div>
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-between border-b border-white/10 px-4 py-3 md:hidden">
          <Logo />
          <nav className="flex gap-1">
            <NavLink to="/console" end className={link}>{t("console.meetings")}</NavLink>
            <NavLink to="/console/playbooks" className={link}>{t("console.playbooks")}</NavLink>
            <NavLink to="/console/availability" className={link}>{t("console.availability")}</NavLink>
            <NavLink to="/console/analytics" className={link}>{t("console.analytics")}</NavLink>
          </nav>
        </header>
        <main className="mx-auto w-full max-w-5xl flex-1 p-6 md:p-10">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
