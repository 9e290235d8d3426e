/**
 * Streaming band-limited resampler (windowed-sinc interpolation), mono Float32 in → out.
 * Used inside the AudioWorklet to bring the context's rate (44.1/48 kHz) down to 16 kHz;
 * the kernel's cutoff sits just under the output Nyquist, so nothing above 8 kHz aliases in.
 */
export class Resampler {
  private readonly step: number; // input samples per output sample
  private readonly half: number; // kernel half-width, input samples
  private readonly taps: number;
  /** Kernel per fractional phase (PHASES of them), `taps` coefficients each. */
  private readonly table: Float32Array;
  private buf: Float32Array;
  private len: number;
  private pos: number; // position of the next output sample in `buf` coordinates

  constructor(
    readonly inRate: number,
    readonly outRate: number,
    zeroCrossings = 10,
  ) {
    this.step = inRate / outRate;
    const cutoff = Math.min(1, outRate / inRate) * 0.92;
    this.half = Math.ceil(zeroCrossings / cutoff);
    this.taps = 2 * this.half;
    // Windowed sinc (Blackman) sampled at PHASES fractional offsets: the audio thread only
    // multiplies and adds.
    this.table = new Float32Array((PHASES + 1) * this.taps);
    for (let q = 0; q <= PHASES; q++) {
      const frac = q / PHASES;
      let sum = 0;
      for (let j = 0; j < this.taps; j++) {
        const x = frac + this.half - 1 - j;
        const w = Math.abs(x) >= this.half ? 0 : 0.42 + 0.5 * Math.cos((Math.PI * x) / this.half) + 0.08 * Math.cos((2 * Math.PI * x) / this.half);
        const arg = Math.PI * cutoff * x;
        const value = (x === 0 ? 1 : Math.sin(arg) / arg) * cutoff * w;
        this.table[q * this.taps + j] = value;
        sum += value;
      }
      // Unity gain at DC for every phase.
      for (let j = 0; j < this.taps; j++) this.table[q * this.taps + j] /= sum;
    }
    this.buf = new Float32Array(4096);
    // Start with `half` samples of silence behind the first output sample.
    this.len = this.half;
    this.pos = this.half;
  }

  /** Appends input; returns every output sample that is now computable. */
  push(input: Float32Array): Float32Array {
    if (this.inRate === this.outRate) return input.slice();
    this.append(input);
    const limit = this.len - 1 - this.half; // last position whose kernel fits in the buffer
    const available = this.pos > limit ? 0 : Math.floor((limit - this.pos) / this.step) + 1;
    const out = new Float32Array(available);
    const { taps, table, buf } = this;
    for (let n = 0; n < available; n++) {
      let base = Math.floor(this.pos);
      let q = Math.round((this.pos - base) * PHASES);
      if (q === PHASES) {
        q = 0;
        base += 1;
      }
      const first = base - this.half + 1;
      const k = q * taps;
      let acc = 0;
      for (let j = 0; j < taps; j++) acc += buf[first + j] * table[k + j];
      out[n] = acc;
      this.pos += this.step;
    }
    this.compact();
    return out;
  }

  private append(input: Float32Array) {
    if (this.len + input.length > this.buf.length) {
      const bigger = new Float32Array(Math.max(this.buf.length * 2, this.len + input.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(input, this.len);
    this.len += input.length;
  }

  /** Drops samples no future output needs. */
  private compact() {
    const keepFrom = Math.max(0, Math.floor(this.pos) - this.half);
    if (keepFrom > 0) {
      this.buf.copyWithin(0, keepFrom, this.len);
      this.len -= keepFrom;
      this.pos -= keepFrom;
    }
  }
}

const PHASES = 256;

/** Float [-1, 1] → i16 (clamped, rounded). */
export function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    out[i] = Math.round(s < 0 ? s * 32768 : s * 32767);
  }
  return out;
}

/** Cuts a stream of samples into fixed-size frames. */
export class Framer {
  private pending: Float32Array;
  private fill = 0;
  constructor(readonly size: number) {
    this.pending = new Float32Array(size);
  }
  push(input: Float32Array, emit: (frame: Float32Array) => void) {
    let offset = 0;
    while (offset < input.length) {
      const n = Math.min(this.size - this.fill, input.length - offset);
      this.pending.set(input.subarray(offset, offset + n), this.fill);
      this.fill += n;
      offset += n;
      if (this.fill === this.size) {
        emit(this.pending);
        this.pending = new Float32Array(this.size);
        this.fill = 0;
      }
    }
  }
}
