import { useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { ApiError, login } from "../api/client";
import { useI18n, LanguageSwitch } from "../i18n";
import { Button, Card, Field, Input, Logo, Spinner } from "../components/ui";

export default function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const next = params.get("next");

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await login(email, password);
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/console", { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? t("login.failed") : e instanceof Error ? e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex min-h-screen flex-col bg-slate-950 text-white">
      <header className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </header>
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
    </div>
  );
}
