import { decodeFrame, encodeFrame, LAYOUT } from "./frame";

describe("encodeFrame", () => {
  it("writes the documented layout", () => {
    const samples = Int16Array.from({ length: 320 }, (_, i) => i - 160);
    const bytes = encodeFrame("guest-abc", 0x01020304, 1_700_000_000_123, samples);
    expect(bytes.length).toBe(16 + 9 + 640);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x43, 0x46, 1, 9, 0x04, 0x03, 0x02, 0x01]);
    const view = new DataView(bytes.buffer);
    expect(view.getBigUint64(8, true)).toBe(1_700_000_000_123n);
    expect(new TextDecoder().decode(bytes.subarray(16, 25))).toBe("guest-abc");
    expect(view.getInt16(25, true)).toBe(-160);
    expect(view.getInt16(25 + 639 - 1, true)).toBe(159);
  });

  it("round-trips and refuses bad input", () => {
    const samples = new Int16Array(LAYOUT.samples_per_frame).fill(-7);
    const frame = decodeFrame(encodeFrame("host-è", 42, 5, samples));
    expect(frame).toMatchObject({ identity: "host-è", seq: 42, captureMs: 5 });
    expect(frame.samples[319]).toBe(-7);
    expect(() => encodeFrame("", 0, 0, samples)).toThrow();
    expect(() => encodeFrame("x".repeat(65), 0, 0, samples)).toThrow();
    expect(() => encodeFrame("x", 0, 0, new Int16Array(10))).toThrow();
  });
});
