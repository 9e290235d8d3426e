import { describe, expect, it } from "vitest";
import { isDip, seekTarget, sentimentSeries } from "./timeline";

const point = (speaker: string, start_ms: number, score: number) => ({ speaker, start_ms, score, segment_id: `${speaker}-${start_ms}`, label: "x" });

describe("sentimentSeries", () => {
  const names = new Map([
    ["host", "Marco"],
    ["guest_a", "Sarah"],
  ]);
  const series = sentimentSeries(
    [point("guest_a", 40_000, -0.6), point("guest_a", 12_000, 0), point("host", 5_000, 1), point("guest_b", 30_000, -1), point("guest_a", 70_000, -1), point("guest_a", 90_000, 1)],
    names,
  );

  it("groups by participant in the given order, sorted by time, with names", () => {
    expect(series.map((s) => [s.speaker, s.name])).toEqual([
      ["host", "Marco"],
      ["guest_a", "Sarah"],
      ["guest_b", "guest_b"],
    ]);
    expect(series[1].data.map((d) => d.ms)).toEqual([12_000, 40_000, 70_000, 90_000]);
  });

  it("marks the seller's line and never calls its drops dips", () => {
    const [host, guest] = sentimentSeries([point("host", 5_000, 1), point("host", 9_000, -1), point("guest_a", 12_000, -1)], names, new Set(["host"]));
    expect([host.seller, guest.seller]).toEqual([true, false]);
    expect(host.data.map((d) => d.dip)).toEqual([false, false]);
    expect(guest.data.map((d) => d.dip)).toEqual([true]);
  });

  it("puts points at the utterance start in seconds", () => {
    expect(series[1].data.map((d) => d.t)).toEqual([12, 40, 70, 90]);
    expect(series[1].data[1].segmentId).toBe("guest_a-40000");
  });

  it("marks drops as dips, each participant against their own previous score", () => {
    expect(series[0].data.map((d) => d.dip)).toEqual([false]);
    expect(series[1].data.map((d) => d.dip)).toEqual([false, true, true, false]);
    expect(series[2].data.map((d) => d.dip)).toEqual([true]); // first point below neutral
  });

  it("keeps one point per instant, the last, and compares it with the one before", () => {
    const [tom] = sentimentSeries([point("tom", 60_000, 0), { ...point("tom", 67_020, -1), segment_id: "tom-3" }, { ...point("tom", 67_020, -1), segment_id: "tom-4" }], new Map());
    expect(tom.data.map((d) => [d.ms, d.segmentId, d.dip])).toEqual([
      [60_000, "tom-60000", false],
      [67_020, "tom-4", true],
    ]);
  });

  it("skips participants without points", () => {
    expect(sentimentSeries([], names)).toEqual([]);
  });
});

describe("chart point → player time", () => {
  it("a clicked dip seeks to the start of the utterance that moved the sentiment", () => {
    const [guest] = sentimentSeries([point("guest_a", 12_000, 0), point("guest_a", 41_234, -1)], new Map([["guest_a", "Sarah"]]));
    const dip = guest.data.find((d) => d.dip);
    expect(dip?.segmentId).toBe("guest_a-41234");
    expect(seekTarget(dip!)).toBe(41_234);
    expect(seekTarget({ ms: -3 })).toBe(0);
  });

  it("isDip compares with the previous score or neutral", () => {
    expect(isDip(-0.6, undefined)).toBe(true);
    expect(isDip(0, undefined)).toBe(false);
    expect(isDip(0, 1)).toBe(true);
    expect(isDip(1, 0)).toBe(false);
    expect(isDip(-1, -1)).toBe(false);
  });
});
