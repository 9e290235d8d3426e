// Feeds a rendered fixture call into a meeting's live session the way the seller's client does:
// one WebSocket to GET /api/meetings/{id}/audio (host token), 20 ms frames per participant
// (layout: backend/wire/src/audio_frame.rs), in real time.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

// Node 20 has no global WebSocket: `ws` (a pinned devDependency of ui/).
const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "ui", "package.json"));
export const WebSocket = require("ws");

const MAGIC = [0x43, 0x46];
const VERSION = 1;
const SAMPLES = 320; // 20 ms at 16 kHz

/** The 16 kHz mono s16le samples of a WAV file (throws on anything else). */
export function readWav(path) {
  const buf = readFileSync(path);
  if (buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") throw new Error(`${path}: not a WAV file`);
  let offset = 12;
  let format;
  while (offset + 8 <= buf.length) {
    const id = buf.toString("ascii", offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") format = { channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    if (id === "data") {
      if (!format || format.channels !== 1 || format.rate !== 16000 || format.bits !== 16) throw new Error(`${path}: expected 16 kHz mono 16-bit, got ${JSON.stringify(format)}`);
      return new Int16Array(buf.buffer.slice(buf.byteOffset + body, buf.byteOffset + body + size));
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

/** One audio frame. */
export function frame(identity, seq, captureMs, samples) {
  const id = Buffer.from(identity, "utf8");
  const out = Buffer.alloc(16 + id.length + SAMPLES * 2);
  out[0] = MAGIC[0];
  out[1] = MAGIC[1];
  out[2] = VERSION;
  out[3] = id.length;
  out.writeUInt32LE(seq, 4);
  out.writeBigUInt64LE(BigInt(captureMs), 8);
  id.copy(out, 16);
  for (let i = 0; i < SAMPLES; i++) out.writeInt16LE(samples[i] ?? 0, 16 + id.length + i * 2);
  return out;
}

/**
 * Streams `tracks` ([{ identity, samples }]) over `wsUrl` for `seconds` of audio in real time.
 * Resolves when done; rejects when the server closes the socket or refuses a participant.
 * A connection lost without a close frame (1006) is reopened, at most `RECONNECTS` times: the
 * server resumes each participant's sequence (its `resume` message) and fills a short gap with
 * silence. Each reopening is logged.
 */
export async function feed(wsUrl, tracks, seconds) {
  const RECONNECTS = 3;
  const refused = [];
  let closed = null;
  const open = async () => {
    const ws = new WebSocket(wsUrl);
    ws.binaryType = "arraybuffer";
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error(`cannot open ${wsUrl.replace(/access_token=[^&]+/, "access_token=…")}`));
    });
    closed = null;
    ws.onclose = (e) => (closed = { code: e.code, text: `${e.code} ${e.reason}` });
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      const msg = JSON.parse(e.data);
      if (msg.type === "refused") refused.push(msg);
    };
    return ws;
  };
  let ws = await open();
  let reconnects = 0;
  const start = Date.now();
  const frames = Math.floor((seconds * 1000) / 20);
  for (let n = 0; n < frames; n++) {
    if (closed?.code === 1006 && reconnects < RECONNECTS) {
      reconnects += 1;
      console.log(`feed: audio socket lost without a close frame at frame ${n}; reconnecting (${reconnects}/${RECONNECTS})`);
      ws = await open();
    }
    if (closed) throw new Error(`audio socket closed: ${closed.text}`);
    if (refused.length) throw new Error(`participant refused: ${JSON.stringify(refused)}`);
    for (const t of tracks) ws.send(frame(t.identity, n, start + n * 20, t.samples.subarray(n * SAMPLES, (n + 1) * SAMPLES)));
    const due = start + (n + 1) * 20 - Date.now();
    if (due > 0) await new Promise((r) => setTimeout(r, due));
  }
  ws.close(1000, "done");
}
