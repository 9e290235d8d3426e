import { describe, expect, it } from "vitest";
import { analyticsQuery, defaultFilter, funnelWidths, validRange } from "./range";

describe("analytics filters", () => {
  it("defaults to the last 30 days including today", () => {
    expect(defaultFilter(new Date(2026, 2, 5))).toEqual({ from: "2026-02-04", to: "2026-03-05" });
  });

  it("builds the query string without empty filters", () => {
    expect(analyticsQuery({ from: "2026-01-01", to: "2026-01-31" })).toBe("?from=2026-01-01&to=2026-01-31");
    expect(analyticsQuery({ from: "2026-01-01", to: "2026-01-31", seller: "s1", playbook: "" })).toBe("?from=2026-01-01&to=2026-01-31&seller=s1");
    expect(analyticsQuery({ from: "2026-01-01", to: "2026-01-31", playbook: "p&1" })).toBe("?from=2026-01-01&to=2026-01-31&playbook=p%261");
  });

  it("accepts one-day ranges and refuses reversed or partial ones", () => {
    expect(validRange({ from: "2026-01-01", to: "2026-01-01" })).toBe(true);
    expect(validRange({ from: "2026-01-02", to: "2026-01-01" })).toBe(false);
    expect(validRange({ from: "", to: "2026-01-01" })).toBe(false);
  });

  it("sizes the funnel against the first step", () => {
    expect(funnelWidths([8, 4, 3])).toEqual([100, 50, 37.5]);
    expect(funnelWidths([0, 0, 0])).toEqual([0, 0, 0]);
    expect(funnelWidths([])).toEqual([]);
  });
});
