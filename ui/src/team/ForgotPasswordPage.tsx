import { useState } from "react";
import { Link } from "react-router";
import type { PasswordResetRequest } from "../bindings/PasswordResetRequest";
import { api, ApiError } from "../api/client";
import { useI18n } from "../i18n";
import { AuthShell, useSubmit } from "../components/AuthShell";
import { Button, Card, ErrorText, Field, Input, Spinner } from "../components/ui";

/**
 * `/forgot-password`: asks for a reset link by e-mail, in the page's language. The answer is
 * the same whether or not the address has an account.
 */
export default function ForgotPasswordPage() {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    const body: PasswordResetRequest = { email, language: lang };
    await api("/api/auth/password-reset", { method: "POST", body, auth: false });
    setSent(true);
  });

  return (
    <AuthShell>
      <Card className="w-full max-w-sm">
        <h1 className="mb-2 text-xl font-semibold">{t("reset.title")}</h1>
        {sent ? (
          <p className="text-sm text-white/70" role="status" data-testid="reset-sent">{t("reset.sent", { email })}</p>
        ) : (
          <form
            className="space-y-4"
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <p className="text-sm text-white/60">{t("reset.intro")}</p>
            <Field label={t("login.email")} error={error instanceof ApiError && error.field === "email" ? error.message : null}>
              <Input type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} data-testid="reset-email" />
            </Field>
            {!(error instanceof ApiError && error.field) && <ErrorText error={error} />}
            <Button type="submit" className="w-full" disabled={busy} data-testid="reset-request">
              {busy && <Spinner className="h-4 w-4" />} {t("reset.send")}
            </Button>
          </form>
        )}
        <Link to="/login" className="mt-4 block text-center text-sm text-white/60 hover:text-white">{t("reset.backToSignIn")}</Link>
      </Card>
    </AuthShell>
  );
}
