import { describe, expect, it } from "vitest";
import { slugify } from "./slug";

describe("slugify", () => {
  it("folds accents, lower-cases and joins words with single hyphens", () => {
    expect(slugify("Nicolò  Rossi & Figli S.p.A.")).toBe("nicolo-rossi-figli-s-p-a");
    expect(slugify("  --Acme GmbH--  ")).toBe("acme-gmbh");
  });
  it("keeps within the API's 64 characters and never ends with a hyphen", () => {
    const slug = slugify(`${"a".repeat(63)} b`);
    expect(slug.length).toBeLessThanOrEqual(64);
    expect(slug.endsWith("-")).toBe(false);
    expect(slugify("!!!")).toBe("");
  });
});
