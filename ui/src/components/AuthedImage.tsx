import { useEffect, useState, type ImgHTMLAttributes } from "react";
import { fetchBlob } from "../api/download";

/** An API image (battle card images are not public) as a `data:` URL. Throws `ApiError`. */
export async function fetchImageDataUrl(url: string): Promise<string> {
  const blob = await fetchBlob(url);
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/**
 * An API image fetched with the bearer token from the session's backend (in the desktop app
 * that is not the page's origin); nothing while it loads or when it cannot.
 */
export function AuthedImage({ src, version, ...rest }: ImgHTMLAttributes<HTMLImageElement> & { src: string; version?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let revoked = false;
    let objectUrl: string | null = null;
    fetchBlob(src)
      .then((blob) => {
        if (revoked) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch(() => setUrl(null));
    return () => {
      revoked = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [src, version]);
  return url ? <img src={url} {...rest} /> : null;
}
