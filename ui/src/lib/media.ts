import { useSyncExternalStore } from "react";

/**
 * Whether the CSS media `query` matches, re-rendering when that changes (a window resized or a
 * phone turned). `true` where `matchMedia` does not exist (jsdom in unit tests).
 */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (notify) => {
      if (!window.matchMedia) return () => undefined;
      const list = window.matchMedia(query);
      list.addEventListener("change", notify);
      return () => list.removeEventListener("change", notify);
    },
    () => window.matchMedia?.(query).matches ?? true,
  );
}
