import { useEffect, useReducer, useRef, useState } from "react";
import { accessToken, wsUrl } from "../api/client";
import { emptyHud, reduceHud, reduceNotice, type Envelope, type HudState, type Notice } from "./state";

type Action = { type: "event"; envelope: Envelope; receivedAt: number } | { type: "notice"; notice: Notice } | { type: "reset" };

function reducer(state: HudState, action: Action): HudState {
  if (action.type === "reset") return emptyHud;
  if (action.type === "notice") return reduceNotice(state, action.notice);
  return reduceHud(state, action.envelope, action.receivedAt);
}

/** The socket URL for a (re)connection, resuming after `afterSeq` when given. */
export type HudSocketUrl = (afterSeq: number | null) => Promise<string>;

/** The web UI's socket URL: this origin, the session's access token. */
const sameOriginSocket = (meetingId: string): HudSocketUrl => async (afterSeq) => {
  const token = await accessToken().catch(() => null);
  const params = new URLSearchParams({ access_token: token ?? "" });
  if (afterSeq !== null) params.set("after_seq", String(afterSeq));
  return wsUrl(`/api/meetings/${meetingId}/hud?${params}`);
};

/**
 * The meeting's HUD events over `GET /api/meetings/{id}/hud` (host or manager token), resuming
 * after the last `seq` seen when the socket reconnects. `socketUrl` builds each connection's
 * URL (default: this origin with the web session's token; the desktop app passes its own).
 */
export function useHudStream(meetingId: string, enabled: boolean, socketUrl?: HudSocketUrl): { hud: HudState; connected: boolean } {
  const [hud, dispatch] = useReducer(reducer, emptyHud);
  const [connected, setConnected] = useState(false);
  const lastSeq = useRef(-1);
  lastSeq.current = hud.lastSeq;
  const urlFor = useRef(socketUrl ?? sameOriginSocket(meetingId));
  urlFor.current = socketUrl ?? sameOriginSocket(meetingId);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let socket: WebSocket | null = null;
    let attempts = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const open = async () => {
      if (stopped) return;
      let url: string;
      try {
        url = await urlFor.current(lastSeq.current >= 0 ? lastSeq.current : null);
      } catch {
        // Signed out or offline: retry like a dropped socket.
        if (!stopped) timer = setTimeout(open, Math.min(5000, 300 * 2 ** attempts++));
        return;
      }
      if (stopped) return;
      const ws = new WebSocket(url);
      socket = ws;
      ws.onopen = () => {
        attempts = 0;
        setConnected(true);
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data !== "string") return;
        try {
          const message = JSON.parse(ev.data) as Envelope | Notice;
          if ("notice" in message && typeof message.notice === "string") {
            dispatch({ type: "notice", notice: message });
          } else if ("seq" in message && typeof message.seq === "number" && typeof message.kind === "string") {
            dispatch({ type: "event", envelope: message, receivedAt: Date.now() });
          }
        } catch {
          /* not an event */
        }
      };
      ws.onclose = () => {
        if (socket !== ws) return;
        socket = null;
        setConnected(false);
        if (stopped) return;
        const delay = Math.min(5000, 300 * 2 ** attempts++);
        timer = setTimeout(open, delay);
      };
    };
    void open();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const ws = socket;
      socket = null;
      ws?.close(1000, "leaving");
    };
  }, [meetingId, enabled]);

  return { hud, connected };
}
