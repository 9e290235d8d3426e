import { detectLanguage, format, translate } from "./index";
import { en, it as italian } from "./messages";

describe("i18n", () => {
  it("picks Italian for Italian browsers and English otherwise", () => {
    expect(detectLanguage(["it-IT", "en-US"])).toBe("it");
    expect(detectLanguage(["it"])).toBe("it");
    expect(detectLanguage(["fr-FR", "en-GB", "it"])).toBe("en");
    expect(detectLanguage(["de-DE"])).toBe("en");
    expect(detectLanguage([])).toBe("en");
  });

  it("has the consent banner text in both languages, verbatim", () => {
    expect(translate("en", "green.consent.text")).toBe("This call is assisted by AI for quality purposes");
    expect(translate("it", "green.consent.text")).toBe("Questa chiamata è assistita da AI per scopi di qualità");
  });

  it("translates every key with the same placeholders", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(italian[key], key).toBeTruthy();
      expect(placeholders(italian[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("fills placeholders and leaves unknown ones", () => {
    expect(format("{name} joined", { name: "Tom" })).toBe("Tom joined");
    expect(format("{a} {b}", { a: 1 })).toBe("1 {b}");
  });
});
