import { beforeEach, describe, expect, it, vi } from "vitest";

const calls: string[] = [];
vi.mock("./commands", () => ({
  openHud: vi.fn(async (id: string, shadow: boolean) => void calls.push(`hud ${id} ${shadow}`)),
  openRoom: vi.fn(async (id: string, shadow: boolean, inApp: boolean) => void calls.push(`room ${id} ${shadow} ${inApp}`)),
}));

import { hasWebRtc, joinMeeting } from "./join";

describe("joining from the desktop app", () => {
  beforeEach(() => {
    calls.length = 0;
    vi.unstubAllGlobals();
  });

  it("detects WebRTC by the presence of RTCPeerConnection, not by OS", () => {
    expect(hasWebRtc({ RTCPeerConnection: class {} })).toBe(true);
    expect(hasWebRtc({})).toBe(false);
    expect(hasWebRtc({ RTCPeerConnection: "shimmed" })).toBe(false);
  });

  it("opens the HUD first, then the room in the browser when the web view lacks WebRTC", async () => {
    vi.stubGlobal("RTCPeerConnection", undefined);
    await expect(joinMeeting("m1", false)).resolves.toBe("browser");
    expect(calls).toEqual(["hud m1 false", "room m1 false false"]);
  });

  it("keeps the room in the app when the web view has WebRTC (WebView2, WKWebView)", async () => {
    vi.stubGlobal("RTCPeerConnection", class {});
    await expect(joinMeeting("m2", true)).resolves.toBe("app");
    expect(calls).toEqual(["hud m2 true", "room m2 true true"]);
  });
});
