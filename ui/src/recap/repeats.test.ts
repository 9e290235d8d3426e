import { describe, expect, it } from "vitest";
import { collapseRepeats } from "./repeats";

const line = (speaker: string, text: string) => ({ speaker, text });

describe("collapseRepeats", () => {
  it("merges one speaker's consecutive repeats whatever their case and punctuation", () => {
    const groups = collapseRepeats([line("guest", "What does it cost?"), ...Array.from({ length: 7 }, () => line("host", "Sounds good.")), line("host", "sounds good"), line("guest", "Fine.")]);
    expect(groups.map((g) => [g.line.text, g.first, g.last, g.count])).toEqual([
      ["What does it cost?", 0, 0, 1],
      ["Sounds good.", 1, 8, 8],
      ["Fine.", 9, 9, 1],
    ]);
  });

  it("keeps repeats of different speakers, repeats with a line between, and empty lines apart", () => {
    const groups = collapseRepeats([line("a", "Yes."), line("b", "Yes."), line("a", "Yes."), line("x", "Ok"), line("a", "Yes."), line("a", "…"), line("a", "…")]);
    expect(groups.map((g) => g.count)).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it("treats accents as letters: Italian words that differ only by an accent stay apart", () => {
    expect(collapseRepeats([line("a", "Perché?"), line("a", "perché")]).map((g) => g.count)).toEqual([2]);
    expect(collapseRepeats([line("a", "è"), line("a", "e")]).map((g) => g.count)).toEqual([1, 1]);
  });
});
