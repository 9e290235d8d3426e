import { useEffect, useRef } from "react";
import { useParams, useSearchParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { HudPanel } from "../hud/HudPanel";
import { useHudStream } from "../hud/useHudStream";
import { desktop } from "./ipc";
import { PriorityComposer } from "../hud/PriorityComposer";
import type { CssRect } from "./bindings/CssRect";
import { usePresenter } from "./usePresenter";

/**
 * The HUD window's content: the web UI's HUD panel filling a transparent, always-on-top native
 * window, fed by the meeting's HUD WebSocket (URL with a fresh access token from the app), with
 * the meeting's playbook checklist; in shadow mode (managers) read-only, with a composer for
 * priority messages to the seller.
 * Dragging the panel's handle drags the native window (the page reports the handle's region to
 * the app, which on Linux starts the drag from GDK's press event); collapsing the panel shrinks
 * it.
 * "Present now" asks the backend to present the card (the room may run in the browser, out of the
 * app's reach): the server sends it to the guests in the call (`http/presentations.rs`).
 */
export default function HudWindow() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  const shadow = params.get("mode") === "shadow";
  const { hud, connected } = useHudStream(id, id !== "", (afterSeq) => desktop.hudSocketUrl(id, afterSeq));
  const root = useRef<HTMLDivElement>(null);
  const playbook = useQuery({ queryKey: ["desktop", "playbook", id], queryFn: () => desktop.meetingPlaybook(id), enabled: id !== "" });

  useEffect(() => {
    const el = root.current;
    if (!el) return;
    // Where the app does not start the drag natively (see below), the page starts it.
    // `mousedown`, not `pointerdown`: the window manager takes the pointer for the move, so the
    // page never sees that button's release, and WebKit then fires no `pointerdown` for the
    // next press (the button still counts as down) — a second drag would not start.
    // The app's own command starts it, so the app remembers only the user's drags.
    const onMouseDown = (e: MouseEvent) => {
      const target = e.target as Element;
      if (e.button === 0 && target.closest('[data-testid="hud-handle"]') && !target.closest("button")) {
        void desktop.hudStartDrag();
      }
    };
    el.addEventListener("mousedown", onMouseDown);
    // The app learns where the handle is (less its buttons): on Linux it starts the drag from
    // the native press itself, and this page never sees those presses. Sent when the handle or
    // the window changes size (the buttons sit at the handle's ends), not on every HUD update.
    let reported = "";
    const reportRegion = () => {
      const handle = el.querySelector('[data-testid="hud-handle"]');
      if (!handle) return;
      const rect = (e: Element): CssRect => {
        const r = e.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      const region = { handle: rect(handle), holes: [...handle.querySelectorAll("button")].map(rect) };
      const json = JSON.stringify(region);
      if (json === reported) return;
      reported = json;
      // Marked once the app has it: a press before that is the page's (tests wait for it).
      void desktop.hudSetDragRegion(region).then(() => el.setAttribute("data-drag-region", "reported"));
    };
    const resized = new ResizeObserver(reportRegion);
    resized.observe(el);
    const handle = el.querySelector('[data-testid="hud-handle"]');
    if (handle) resized.observe(handle);
    // The panel's collapse button carries aria-expanded: follow it with the window's size.
    const observer = new MutationObserver(() => {
      reportRegion();
      const toggle = el.querySelector('[data-testid="hud-handle"] button[aria-expanded]');
      if (toggle) void desktop.hudSetExpanded(toggle.getAttribute("aria-expanded") === "true");
    });
    observer.observe(el, { subtree: true, attributes: true, attributeFilter: ["aria-expanded"] });
    return () => {
      el.removeEventListener("mousedown", onMouseDown);
      resized.disconnect();
      observer.disconnect();
    };
  }, []);

  const nameOf = (identity: string) => hud.transcript.findLast((l) => l.speaker === identity)?.name ?? identity;
  const presenter = usePresenter(id);
  return (
    <div ref={root} data-testid="desktop-hud" data-meeting-id={id} data-mode={shadow ? "shadow" : "host"}>
      <HudPanel
        hud={hud}
        connected={connected}
        playbook={playbook.data}
        readOnly={shadow}
        presentingId={presenter.presenting}
        onPresent={shadow ? undefined : presenter.present}
        onStopPresenting={presenter.stop}
        nameOf={nameOf}
        movable
        footer={
          shadow ? (
            <PriorityComposer deliver={(text) => desktop.sendPriorityMessage(id, text)} />
          ) : presenter.error ? (
            <p role="alert" className="px-3 py-2 text-xs text-rose-300" data-testid="present-error">
              {presenter.error}
            </p>
          ) : undefined
        }
      />
    </div>
  );
}
