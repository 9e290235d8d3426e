import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ChecklistItem } from "../bindings/ChecklistItem";
import type { Objection } from "../bindings/Objection";
import type { Playbook } from "../bindings/Playbook";
import type { StoredPlaybook } from "../bindings/StoredPlaybook";
import { api } from "../api/client";
import { fetchBlob, saveBlob } from "../api/download";
import { useUser } from "../api/auth";
import { usePlaybook } from "../api/queries";
import { useI18n } from "../i18n";
import { AuthedImage } from "../components/AuthedImage";
import { Button, Card, ErrorText, Field, Input, Select, Spinner, TextArea } from "../components/ui";
import { FileButton } from "../components/FileButton";
import { describePlaybookField } from "./playbookField";

const clean = (list: string[]) => list.map((l) => l.trim()).filter(Boolean);

/** The draft as the API wants it: no blank example or point lines. */
function cleaned(p: Playbook): Playbook {
  return {
    ...p,
    checklist: p.checklist.map((i) => ({ ...i, examples: clean(i.examples) })),
    objections: p.objections.map((o) => ({ ...o, examples: clean(o.examples), battle_card: { ...o.battle_card, points: clean(o.battle_card.points) } })),
  };
}
const keyOf = (title: string) => title.toLowerCase().normalize("NFD").replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "").slice(0, 40) || "item";

const EMPTY: Playbook = { name: "", language: "en", checklist: [], objections: [] };

/**
 * Create or edit a playbook (managers and admins); sellers see it read-only. Links are relative
 * to the list (console `/console/playbooks`, desktop app `#/playbooks`).
 */
export default function PlaybookEditorPage() {
  const { id = "new" } = useParams();
  const isNew = id === "new";
  const { t } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const client = useQueryClient();
  const stored = usePlaybook(isNew ? undefined : id);
  const [draft, setDraft] = useState<Playbook>(EMPTY);
  // What the server has (the loaded playbook, or nothing for a new one): the draft differs
  // from it = unsaved changes.
  const [baseline, setBaseline] = useState<string>(JSON.stringify(cleaned(EMPTY)));
  const [saved, setSaved] = useState(false);
  const [imageVersion, setImageVersion] = useState(0);
  const readOnly = user?.role === "seller";

  useEffect(() => {
    if (stored.data) {
      const { id: _id, updated_at: _u, ...playbook } = stored.data;
      setDraft(playbook);
      setBaseline(JSON.stringify(cleaned(playbook)));
    }
  }, [stored.data]);
  const dirty = !readOnly && JSON.stringify(cleaned(draft)) !== baseline;
  // Leaving the page (tab closed, reload) with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const save = useMutation({
    mutationFn: (body: Playbook) =>
      isNew ? api<StoredPlaybook>("/api/playbooks", { method: "POST", body }) : api<StoredPlaybook>(`/api/playbooks/${id}`, { method: "PUT", body }),
    onSuccess: (p, body) => {
      setBaseline(JSON.stringify(cleaned(body)));
      client.setQueryData(["playbook", p.id], p);
      void client.invalidateQueries({ queryKey: ["playbooks"] });
      setSaved(true);
      setTimeout(() => setSaved(false), 1500);
      if (isNew) navigate(`../${p.id}`, { relative: "path", replace: true });
    },
  });

  const upload = useMutation({
    mutationFn: async ({ key, file }: { key: string; file: File }) => api(`/api/playbooks/${id}/objections/${encodeURIComponent(key)}/image`, { method: "PUT", raw: file, contentType: file.type }),
    onSuccess: () => {
      setImageVersion((v) => v + 1);
      void stored.refetch();
    },
  });

  const [exportError, setExportError] = useState<unknown>(null);
  const exportJson = () => {
    setExportError(null);
    fetchBlob(`/api/playbooks/${id}/export`)
      .then((blob) => saveBlob(blob, `${keyOf(draft.name)}.json`, t("pb.export")))
      .catch(setExportError);
  };

  const setItem = (i: number, patch: Partial<ChecklistItem>) => setDraft((d) => ({ ...d, checklist: d.checklist.map((it, j) => (j === i ? { ...it, ...patch } : it)) }));
  const setObjection = (i: number, patch: Partial<Objection>) => setDraft((d) => ({ ...d, objections: d.objections.map((o, j) => (j === i ? { ...o, ...patch } : o)) }));

  if (!isNew && stored.isLoading) return <Spinner />;
  if (!isNew && stored.error) return <ErrorText error={stored.error} />;

  const error = save.error as (Error & { field?: string }) | null;
  return (
    <form
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(cleaned(draft));
      }}
      data-testid="playbook-editor"
    >
      {/* Save, the unsaved mark and a refused save's reason stay in view however long the playbook. */}
      <div className="sticky top-0 z-20 -mx-2 flex flex-wrap items-center gap-3 rounded-b-xl bg-slate-950/90 px-2 py-2 backdrop-blur" data-testid="playbook-bar">
        <Link to=".." relative="path" className="text-sm text-white/50 hover:text-white">← {t("console.playbooks")}</Link>
        <div className="ml-auto flex items-center gap-2">
          {dirty && (
            <span className="rounded-full bg-amber-500/15 px-2 py-0.5 text-xs text-amber-200" role="status" data-testid="playbook-unsaved">
              {t("pb.unsaved")}
            </span>
          )}
          {!isNew && <Button variant="ghost" onClick={exportJson} data-testid="export-playbook">{t("pb.export")}</Button>}
          {!readOnly && (
            <Button type="submit" disabled={save.isPending} data-testid="save-playbook">
              {saved ? t("common.saved") : t("common.save")}
            </Button>
          )}
        </div>
        {error && (
          <p className="basis-full text-sm text-rose-300" role="alert" data-testid="playbook-error">
            {error.field ? `${describePlaybookField(error.field, draft, t)}: ` : ""}
            {error.message}
          </p>
        )}
      </div>
      {readOnly && <p className="rounded-xl bg-white/5 p-3 text-sm text-white/60">{t("pb.readOnly")}</p>}
      <ErrorText error={exportError} />

      <fieldset disabled={readOnly} className="space-y-6">
        <Card className="grid gap-4 md:grid-cols-[1fr_10rem]">
          <Field label={t("pb.name")}>
            <Input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required data-testid="pb-name" />
          </Field>
          <Field label={t("pb.language")}>
            <Select value={draft.language} onChange={(e) => setDraft({ ...draft, language: e.target.value })}>
              <option value="en">English</option>
              <option value="it">Italiano</option>
            </Select>
          </Field>
        </Card>

        <section className="space-y-3">
          <h2 className="text-lg font-semibold">{t("pb.checklist")}</h2>
          {draft.checklist.map((item, i) => (
            <Card key={i} className="grid gap-3 md:grid-cols-[1fr_1fr_10rem]" >
              <Field label={t("pb.itemTitle")}>
                <Input value={item.title} onChange={(e) => setItem(i, { title: e.target.value, key: item.key || keyOf(e.target.value) })} required data-testid="item-title" />
              </Field>
              <Field label={t("pb.key")}>
                <Input value={item.key} onChange={(e) => setItem(i, { key: e.target.value })} pattern="[a-z0-9_]+" required />
              </Field>
              <Field label={t("pb.credit")}>
                <Select value={item.credit} onChange={(e) => setItem(i, { credit: e.target.value as ChecklistItem["credit"] })}>
                  <option value="host">{t("pb.credit.host")}</option>
                  <option value="any">{t("pb.credit.any")}</option>
                </Select>
              </Field>
              <div className="md:col-span-3">
                <Field label={t("pb.examples")}>
                  <TextArea rows={3} value={item.examples.join("\n")} onChange={(e) => setItem(i, { examples: e.target.value.split("\n") })} data-testid="item-examples" />
                </Field>
              </div>
              {!readOnly && (
                <div className="md:col-span-3">
                  <Button variant="ghost" onClick={() => setDraft((d) => ({ ...d, checklist: d.checklist.filter((_, j) => j !== i) }))}>{t("common.remove")}</Button>
                </div>
              )}
            </Card>
          ))}
          {!readOnly && (
            <Button variant="secondary" onClick={() => setDraft((d) => ({ ...d, checklist: [...d.checklist, { key: "", title: "", credit: "host", examples: [] }] }))} data-testid="add-item">
              + {t("pb.addItem")}
            </Button>
          )}
        </section>

        <section className="space-y-3">
          <h2 className="text-lg font-semibold">{t("pb.objections")}</h2>
          {draft.objections.map((o, i) => (
            <Card key={i} className="grid gap-3 md:grid-cols-2">
              <Field label={t("pb.itemTitle")}>
                <Input value={o.title} onChange={(e) => setObjection(i, { title: e.target.value, key: o.key || keyOf(e.target.value) })} required />
              </Field>
              <Field label={t("pb.key")}>
                <Input value={o.key} onChange={(e) => setObjection(i, { key: e.target.value })} pattern="[a-z0-9_]+" required />
              </Field>
              <div className="md:col-span-2">
                <Field label={t("pb.examples")}>
                  <TextArea rows={3} value={o.examples.join("\n")} onChange={(e) => setObjection(i, { examples: e.target.value.split("\n") })} />
                </Field>
              </div>
              <div className="space-y-3 rounded-xl bg-indigo-500/10 p-3 md:col-span-2">
                <div className="text-xs font-semibold uppercase tracking-wide text-indigo-200">{t("pb.card")}</div>
                <Field label={t("pb.cardTitle")}>
                  <Input value={o.battle_card.title} onChange={(e) => setObjection(i, { battle_card: { ...o.battle_card, title: e.target.value } })} required />
                </Field>
                <Field label={t("pb.points")}>
                  <TextArea rows={3} value={o.battle_card.points.join("\n")} onChange={(e) => setObjection(i, { battle_card: { ...o.battle_card, points: e.target.value.split("\n") } })} />
                </Field>
                <ImageField
                  url={o.battle_card.image_url}
                  version={`${imageVersion}`}
                  disabled={readOnly || isNew || !stored.data?.objections.some((s) => s.key === o.key)}
                  busy={upload.isPending}
                  onFile={(file) => upload.mutate({ key: o.key, file })}
                  objectionKey={o.key}
                />
                <ErrorText error={upload.error} />
              </div>
              {!readOnly && (
                <div>
                  <Button variant="ghost" onClick={() => setDraft((d) => ({ ...d, objections: d.objections.filter((_, j) => j !== i) }))}>{t("common.remove")}</Button>
                </div>
              )}
            </Card>
          ))}
          {!readOnly && (
            <Button
              variant="secondary"
              onClick={() => setDraft((d) => ({ ...d, objections: [...d.objections, { key: "", title: "", examples: [], battle_card: { title: "", points: [] } }] }))}
            >
              + {t("pb.addObjection")}
            </Button>
          )}
        </section>
      </fieldset>
    </form>
  );
}

function ImageField({ url, version, disabled, busy, onFile, objectionKey }: { url?: string; version: string; disabled: boolean; busy: boolean; onFile: (f: File) => void; objectionKey: string }) {
  const { t } = useI18n();
  return (
    <div className="space-y-2">
      <div className="text-xs font-medium uppercase tracking-wide text-white/55">{t("pb.image")}</div>
      {url && <AuthedImage src={url} version={version} alt="" className="max-h-40 rounded-lg bg-white object-contain" data-testid={`card-image-${objectionKey}`} />}
      <div className="flex items-center gap-3">
        <FileButton accept="image/png,image/jpeg,image/webp,image/gif,image/svg+xml" onFile={onFile} disabled={disabled || busy} inputTestId={`upload-${objectionKey}`}>
          {busy && <Spinner className="h-4 w-4" />} {t("pb.upload")}
        </FileButton>
        <span className="text-xs text-white/60">{t("pb.uploadHint")}</span>
      </div>
    </div>
  );
}
