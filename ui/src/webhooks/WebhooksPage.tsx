import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeliveryStatus } from "../bindings/DeliveryStatus";
import type { NewWebhookEndpoint } from "../bindings/NewWebhookEndpoint";
import type { WebhookDelivery } from "../bindings/WebhookDelivery";
import type { WebhookEndpoint } from "../bindings/WebhookEndpoint";
import type { WebhookEndpointUpdate } from "../bindings/WebhookEndpointUpdate";
import type { WebhookSecret } from "../bindings/WebhookSecret";
import { api, ApiError } from "../api/client";
import { useUser } from "../api/auth";
import { useI18n } from "../i18n";
import { formatDateTime } from "../lib/time";
import { Button, Card, ErrorText, Field, Input, Spinner } from "../components/ui";

type EventType = { type: string; description: string };

/**
 * `/console/webhooks` (managers and admins): the organization's CRM webhook endpoints, adding
 * one (its signing secret is shown once), pausing, rotating the secret (the new one shown once),
 * deleting, a test event, and each endpoint's delivery log with every attempt and redelivery.
 */
export default function WebhooksPage() {
  const { t } = useI18n();
  const user = useUser();
  const manager = user?.role !== "seller";
  const endpoints = useQuery({ queryKey: ["webhooks"], queryFn: () => api<WebhookEndpoint[]>("/api/webhooks"), enabled: manager });
  const [selected, setSelected] = useState<string | null>(null);
  if (!manager) return <p className="text-white/60">{t("wh.forManagers")}</p>;
  const current = selected ?? endpoints.data?.[0]?.id ?? null;
  return (
    <div className="space-y-6" data-testid="webhooks-page">
      <div>
        <h1 className="text-2xl font-semibold">{t("wh.title")}</h1>
        <p className="mt-1 text-sm text-white/55">{t("wh.intro")}</p>
      </div>
      <NewEndpoint onCreated={setSelected} />
      {endpoints.isLoading && <Spinner />}
      <ErrorText error={endpoints.error} />
      {endpoints.data?.length === 0 && <p className="text-white/50">{t("wh.noEndpoints")}</p>}
      <ul className="space-y-2" data-testid="wh-endpoints">
        {endpoints.data?.map((e) => <EndpointRow key={e.id} endpoint={e} selected={e.id === current} onSelect={() => setSelected(e.id)} />)}
      </ul>
      {current && <Deliveries endpointId={current} />}
    </div>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const types = useQuery({ queryKey: ["webhook-event-types"], queryFn: () => api<EventType[]>("/api/webhooks/event-types") });
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>(["meeting.processed"]);
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: NewWebhookEndpoint) => api<WebhookSecret>("/api/webhooks", { method: "POST", body }),
    onSuccess: (created) => {
      setSecret(created.secret);
      setUrl("");
      setDescription("");
      onCreated(created.endpoint.id);
      void client.invalidateQueries({ queryKey: ["webhooks"] });
    },
  });
  const toggle = (type: string) => setEvents((list) => (list.includes(type) ? list.filter((e) => e !== type) : [...list, type]));
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("wh.add")}</h2>
      <form
        className="grid gap-3 md:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ url, events, description });
        }}
      >
        <Field label={t("wh.url")} error={create.error instanceof ApiError && create.error.field === "url" ? create.error.message : null}>
          <Input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://crm.example.com/hooks/closer" data-testid="wh-url" />
        </Field>
        <Field label={t("wh.description")}>
          <Input value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} data-testid="wh-description" />
        </Field>
        <fieldset className="md:col-span-2">
          <legend className="mb-1 text-xs font-medium uppercase tracking-wide text-white/55">{t("wh.events")}</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            {types.data?.map((type) => (
              <label key={type.type} className="flex items-center gap-2" title={type.description}>
                <input type="checkbox" checked={events.includes(type.type)} onChange={() => toggle(type.type)} />
                <code>{type.type}</code>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="md:col-span-2">
          <Button type="submit" disabled={create.isPending || events.length === 0} data-testid="wh-create">{t("wh.create")}</Button>
        </div>
      </form>
      {!(create.error instanceof ApiError && create.error.field === "url") && <ErrorText error={create.error} />}
      {secret && <SecretOnce secret={secret} />}
    </Card>
  );
}

/**
 * A signing secret, shown this once (after creation or rotation): the API never returns it again,
 * so it can be copied in one click rather than selected by hand.
 */
function SecretOnce({ secret }: { secret: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(secret).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <div className="mt-3 flex flex-wrap items-center gap-2 rounded-lg bg-amber-500/10 p-3 text-sm" data-testid="wh-secret">
      <span>
        {t("wh.secretOnce")} <code className="break-all font-semibold text-amber-200">{secret}</code>
      </span>
      <Button variant="ghost" className="!px-3 !py-1 text-xs" onClick={copy} data-testid="wh-secret-copy">
        {copied ? t("common.copied") : t("common.copy")}
      </Button>
    </div>
  );
}

function EndpointRow({ endpoint, selected, onSelect }: { endpoint: WebhookEndpoint; selected: boolean; onSelect: () => void }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: ["webhooks"] });
  const update = useMutation({
    mutationFn: (body: WebhookEndpointUpdate) => api(`/api/webhooks/${endpoint.id}`, { method: "PATCH", body }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => api(`/api/webhooks/${endpoint.id}`, { method: "DELETE" }), onSuccess: refresh });
  const rotate = useMutation({
    mutationFn: () => api<WebhookSecret>(`/api/webhooks/${endpoint.id}/rotate-secret`, { method: "POST" }),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: () => api(`/api/webhooks/${endpoint.id}/test`, { method: "POST" }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["deliveries", endpoint.id] }),
  });
  return (
    <li
      className={`rounded-2xl border px-4 py-3 ${selected ? "border-indigo-400/60 bg-indigo-500/10" : "border-white/10 bg-white/[0.03]"}`}
      data-testid="wh-endpoint"
      data-endpoint={endpoint.id}
    >
      <div className="flex flex-wrap items-center gap-3">
        <button type="button" onClick={onSelect} className="min-w-0 flex-1 text-left">
          <div className="truncate font-mono text-sm">{endpoint.url}</div>
          <div className="text-xs text-white/50">
            {endpoint.description && `${endpoint.description} · `}
            {endpoint.events.join(", ")} · {t("wh.secretHint", { hint: endpoint.secret_hint })}
          </div>
        </button>
        <span className={`rounded-full px-2 py-0.5 text-xs ${endpoint.active ? "bg-emerald-500/15 text-emerald-200" : "bg-white/10 text-white/55"}`}>
          {endpoint.active ? t("wh.active") : t("wh.paused")}
        </span>
        <Button variant="ghost" onClick={() => test.mutate()} disabled={test.isPending} data-testid="wh-test">{t("wh.test")}</Button>
        <Button variant="ghost" onClick={() => update.mutate({ active: !endpoint.active })} disabled={update.isPending}>
          {endpoint.active ? t("wh.pause") : t("wh.resume")}
        </Button>
        <Button variant="ghost" onClick={() => window.confirm(t("wh.confirmRotate")) && rotate.mutate()} disabled={rotate.isPending} data-testid="wh-rotate">
          {t("wh.rotate")}
        </Button>
        <Button variant="ghost" onClick={() => window.confirm(t("wh.confirmDelete")) && remove.mutate()} disabled={remove.isPending}>{t("common.delete")}</Button>
      </div>
      <ErrorText error={update.error ?? remove.error ?? test.error ?? rotate.error} />
      {rotate.data && <SecretOnce secret={rotate.data.secret} />}
    </li>
  );
}

const STATUS_TONE: Record<DeliveryStatus, string> = {
  pending: "bg-sky-500/15 text-sky-200",
  delivered: "bg-emerald-500/15 text-emerald-200",
  dead: "bg-rose-500/15 text-rose-200",
};

function Deliveries({ endpointId }: { endpointId: string }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<DeliveryStatus | "">("");
  const deliveries = useQuery({
    queryKey: ["deliveries", endpointId, status],
    queryFn: () => api<WebhookDelivery[]>(`/api/webhooks/${endpointId}/deliveries${status ? `?status=${status}` : ""}`),
    refetchInterval: 5_000,
  });
  return (
    <Card>
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <h2 className="font-semibold">{t("wh.deliveries")}</h2>
        <div className="ml-auto flex rounded-full bg-white/5 p-1 text-xs">
          {(["", "pending", "delivered", "dead"] as const).map((s) => (
            <button key={s || "all"} type="button" onClick={() => setStatus(s)} className={`rounded-full px-3 py-1 ${status === s ? "bg-white/15 font-semibold" : "text-white/60 hover:text-white"}`}>
              {s ? t(`wh.status.${s}`) : t("wh.all")}
            </button>
          ))}
        </div>
      </div>
      {deliveries.isLoading && <Spinner />}
      <ErrorText error={deliveries.error} />
      {deliveries.data?.length === 0 && <p className="text-sm text-white/50">{t("wh.noDeliveries")}</p>}
      <ul className="divide-y divide-white/5" data-testid="wh-deliveries">
        {deliveries.data?.map((d) => <DeliveryRow key={d.id} delivery={d} lang={lang} />)}
      </ul>
    </Card>
  );
}

function DeliveryRow({ delivery: d, lang }: { delivery: WebhookDelivery; lang: string }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const log = useQuery({
    queryKey: ["delivery", d.id, d.attempts, d.status],
    queryFn: () => api<WebhookDelivery>(`/api/webhooks/deliveries/${d.id}`),
    enabled: open,
  });
  const redeliver = useMutation({
    mutationFn: () => api<WebhookDelivery>(`/api/webhooks/deliveries/${d.id}/redeliver`, { method: "POST" }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["deliveries", d.endpoint_id] }),
  });
  const last = d.last_status_code != null ? `HTTP ${d.last_status_code}` : d.last_error ?? "";
  return (
    <li className="py-2 text-sm" data-testid="wh-delivery" data-delivery={d.id} data-event={d.event_type} data-status={d.status}>
      <div className="flex flex-wrap items-center gap-3">
        <code className="text-xs">{d.event_type}</code>
        <span className={`rounded-full px-2 py-0.5 text-xs ${STATUS_TONE[d.status]}`}>{t(`wh.status.${d.status}`)}</span>
        <span className="text-xs text-white/55">{t("wh.attempts")}: {d.attempts}</span>
        <span className="min-w-0 flex-1 truncate text-xs text-white/55" title={d.last_error ?? undefined}>
          {last}
          {d.status === "pending" && d.next_attempt_at && ` · ${t("wh.nextAttempt", { time: formatDateTime(d.next_attempt_at, lang) })}`}
        </span>
        <span className="text-xs text-white/60">{formatDateTime(d.created_at, lang)}</span>
        <Button variant="ghost" onClick={() => setOpen((o) => !o)} aria-expanded={open}>{t("wh.showAttempts")}</Button>
        <Button variant="secondary" onClick={() => redeliver.mutate()} disabled={redeliver.isPending} data-testid="wh-redeliver">{t("wh.redeliver")}</Button>
      </div>
      <ErrorText error={redeliver.error} />
      {open && (
        <ol className="mt-2 space-y-1 rounded-lg bg-black/20 p-2 text-xs" data-testid="wh-attempts">
          {log.isLoading && <Spinner className="h-4 w-4" />}
          {log.data?.log.map((a) => (
            <li key={a.attempt} className="flex flex-wrap gap-3">
              <span className="tabular-nums">#{a.attempt}</span>
              <span className="text-white/50">{formatDateTime(a.started_at, lang)}</span>
              <span className={a.error ? "text-rose-300" : "text-emerald-300"}>{a.status_code != null ? `HTTP ${a.status_code}` : t("wh.noAnswer")}</span>
              <span className="tabular-nums text-white/50">{a.duration_ms} ms</span>
              {a.error && a.error !== `HTTP ${a.status_code}` && <span className="text-white/60">{a.error}</span>}
              {a.response_excerpt && <code className="max-w-full truncate text-white/60">{a.response_excerpt}</code>}
            </li>
          ))}
        </ol>
      )}
    </li>
  );
}
