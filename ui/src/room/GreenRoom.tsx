import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { motion } from "motion/react";
import type { AiConsent } from "../bindings/AiConsent";
import { useI18n, LanguageSwitch } from "../i18n";
import { Button, Input, Logo, Select, Spinner } from "../components/ui";
import { CamIcon, CamOffIcon, MicIcon, MicOffIcon, SparkIcon } from "../components/icons";
import type { MediaChoice, VideoQuality } from "./useLiveRoom";
import { local } from "../lib/storage";

type Devices = { cameras: MediaDeviceInfo[]; mics: MediaDeviceInfo[]; speakers: MediaDeviceInfo[] };
type Problem = "denied" | "none" | null;

const PREFS_KEY = "closer.devices";

export type JoinRequestUi = { choice: MediaChoice; name: string; consent: AiConsent | null };

/**
 * The green room: camera preview, microphone level, device pickers, optional name field and
 * AI-consent banner, join. The preview tracks are released on join (the room opens its own).
 */
export function GreenRoom({
  title,
  subtitle,
  note,
  askName = false,
  askConsent = false,
  initialName = "",
  joinLabel,
  busy = false,
  error,
  onJoin,
  aside,
}: {
  title: string;
  subtitle?: string;
  /** Under the subtitle, e.g. the meeting's time for a guest. */
  note?: ReactNode;
  askName?: boolean;
  askConsent?: boolean;
  initialName?: string;
  joinLabel?: string;
  busy?: boolean;
  error?: ReactNode;
  onJoin: (request: JoinRequestUi) => void;
  aside?: ReactNode;
}) {
  const { t } = useI18n();
  const saved = local.get<Partial<MediaChoice>>(PREFS_KEY) ?? {};
  const [videoOn, setVideoOn] = useState(saved.video ?? true);
  const [audioOn, setAudioOn] = useState(saved.audio ?? true);
  const [cameraId, setCameraId] = useState<string | undefined>(saved.videoDeviceId);
  const [micId, setMicId] = useState<string | undefined>(saved.audioDeviceId);
  const [speakerId, setSpeakerId] = useState<string | undefined>(saved.speakerDeviceId);
  const [quality, setQuality] = useState<VideoQuality>(saved.quality ?? "standard");
  const [devices, setDevices] = useState<Devices>({ cameras: [], mics: [], speakers: [] });
  const [problem, setProblem] = useState<Problem>(null);
  const [starting, setStarting] = useState(false);
  const [name, setName] = useState(initialName);
  const [consent, setConsent] = useState<AiConsent | null>(null);
  const [touched, setTouched] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [retry, setRetry] = useState(0);
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const level = useMicLevel(streamRef, audioOn, attempt);

  const refreshDevices = useCallback(async () => {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const all = await navigator.mediaDevices.enumerateDevices();
    setDevices({
      cameras: all.filter((d) => d.kind === "videoinput"),
      mics: all.filter((d) => d.kind === "audioinput"),
      speakers: all.filter((d) => d.kind === "audiooutput"),
    });
  }, []);

  // (Re)open the preview whenever a toggle or device changes.
  useEffect(() => {
    let cancelled = false;
    const stop = () => {
      streamRef.current?.getTracks().forEach((track) => track.stop());
      streamRef.current = null;
    };
    stop();
    if (!videoOn && !audioOn) {
      void refreshDevices();
      return;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      setProblem("none");
      return;
    }
    setStarting(true);
    navigator.mediaDevices
      .getUserMedia({
        video: videoOn ? { deviceId: cameraId ? { exact: cameraId } : undefined, width: 1280, height: 720 } : false,
        audio: audioOn ? { deviceId: micId ? { exact: micId } : undefined } : false,
      })
      .then((stream) => {
        if (cancelled) {
          stream.getTracks().forEach((track) => track.stop());
          return;
        }
        streamRef.current = stream;
        setProblem(null);
        if (videoRef.current) videoRef.current.srcObject = videoOn ? stream : null;
        setAttempt((a) => a + 1);
        void refreshDevices();
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        const name = e instanceof Error ? e.name : "";
        if (name === "OverconstrainedError") {
          // The saved device is gone: fall back to the default.
          setCameraId(undefined);
          setMicId(undefined);
          return;
        }
        setProblem(name === "NotAllowedError" || name === "SecurityError" ? "denied" : "none");
        void refreshDevices();
      })
      .finally(() => !cancelled && setStarting(false));
    return () => {
      cancelled = true;
      stop();
    };
  }, [videoOn, audioOn, cameraId, micId, refreshDevices, retry]);

  useEffect(() => {
    const onChange = () => void refreshDevices();
    navigator.mediaDevices?.addEventListener?.("devicechange", onChange);
    return () => navigator.mediaDevices?.removeEventListener?.("devicechange", onChange);
  }, [refreshDevices]);

  const nameMissing = askName && !name.trim();
  const consentMissing = askConsent && !consent;
  const canJoin = !busy && !nameMissing && !consentMissing;

  const join = (withoutDevices = false) => {
    setTouched(true);
    if (!canJoin) return;
    const choice: MediaChoice = {
      audio: withoutDevices ? false : audioOn && problem === null,
      video: withoutDevices ? false : videoOn && problem === null,
      audioDeviceId: micId,
      videoDeviceId: cameraId,
      speakerDeviceId: speakerId,
      quality,
    };
    local.set(PREFS_KEY, { audio: audioOn, video: videoOn, audioDeviceId: micId, videoDeviceId: cameraId, speakerDeviceId: speakerId, quality });
    streamRef.current?.getTracks().forEach((track) => track.stop());
    streamRef.current = null;
    onJoin({ choice, name: name.trim(), consent });
  };

  const testSpeaker = async () => {
    const ctx = new AudioContext();
    const dest = ctx.createMediaStreamDestination();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0.15, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.6);
    osc.frequency.value = 660;
    osc.connect(gain).connect(dest);
    const audio = new Audio();
    audio.srcObject = dest.stream;
    const withSink = audio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (speakerId && withSink.setSinkId) await withSink.setSinkId(speakerId).catch(() => undefined);
    await audio.play().catch(() => undefined);
    osc.start();
    osc.stop(ctx.currentTime + 0.6);
    setTimeout(() => void ctx.close(), 800);
  };

  return (
    <div className="min-h-screen bg-slate-950 text-white" data-testid="green-room">
      <header className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </header>
      {/* On a phone: preview, then the join panel, then the device pickers (Join on the first
          screen); from lg: preview over pickers on the left, the join panel on the right. */}
      <main className="mx-auto grid max-w-6xl items-center gap-x-10 gap-y-4 px-6 lg:gap-y-6 pb-12 pt-4 lg:grid-cols-[1.5fr_1fr]">
        <section className="lg:col-start-1 lg:row-start-1">
          <div className="relative aspect-video overflow-hidden rounded-3xl bg-slate-800 shadow-2xl shadow-black/40">
            <video
              ref={videoRef}
              autoPlay
              muted
              playsInline
              data-testid="preview"
              className={`h-full w-full -scale-x-100 object-cover ${videoOn && problem === null ? "" : "hidden"}`}
            />
            {(!videoOn || problem !== null) && (
              <div className="absolute inset-0 flex items-center justify-center text-white/60">{t("green.cameraOff")}</div>
            )}
            {starting && videoOn && (
              <div className="absolute inset-0 flex items-center justify-center gap-3 bg-slate-900/60 text-sm text-white/70">
                <Spinner /> {t("green.startingCamera")}
              </div>
            )}
            {askName && name.trim() && (
              <div className="absolute left-4 top-4 rounded-md bg-black/50 px-2 py-1 text-sm">{name.trim()}</div>
            )}
            <div className="absolute inset-x-0 bottom-4 flex items-center justify-center gap-4">
              <button
                type="button"
                onClick={() => setAudioOn((v) => !v)}
                aria-pressed={audioOn}
                aria-label={audioOn ? t("room.mic.on") : t("room.mic.off")}
                data-testid="green-toggle-mic"
                className={`flex h-12 w-12 items-center justify-center rounded-full border ${audioOn ? "border-white/40 bg-black/30" : "border-rose-500 bg-rose-500"}`}
              >
                {audioOn ? <MicIcon /> : <MicOffIcon />}
              </button>
              <button
                type="button"
                onClick={() => setVideoOn((v) => !v)}
                aria-pressed={videoOn}
                aria-label={videoOn ? t("room.cam.on") : t("room.cam.off")}
                data-testid="green-toggle-camera"
                className={`flex h-12 w-12 items-center justify-center rounded-full border ${videoOn ? "border-white/40 bg-black/30" : "border-rose-500 bg-rose-500"}`}
              >
                {videoOn ? <CamIcon /> : <CamOffIcon />}
              </button>
            </div>
            <LevelMeter level={audioOn && problem === null ? level : 0} label={t("green.micLevel")} />
          </div>

          {problem === "denied" && (
            <div className="mt-4 rounded-2xl border border-amber-400/30 bg-amber-400/10 p-4 text-sm" data-testid="permission-denied" role="alert">
              <p className="font-semibold text-amber-200">{t("green.permission.title")}</p>
              <p className="mt-1 text-amber-100/80">{t("green.permission.body")}</p>
              <div className="mt-3 flex gap-2">
                <Button variant="secondary" onClick={() => setRetry((r) => r + 1)} data-testid="permission-retry">
                  {t("common.retry")}
                </Button>
              </div>
            </div>
          )}
          {problem === "none" && (
            <p className="mt-4 rounded-2xl border border-white/10 bg-white/5 p-4 text-sm text-white/70" data-testid="no-devices">
              {t("green.noDevices")}
            </p>
          )}
        </section>

        <section className="order-last grid gap-3 sm:grid-cols-2 lg:order-none lg:col-start-1 lg:row-start-2 lg:self-start" data-testid="device-pickers">
          <DevicePicker label={t("green.camera")} devices={devices.cameras} value={cameraId} onChange={setCameraId} testId="pick-camera" />
          <label className="block min-w-0 space-y-1">
            <span className="text-xs font-medium uppercase tracking-wide text-white/55">{t("green.quality")}</span>
            <Select value={quality} onChange={(e) => setQuality(e.target.value as VideoQuality)} data-testid="pick-quality">
              <option value="high">{t("green.quality.high")}</option>
              <option value="standard">{t("green.quality.standard")}</option>
              <option value="low">{t("green.quality.low")}</option>
            </Select>
          </label>
          <DevicePicker label={t("green.microphone")} devices={devices.mics} value={micId} onChange={setMicId} testId="pick-mic" />
          <div className="flex items-end gap-2">
            <DevicePicker label={t("green.speaker")} devices={devices.speakers} value={speakerId} onChange={setSpeakerId} testId="pick-speaker" />
            <Button variant="ghost" className="shrink-0" onClick={() => void testSpeaker()}>
              {t("green.testSpeaker")}
            </Button>
          </div>
        </section>

        <section className="space-y-4 lg:col-start-2 lg:row-span-2 lg:row-start-1 lg:space-y-6">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl" data-testid="green-title">{t("green.title")}</h1>
            <p className="mt-2 text-lg text-white/80">{title}</p>
            {subtitle && <p className="text-sm text-white/50">{subtitle}</p>}
            {note && <div className="mt-2 text-sm text-white/70" data-testid="green-note">{note}</div>}
          </div>

          {askName && (
            <label className="block space-y-1">
              <span className="text-xs font-medium uppercase tracking-wide text-white/55">{t("green.name")}</span>
              <Input
                value={name}
                maxLength={60}
                onChange={(e) => setName(e.target.value)}
                placeholder={t("green.namePlaceholder")}
                autoComplete="name"
                data-testid="name"
                onKeyDown={(e) => e.key === "Enter" && join()}
              />
              {touched && nameMissing && <span className="text-xs text-rose-300">{t("green.nameRequired")}</span>}
            </label>
          )}

          {askConsent && <ConsentBanner consent={consent} onChange={setConsent} showError={touched && consentMissing} />}

          {error && <div className="rounded-xl bg-rose-500/15 p-3 text-sm text-rose-200" role="alert" data-testid="join-error">{error}</div>}

          <div className="flex flex-wrap items-center gap-3">
            <Button className="h-12 px-8 text-base" onClick={() => join()} disabled={busy || (touched && !canJoin)} data-testid="join">
              {busy ? <Spinner className="h-4 w-4" /> : null}
              {busy ? t("green.joining") : joinLabel ?? t("green.join")}
            </Button>
            {problem !== null && (
              <Button variant="ghost" onClick={() => join(true)} disabled={busy} data-testid="join-without">
                {t("green.joinWithout")}
              </Button>
            )}
          </div>
          {aside}
        </section>
      </main>
    </div>
  );
}

function DevicePicker({ label, devices, value, onChange, testId }: { label: string; devices: MediaDeviceInfo[]; value?: string; onChange: (id: string | undefined) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <label className="block min-w-0 flex-1 space-y-1">
      <span className="text-xs font-medium uppercase tracking-wide text-white/55">{label}</span>
      <Select value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)} disabled={devices.length === 0} data-testid={testId}>
        <option value="">{t("green.defaultDevice")}</option>
        {devices
          .filter((d) => d.deviceId && d.deviceId !== "default")
          .map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `${label} ${i + 1}`}
            </option>
          ))}
      </Select>
    </label>
  );
}

function ConsentBanner({ consent, onChange, showError }: { consent: AiConsent | null; onChange: (c: AiConsent) => void; showError: boolean }) {
  const { t } = useI18n();
  return (
    <motion.div
      layout
      className={`rounded-2xl border p-4 ${showError ? "border-rose-400/60 bg-rose-500/10" : "border-indigo-400/30 bg-indigo-500/10"}`}
      data-testid="consent-banner"
      data-consent={consent ?? "unset"}
    >
      <div className="flex gap-3">
        <SparkIcon className="mt-0.5 shrink-0 text-indigo-300" />
        <div className="space-y-2">
          <p className="font-semibold" data-testid="consent-text">{t("green.consent.text")}</p>
          <p className="text-sm text-white/65">{t("green.consent.detail")}</p>
          <div className="flex gap-2 pt-1">
            <Button
              variant={consent === "accepted" ? "primary" : "secondary"}
              onClick={() => onChange("accepted")}
              aria-pressed={consent === "accepted"}
              data-testid="consent-accept"
            >
              {t("green.consent.accept")}
            </Button>
            <Button
              variant={consent === "declined" ? "primary" : "secondary"}
              onClick={() => onChange("declined")}
              aria-pressed={consent === "declined"}
              data-testid="consent-decline"
            >
              {t("green.consent.decline")}
            </Button>
          </div>
          {consent && <p className="text-xs text-white/60">{t(consent === "accepted" ? "green.consent.accepted" : "green.consent.declined")}</p>}
          {showError && <p className="text-xs text-rose-300">{t("green.consent.required")}</p>}
        </div>
      </div>
    </motion.div>
  );
}

function LevelMeter({ level, label }: { level: number; label: string }) {
  const bars = 10;
  const lit = Math.round(level * bars);
  return (
    <div className="absolute bottom-5 right-5 flex h-8 items-end gap-[3px]" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={1} aria-valuenow={Number(level.toFixed(2))} data-testid="mic-level" data-level={level.toFixed(2)}>
      {Array.from({ length: bars }, (_, i) => (
        <span key={i} className={`w-[4px] rounded-sm ${i < lit ? "bg-emerald-400" : "bg-white/20"}`} style={{ height: `${30 + i * 7}%` }} />
      ))}
    </div>
  );
}

/** 0–1 level of the preview microphone (RMS, log-scaled), updated per animation frame. */
function useMicLevel(streamRef: React.RefObject<MediaStream | null>, enabled: boolean, attempt: number): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    const track = streamRef.current?.getAudioTracks()[0];
    if (!enabled || !track) {
      setLevel(0);
      return;
    }
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const data = new Float32Array(analyser.fftSize);
    let smoothed = 0;
    let shown = -1;
    // ~15 updates a second, and only when a bar would change: the meter need not re-render
    // the green room on every animation frame.
    const tick = () => {
      analyser.getFloatTimeDomainData(data);
      let sum = 0;
      for (const v of data) sum += v * v;
      const db = 20 * Math.log10(Math.sqrt(sum / data.length) + 1e-9);
      const value = Math.max(0, Math.min(1, (db + 60) / 50));
      smoothed = Math.max(value, smoothed * 0.7);
      const rounded = Math.round(smoothed * 20) / 20;
      if (rounded !== shown) {
        shown = rounded;
        setLevel(rounded);
      }
    };
    void ctx.resume().catch(() => undefined);
    const timer = setInterval(tick, 66);
    return () => {
      clearInterval(timer);
      source.disconnect();
      void ctx.close();
    };
  }, [streamRef, enabled, attempt]);
  return level;
}
