import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Bant } from "../bindings/Bant";
import type { Lead } from "../bindings/Lead";
import type { LeadStage } from "../bindings/LeadStage";
import type { LeadUpdate } from "../bindings/LeadUpdate";
import type { NewLead } from "../bindings/NewLead";
import { api, ApiError } from "../api/client";
import { useUser } from "../api/auth";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/messages";
import { Button, Card, ErrorText, Field, Input, Select, Spinner } from "../components/ui";

const STAGES: LeadStage[] = ["new", "qualified", "disqualified", "handed_off", "won", "lost"];
const CRITERIA: (keyof Bant)[] = ["budget", "authority", "need", "timeline"];

/**
 * `/console/leads`: the leads the user sees (managers: all of the organization's; sellers:
 * their own and the unassigned ones, which they can take), each with its stage, BANT score,
 * the four criteria with the prospect's own words as evidence, its owner and its meetings;
 * and a form to add one by hand.
 */
export default function LeadsPage() {
  const { t } = useI18n();
  const leads = useQuery({ queryKey: ["leads"], queryFn: () => api<Lead[]>("/api/leads") });
  return (
    <div className="space-y-6" data-testid="leads-page">
      <div>
        <h1 className="text-2xl font-semibold">{t("leads.title")}</h1>
        <p className="mt-1 text-sm text-white/55">{t("leads.intro")}</p>
      </div>
      <NewLeadForm />
      {leads.isLoading && <Spinner />}
      <ErrorText error={leads.error} />
      {leads.data?.length === 0 && <p className="text-white/50">{t("leads.none")}</p>}
      <ul className="space-y-3" data-testid="leads-list">
        {leads.data?.map((lead) => <LeadRow key={lead.id} lead={lead} />)}
      </ul>
    </div>
  );
}

function NewLeadForm() {
  const { t } = useI18n();
  const client = useQueryClient();
  const empty = { name: "", company: "", email: "", phone: "" };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: (body: NewLead) => api<Lead>("/api/leads", { method: "POST", body }),
    onSuccess: () => {
      setForm(empty);
      void client.invalidateQueries({ queryKey: ["leads"] });
    },
  });
  const fieldError = (field: string) => (create.error instanceof ApiError && create.error.field === field ? create.error.message : null);
  const optional = (value: string) => (value.trim() ? value : undefined);
  const input = (field: keyof typeof empty, label: MessageKey, type = "text") => (
    <Field label={t(label)} error={fieldError(field)}>
      <Input type={type} value={form[field]} onChange={(e) => setForm({ ...form, [field]: e.target.value })} data-testid={`lead-new-${field}`} />
    </Field>
  );
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("leads.new")}</h2>
      <form
        className="grid gap-3 md:grid-cols-5 md:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name: form.name, company: optional(form.company), email: optional(form.email), phone: optional(form.phone) });
        }}
      >
        {input("name", "leads.name")}
        {input("company", "leads.company")}
        {input("email", "leads.email", "email")}
        {input("phone", "leads.phone", "tel")}
        <Button type="submit" disabled={create.isPending || !form.name.trim()} data-testid="lead-add">
          {t("leads.add")}
        </Button>
      </form>
      {create.error instanceof ApiError && !create.error.field && <ErrorText error={create.error} />}
    </Card>
  );
}

function LeadRow({ lead }: { lead: Lead }) {
  const { t } = useI18n();
  const user = useUser();
  const client = useQueryClient();
  const update = useMutation({
    mutationFn: (body: LeadUpdate) => api<Lead>(`/api/leads/${lead.id}`, { method: "PATCH", body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["leads"] }),
  });
  const contact = [lead.company, lead.email, lead.phone].filter(Boolean).join(" · ");
  return (
    <li data-testid="lead" data-stage={lead.stage}>
      <Card className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <div className="min-w-0 flex-1">
            <div className="font-medium">{lead.name}</div>
            {contact && <div className="text-sm text-white/55">{contact}</div>}
          </div>
          <span className="rounded-full bg-white/10 px-3 py-1 text-sm" data-testid="lead-score">
            {lead.score === null ? t("leads.unscored") : t("leads.score", { score: lead.score })}
          </span>
          <Select
            aria-label={t("leads.stage")}
            value={lead.stage}
            onChange={(e) => update.mutate({ stage: e.target.value as LeadStage })}
            data-testid="lead-stage"
          >
            {STAGES.map((stage) => (
              <option key={stage} value={stage}>
                {t(`leads.stage.${stage}` as MessageKey)}
              </option>
            ))}
          </Select>
        </div>
        <dl className="grid gap-2 text-sm md:grid-cols-4" data-testid="lead-bant">
          {CRITERIA.map((criterion) => {
            const assessed = lead.bant[criterion];
            return (
              <div key={criterion} className="rounded-lg bg-white/5 p-2" data-criterion={criterion} data-score={assessed?.score ?? ""}>
                <dt className="font-medium">
                  {t(`leads.bant.${criterion}` as MessageKey)}:{" "}
                  <span className="text-white/70">{assessed ? t(`leads.bant.${assessed.score}` as MessageKey) : t("leads.bant.unknown")}</span>
                </dt>
                {assessed?.evidence && <dd className="mt-1 italic text-white/60">“{assessed.evidence}”</dd>}
              </div>
            );
          })}
        </dl>
        <div className="flex flex-wrap items-center gap-3 text-sm text-white/60">
          <span data-testid="lead-owner">{lead.owner_name ? t("leads.owner", { name: lead.owner_name }) : t("leads.unassigned")}</span>
          {lead.owner_id === null && user && (
            <Button variant="secondary" onClick={() => update.mutate({ owner_id: user.id })} data-testid="lead-claim">
              {t("leads.claim")}
            </Button>
          )}
          {lead.meeting_ids.length > 0 && <span>{t("leads.meetings", { count: lead.meeting_ids.length })}</span>}
        </div>
        <ErrorText error={update.error} />
      </Card>
    </li>
  );
}
