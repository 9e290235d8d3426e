import { desktop } from "./ipc";

/** Where the call's room opened. */
export type JoinOutcome = "app" | "browser";

/**
 * Whether this web view can run the call (WebRTC). Checked at run time, not by OS name:
 * WebView2 (Windows) and WKWebView (macOS) have `RTCPeerConnection`, Debian's WebKitGTK not.
 */
export function hasWebRtc(scope: { RTCPeerConnection?: unknown } = globalThis as { RTCPeerConnection?: unknown }): boolean {
  return typeof scope.RTCPeerConnection === "function";
}

/**
 * Joins a meeting from the app: the HUD window opens (its own event stream, so it works
 * wherever the call runs), and the room opens in an app window when the web view has WebRTC,
 * else in the system browser — both signed in by a one-time handoff token.
 */
export async function joinMeeting(meetingId: string, shadow: boolean): Promise<JoinOutcome> {
  await desktop.openHud(meetingId, shadow);
  const inApp = hasWebRtc();
  await desktop.openRoom(meetingId, shadow, inApp);
  return inApp ? "app" : "browser";
}
