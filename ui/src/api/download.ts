import { authedFetch, ensureOk } from "./client";

/**
 * Fetches an API resource that is not JSON (replay audio, exports) with the bearer token, from
 * the session's backend. Media elements and links cannot send an `Authorization` header, so the
 * UI fetches the bytes and hands them over as an object URL. Throws [`ApiError`] on non-2xx.
 */
export async function fetchBlob(path: string): Promise<Blob> {
  return (await ensureOk(await authedFetch(path))).blob();
}

/**
 * Saves a file the user asked for: `blob` under the suggested `filename`; `title` names the
 * action (the desktop app's save dialog shows it). Resolves once saved, or when the user
 * cancelled.
 */
export type Saver = (blob: Blob, filename: string, title: string) => Promise<void>;

/** The browser's way: a download (`<a download>`). */
const download: Saver = async (blob, filename) => {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
};

let saver: Saver = download;

/**
 * Replaces the browser download: the desktop app's web view keeps no downloads (WebKitGTK
 * silently writes them into the process's working directory), so the app asks where to save.
 */
export function installSaver(next: Saver) {
  saver = next;
}

/** Saves `blob` as `filename` (see [`Saver`]). */
export function saveBlob(blob: Blob, filename: string, title: string): Promise<void> {
  return saver(blob, filename, title);
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
