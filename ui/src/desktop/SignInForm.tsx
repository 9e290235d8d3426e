import { useState } from "react";
import type { User } from "../bindings/User";
import type { Wire } from "../lib/wire";
import { useI18n } from "../i18n";
import { Button, Card, Field, Input, Spinner } from "../components/ui";
import { desktop, DesktopError } from "./ipc";

/** E-mail + password sign-in through the app (the refresh token goes to the OS keyring). */
export function SignInForm({ onSignedIn }: { onSignedIn: (user: Wire<User>) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await desktop.signIn(email, password));
    } catch (e) {
      setError(e instanceof DesktopError && e.code === "rejected" ? t("login.failed") : e instanceof Error ? e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="flex flex-1 items-center justify-center p-6">
      <Card className="w-full max-w-sm">
        <h1 className="mb-6 text-xl font-semibold">{t("login.title")}</h1>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field label={t("login.email")}>
            <Input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="login-email" />
          </Field>
          <Field label={t("login.password")}>
            <Input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="login-password" />
          </Field>
          {error && <p className="text-sm text-rose-300" role="alert" data-testid="login-error">{error}</p>}
          <Button type="submit" className="w-full" disabled={busy} data-testid="login-submit">
            {busy && <Spinner className="h-4 w-4" />} {t("login.submit")}
          </Button>
        </form>
      </Card>
    </main>
  );
}
