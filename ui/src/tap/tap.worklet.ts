/// <reference lib="es2022" />
// AudioWorklet: downmixes one track's audio to mono, resamples it to 16 kHz, cuts it into
// 20 ms frames of s16le and posts each frame (with the context time it ended at) to the page.
import { Framer, Resampler, toInt16 } from "./resampler";

declare const sampleRate: number;
declare const currentTime: number;
declare function registerProcessor(name: string, ctor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}

class TapProcessor extends AudioWorkletProcessor {
  private readonly resampler = new Resampler(sampleRate, 16000);
  private readonly framer = new Framer(320);
  private stopped = false;

  constructor(options?: unknown) {
    super(options);
    this.port.onmessage = (ev: MessageEvent) => {
      if (ev.data === "stop") this.stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const length = channels[0].length;
    let mono: Float32Array;
    if (channels.length === 1) mono = channels[0];
    else {
      mono = new Float32Array(length);
      for (const ch of channels) for (let i = 0; i < length; i++) mono[i] += ch[i] / channels.length;
    }
    const at = currentTime + length / sampleRate;
    this.framer.push(this.resampler.push(mono), (frame) => {
      const pcm = toInt16(frame);
      this.port.postMessage({ pcm, at }, [pcm.buffer]);
    });
    return true;
  }
}

registerProcessor("closer-tap", TapProcessor);
