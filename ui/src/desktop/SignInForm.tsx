import type { User } from "../bindings/User";
import { useI18n } from "../i18n";
import { SignInCard } from "../components/SignInCard";
import { desktop, DesktopError } from "./ipc";

/** E-mail + password sign-in through the app (the refresh token goes to the OS keyring). */
export function SignInForm({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const { t } = useI18n();
  return (
    <main className="flex flex-1 items-center justify-center p-6">
      <SignInCard
        signIn={async (email, password) => onSignedIn(await desktop.signIn(email, password))}
        describeError={(e) => (e instanceof DesktopError && e.code === "rejected" ? t("login.failed") : e instanceof Error ? e.message : t("common.error"))}
      />
    </main>
  );
}
