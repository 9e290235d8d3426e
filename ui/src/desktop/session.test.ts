// The desktop app's API session: the backend origin and access tokens come from the app's
// commands (Tauri's IPC mocked at its boundary with @tauri-apps/api/mocks), the requests go to a
// real HTTP server on loopback standing in for that backend.
import { Blob as NodeBlob } from "node:buffer";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, ApiError, currentUser, installApiSession, webSession } from "../api/client";
import { saveBlob } from "../api/download";
import { installDesktopSession, setDesktopUser } from "./session";

let server: Server;
let origin = "";
const seen: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    const ok = req.headers.authorization === "Bearer renewed";
    res.writeHead(ok ? 200 : 401, { "Content-Type": "application/json" });
    res.end(JSON.stringify(ok ? [{ name: "Discovery Call" }] : { error: { code: "unauthorized", message: "sign in again" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  clearMocks();
  seen.length = 0;
});

afterAll(() => {
  installApiSession(webSession);
  server.close();
});

/** The app's side: `tokens(refresh)` answers `access_token`. */
function app(tokens: (refresh: boolean) => string | { code: string; message: string }) {
  const calls: unknown[] = [];
  mockIPC((cmd, payload) => {
    calls.push([cmd, payload]);
    if (cmd === "backend_origin") return origin;
    if (cmd === "save_export") return "/home/sam/discovery_call.json";
    if (cmd === "access_token") {
      const answer = tokens(Boolean((payload as { refresh: boolean }).refresh));
      if (typeof answer === "string") return answer;
      throw answer;
    }
    throw { code: "invalid", message: `unexpected command ${cmd}` };
  });
  return calls;
}

describe("desktop API session", () => {
  it("calls the app's backend with the app's token, asking for a new one after a 401", async () => {
    const calls = app((refresh) => (refresh ? "renewed" : "expired"));
    await installDesktopSession();
    expect(await api("/api/playbooks")).toEqual([{ name: "Discovery Call" }]);
    expect(seen).toEqual(["Bearer expired", "Bearer renewed"]);
    expect(calls).toEqual([
      ["backend_origin", {}],
      ["access_token", { refresh: false }],
      ["access_token", { refresh: true }],
    ]);
  });

  it("sends no token when nobody is signed in", async () => {
    app(() => ({ code: "not_signed_in", message: "not signed in" }));
    await installDesktopSession();
    await expect(api("/api/playbooks")).rejects.toMatchObject({ status: 401, message: "sign in again" });
    expect(seen).toEqual([undefined]);
  });

  it("reports other failures of the app (the backend unreachable) as they are", async () => {
    app(() => ({ code: "network", message: "cannot reach the server" }));
    await installDesktopSession();
    const error = await api("/api/playbooks").catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "network", message: "cannot reach the server" });
    expect(seen).toEqual([]);
  });

  it("knows the user the main window signed in", async () => {
    app(() => "t");
    await installDesktopSession();
    const user = { id: "u", email: "seller@example.com", display_name: "Sam", role: "seller", org_id: "o" };
    setDesktopUser(user as never);
    expect(currentUser()).toBe(user);
    setDesktopUser(null);
    expect(currentUser()).toBeNull();
  });

  it("saves exports through the app's save dialog (the web view keeps no downloads)", async () => {
    const calls = app(() => "t");
    await installDesktopSession();
    // Node's Blob: jsdom's has no text(); the web view's (and fetch's) has.
    const blob = new NodeBlob(['{"name":"Discovery Call"}'], { type: "application/json" }) as unknown as Blob;
    await saveBlob(blob, "discovery_call.json", "Export JSON");
    expect(calls).toContainEqual(["save_export", { title: "Export JSON", fileName: "discovery_call.json", contents: '{"name":"Discovery Call"}' }]);
  });
});
