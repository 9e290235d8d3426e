import type { AudioFrameLayout } from "../bindings/AudioFrameLayout";

/** The layout the backend parses (`backend/wire/src/audio_frame.rs`), typed by its binding. */
export const LAYOUT: AudioFrameLayout = {
  magic: "CF",
  version: 1,
  sample_rate: 16000,
  samples_per_frame: 320,
  fixed_header_bytes: 16,
  max_identity_bytes: 64,
};

const encoder = new TextEncoder();

/**
 * One binary WebSocket message: `"CF"`, version, identity length, u32 LE seq, u64 LE capture
 * ms, identity (UTF-8), 320 × i16 LE samples.
 */
export function encodeFrame(identity: string, seq: number, captureMs: number, samples: Int16Array): Uint8Array {
  const id = encoder.encode(identity);
  if (id.length === 0 || id.length > LAYOUT.max_identity_bytes) throw new Error(`identity length ${id.length}`);
  if (samples.length !== LAYOUT.samples_per_frame) throw new Error(`expected ${LAYOUT.samples_per_frame} samples`);
  const head = LAYOUT.fixed_header_bytes;
  const bytes = new Uint8Array(head + id.length + samples.length * 2);
  const view = new DataView(bytes.buffer);
  bytes[0] = LAYOUT.magic.charCodeAt(0);
  bytes[1] = LAYOUT.magic.charCodeAt(1);
  bytes[2] = LAYOUT.version;
  bytes[3] = id.length;
  view.setUint32(4, seq >>> 0, true);
  view.setBigUint64(8, BigInt(Math.max(0, Math.floor(captureMs))), true);
  bytes.set(id, head);
  const at = head + id.length;
  for (let i = 0; i < samples.length; i++) view.setInt16(at + i * 2, samples[i], true);
  return bytes;
}

/** Inverse of [`encodeFrame`] (tests and diagnostics). */
export function decodeFrame(bytes: Uint8Array): { identity: string; seq: number; captureMs: number; samples: Int16Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idLen = bytes[3];
  const head = LAYOUT.fixed_header_bytes;
  const identity = new TextDecoder().decode(bytes.subarray(head, head + idLen));
  const samples = new Int16Array(LAYOUT.samples_per_frame);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(head + idLen + i * 2, true);
  return { identity, seq: view.getUint32(4, true), captureMs: Number(view.getBigUint64(8, true)), samples };
}
