// The API client against a real HTTP server on loopback, through an installed session whose
// backend is not the page's origin (the desktop app's case).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, ApiError, apiUrl, installApiSession, webSession, wsUrl } from "./client";
import { fetchBlob } from "./download";

let server: Server;
let origin = "";
const seen: { url: string; auth: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", auth: req.headers.authorization });
    if (req.headers.authorization !== "Bearer fresh") {
      res.writeHead(401, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { code: "unauthorized", message: "token expired" } }));
    } else if (req.url === "/api/audio") {
      res.writeHead(200, { "Content-Type": "audio/webm" });
      res.end(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]));
    } else {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ path: req.url }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  installApiSession(webSession);
  server.close();
});

/** A session handing out `stale` first and `fresh` after a refresh (or nothing: `ends`). */
function session(ends = false) {
  const refreshed: (string | null)[] = [];
  installApiSession({
    origin,
    accessToken: async () => "stale",
    refresh: async (stale) => {
      refreshed.push(stale);
      return ends ? null : "fresh";
    },
    user: () => null,
  });
  return refreshed;
}

describe("API client with an installed session", () => {
  it("calls the session's backend, refreshing the token once after a 401", async () => {
    seen.length = 0;
    const refreshed = session();
    expect(await api<{ path: string }>("/api/playbooks")).toEqual({ path: "/api/playbooks" });
    expect(seen).toEqual([
      { url: "/api/playbooks", auth: "Bearer stale" },
      { url: "/api/playbooks", auth: "Bearer fresh" },
    ]);
    expect(refreshed).toEqual(["stale"]);
  });

  it("fetches media bytes from that backend", async () => {
    session();
    const blob = await fetchBlob("/api/audio");
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
  });

  it("reports the backend's error when the login is over", async () => {
    session(true);
    const error = await api("/api/playbooks").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, message: "token expired" });
  });

  it("builds URLs on that backend; absolute URLs stay as they are", () => {
    session();
    expect(apiUrl("/api/meetings/1/recording")).toBe(`${origin}/api/meetings/1/recording`);
    expect(apiUrl("blob:tauri://localhost/1")).toBe("blob:tauri://localhost/1");
    expect(wsUrl("/api/meetings/1/hud")).toBe(`${origin.replace("http:", "ws:")}/api/meetings/1/hud`);
  });
});
