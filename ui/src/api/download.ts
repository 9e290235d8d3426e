import { authedFetch, ensureOk } from "./client";

/**
 * Fetches an API resource that is not JSON (replay audio, exports) with the bearer token, from
 * the session's backend. Media elements and links cannot send an `Authorization` header, so the
 * UI fetches the bytes and hands them over as an object URL. Throws [`ApiError`] on non-2xx.
 */
export async function fetchBlob(path: string): Promise<Blob> {
  return (await ensureOk(await authedFetch(path))).blob();
}

/** Saves `blob` as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Opens an API resource in a new tab: the tab opens at once (inside the click, so popup
 * blockers allow it) and shows the bytes when they arrive.
 */
export async function openInNewTab(path: string) {
  const tab = window.open("", "_blank");
  try {
    const blob = await fetchBlob(path);
    const url = URL.createObjectURL(blob);
    if (tab) tab.location.href = url;
    else window.location.href = url;
  } catch (e) {
    tab?.close();
    throw e;
  }
}
