import { useState } from "react";
import { Link, useNavigate } from "react-router";
import type { PasswordResetConfirm } from "../bindings/PasswordResetConfirm";
import type { Session } from "../bindings/Session";
import type { Wire } from "../lib/wire";
import { api, ApiError, storeSession } from "../api/client";
import { useI18n, LanguageSwitch } from "../i18n";
import { Button, Card, ErrorText, Field, Input, Logo, MessageScreen, Spinner } from "../components/ui";

/**
 * `/reset-password#token=…`: the page a reset e-mail links to (the token in the fragment never
 * reaches a server log). Sets the new password and signs in; a used or expired link says so and
 * offers a new one.
 */
export default function ResetPasswordPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const token = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("token");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (!token) return <MessageScreen title={t("reset.invalid")} testId="reset-unusable" tone="warn" action={<Link className="underline" to="/forgot-password">{t("reset.again")}</Link>} />;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const body: PasswordResetConfirm = { token, password };
      storeSession(await api<Wire<Session>>("/api/auth/password-reset/confirm", { method: "POST", body, auth: false }));
      navigate("/console", { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const dead = error instanceof ApiError && (error.status === 410 || error.status === 404);

  return (
    <div className="flex min-h-screen flex-col bg-slate-950 text-white">
      <header className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </header>
      <main className="flex flex-1 items-center justify-center p-6">
        <Card className="w-full max-w-sm">
          <h1 className="mb-4 text-xl font-semibold">{t("reset.choose")}</h1>
          <form
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <Field label={t("signup.password")} error={error instanceof ApiError && error.field === "password" ? error.message : null}>
              <Input type="password" required minLength={10} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="reset-password" />
            </Field>
            {dead ? (
              <p className="text-sm text-rose-300" role="alert" data-testid="reset-dead">
                {t(error.status === 410 ? "reset.gone" : "reset.invalid")}{" "}
                <Link className="underline" to="/forgot-password">{t("reset.again")}</Link>
              </p>
            ) : (
              !(error instanceof ApiError && error.field) && <ErrorText error={error} />
            )}
            <Button type="submit" className="w-full" disabled={busy} data-testid="reset-confirm">
              {busy && <Spinner className="h-4 w-4" />} {t("reset.save")}
            </Button>
          </form>
        </Card>
      </main>
    </div>
  );
}
