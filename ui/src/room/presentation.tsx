import { motion } from "motion/react";
import { useI18n } from "../i18n";

/** LiveKit text-stream topic of "Present now" (host → guests only). */
export const PRESENT_TOPIC = "closer.present";

/** What the host sends: a battle card to show large, or the end of it. */
export type Presentation =
  | { type: "present"; id: string; title: string; points: string[]; image?: string; from: string }
  | { type: "stop"; id?: string };

export const isHostIdentity = (identity: string) => identity.startsWith("host-");
export const isGuestIdentity = (identity: string) => identity.startsWith("guest-");

/**
 * A presented card's image: inline (the web room sends the picture itself) or, from the server,
 * this origin's `/api/meetings/{id}/presented/{objection}/image` (a data packet cannot carry it).
 */
const PRESENTED_IMAGE = /^(data:image\/(png|jpeg|webp|gif|svg\+xml);base64,|\/api\/meetings\/[0-9a-f-]{36}\/presented\/[a-z0-9_]{1,64}\/image$)/;

/** Validates a received message (anything else is ignored). */
export function parsePresentation(text: string): Presentation | null {
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (value?.type === "stop") return { type: "stop", id: typeof value.id === "string" ? value.id : undefined };
    if (value?.type !== "present" || typeof value.id !== "string" || typeof value.title !== "string") return null;
    const points = Array.isArray(value.points) ? value.points.filter((p): p is string => typeof p === "string") : [];
    const image = typeof value.image === "string" && PRESENTED_IMAGE.test(value.image) ? value.image : undefined;
    return { type: "present", id: value.id, title: value.title, points, image, from: typeof value.from === "string" ? value.from : "" };
  } catch {
    return null;
  }
}

/** The presented card, large (what guests see; the host sees a smaller copy with Stop). */
export function PresentationStage({ presentation, onStop }: { presentation: Extract<Presentation, { type: "present" }>; onStop?: () => void }) {
  const { t } = useI18n();
  return (
    <motion.div
      initial={{ opacity: 0, scale: 0.97 }}
      animate={{ opacity: 1, scale: 1 }}
      exit={{ opacity: 0 }}
      className="relative flex h-full w-full flex-col items-center justify-center overflow-hidden rounded-2xl bg-white p-6 text-slate-900"
      data-testid="presentation"
      data-presentation-id={presentation.id}
    >
      <div className="absolute left-4 top-3 text-xs font-medium uppercase tracking-wider text-slate-400">
        {t("room.presentation", { name: presentation.from })}
      </div>
      <h2 className="mb-4 text-center text-2xl font-semibold md:text-3xl" data-testid="presentation-title">{presentation.title}</h2>
      {presentation.image ? (
        <img src={presentation.image} alt={presentation.title} className="min-h-0 max-w-full flex-1 object-contain" data-testid="presentation-image" />
      ) : (
        <ul className="max-w-2xl space-y-3 text-lg md:text-xl">
          {presentation.points.map((p, i) => (
            <li key={i} className="flex gap-3">
              <span className="mt-2 h-2 w-2 shrink-0 rounded-full bg-indigo-500" />
              {p}
            </li>
          ))}
        </ul>
      )}
      {onStop && (
        <button type="button" onClick={onStop} className="absolute right-3 top-3 rounded-full bg-rose-600 px-4 py-1.5 text-sm font-semibold text-white" data-testid="stop-presenting-stage">
          {t("hud.stopPresenting")}
        </button>
      )}
    </motion.div>
  );
}
