import { describe, expect, it } from "vitest";
import { callMinutes, minutesUntil, spell } from "./time";

describe("meeting time", () => {
  const start = "2026-12-08T14:00:00Z";
  const at = (iso: string) => new Date(iso).getTime();
  it("counts whole minutes up to the start and nothing after it", () => {
    expect(minutesUntil(start, at("2026-12-08T13:15:00Z"))).toBe(45);
    expect(minutesUntil(start, at("2026-12-08T13:59:30Z"))).toBe(1);
    expect(minutesUntil(start, at("2026-12-08T14:00:00Z"))).toBeNull();
    expect(minutesUntil(start, at("2026-12-08T14:20:00Z"))).toBeNull();
  });
  it("spells durations in hours and minutes", () => {
    expect(spell(45)).toBe("45 min");
    expect(spell(125)).toBe("2 h 5 min");
    expect(spell(180)).toBe("3 h");
  });
  it("measures a call from its real start to its end, once both are known", () => {
    expect(callMinutes("2026-12-08T14:02:10Z", "2026-12-08T14:33:40Z")).toBe(32);
    expect(callMinutes("2026-12-08T14:02:10Z", "2026-12-08T14:02:20Z")).toBe(1);
    expect(callMinutes("2026-12-08T14:02:10Z", undefined)).toBeNull();
    expect(callMinutes(undefined, "2026-12-08T14:33:40Z")).toBeNull();
  });
});
