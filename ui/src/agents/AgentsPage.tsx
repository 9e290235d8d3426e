import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AgentFaq } from "../bindings/AgentFaq";
import type { AgentQuestion } from "../bindings/AgentQuestion";
import type { AiAgent } from "../bindings/AiAgent";
import type { AiAgentInput } from "../bindings/AiAgentInput";
import type { BantCriterion } from "../bindings/BantCriterion";
import type { User } from "../bindings/User";
import { api, ApiError } from "../api/client";
import { useUser } from "../api/auth";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/messages";
import { Button, Card, ErrorText, Field, Input, Select, Spinner, TextArea } from "../components/ui";

const CRITERIA: BantCriterion[] = ["budget", "authority", "need", "timeline"];

/**
 * `/console/agents`: the organization's AI agents. Everyone sees them; managers and admins
 * create, edit and delete them: name, language (which fixes the voice), persona, greeting,
 * questions in order each with the BANT criterion its answer tells about, closing line, the
 * seller warm leads go to and the BANT score from which a lead counts as qualified.
 */
export default function AgentsPage() {
  const { t } = useI18n();
  const user = useUser();
  const manager = user?.role !== "seller";
  const agents = useQuery({ queryKey: ["agents"], queryFn: () => api<AiAgent[]>("/api/agents") });
  const [editing, setEditing] = useState<string | "new" | null>(null);
  return (
    <div className="space-y-6" data-testid="agents-page">
      <div>
        <h1 className="text-2xl font-semibold">{t("agents.title")}</h1>
        <p className="mt-1 text-sm text-white/55">{t("agents.intro")}</p>
      </div>
      {manager ? (
        editing === "new" ? <AgentForm onDone={() => setEditing(null)} /> : <Button onClick={() => setEditing("new")} data-testid="agent-new">{t("agents.new")}</Button>
      ) : (
        <p className="text-sm text-white/55">{t("agents.forManagers")}</p>
      )}
      {agents.isLoading && <Spinner />}
      <ErrorText error={agents.error} />
      {agents.data?.length === 0 && <p className="text-white/50">{t("agents.none")}</p>}
      <ul className="space-y-3" data-testid="agents-list">
        {agents.data?.map((agent) =>
          editing === agent.id ? (
            <li key={agent.id}>
              <AgentForm agent={agent} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <AgentRow key={agent.id} agent={agent} manager={manager} onEdit={() => setEditing(agent.id)} />
          ),
        )}
      </ul>
    </div>
  );
}

function AgentRow({ agent, manager, onEdit }: { agent: AiAgent; manager: boolean; onEdit: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api<null>(`/api/agents/${agent.id}`, { method: "DELETE" }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["agents"] }),
  });
  return (
    <li data-testid="agent">
      <Card className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <div className="min-w-0 flex-1">
            <div className="font-medium">{agent.name}</div>
            <div className="text-sm text-white/55">
              {t(`agents.language.${agent.language}` as MessageKey)} · {t("agents.summary", { count: agent.questions.length, score: agent.qualify_score })}
            </div>
          </div>
          {manager && (
            <>
              <Button variant="secondary" onClick={onEdit} data-testid="agent-edit">{t("agents.edit")}</Button>
              <Button
                variant="danger"
                onClick={() => window.confirm(t("agents.confirmDelete", { name: agent.name })) && remove.mutate()}
                data-testid="agent-delete"
              >
                {t("agents.delete")}
              </Button>
            </>
          )}
        </div>
        <ol className="list-decimal space-y-1 pl-5 text-sm text-white/70">
          {agent.questions.map((q, i) => (
            <li key={i}>
              {q.text}
              {q.criterion && <span className="ml-2 rounded bg-white/10 px-1.5 text-xs uppercase">{q.criterion}</span>}
            </li>
          ))}
        </ol>
        <ErrorText error={remove.error} />
      </Card>
    </li>
  );
}

function AgentForm({ agent, onDone }: { agent?: AiAgent; onDone: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const people = useQuery({ queryKey: ["users"], queryFn: () => api<User[]>("/api/users") });
  const [form, setForm] = useState<AiAgentInput>({
    name: agent?.name ?? "",
    language: agent?.language ?? "en",
    persona: agent?.persona ?? "",
    greeting: agent?.greeting ?? "",
    questions: agent?.questions ?? [{ text: "", criterion: "budget" }],
    faq: agent?.faq ?? [],
    closing: agent?.closing ?? "",
    handoff_owner_id: agent?.handoff_owner_id ?? undefined,
    qualify_score: agent?.qualify_score ?? 50,
  });
  const save = useMutation({
    mutationFn: (body: AiAgentInput) =>
      api<AiAgent>(agent ? `/api/agents/${agent.id}` : "/api/agents", { method: agent ? "PUT" : "POST", body }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["agents"] });
      onDone();
    },
  });
  const fieldError = (field: string) => (save.error instanceof ApiError && save.error.field === field ? save.error.message : null);
  const setQuestion = (i: number, change: Partial<AgentQuestion>) =>
    setForm({ ...form, questions: form.questions.map((q, j) => (j === i ? { ...q, ...change } : q)) });
  const faq = form.faq ?? [];
  const setFaq = (i: number, change: Partial<AgentFaq>) => setForm({ ...form, faq: faq.map((f, j) => (j === i ? { ...f, ...change } : f)) });
  return (
    <Card>
      <form
        className="space-y-3"
        data-testid="agent-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(form);
        }}
      >
        <div className="grid gap-3 md:grid-cols-2">
          <Field label={t("agents.name")} error={fieldError("name")}>
            <Input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="agent-name" />
          </Field>
          <Field label={t("agents.language")} error={fieldError("language")}>
            <Select value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })} data-testid="agent-language">
              <option value="en">{t("agents.language.en")}</option>
              <option value="it">{t("agents.language.it")}</option>
            </Select>
          </Field>
        </div>
        <Field label={t("agents.greeting")} hint={t("agents.greetingHint")} error={fieldError("greeting")}>
          <Input value={form.greeting} onChange={(e) => setForm({ ...form, greeting: e.target.value })} data-testid="agent-greeting" />
        </Field>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">{t("agents.questions")}</legend>
          {form.questions.map((q, i) => (
            <div key={i} className="flex flex-wrap items-end gap-2" data-testid="agent-question">
              <div className="min-w-0 flex-1">
                <Field label={t("agents.question", { n: i + 1 })} error={fieldError(`questions[${i}].text`)}>
                  <Input value={q.text} onChange={(e) => setQuestion(i, { text: e.target.value })} data-testid="agent-question-text" />
                </Field>
              </div>
              <Select
                aria-label={t("agents.criterion")}
                value={q.criterion ?? ""}
                onChange={(e) => setQuestion(i, { criterion: (e.target.value || null) as BantCriterion | null })}
                data-testid="agent-question-criterion"
              >
                <option value="">{t("agents.criterion.none")}</option>
                {CRITERIA.map((c) => (
                  <option key={c} value={c}>
                    {t(`leads.bant.${c}` as MessageKey)}
                  </option>
                ))}
              </Select>
              {form.questions.length > 1 && (
                <Button variant="ghost" type="button" onClick={() => setForm({ ...form, questions: form.questions.filter((_, j) => j !== i) })}>
                  {t("agents.removeQuestion")}
                </Button>
              )}
            </div>
          ))}
          <ErrorText error={fieldError("questions")} />
          <Button variant="secondary" type="button" onClick={() => setForm({ ...form, questions: [...form.questions, { text: "", criterion: null }] })} data-testid="agent-add-question">
            {t("agents.addQuestion")}
          </Button>
        </fieldset>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">{t("agents.faq")}</legend>
          <p className="text-xs text-white/60">{t("agents.faqHint")}</p>
          {faq.map((f, i) => (
            <div key={i} className="grid gap-2 md:grid-cols-[1fr_2fr_auto] md:items-end" data-testid="agent-faq">
              <Field label={t("agents.faqQuestion", { n: i + 1 })} error={fieldError(`faq[${i}].question`)}>
                <Input value={f.question} onChange={(e) => setFaq(i, { question: e.target.value })} data-testid="agent-faq-question" />
              </Field>
              <Field label={t("agents.faqAnswer")} error={fieldError(`faq[${i}].answer`)}>
                <Input value={f.answer} onChange={(e) => setFaq(i, { answer: e.target.value })} data-testid="agent-faq-answer" />
              </Field>
              <Button variant="ghost" type="button" onClick={() => setForm({ ...form, faq: faq.filter((_, j) => j !== i) })}>
                {t("agents.removeQuestion")}
              </Button>
            </div>
          ))}
          <ErrorText error={fieldError("faq")} />
          <Button variant="secondary" type="button" onClick={() => setForm({ ...form, faq: [...faq, { question: "", answer: "" }] })} data-testid="agent-add-faq">
            {t("agents.addFaq")}
          </Button>
        </fieldset>
        <Field label={t("agents.closing")} error={fieldError("closing")}>
          <Input value={form.closing} onChange={(e) => setForm({ ...form, closing: e.target.value })} data-testid="agent-closing" />
        </Field>
        <Field label={t("agents.persona")} error={fieldError("persona")}>
          <TextArea value={form.persona ?? ""} onChange={(e) => setForm({ ...form, persona: e.target.value })} rows={3} />
        </Field>
        <div className="grid gap-3 md:grid-cols-2">
          <Field label={t("agents.handoff")} error={fieldError("handoff_owner_id")}>
            <Select
              value={form.handoff_owner_id ?? ""}
              onChange={(e) => setForm({ ...form, handoff_owner_id: e.target.value || undefined })}
              data-testid="agent-handoff"
            >
              <option value="">{t("agents.handoffNobody")}</option>
              {people.data?.filter((p) => p.active).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.display_name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("agents.qualifyScore")} error={fieldError("qualify_score")}>
            <Input
              type="number"
              min={0}
              max={100}
              value={form.qualify_score ?? 50}
              onChange={(e) => setForm({ ...form, qualify_score: Number(e.target.value) })}
              data-testid="agent-qualify-score"
            />
          </Field>
        </div>
        <div className="flex gap-2">
          <Button type="submit" disabled={save.isPending} data-testid="agent-save">{t("agents.save")}</Button>
          <Button variant="ghost" type="button" onClick={onDone}>{t("agents.cancel")}</Button>
        </div>
        {save.error instanceof ApiError && !save.error.field && <ErrorText error={save.error} />}
      </form>
    </Card>
  );
}
