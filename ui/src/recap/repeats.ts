/**
 * Runs of the same words said again and again by one speaker, as one transcript line: speech
 * recognisers loop on silence or noise and repeat their last phrase ("Sounds good." seven times
 * in a row), which would otherwise fill the transcript.
 */

/** What grouping needs of a transcript line. */
export type RepeatInput = { speaker: string; text: string };

/** Consecutive lines `first..=last` (indices into the input) that say the same thing. */
export type LineGroup<T> = { line: T; first: number; last: number; count: number };

/** Lower case, letters and digits only: "Sounds good." and "sounds good" are the same words. */
function words(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * Groups consecutive lines of the same speaker with the same words (see [`words`]); every
 * other line is a group of one. Groups keep the first line of their run (its time is where
 * the run starts) and the input's order; lines without words are never merged.
 */
export function collapseRepeats<T extends RepeatInput>(lines: readonly T[]): LineGroup<T>[] {
  const groups: LineGroup<T>[] = [];
  lines.forEach((line, i) => {
    const previous = groups[groups.length - 1];
    const said = words(line.text);
    if (previous && said && previous.line.speaker === line.speaker && words(previous.line.text) === said) {
      previous.last = i;
      previous.count += 1;
    } else {
      groups.push({ line, first: i, last: i, count: 1 });
    }
  });
  return groups;
}
