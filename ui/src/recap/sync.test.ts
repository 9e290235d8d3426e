import { describe, expect, it } from "vitest";
import { activeLineIndex, clock, msOf, SEEK_TOLERANCE_MS, secondsOf } from "./sync";

const lines = [
  { start_ms: 1_000, end_ms: 3_000 },
  { start_ms: 3_500, end_ms: 6_000 },
  { start_ms: 5_800, end_ms: 9_000 }, // overlaps the previous one
  { start_ms: 12_000, end_ms: 14_000 },
];

describe("activeLineIndex", () => {
  it("is -1 before the first line and without lines", () => {
    expect(activeLineIndex(lines, 0)).toBe(-1);
    expect(activeLineIndex(lines, 1_000 - SEEK_TOLERANCE_MS - 1)).toBe(-1);
    expect(activeLineIndex([], 5_000)).toBe(-1);
  });

  it("follows playback through each line, overlaps and pauses", () => {
    expect(activeLineIndex(lines, 1_000)).toBe(0);
    expect(activeLineIndex(lines, 2_999)).toBe(0);
    expect(activeLineIndex(lines, 3_200)).toBe(0); // pause: previous line stays highlighted
    expect(activeLineIndex(lines, 4_000)).toBe(1);
    expect(activeLineIndex(lines, 5_900)).toBe(2); // the later of two overlapping lines
    expect(activeLineIndex(lines, 11_000)).toBe(2);
    expect(activeLineIndex(lines, 13_000)).toBe(3);
    expect(activeLineIndex(lines, 60_000)).toBe(3);
  });

  it("a seek to a line's start highlights that line even when the player lands a little before it", () => {
    for (const [i, line] of lines.entries()) {
      const landed = msOf(secondsOf(line.start_ms) - 0.021); // one Opus frame early
      expect(activeLineIndex(lines, landed)).toBe(i);
    }
  });

  it("agrees with a linear scan on many lines", () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ start_ms: i * 997 + (i % 7) * 13, end_ms: i * 997 + 900 }));
    for (let ms = -500; ms < 500 * 997 + 2_000; ms += 371) {
      let expected = -1;
      many.forEach((l, i) => {
        if (l.start_ms <= ms + SEEK_TOLERANCE_MS) expected = i;
      });
      expect(activeLineIndex(many, ms)).toBe(expected);
    }
  });
});

describe("time conversions", () => {
  it("maps ms to player seconds and back", () => {
    expect(secondsOf(41_234)).toBe(41.234);
    expect(secondsOf(-5)).toBe(0);
    expect(msOf(41.234)).toBe(41_234);
    expect(msOf(41.2339999)).toBe(41_234);
    expect(msOf(Number.NaN)).toBe(0);
  });

  it("formats clocks", () => {
    expect(clock(0)).toBe("0:00");
    expect(clock(65_999)).toBe("1:05");
    expect(clock(3_600_000 + 61_000)).toBe("1:01:01");
  });
});
