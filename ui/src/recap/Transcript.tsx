import { useEffect, useMemo, useRef } from "react";
import type { TranscriptLine } from "../bindings/TranscriptLine";
import { useI18n } from "../i18n";
import { clock } from "./sync";
import { collapseRepeats } from "./repeats";

/**
 * The call as a chat: the seller's lines on the right, guests' on the left. The line playing
 * (`active`, an index into `lines`) is highlighted and kept in view inside the list (the page
 * does not scroll); clicking a line seeks the player to its start. One speaker's repeats of the
 * same words in a row (a recogniser's loop) show once, marked ×N (see `repeats.ts`).
 */
export function Transcript({ lines, active, onSeek }: { lines: TranscriptLine[]; active: number; onSeek: (ms: number) => void }) {
  const { t } = useI18n();
  const list = useRef<HTMLOListElement>(null);
  const groups = useMemo(() => collapseRepeats(lines), [lines]);
  const shown = groups.find((g) => g.first <= active && active <= g.last)?.first;
  useEffect(() => {
    const box = list.current;
    const el = box?.querySelector<HTMLElement>(`[data-index="${shown}"]`);
    if (!box || !el) return;
    const top = el.offsetTop - box.offsetTop;
    if (top < box.scrollTop || top + el.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTo({ top: Math.max(0, top - box.clientHeight / 3), behavior: "smooth" });
    }
  }, [shown]);
  if (lines.length === 0) return <p className="text-sm text-white/50">{t("recap.noTranscript")}</p>;
  return (
    <ol ref={list} className="max-h-[34rem] space-y-2 overflow-y-auto pr-2" data-testid="recap-transcript">
      {groups.map(({ line, first, count }) => {
        const seller = line.side === "seller";
        const on = first === shown;
        return (
          <li key={line.segment_id} data-index={first} className={`flex ${seller ? "justify-end" : "justify-start"}`}>
            <button
              type="button"
              onClick={() => onSeek(line.start_ms)}
              data-testid="recap-line"
              data-segment={line.segment_id}
              data-start-ms={line.start_ms}
              data-active={on}
              aria-current={on ? "true" : undefined}
              className={`max-w-[85%] rounded-2xl px-3 py-2 text-left text-sm transition ${
                seller ? "rounded-br-sm bg-indigo-500/20" : "rounded-bl-sm bg-white/[0.07]"
              } ${on ? "ring-2 ring-amber-300 brightness-125" : "hover:bg-white/10"}`}
            >
              <span className="mb-0.5 flex items-baseline gap-2 text-xs text-white/50">
                <span className="font-semibold text-white/75">{line.speaker_name}</span>
                <span className="tabular-nums">{clock(line.start_ms)}</span>
                {count > 1 && (
                  <span className="rounded-full bg-white/10 px-1.5 text-white/60" title={t("recap.repeated", { count })} data-testid="recap-repeats">
                    ×{count}
                  </span>
                )}
              </span>
              {line.text}
            </button>
          </li>
        );
      })}
    </ol>
  );
}
