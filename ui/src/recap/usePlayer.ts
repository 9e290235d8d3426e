import { useCallback, useEffect, useRef, useState } from "react";
import { fetchBlob } from "../api/download";
import { msOf, secondsOf } from "./sync";

/**
 * The replay audio as an object URL: fetched once with the bearer token (an `<audio>` element
 * cannot send one), revoked on unmount. `error` when the fetch failed; both null while loading.
 */
export function useAuthedMedia(path: string | undefined) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!path) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    setUrl(null);
    setError(null);
    fetchBlob(path)
      .then((blob) => {
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [path]);
  return { url, error };
}

/**
 * Playback state of the recap's `<audio>` element: attach `ref` to it, read `currentMs` (the
 * position on the meeting's audio axis, ms) and call `seek(ms)` from anything clickable. A seek
 * requested before the metadata loaded is applied once it has.
 */
export function usePlayer() {
  const ref = useRef<HTMLAudioElement | null>(null);
  const pending = useRef<number | null>(null);
  const [currentMs, setCurrentMs] = useState(0);
  const [element, setElement] = useState<HTMLAudioElement | null>(null);

  const attach = useCallback((el: HTMLAudioElement | null) => {
    ref.current = el;
    setElement(el);
  }, []);

  useEffect(() => {
    if (!element) return;
    const update = () => setCurrentMs(msOf(element.currentTime));
    const ready = () => {
      if (pending.current !== null) {
        element.currentTime = secondsOf(pending.current);
        pending.current = null;
      }
      update();
    };
    element.addEventListener("timeupdate", update);
    element.addEventListener("seeked", update);
    element.addEventListener("loadedmetadata", ready);
    return () => {
      element.removeEventListener("timeupdate", update);
      element.removeEventListener("seeked", update);
      element.removeEventListener("loadedmetadata", ready);
    };
  }, [element]);

  const seek = useCallback((ms: number) => {
    setCurrentMs(Math.max(0, ms));
    const el = ref.current;
    if (!el || el.readyState < HTMLMediaElement.HAVE_METADATA) {
      pending.current = ms;
      return;
    }
    el.currentTime = secondsOf(ms);
    void el.play().catch(() => undefined);
  }, []);

  return { attach, currentMs, seek };
}
