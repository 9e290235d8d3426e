import { VideoTrack, isTrackReference, useIsMuted, useIsSpeaking, type TrackReferenceOrPlaceholder } from "@livekit/components-react";
import { Track } from "livekit-client";
import { motion } from "motion/react";
import { useI18n } from "../i18n";
import { MicOffIcon } from "../components/icons";

export type Tone = "good" | "mid" | "bad" | null;

const TONE_BORDER: Record<Exclude<Tone, null>, string> = {
  good: "shadow-[inset_0_0_0_3px_rgba(52,211,153,0.75)]",
  mid: "shadow-[inset_0_0_0_3px_rgba(250,204,21,0.7)]",
  bad: "shadow-[inset_0_0_0_3px_rgba(244,63,94,0.8)]",
};

const PALETTE = ["bg-indigo-500", "bg-emerald-600", "bg-sky-600", "bg-fuchsia-600", "bg-amber-600", "bg-rose-600", "bg-teal-600", "bg-violet-600"];

function colorFor(identity: string) {
  let h = 0;
  for (const c of identity) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

function initials(name: string) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
}

/**
 * One participant: camera (or an initials avatar), name, mute state, a highlight while they
 * speak, an "AI agent" label for an AI agent running the call (a LiveKit agent participant;
 * the copilot is hidden and never has a tile) and, for the seller and managers only, a subtle
 * sentiment border (`tone`).
 */
export function Tile({
  trackRef,
  tone = null,
  badge,
  width,
  height,
  compact = false,
}: {
  trackRef: TrackReferenceOrPlaceholder;
  tone?: Tone;
  badge?: string;
  width?: number;
  height?: number;
  compact?: boolean;
}) {
  const { t } = useI18n();
  const participant = trackRef.participant;
  const speaking = useIsSpeaking(participant);
  const micMuted = useIsMuted({ participant, source: Track.Source.Microphone });
  const hasVideo = isTrackReference(trackRef) && !trackRef.publication.isMuted && (trackRef.publication.isSubscribed || participant.isLocal);
  const name = participant.name || participant.identity;
  const isScreen = trackRef.source === Track.Source.ScreenShare;
  return (
    <motion.div
      layout
      initial={{ opacity: 0, scale: 0.96 }}
      animate={{ opacity: 1, scale: 1 }}
      exit={{ opacity: 0, scale: 0.96 }}
      transition={{ duration: 0.2 }}
      data-testid={isScreen ? "screen-tile" : "tile"}
      data-identity={participant.identity}
      data-name={name}
      data-speaking={speaking || undefined}
      data-sentiment={tone ?? undefined}
      data-video={hasVideo || undefined}
      style={width ? { width, height } : undefined}
      className={`relative overflow-hidden rounded-2xl bg-slate-800 ${width ? "" : "h-full w-full"} ${tone ? TONE_BORDER[tone] : ""}`}
    >
      {hasVideo ? (
        <VideoTrack
          trackRef={trackRef}
          className={`h-full w-full ${isScreen ? "object-contain bg-black" : "object-cover"} ${participant.isLocal && !isScreen ? "-scale-x-100" : ""}`}
        />
      ) : (
        <div className="flex h-full w-full items-center justify-center">
          <div
            className={`flex items-center justify-center rounded-full font-semibold text-white ${colorFor(participant.identity)} ${compact ? "h-12 w-12 text-lg" : "h-20 w-20 text-3xl"}`}
          >
            {initials(name)}
          </div>
        </div>
      )}
      {/* Active speaker highlight (over the video, under the label). Toggled without a
          transition: speaking flips several times a second, and an animated box-shadow
          repaints the whole tile on every frame. */}
      <div
        className={`pointer-events-none absolute inset-0 rounded-2xl shadow-[inset_0_0_0_3px_rgba(125,211,252,0.95)] ${speaking ? "opacity-100" : "opacity-0"}`}
      />
      <div className="absolute bottom-2 left-2 right-2 flex items-center gap-2">
        <span className="max-w-full truncate rounded-md bg-black/55 px-2 py-0.5 text-xs font-medium text-white backdrop-blur" data-testid="tile-name">
          {isScreen ? t("room.presenting", { name }) : participant.isLocal ? `${name} (${t("common.you")})` : name}
        </span>
        {participant.isAgent && !isScreen && (
          <span className="rounded-md bg-violet-500/80 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-white" data-testid="tile-ai-agent">
            {t("room.aiAgent")}
          </span>
        )}
        {!isScreen && micMuted && (
          <span className="rounded-full bg-black/55 p-1 text-white" title={t("room.muted")} data-testid="tile-muted">
            <MicOffIcon width={14} height={14} />
          </span>
        )}
        {badge && <span className="ml-auto truncate rounded-md bg-black/55 px-2 py-0.5 text-[10px] text-amber-200" data-testid="tile-badge">{badge}</span>}
      </div>
      {speaking && !isScreen && (
        <div className="absolute right-2 top-2 flex h-6 w-6 items-end justify-center gap-[2px] rounded-full bg-sky-500/90 p-1" aria-hidden>
          <span className="w-[3px] rounded bg-white" style={{ height: "40%" }} />
          <span className="w-[3px] rounded bg-white" style={{ height: "90%" }} />
          <span className="w-[3px] rounded bg-white" style={{ height: "55%" }} />
        </div>
      )}
    </motion.div>
  );
}
