import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { useQuery } from "@tanstack/react-query";
import type { AcceptInvitation } from "../bindings/AcceptInvitation";
import type { InvitationPreview } from "../bindings/InvitationPreview";
import type { Session } from "../bindings/Session";
import { api, ApiError, storeSession } from "../api/client";
import { useI18n, type Lang } from "../i18n";
import { AuthShell, useSubmit } from "../components/AuthShell";
import { Button, Card, ErrorText, Field, Input, MessageScreen, Spinner } from "../components/ui";
import { slugify } from "./slug";

/** The invitation token of `/invite#token=…` (a fragment: browsers never send it to servers). */
function tokenFromHash(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token");
}

/**
 * `/invite#token=…`: the page an invitation e-mail links to. Shows which organization invites
 * whom in which role, in the invitation's language; the invitee picks name, booking address and
 * password and is signed in. A used, withdrawn or expired link says so.
 */
export default function AcceptInvitePage() {
  const { t, setLang } = useI18n();
  const navigate = useNavigate();
  const token = tokenFromHash(window.location.hash);
  const preview = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => api<InvitationPreview>(`/api/invitations/lookup?token=${encodeURIComponent(token ?? "")}`, { auth: false }),
    enabled: !!token,
    retry: false,
  });
  const language = preview.data?.language;
  useEffect(() => {
    if (language === "en" || language === "it") setLang(language as Lang);
  }, [language, setLang]);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [password, setPassword] = useState("");
  const { busy, error, submit } = useSubmit(async () => {
    const body: AcceptInvitation = { token: token ?? "", display_name: name, password, slug };
    storeSession(await api<Session>("/api/invitations/accept", { method: "POST", body, auth: false }));
    navigate("/console", { replace: true });
  });
  const fieldError = (field: string) => (error instanceof ApiError && error.field === field ? error.message : null);

  if (!token) return <MessageScreen title={t("invite.invalid")} body={t("invite.missing")} testId="invite-missing" tone="warn" />;
  if (preview.isLoading) {
    return (
      <div className="flex min-h-screen items-center justify-center bg-slate-950">
        <Spinner />
      </div>
    );
  }
  if (preview.error || !preview.data) return <MessageScreen title={t("invite.invalid")} testId="invite-unusable" tone="warn" />;
  const invitation = preview.data;
  if (invitation.status !== "pending") {
    return (
      <MessageScreen
        title={t(`invite.${invitation.status}`)}
        body={invitation.status === "accepted" ? <a href="/login" className="underline">{t("login.submit")}</a> : t("invite.askAdmin")}
        testId="invite-unusable"
        tone="warn"
      />
    );
  }

  return (
    <AuthShell>
      <Card className="w-full max-w-md">
        <h1 className="text-xl font-semibold" data-testid="invite-title">{t("invite.title", { org: invitation.organization_name })}</h1>
        <p className="mb-6 mt-1 text-sm text-white/60">
          {t("invite.as", { role: t(`role.${invitation.role}`).toLowerCase(), email: invitation.email })}
        </p>
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field label={t("invite.name")} error={fieldError("display_name")}>
            <Input
              required
              maxLength={100}
              autoComplete="name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                if (!slugEdited) setSlug(slugify(e.target.value));
              }}
              data-testid="invite-name"
            />
          </Field>
          <Field label={t("invite.slug")} hint={t("signup.slugHint", { url: `${window.location.origin}/book/${slug || "…"}` })} error={fieldError("slug")}>
            <Input
              required
              value={slug}
              onChange={(e) => {
                setSlugEdited(true);
                setSlug(e.target.value.toLowerCase());
              }}
              data-testid="invite-slug"
            />
          </Field>
          <Field label={t("invite.password")} error={fieldError("password")}>
            <Input required type="password" minLength={10} autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="invite-password" />
          </Field>
          {!(error instanceof ApiError && error.field) && <ErrorText error={error} />}
          <Button type="submit" className="w-full" disabled={busy} data-testid="invite-submit">
            {busy && <Spinner className="h-4 w-4" />} {t("invite.submit")}
          </Button>
        </form>
      </Card>
    </AuthShell>
  );
}
