import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import type { Recap } from "../bindings/Recap";
import { api, ApiError } from "../api/client";
import { fetchBlob, openInNewTab, saveBlob } from "../api/download";
import { useI18n } from "../i18n";
import { formatDateTime } from "../lib/time";
import { Button, Card, ErrorText, Spinner } from "../components/ui";
import { Transcript } from "./Transcript";
import { SentimentChart } from "./SentimentChart";
import { KpiCards } from "./KpiCards";
import { BattleCards, Checklist, Notes, SpeakerTable } from "./Coverage";
import { useAuthedMedia, usePlayer } from "./usePlayer";
import { activeLineIndex } from "./sync";

const notReady = (e: unknown) => e instanceof ApiError && e.status === 404;

/** Where the recap sits in an app: the page its back link leads to, whether it offers exports. */
type Placement = {
  /** Back link target (default: the console's meeting details). */
  backTo?: string;
  /** The PDF, JSON and printable exports (default true; the desktop web view has no tabs or downloads). */
  exports?: boolean;
};

/**
 * `/console/meetings/:id/recap` (and the desktop app's `#/meetings/:id/recap`): replay with the
 * transcript following playback, the sentiment timeline, KPI cards against their benchmarks,
 * checklist and battle cards with links into the replay, notes, and the PDF / JSON / printable
 * exports. Polls until the recap exists.
 */
export default function RecapPage({ backTo, exports = true }: Placement) {
  const { id = "" } = useParams();
  const { t, lang } = useI18n();
  const recap = useQuery({
    queryKey: ["recap", id],
    queryFn: () => api<Recap>(`/api/meetings/${id}/recap`),
    retry: (count, e) => !notReady(e) && count < 1,
    refetchInterval: (q) => (notReady(q.state.error) ? 5_000 : false),
  });
  if (recap.isLoading) return <Spinner />;
  if (!recap.data) {
    return (
      <div className="space-y-4">
        <Link to={backTo ?? `/console/meetings/${id}`} className="text-sm text-white/50 hover:text-white">← {t("console.details")}</Link>
        {notReady(recap.error) ? <p className="text-white/65" data-testid="recap-pending">{t("recap.notReady")}</p> : <ErrorText error={recap.error} />}
      </div>
    );
  }
  return <RecapView recap={recap.data} lang={lang} backTo={backTo ?? `/console/meetings/${id}`} exports={exports} />;
}

function RecapView({ recap, lang, backTo, exports }: { recap: Recap; lang: string; backTo: string; exports: boolean }) {
  const { t } = useI18n();
  const player = usePlayer();
  const media = useAuthedMedia(recap.recording_url);
  const [exportError, setExportError] = useState<unknown>(null);
  const names = useMemo(() => new Map(recap.speakers.map((s) => [s.speaker, s.name])), [recap.speakers]);
  const sellers = useMemo(() => new Set(recap.speakers.filter((s) => s.side === "seller").map((s) => s.speaker)), [recap.speakers]);
  const active = activeLineIndex(recap.transcript, player.currentMs);
  const base = `/api/meetings/${recap.meeting_id}/recap`;

  const [printing, setPrinting] = useState(false);
  const exportJson = () =>
    fetchBlob(base)
      .then((blob) => saveBlob(blob, `recap-${recap.meeting_id}.json`, t("recap.exportJson")))
      .catch(setExportError);
  // Printed on the server (a second or two): the button says so meanwhile.
  const exportPdf = () => {
    setPrinting(true);
    setExportError(null);
    fetchBlob(`${base}?format=pdf`)
      .then((blob) => saveBlob(blob, `recap-${recap.meeting_id}.pdf`, t("recap.exportPdf")))
      .catch(setExportError)
      .finally(() => setPrinting(false));
  };

  return (
    <div className="space-y-6" data-testid="recap-page">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
          <Link to={backTo} className="text-sm text-white/50 hover:text-white">← {recap.title}</Link>
          <h1 className="mt-1 text-2xl font-semibold">{t("recap.title")}</h1>
          <p className="text-sm text-white/55">
            {[recap.started_at && formatDateTime(recap.started_at, lang), recap.playbook_name].filter(Boolean).join(" · ")}
          </p>
        </div>
        {exports && (
          <>
            <Button variant="secondary" onClick={exportPdf} disabled={printing} aria-busy={printing} data-testid="export-pdf">{printing ? t("recap.printingPdf") : t("recap.exportPdf")}</Button>
            <Button variant="secondary" onClick={exportJson} data-testid="export-json">{t("recap.exportJson")}</Button>
            <Button variant="secondary" onClick={() => void openInNewTab(`${base}?format=html`).catch(setExportError)} data-testid="export-html">{t("recap.printable")}</Button>
          </>
        )}
      </div>
      <ErrorText error={exportError} />

      <Card className="sticky top-2 z-10 bg-slate-900/95 backdrop-blur">
        {!recap.recording_url && <p className="text-sm text-white/55" data-testid="no-recording">{t("recap.noRecording")}</p>}
        {recap.recording_url && !media.url && !media.error && <p className="flex items-center gap-2 text-sm text-white/55"><Spinner className="h-4 w-4" />{t("recap.loadingAudio")}</p>}
        <ErrorText error={media.error} />
        {media.url && <audio ref={player.attach} src={media.url} controls preload="auto" className="w-full" data-testid="recap-player" />}
      </Card>

      <KpiCards kpis={recap.kpis} speakers={recap.speakers} />

      <Card>
        <h2 className="mb-3 font-semibold">{t("recap.sentiment")}</h2>
        <SentimentChart points={recap.sentiment} names={names} sellers={sellers} durationMs={recap.kpis.duration_ms} currentMs={player.currentMs} onSeek={player.seek} />
      </Card>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-5">
        <Card className="lg:col-span-3 lg:self-start">
          <h2 className="mb-3 font-semibold">{t("recap.transcript")}</h2>
          <Transcript lines={recap.transcript} active={active} onSeek={player.seek} />
        </Card>
        <div className="space-y-6 lg:col-span-2">
          <Card>
            <h2 className="mb-3 font-semibold">{t("recap.checklist")}</h2>
            <Checklist items={recap.checklist} onSeek={player.seek} />
          </Card>
          <Card>
            <h2 className="mb-3 font-semibold">{t("recap.battleCards")}</h2>
            <BattleCards objections={recap.objections} onSeek={player.seek} />
          </Card>
        </div>
      </div>

      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-2">
        <Card>
          <Notes summary={recap.summary} nextSteps={recap.next_steps} actions={recap.action_items} method={recap.summary_method} />
        </Card>
        <Card className="overflow-x-auto">
          <SpeakerTable speakers={recap.speakers} />
        </Card>
      </div>
    </div>
  );
}
