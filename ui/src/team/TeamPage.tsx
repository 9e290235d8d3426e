import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Invitation } from "../bindings/Invitation";
import type { InvitationSent } from "../bindings/InvitationSent";
import type { NewInvitation } from "../bindings/NewInvitation";
import type { Role } from "../bindings/Role";
import type { User } from "../bindings/User";
import type { UserUpdate } from "../bindings/UserUpdate";
import { api, ApiError } from "../api/client";
import { useUser } from "../api/auth";
import { useI18n } from "../i18n";
import { formatDateTime } from "../lib/time";
import { Button, Card, ErrorText, Field, Input, Select, Spinner } from "../components/ui";

const ROLES: Role[] = ["seller", "manager", "admin"];

/**
 * `/console/team` (managers see it, admins change it): the organization's people with their
 * roles, deactivating and reactivating accounts, inviting someone by e-mail (the link is shown
 * once too, with a copy button, in case the e-mail is slow or could not be sent) and the
 * invitations with their status, pending ones withdrawable.
 */
export default function TeamPage() {
  const { t } = useI18n();
  const user = useUser();
  const admin = user?.role === "admin";
  const people = useQuery({ queryKey: ["users"], queryFn: () => api<User[]>("/api/users"), enabled: user?.role !== "seller" });
  if (user?.role === "seller") return <p className="text-white/60">{t("team.forAdmins")}</p>;
  return (
    <div className="space-y-6" data-testid="team-page">
      <div>
        <h1 className="text-2xl font-semibold">{t("team.title")}</h1>
        <p className="mt-1 text-sm text-white/55">{t("team.intro")}</p>
      </div>
      {admin ? <InviteForm /> : <p className="text-sm text-white/55">{t("team.forAdmins")}</p>}
      <Card>
        <h2 className="mb-3 font-semibold">{t("team.people")}</h2>
        {people.isLoading && <Spinner />}
        <ErrorText error={people.error} />
        <ul className="divide-y divide-white/10" data-testid="team-people">
          {people.data?.map((person) => <PersonRow key={person.id} person={person} editable={admin && person.id !== user?.id} />)}
        </ul>
      </Card>
      {admin && <Invitations />}
    </div>
  );
}

function PersonRow({ person, editable }: { person: User; editable: boolean }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const update = useMutation({
    mutationFn: (body: UserUpdate) => api<User>(`/api/users/${person.id}`, { method: "PATCH", body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["users"] }),
  });
  return (
    <li className="flex flex-wrap items-center gap-3 py-3" data-testid="team-person" data-active={person.active}>
      <div className="min-w-0 flex-1">
        <div className={`font-medium ${person.active ? "" : "text-white/60 line-through"}`}>{person.display_name}</div>
        <div className="truncate text-xs text-white/50">{person.email}</div>
      </div>
      {!person.active && <span className="rounded-full bg-white/10 px-2 py-0.5 text-xs text-white/60">{t("team.inactive")}</span>}
      {editable ? (
        <Select
          className="!w-36"
          aria-label={t("team.role")}
          value={person.role}
          onChange={(e) => update.mutate({ role: e.target.value as Role })}
          data-testid="team-role"
        >
          {ROLES.map((role) => <option key={role} value={role}>{t(`role.${role}`)}</option>)}
        </Select>
      ) : (
        <span className="w-36 text-sm text-white/70">{t(`role.${person.role}`)}</span>
      )}
      {editable && (
        <Button
          variant="ghost"
          className="!px-3 !py-1 text-xs"
          disabled={update.isPending}
          onClick={() => update.mutate({ active: !person.active })}
          data-testid={person.active ? "team-deactivate" : "team-reactivate"}
        >
          {person.active ? t("team.deactivate") : t("team.reactivate")}
        </Button>
      )}
      {update.error && <div className="basis-full"><ErrorText error={update.error} /></div>}
    </li>
  );
}

function InviteForm() {
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("seller");
  const [language, setLanguage] = useState<string>(lang);
  const [sent, setSent] = useState<InvitationSent | null>(null);
  const [copied, setCopied] = useState(false);
  const invite = useMutation({
    mutationFn: (body: NewInvitation) => api<InvitationSent>("/api/invitations", { method: "POST", body }),
    onSuccess: (result) => {
      setSent(result);
      setEmail("");
      void client.invalidateQueries({ queryKey: ["invitations"] });
    },
  });
  const emailError = invite.error instanceof ApiError && invite.error.field === "email" ? invite.error.message : null;
  const copy = (link: string) =>
    void navigator.clipboard?.writeText(link).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("team.invite")}</h2>
      <form
        className="grid gap-3 md:grid-cols-[2fr_1fr_1fr_auto] md:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          setSent(null);
          invite.mutate({ email, role, language });
        }}
      >
        <Field label={t("team.email")} error={emailError}>
          <Input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} placeholder="name@company.com" data-testid="invite-email" />
        </Field>
        <Field label={t("team.role")}>
          <Select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="invite-role">
            {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
          </Select>
        </Field>
        <Field label={t("team.language")}>
          <Select value={language} onChange={(e) => setLanguage(e.target.value)} data-testid="invite-language">
            <option value="en">English</option>
            <option value="it">Italiano</option>
          </Select>
        </Field>
        <Button type="submit" disabled={invite.isPending} data-testid="invite-send">
          {invite.isPending && <Spinner className="h-4 w-4" />} {t("team.send")}
        </Button>
      </form>
      {!emailError && <ErrorText error={invite.error} />}
      {sent && (
        <div className="mt-3 space-y-2 rounded-lg bg-emerald-500/10 p-3 text-sm" data-testid="invite-sent">
          <p>{sent.emailed ? t("team.sent", { email: sent.invitation.email }) : t("team.notEmailed")}</p>
          <div className="flex flex-wrap items-center gap-2">
            <span className="text-white/60">{t("team.link")}</span>
            <code className="break-all text-emerald-200" data-testid="invite-link">{sent.link}</code>
            <Button variant="ghost" className="!px-3 !py-1 text-xs" onClick={() => copy(sent.link)} data-testid="invite-copy">
              {copied ? t("common.copied") : t("common.copy")}
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}

function Invitations() {
  const { t, lang } = useI18n();
  const client = useQueryClient();
  const invitations = useQuery({ queryKey: ["invitations"], queryFn: () => api<Invitation[]>("/api/invitations") });
  const withdraw = useMutation({
    mutationFn: (id: string) => api<Invitation>(`/api/invitations/${id}`, { method: "DELETE" }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["invitations"] }),
  });
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("team.invitations")}</h2>
      {invitations.isLoading && <Spinner />}
      <ErrorText error={invitations.error ?? withdraw.error} />
      {invitations.data?.length === 0 && <p className="text-sm text-white/50">{t("team.noInvitations")}</p>}
      <ul className="divide-y divide-white/10" data-testid="team-invitations">
        {invitations.data?.map((invitation) => (
          <li key={invitation.id} className="flex flex-wrap items-center gap-3 py-3" data-testid="team-invitation" data-status={invitation.status}>
            <div className="min-w-0 flex-1">
              <div className="truncate">{invitation.email}</div>
              <div className="text-xs text-white/50">
                {t(`role.${invitation.role}`)} · {t(`invitation.${invitation.status}`)}
                {invitation.status === "pending" && ` ${t("team.expires", { date: formatDateTime(invitation.expires_at, lang) })}`}
              </div>
            </div>
            {invitation.status === "pending" && (
              <Button variant="ghost" className="!px-3 !py-1 text-xs" disabled={withdraw.isPending} onClick={() => withdraw.mutate(invitation.id)} data-testid="invite-withdraw">
                {t("team.withdraw")}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}
