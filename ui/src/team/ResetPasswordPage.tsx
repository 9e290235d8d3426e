import { useState } from "react";
import { Link, useNavigate } from "react-router";
import type { PasswordResetConfirm } from "../bindings/PasswordResetConfirm";
import type { Session } from "../bindings/Session";
import { api, ApiError, storeSession } from "../api/client";
import { useI18n } from "../i18n";
import { AuthShell, useSubmit } from "../components/AuthShell";
import { Button, Card, ErrorText, Field, Input, MessageScreen, Spinner } from "../components/ui";

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
  const { busy, error, submit } = useSubmit(async () => {
    const body: PasswordResetConfirm = { token: token ?? "", password };
    storeSession(await api<Session>("/api/auth/password-reset/confirm", { method: "POST", body, auth: false }));
    navigate("/console", { replace: true });
  });

  if (!token) return <MessageScreen title={t("reset.invalid")} testId="reset-unusable" tone="warn" action={<Link className="underline" to="/forgot-password">{t("reset.again")}</Link>} />;

  const dead = error instanceof ApiError && (error.status === 410 || error.status === 404);

  return (
    <AuthShell>
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
    </AuthShell>
  );
}
