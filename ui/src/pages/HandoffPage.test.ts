import { describe, expect, it } from "vitest";
import { safeNext } from "./HandoffPage";

describe("handoff redirect target", () => {
  it("keeps paths of this app", () => {
    expect(safeNext("/host/0b5c2d8e-7d1f-4f43-9a4e-3a4a1c9b2f10")).toBe("/host/0b5c2d8e-7d1f-4f43-9a4e-3a4a1c9b2f10");
    expect(safeNext("/shadow/x?y=1")).toBe("/shadow/x?y=1");
  });

  it("never sends the browser to another origin", () => {
    for (const bad of ["//evil.example.com/x", "/\\evil.example.com", "https://evil.example.com", "javascript:alert(1)", "", null]) {
      expect(safeNext(bad)).toBe("/console");
    }
  });
});
