import { useState } from "react";
import { Link, useNavigate } from "react-router";
import type { Session } from "../bindings/Session";
import type { SignUp } from "../bindings/SignUp";
import { api, ApiError, storeSession } from "../api/client";
import { useI18n } from "../i18n";
import { AuthShell, useSubmit } from "../components/AuthShell";
import { Button, Card, ErrorText, Field, Input, Spinner } from "../components/ui";
import { slugify } from "./slug";

/**
 * `/signup`: a company creates its Closer team — the organization and its first admin, signed
 * in at once. The booking address is proposed from the company name until edited by hand.
 */
export default function SignUpPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [form, setForm] = useState<SignUp>({ organization_name: "", organization_slug: "", display_name: "", email: "", password: "" });
  const [slugEdited, setSlugEdited] = useState(false);
  const set = (patch: Partial<SignUp>) => setForm((f) => ({ ...f, ...patch }));
  const { busy, error, submit } = useSubmit(async () => {
    storeSession(await api<Session>("/api/organizations", { method: "POST", body: form, auth: false }));
    navigate("/console/team", { replace: true });
  });
  const fieldError = (field: string) => (error instanceof ApiError && error.field === field ? error.message : null);

  return (
    <AuthShell>
      <Card className="w-full max-w-md">
        <h1 className="text-xl font-semibold">{t("signup.title")}</h1>
        <p className="mb-6 mt-1 text-sm text-white/60">{t("signup.intro")}</p>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field label={t("signup.organization")} error={fieldError("organization_name")}>
            <Input
              required
              maxLength={200}
              value={form.organization_name}
              onChange={(e) => set({ organization_name: e.target.value, ...(slugEdited ? {} : { organization_slug: slugify(e.target.value) }) })}
              data-testid="signup-organization"
            />
          </Field>
          <Field
            label={t("signup.slug")}
            hint={t("signup.slugHint", { url: `${window.location.origin}/book/${form.organization_slug || "…"}` })}
            error={fieldError("organization_slug")}
          >
            <Input
              required
              pattern="[a-z0-9]([a-z0-9\-]{0,62}[a-z0-9])?"
              value={form.organization_slug}
              onChange={(e) => {
                setSlugEdited(true);
                set({ organization_slug: e.target.value.toLowerCase() });
              }}
              data-testid="signup-slug"
            />
          </Field>
          <Field label={t("signup.name")} error={fieldError("display_name")}>
            <Input required maxLength={100} autoComplete="name" value={form.display_name} onChange={(e) => set({ display_name: e.target.value })} data-testid="signup-name" />
          </Field>
          <Field label={t("signup.email")} error={fieldError("email")}>
            <Input required type="email" autoComplete="username" value={form.email} onChange={(e) => set({ email: e.target.value })} data-testid="signup-email" />
          </Field>
          <Field label={t("signup.password")} error={fieldError("password")}>
            <Input required type="password" minLength={10} autoComplete="new-password" value={form.password} onChange={(e) => set({ password: e.target.value })} data-testid="signup-password" />
          </Field>
          {!(error instanceof ApiError && error.field) && <ErrorText error={error} />}
          <Button type="submit" className="w-full" disabled={busy} data-testid="signup-submit">
            {busy && <Spinner className="h-4 w-4" />} {t("signup.submit")}
          </Button>
        </form>
        <Link to="/login" className="mt-4 block text-center text-sm text-white/60 hover:text-white">{t("signup.haveAccount")}</Link>
      </Card>
    </AuthShell>
  );
}
