import type { IngestControl } from "../bindings/IngestControl";
import { encodeFrame, LAYOUT } from "./frame";

/** The part of `WebSocket` the client uses (a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: BinaryType;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}

export type IngestStatus = "connecting" | "live" | "offline" | "stopped";

export type IngestOptions = {
  /** Opens a new socket (with a fresh access token in its URL). */
  connect: () => Promise<SocketLike>;
  /** Frames kept per participant until the server acknowledges them (default 1500 = 30 s). */
  capacity?: number;
  /** Stop sending while the socket buffers more than this many bytes (backpressure). */
  maxBufferedBytes?: number;
  /** How long to wait for the server's `resume` before sending anyway, ms. */
  resumeTimeoutMs?: number;
  onStatus?: (status: IngestStatus) => void;
  onRefused?: (identity: string, reason: string) => void;
  /** Timer functions (tests pass fakes). */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
};

type Frame = { captureMs: number; samples: Int16Array };

/**
 * One participant's frames: a ring of consecutive sequence numbers
 * `[oldest, next)`; `sendFrom` is the next one to put on the socket.
 */
class Stream {
  ring: (Frame | undefined)[];
  oldest = 0;
  next = 0;
  sendFrom = 0;
  /** Sequence numbers are anchored to the server's count (or known to be fresh). */
  based = false;
  everSent = false;
  highestSent = -1;
  refused = false;

  constructor(
    readonly identity: string,
    capacity: number,
  ) {
    this.ring = new Array(capacity);
  }

  get count() {
    return this.next - this.oldest;
  }

  at(seq: number): Frame | undefined {
    return this.ring[seq % this.ring.length];
  }

  /** Renumbers the buffered frames to start at `base` (only before anything was sent). */
  rebase(base: number) {
    const frames: Frame[] = [];
    for (let s = this.oldest; s < this.next; s++) frames.push(this.at(s)!);
    this.ring = new Array(this.ring.length);
    this.oldest = base;
    this.next = base;
    this.sendFrom = base;
    for (const f of frames) this.ring[this.next++ % this.ring.length] = f;
  }
}

/**
 * The seller's audio uplink: buffers 20 ms frames per participant in a ring, streams them over
 * the ingest WebSocket, drops what the server acknowledges, and after a reconnect resends from
 * the server's `next_seq` — no frame lost (within the ring) or duplicated.
 */
export class IngestClient {
  private readonly streams = new Map<string, Stream>();
  private socket: SocketLike | null = null;
  private ready = false;
  private stopped = true;
  private attempts = 0;
  private reconnectTimer: unknown = null;
  private resumeTimer: unknown = null;
  private flushTimer: unknown = null;
  /** The server's latest `next_seq` map (anchors new participants' numbering). */
  private serverNext: Record<string, number> | null = null;
  private readonly capacity: number;
  private readonly maxBuffered: number;
  private readonly resumeTimeoutMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  status: IngestStatus = "stopped";
  readonly counters = { pushed: 0, sent: 0, resent: 0, acked: 0, dropped: 0, reconnects: 0 };

  constructor(private readonly options: IngestOptions) {
    this.capacity = options.capacity ?? 1500;
    this.maxBuffered = options.maxBufferedBytes ?? 256 * 1024;
    this.resumeTimeoutMs = options.resumeTimeoutMs ?? 1500;
    this.setTimer = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    void this.open();
  }

  stop() {
    this.stopped = true;
    this.ready = false;
    for (const t of [this.reconnectTimer, this.resumeTimer, this.flushTimer]) if (t != null) this.clearTimer(t);
    this.reconnectTimer = this.resumeTimer = this.flushTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onerror = socket.onopen = null;
      socket.close(1000, "call ended");
    }
    this.setStatus("stopped");
  }

  /** Whether frames of `identity` are refused by the server (declined consent, unknown). */
  isRefused(identity: string): boolean {
    return this.streams.get(identity)?.refused ?? false;
  }

  /** Queues one 20 ms frame of `identity`. */
  push(identity: string, samples: Int16Array, captureMs: number) {
    if (samples.length !== LAYOUT.samples_per_frame) throw new Error("frames are 320 samples");
    let stream = this.streams.get(identity);
    if (!stream) {
      stream = new Stream(identity, this.capacity);
      if (this.serverNext) {
        stream.rebase(this.serverNext[identity] ?? 0);
        stream.based = true;
      }
      this.streams.set(identity, stream);
    }
    if (stream.refused) return;
    this.counters.pushed++;
    if (stream.count === this.capacity) {
      // Full: the oldest frame goes (the server fills or accepts the gap).
      stream.ring[stream.oldest % this.capacity] = undefined;
      stream.oldest++;
      if (stream.sendFrom < stream.oldest) {
        stream.sendFrom = stream.oldest;
        this.counters.dropped++;
      }
    }
    stream.ring[stream.next % this.capacity] = { captureMs, samples };
    stream.next++;
    this.flush();
  }

  /** Frames waiting for an acknowledgement, per participant (diagnostics). */
  pending(): Record<string, number> {
    return Object.fromEntries([...this.streams].map(([id, s]) => [id, s.count]));
  }

  private setStatus(status: IngestStatus) {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private async open() {
    if (this.stopped) return;
    this.setStatus(this.attempts === 0 ? "connecting" : "offline");
    let socket: SocketLike;
    try {
      socket = await this.options.connect();
    } catch {
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) {
      socket.close(1000, "stopped");
      return;
    }
    this.socket = socket;
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      this.resumeTimer = this.setTimer(() => this.onResume({}), this.resumeTimeoutMs);
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== "string") return;
      let message: IngestControl;
      try {
        message = JSON.parse(ev.data) as IngestControl;
      } catch {
        return;
      }
      this.onMessage(message);
    };
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.ready = false;
      if (this.resumeTimer != null) this.clearTimer(this.resumeTimer);
      this.resumeTimer = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect() {
    if (this.stopped) return;
    this.setStatus("offline");
    const delay = Math.min(5000, 250 * 2 ** this.attempts);
    this.attempts++;
    this.counters.reconnects++;
    this.reconnectTimer = this.setTimer(() => {
      this.reconnectTimer = null;
      void this.open();
    }, delay);
  }

  private onMessage(message: IngestControl) {
    switch (message.type) {
      case "resume":
        this.onResume(message.next_seq ?? {});
        break;
      case "ack":
        this.onAck(message.next_seq ?? {});
        break;
      case "refused": {
        const stream = this.streams.get(message.identity) ?? new Stream(message.identity, 1);
        this.streams.set(message.identity, stream);
        if (!stream.refused) {
          stream.refused = true;
          stream.ring = new Array(1);
          stream.oldest = stream.next = stream.sendFrom = 0;
          this.options.onRefused?.(message.identity, message.reason);
        }
        break;
      }
    }
  }

  private onResume(nextSeq: Record<string, number>) {
    if (this.resumeTimer != null) this.clearTimer(this.resumeTimer);
    this.resumeTimer = null;
    if (this.ready || !this.socket) return;
    this.serverNext = { ...(this.serverNext ?? {}), ...nextSeq };
    for (const stream of this.streams.values()) {
      const server = nextSeq[stream.identity];
      if (!stream.based) {
        if (server !== undefined && !stream.everSent) stream.rebase(server);
        stream.based = true;
      } else if (server !== undefined) {
        // Resend from what the server has not got, within what we still hold.
        stream.sendFrom = Math.max(stream.oldest, Math.min(server, stream.next));
      } else {
        // The server forgot this participant (restart): resend everything unacknowledged.
        stream.sendFrom = stream.oldest;
      }
    }
    this.ready = true;
    this.attempts = 0;
    this.setStatus("live");
    this.flush();
  }

  private onAck(nextSeq: Record<string, number>) {
    this.serverNext = { ...(this.serverNext ?? {}), ...nextSeq };
    for (const [identity, next] of Object.entries(nextSeq)) {
      const stream = this.streams.get(identity);
      if (!stream || stream.refused) continue;
      const upTo = Math.min(next, stream.next);
      while (stream.oldest < upTo) {
        stream.ring[stream.oldest % stream.ring.length] = undefined;
        stream.oldest++;
        this.counters.acked++;
      }
      if (stream.sendFrom < stream.oldest) stream.sendFrom = stream.oldest;
    }
  }

  private flush() {
    const socket = this.socket;
    if (!this.ready || !socket || socket.readyState !== 1) return;
    let progress = true;
    // Round-robin one frame per participant so one backlog cannot starve the others.
    while (progress) {
      progress = false;
      for (const stream of this.streams.values()) {
        if (stream.refused || !stream.based || stream.sendFrom >= stream.next) continue;
        if (socket.bufferedAmount > this.maxBuffered) {
          if (this.flushTimer == null) {
            this.flushTimer = this.setTimer(() => {
              this.flushTimer = null;
              this.flush();
            }, 20);
          }
          return;
        }
        const seq = stream.sendFrom;
        const frame = stream.at(seq)!;
        socket.send(encodeFrame(stream.identity, seq, frame.captureMs, frame.samples));
        if (seq <= stream.highestSent) this.counters.resent++;
        else stream.highestSent = seq;
        stream.everSent = true;
        stream.sendFrom++;
        this.counters.sent++;
        progress = true;
      }
    }
  }
}
