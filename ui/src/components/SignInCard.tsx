import { useState } from "react";
import { useI18n } from "../i18n";
import { Button, Card, Field, Input, Spinner } from "./ui";

/**
 * The e-mail + password sign-in card of the web console and the desktop app. `signIn` resolves
 * once signed in; when it rejects, `describeError` turns the error into the line shown under
 * the fields.
 */
export function SignInCard({
  signIn,
  describeError,
}: {
  signIn: (email: string, password: string) => Promise<void>;
  describeError: (error: unknown) => string;
}) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
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
  );
}
