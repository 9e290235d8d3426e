import workletUrl from "./tap.worklet.ts?worker&url";

export type FrameSink = (identity: string, pcm: Int16Array, captureMs: number) => void;

/** Per-participant speech activity seen by the tap (diagnostics, e2e latency measurement). */
export type TapActivity = { frames: number; level: number; segments: [number, number][] };

type Tapped = { identity: string; source: MediaStreamAudioSourceNode; node: AudioWorkletNode };

const VOICE_DB = -50;
const HANGOVER_MS = 400;

/**
 * Taps audio tracks: one AudioWorklet per track (own mic, each consenting guest), all in one
 * AudioContext, each producing 20 ms 16 kHz s16le frames tagged with the LiveKit identity.
 */
export class AudioTap {
  readonly ctx: AudioContext;
  private readonly sink: GainNode;
  private readonly loaded: Promise<void>;
  private readonly taps = new Map<string, Tapped>();
  readonly activity = new Map<string, TapActivity>();
  private readonly open = new Map<string, { start: number; lastVoice: number }>();

  constructor(private readonly onFrame: FrameSink) {
    this.ctx = new AudioContext({ latencyHint: "interactive" });
    // Worklets only run when pulled: route them into a muted gain on the destination.
    this.sink = this.ctx.createGain();
    this.sink.gain.value = 0;
    this.sink.connect(this.ctx.destination);
    this.loaded = this.ctx.audioWorklet.addModule(workletUrl);
  }

  /** Call from a user gesture (autoplay policies keep new contexts suspended). */
  resume() {
    if (this.ctx.state !== "running") void this.ctx.resume().catch(() => undefined);
  }

  has(key: string) {
    return this.taps.has(key);
  }

  /** Starts tapping `track` as `identity`; `key` names the tap (e.g. the track sid). */
  async add(key: string, identity: string, track: MediaStreamTrack) {
    if (this.taps.has(key)) return;
    await this.loaded;
    if (this.taps.has(key) || this.ctx.state === "closed") return;
    const source = this.ctx.createMediaStreamSource(new MediaStream([track]));
    const node = new AudioWorkletNode(this.ctx, "closer-tap", { numberOfInputs: 1, numberOfOutputs: 1, channelCountMode: "max" });
    node.port.onmessage = (ev: MessageEvent<{ pcm: Int16Array; at: number }>) => {
      const captureMs = this.epochMs(ev.data.at);
      this.observe(identity, ev.data.pcm, captureMs);
      this.onFrame(identity, ev.data.pcm, captureMs);
    };
    source.connect(node);
    node.connect(this.sink);
    this.taps.set(key, { identity, source, node });
    this.resume();
  }

  remove(key: string) {
    const tap = this.taps.get(key);
    if (!tap) return;
    tap.node.port.postMessage("stop");
    tap.source.disconnect();
    tap.node.disconnect();
    tap.node.port.onmessage = null;
    this.taps.delete(key);
  }

  /** Stops every tap of `identity` (e.g. refused by the server). */
  removeIdentity(identity: string) {
    for (const [key, tap] of this.taps) if (tap.identity === identity) this.remove(key);
  }

  identities(): string[] {
    return [...new Set([...this.taps.values()].map((t) => t.identity))];
  }

  close() {
    for (const key of [...this.taps.keys()]) this.remove(key);
    void this.ctx.close().catch(() => undefined);
  }

  /** Context time → ms since the epoch. */
  private epochMs(contextTime: number): number {
    const stamp = this.ctx.getOutputTimestamp?.();
    if (stamp && stamp.contextTime !== undefined && stamp.performanceTime !== undefined && stamp.performanceTime > 0) {
      return performance.timeOrigin + stamp.performanceTime + (contextTime - stamp.contextTime) * 1000;
    }
    return Date.now();
  }

  /** Energy-based speech segments per participant (what the seller heard, and when). */
  private observe(identity: string, pcm: Int16Array, at: number) {
    let sum = 0;
    for (let i = 0; i < pcm.length; i++) sum += pcm[i] * pcm[i];
    const rms = Math.sqrt(sum / pcm.length) / 32768;
    const db = rms > 0 ? 20 * Math.log10(rms) : -120;
    const act = this.activity.get(identity) ?? { frames: 0, level: -120, segments: [] };
    this.activity.set(identity, act);
    act.frames++;
    act.level = db;
    const open = this.open.get(identity);
    if (db > VOICE_DB) {
      if (open) open.lastVoice = at;
      else this.open.set(identity, { start: at - 20, lastVoice: at });
    } else if (open && at - open.lastVoice > HANGOVER_MS) {
      act.segments.push([Math.round(open.start), Math.round(open.lastVoice)]);
      if (act.segments.length > 500) act.segments.shift();
      this.open.delete(identity);
    }
  }
}
