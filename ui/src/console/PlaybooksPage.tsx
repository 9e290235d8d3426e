import { useRef } from "react";
import { Link, useNavigate } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { StarterPlaybook } from "../bindings/StarterPlaybook";
import type { StoredPlaybook } from "../bindings/StoredPlaybook";
import { api } from "../api/client";
import { useUser } from "../api/auth";
import { usePlaybooks } from "../api/queries";
import { useI18n } from "../i18n";
import { Button, ErrorText, Spinner } from "../components/ui";

/**
 * The organization's playbooks (import, new, starters: managers and admins). An organization
 * without playbooks is told how to get one; the starter playbooks (English and Italian) are
 * added with one click. Links are relative, so the page works under the console's
 * `/console/playbooks` and the desktop app's `#/playbooks`.
 */
export default function PlaybooksPage() {
  const { t } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const client = useQueryClient();
  const playbooks = usePlaybooks();
  const file = useRef<HTMLInputElement>(null);
  const canEdit = user?.role !== "seller";
  const importFile = useMutation({
    mutationFn: async (f: File) => api<StoredPlaybook>("/api/playbooks/import", { method: "POST", body: JSON.parse(await f.text()) }),
    onSuccess: (p) => {
      void client.invalidateQueries({ queryKey: ["playbooks"] });
      navigate(p.id);
    },
  });
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{t("console.playbooks")}</h1>
        {canEdit && (
          <div className="ml-auto flex gap-2">
            <input ref={file} type="file" accept="application/json,.json" className="hidden" onChange={(e) => e.target.files?.[0] && importFile.mutate(e.target.files[0])} />
            <Button variant="secondary" onClick={() => file.current?.click()}>{t("pb.import")}</Button>
            <Link to="new"><Button data-testid="new-playbook">{t("pb.new")}</Button></Link>
          </div>
        )}
      </div>
      <ErrorText error={importFile.error} />
      {playbooks.isLoading && <Spinner />}
      {playbooks.data?.length === 0 && (
        <p className="text-white/60" data-testid="playbooks-empty">{canEdit ? t("pb.emptyManager") : t("pb.emptySeller")}</p>
      )}
      <ul className="grid gap-3 md:grid-cols-2">
        {playbooks.data?.map((p) => (
          <li key={p.id}>
            <Link to={p.id} className="block rounded-2xl border border-white/10 bg-white/[0.03] p-4 transition hover:bg-white/[0.06]" data-testid="playbook-card">
              <div className="flex items-center gap-2">
                <span className="font-semibold">{p.name}</span>
                <span className="rounded bg-white/10 px-1.5 py-0.5 text-[10px] uppercase">{p.language}</span>
              </div>
              <div className="mt-1 text-sm text-white/55">
                {t("pb.items", { count: p.checklist.length })} · {t("pb.objectionCount", { count: p.objections.length })}
              </div>
            </Link>
          </li>
        ))}
      </ul>
      {canEdit && <Starters have={new Set(playbooks.data?.map((p) => p.name) ?? [])} />}
    </div>
  );
}

/** The starter playbooks not yet in the organization (by name), each added with one click. */
function Starters({ have }: { have: Set<string> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const client = useQueryClient();
  const starters = useQuery({ queryKey: ["playbook-starters"], queryFn: () => api<StarterPlaybook[]>("/api/playbooks/starters") });
  const add = useMutation({
    mutationFn: (key: string) => api<StoredPlaybook>(`/api/playbooks/starters/${encodeURIComponent(key)}`, { method: "POST" }),
    onSuccess: (p) => {
      void client.invalidateQueries({ queryKey: ["playbooks"] });
      navigate(p.id);
    },
  });
  const offered = starters.data?.filter((s) => !have.has(s.name)) ?? [];
  if (offered.length === 0) return null;
  return (
    <section className="space-y-3">
      <div>
        <h2 className="font-semibold">{t("pb.starters")}</h2>
        <p className="text-sm text-white/55">{t("pb.startersIntro")}</p>
      </div>
      <ErrorText error={add.error} />
      <ul className="grid gap-3 md:grid-cols-2">
        {offered.map((s) => (
          <li key={s.key} className="flex items-center gap-3 rounded-2xl border border-dashed border-white/15 p-4" data-testid="starter-playbook">
            <div className="min-w-0 flex-1">
              <div className="flex items-center gap-2">
                <span className="font-semibold">{s.name}</span>
                <span className="rounded bg-white/10 px-1.5 py-0.5 text-[10px] uppercase">{s.language}</span>
              </div>
              <div className="mt-1 text-sm text-white/55">
                {t("pb.items", { count: s.checklist.length })} · {t("pb.objectionCount", { count: s.objections.length })}
              </div>
            </div>
            <Button variant="secondary" disabled={add.isPending} onClick={() => add.mutate(s.key)} data-testid="starter-add">{t("pb.useStarter")}</Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
