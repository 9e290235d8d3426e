import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import {
  RoomAudioRenderer,
  RoomContext,
  useAudioPlayback,
  useLocalParticipant,
  useTracks,
  type TrackReferenceOrPlaceholder,
} from "@livekit/components-react";
import { RoomEvent, Track, type Participant, type Room } from "livekit-client";
import { AnimatePresence, motion } from "motion/react";
import { useI18n } from "../i18n";
import { gridLayout } from "./grid";
import { Tile, type Tone } from "./Tile";
import { CamIcon, CamOffIcon, LeaveIcon, MicIcon, MicOffIcon, ScreenIcon } from "../components/icons";
import type { RoomPhase } from "./useLiveRoom";

export type RoomViewProps = {
  room: Room;
  phase: RoomPhase;
  title: string;
  /** Shadow managers: no self tile, no media controls. */
  shadow?: boolean;
  /** Seller/manager only: the sentiment border of a participant's tile. */
  toneOf?: (identity: string) => Tone;
  /** A small label on a tile (e.g. "not transcribed"). */
  badgeOf?: (identity: string) => string | undefined;
  /** Shown large instead of the grid (e.g. a presented battle card). */
  stage?: ReactNode;
  /** A panel docked beside the call (the HUD): the grid or stage shrinks to leave it room. */
  side?: ReactNode;
  /** Extra buttons on the right of the bar. */
  extraControls?: ReactNode;
  /** Header content on the right. */
  headerExtra?: ReactNode;
  /** What to tell a participant alone in the room (default: share the link). */
  aloneHint?: string;
  onLeave: () => void;
};

type Toast = { id: number; text: string };

/** The Meet-like room: responsive grid (or stage + strip), bottom bar, toasts, shortcuts. */
export function RoomView(props: RoomViewProps) {
  return (
    <RoomContext.Provider value={props.room}>
      <RoomLayout {...props} />
      <RoomAudioRenderer />
    </RoomContext.Provider>
  );
}

function RoomLayout({ room, phase, title, shadow, toneOf, badgeOf, stage, side, extraControls, headerExtra, aloneHint, onLeave }: RoomViewProps) {
  const { t } = useI18n();
  const tracks = useTracks(
    [
      { source: Track.Source.Camera, withPlaceholder: true },
      { source: Track.Source.ScreenShare, withPlaceholder: false },
    ],
    { updateOnlyOn: [RoomEvent.ParticipantConnected, RoomEvent.ParticipantDisconnected, RoomEvent.TrackPublished, RoomEvent.TrackUnpublished, RoomEvent.TrackSubscribed, RoomEvent.TrackUnsubscribed, RoomEvent.TrackMuted, RoomEvent.TrackUnmuted, RoomEvent.LocalTrackPublished, RoomEvent.LocalTrackUnpublished, RoomEvent.ParticipantNameChanged], onlySubscribed: false },
  );
  const cameras = tracks.filter((r) => r.source === Track.Source.Camera && !(shadow && r.participant.isLocal));
  const screens = tracks.filter((r) => r.source === Track.Source.ScreenShare);
  const toasts = useParticipantToasts(room);
  useShortcuts(room, !shadow);
  const { canPlayAudio, startAudio } = useAudioPlayback(room);
  const remoteCount = cameras.filter((r) => !r.participant.isLocal).length;

  const big: ReactNode = stage ?? (screens.length > 0 ? <Tile trackRef={screens[0]} /> : null);

  return (
    <div className="fixed inset-0 flex flex-col bg-slate-950 text-white" data-testid="room" data-phase={phase}>
      <header className="flex h-12 shrink-0 items-center gap-3 px-4 text-sm">
        <span className="truncate font-medium" data-testid="room-title">{title}</span>
        <span className="text-white/60">·</span>
        <span className="text-white/50" data-testid="room-count">{t("room.participants", { count: cameras.length })}</span>
        <div className="ml-auto flex items-center gap-3">{headerExtra}</div>
      </header>

      <div className="flex min-h-0 flex-1 max-md:flex-col">
        <main className="relative min-h-0 min-w-0 flex-1 px-3 pb-2">
          {big ? (
            <div className="flex h-full gap-3 max-md:flex-col">
              <div className="min-h-0 min-w-0 flex-1" data-testid="stage">{big}</div>
              <div className="flex shrink-0 gap-3 overflow-auto md:w-56 md:flex-col max-md:h-28">
                <AnimatePresence>
                  {cameras.map((r) => (
                    <div key={r.participant.identity} className="aspect-video shrink-0 max-md:h-full md:w-full">
                      <Tile trackRef={r} tone={toneOf?.(r.participant.identity) ?? null} badge={badgeOf?.(r.participant.identity)} compact />
                    </div>
                  ))}
                </AnimatePresence>
              </div>
            </div>
          ) : (
            <Grid tracks={cameras} toneOf={toneOf} badgeOf={badgeOf} />
          )}
          {remoteCount === 0 && !big && !shadow && (
            <div className="pointer-events-none absolute inset-x-0 top-6 flex justify-center">
              <div className="rounded-full bg-black/50 px-4 py-2 text-sm text-white/80 backdrop-blur" data-testid="alone">
                {t("room.alone")} — {aloneHint ?? t("room.aloneHint")}
              </div>
            </div>
          )}
        </main>
        {side}
      </div>

      <footer className="relative flex h-20 shrink-0 items-center justify-center gap-3 px-4">
        <div className="absolute left-4 hidden text-xs text-white/60 lg:block">{t("room.shortcuts")}</div>
        {!shadow && <MediaControls room={room} />}
        <button
          type="button"
          onClick={onLeave}
          title={t("room.leave")}
          aria-label={t("room.leave")}
          data-testid="leave"
          className="flex h-12 w-16 items-center justify-center rounded-full bg-rose-600 text-white transition hover:bg-rose-500"
        >
          <LeaveIcon />
        </button>
        {extraControls && <div className="absolute right-4 flex items-center gap-2">{extraControls}</div>}
      </footer>

      <div className="pointer-events-none fixed bottom-24 left-4 z-40 flex flex-col gap-2" aria-live="polite">
        <AnimatePresence>
          {toasts.map((toast) => (
            <motion.div
              key={toast.id}
              initial={{ opacity: 0, x: -20 }}
              animate={{ opacity: 1, x: 0 }}
              exit={{ opacity: 0, x: -20 }}
              className="rounded-lg bg-slate-800/95 px-4 py-2 text-sm shadow-lg"
              data-testid="toast"
            >
              {toast.text}
            </motion.div>
          ))}
        </AnimatePresence>
      </div>

      <AnimatePresence>
        {phase === "reconnecting" && (
          <motion.div
            initial={{ opacity: 0, y: -10 }}
            animate={{ opacity: 1, y: 0 }}
            exit={{ opacity: 0 }}
            className="fixed left-1/2 top-14 z-50 -translate-x-1/2 rounded-full bg-amber-500 px-4 py-2 text-sm font-medium text-slate-950 shadow-lg"
            data-testid="reconnecting"
            role="status"
          >
            {t("room.reconnecting")}
          </motion.div>
        )}
      </AnimatePresence>

      {!canPlayAudio && (
        <button
          type="button"
          onClick={() => void startAudio()}
          className="fixed left-1/2 top-1/2 z-50 -translate-x-1/2 -translate-y-1/2 rounded-full bg-indigo-600 px-6 py-3 font-semibold shadow-xl"
          data-testid="start-audio"
        >
          {t("room.enableAudio")}
        </button>
      )}
    </div>
  );
}

function Grid({ tracks, toneOf, badgeOf }: { tracks: TrackReferenceOrPlaceholder[]; toneOf?: (id: string) => Tone; badgeOf?: (id: string) => string | undefined }) {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 800, height: 450 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const layout = gridLayout(tracks.length, size.width, size.height);
  return (
    <div ref={ref} className="flex h-full w-full items-center justify-center" data-testid="grid" data-cols={layout.cols}>
      {/* Rows of `cols` tiles; a short last row is centred, as in Meet. */}
      <div className="flex flex-wrap justify-center gap-3" style={{ width: layout.cols * Math.floor(layout.tileWidth) + (layout.cols - 1) * 12 }}>
        <AnimatePresence>
          {tracks.map((r) => (
            <Tile
              key={r.participant.identity}
              trackRef={r}
              tone={toneOf?.(r.participant.identity) ?? null}
              badge={badgeOf?.(r.participant.identity)}
              width={Math.floor(layout.tileWidth)}
              height={Math.floor(layout.tileHeight)}
            />
          ))}
        </AnimatePresence>
      </div>
    </div>
  );
}

function RoundButton({ on, onClick, label, children, testId, danger }: { on: boolean; onClick: () => void; label: string; children: ReactNode; testId: string; danger?: boolean }) {
  return (
    <button
      type="button"
      onClick={onClick}
      title={label}
      aria-label={label}
      aria-pressed={on}
      data-testid={testId}
      data-on={on}
      className={`flex h-12 w-12 items-center justify-center rounded-full transition ${
        on ? "bg-slate-700 text-white hover:bg-slate-600" : danger ? "bg-rose-500 text-white hover:bg-rose-400" : "bg-sky-300 text-slate-950 hover:bg-sky-200"
      }`}
    >
      {children}
    </button>
  );
}

function MediaControls({ room }: { room: Room }) {
  const { t } = useI18n();
  const { isMicrophoneEnabled, isCameraEnabled, isScreenShareEnabled } = useLocalParticipant({ room });
  const [error, setError] = useState<string | null>(null);
  const run = (fn: () => Promise<unknown>, device: string) => {
    fn().catch((e) => {
      if (e instanceof Error && e.name === "NotAllowedError" && device === "screen") return; // user cancelled the picker
      setError(t("room.deviceError", { device }));
      setTimeout(() => setError(null), 4000);
    });
  };
  return (
    <>
      <RoundButton
        on={isMicrophoneEnabled}
        danger
        onClick={() => run(() => room.localParticipant.setMicrophoneEnabled(!isMicrophoneEnabled), t("green.microphone"))}
        label={isMicrophoneEnabled ? t("room.mic.on") : t("room.mic.off")}
        testId="toggle-mic"
      >
        {isMicrophoneEnabled ? <MicIcon /> : <MicOffIcon />}
      </RoundButton>
      <RoundButton
        on={isCameraEnabled}
        danger
        onClick={() => run(() => room.localParticipant.setCameraEnabled(!isCameraEnabled), t("green.camera"))}
        label={isCameraEnabled ? t("room.cam.on") : t("room.cam.off")}
        testId="toggle-camera"
      >
        {isCameraEnabled ? <CamIcon /> : <CamOffIcon />}
      </RoundButton>
      <RoundButton
        on={!isScreenShareEnabled}
        onClick={() => run(() => room.localParticipant.setScreenShareEnabled(!isScreenShareEnabled, { audio: true }), "screen")}
        label={isScreenShareEnabled ? t("room.screen.stop") : t("room.screen.start")}
        testId="toggle-screen"
      >
        <ScreenIcon />
      </RoundButton>
      {error && (
        <div className="absolute bottom-24 left-1/2 -translate-x-1/2 rounded-lg bg-rose-600 px-4 py-2 text-sm" role="alert">
          {error}
        </div>
      )}
    </>
  );
}

/** "X joined" / "X left" toasts (hidden participants never produce events). */
function useParticipantToasts(room: Room): Toast[] {
  const { t } = useI18n();
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    let id = 0;
    const push = (text: string) => {
      const toast = { id: ++id, text };
      setToasts((all) => [...all.slice(-3), toast]);
      setTimeout(() => setToasts((all) => all.filter((x) => x.id !== toast.id)), 3500);
    };
    const joined = (p: Participant) => push(t("room.joined", { name: p.name || p.identity }));
    const left = (p: Participant) => push(t("room.left", { name: p.name || p.identity }));
    room.on(RoomEvent.ParticipantConnected, joined).on(RoomEvent.ParticipantDisconnected, left);
    return () => {
      room.off(RoomEvent.ParticipantConnected, joined).off(RoomEvent.ParticipantDisconnected, left);
    };
  }, [room, t]);
  return toasts;
}

/** Ctrl/⌘+D toggles the microphone, Ctrl/⌘+E the camera (as in Google Meet). */
function useShortcuts(room: Room, enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const key = e.key.toLowerCase();
      const lp = room.localParticipant;
      if (key === "d") {
        e.preventDefault();
        void lp.setMicrophoneEnabled(!lp.isMicrophoneEnabled).catch(() => undefined);
      } else if (key === "e") {
        e.preventDefault();
        void lp.setCameraEnabled(!lp.isCameraEnabled).catch(() => undefined);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [room, enabled]);
}
