/**
 * Transcript ↔ player synchronisation: which line is playing at a playback position, and where
 * the player goes when a line (or any other piece of evidence) is clicked. Positions are ms on
 * the meeting's audio axis, which is also the replay file's time axis (the mix starts at 0 ms).
 */

/** What the sync needs of a transcript line (`TranscriptLine` over the wire). */
export type Timed = { start_ms: number; end_ms: number };

/**
 * A seek lands on the codec's frame grid and `currentTime` is a float in seconds, so the
 * position read back after seeking to a line's start can be a few ms before it. Lines starting
 * up to this many ms after the position count as started (Opus frames are 20 ms; 60 ms leaves
 * room for the container's rounding too).
 */
export const SEEK_TOLERANCE_MS = 60;

/**
 * Index of the line playing at `ms` in `lines` (sorted by `start_ms`): the last line that has
 * started by then (within [`SEEK_TOLERANCE_MS`]), so a pause between turns keeps the previous
 * line highlighted. −1 before the first line or when there are none. O(log n).
 */
export function activeLineIndex(lines: readonly Timed[], ms: number): number {
  const at = ms + SEEK_TOLERANCE_MS;
  let lo = 0;
  let hi = lines.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid].start_ms <= at) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Player position, seconds, for a point on the audio axis in ms (never negative). */
export function secondsOf(ms: number): number {
  return Math.max(0, ms) / 1000;
}

/** Player position in ms for `currentTime` in seconds (rounded to whole ms). */
export function msOf(seconds: number): number {
  return Number.isFinite(seconds) ? Math.max(0, Math.round(seconds * 1000)) : 0;
}

/** `m:ss` (or `h:mm:ss` from one hour) of a duration in ms. */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
