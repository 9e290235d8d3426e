import { useEffect, useState, type ImgHTMLAttributes } from "react";
import { accessToken } from "../api/client";

/** Fetches an API image with the bearer token (battle card images are not public). */
export async function fetchImageBlob(url: string): Promise<Blob> {
  const token = await accessToken();
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`image ${res.status}`);
  return res.blob();
}

export async function fetchImageDataUrl(url: string): Promise<string> {
  const blob = await fetchImageBlob(url);
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

export function AuthedImage({ src, version, ...rest }: ImgHTMLAttributes<HTMLImageElement> & { src: string; version?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let revoked = false;
    let objectUrl: string | null = null;
    fetchImageBlob(src)
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
