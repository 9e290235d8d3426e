import { Framer, Resampler, toInt16 } from "./resampler";

function sine(freq: number, rate: number, seconds: number, amp = 0.5) {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

function rms(x: Float32Array) {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s / x.length);
}

/** Pushes `input` in render-quantum-sized chunks, as the worklet does. */
function run(r: Resampler, input: Float32Array, chunk = 128) {
  const parts: Float32Array[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(r.push(input.subarray(i, i + chunk)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe("Resampler", () => {
  it.each([48000, 44100, 32000])("keeps a 1 kHz tone from %i Hz at 16 kHz (length, level, pitch)", (rate) => {
    const out = run(new Resampler(rate, 16000), sine(1000, rate, 1));
    expect(Math.abs(out.length - 16000)).toBeLessThan(40);
    const steady = out.subarray(400, 15000);
    expect(rms(steady)).toBeCloseTo(0.5 / Math.SQRT2, 2);
    let crossings = 0;
    for (let i = 1; i < steady.length; i++) if (steady[i - 1] < 0 !== steady[i] < 0) crossings++;
    const seconds = steady.length / 16000;
    expect(crossings / 2 / seconds).toBeGreaterThan(990);
    expect(crossings / 2 / seconds).toBeLessThan(1010);
  });

  it("rejects content above the new Nyquist instead of aliasing it", () => {
    const out = run(new Resampler(48000, 16000), sine(12000, 48000, 1));
    expect(rms(out.subarray(400))).toBeLessThan(0.01);
  });

  it("passes audio through unchanged at equal rates", () => {
    const input = sine(440, 16000, 0.1);
    expect(run(new Resampler(16000, 16000), input)).toEqual(input);
  });
});

describe("toInt16 and Framer", () => {
  it("clamps and scales", () => {
    expect(Array.from(toInt16(Float32Array.from([0, 1, -1, 2, -2, 0.5])))).toEqual([0, 32767, -32768, 32767, -32768, 16384]);
  });

  it("cuts any chunking into 320-sample frames", () => {
    const framer = new Framer(320);
    const frames: Float32Array[] = [];
    const data = Float32Array.from({ length: 1000 }, (_, i) => i);
    framer.push(data.subarray(0, 128), (f) => frames.push(f));
    framer.push(data.subarray(128, 1000), (f) => frames.push(f));
    expect(frames).toHaveLength(3);
    expect(frames[1][0]).toBe(320);
    expect(frames[2][319]).toBe(959);
  });
});
