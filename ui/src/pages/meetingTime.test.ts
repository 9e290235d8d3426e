import { describe, expect, it } from "vitest";
import { minutesUntil, spell } from "./meetingTime";

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
});
