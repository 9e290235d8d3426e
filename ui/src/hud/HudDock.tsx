import { useRef, useState, type CSSProperties, type KeyboardEvent, type PointerEvent } from "react";
import { useI18n } from "../i18n";
import { local } from "../lib/storage";
import { CheckIcon, ChevronIcon } from "../components/icons";
import { HudPanel, StatusLight, type HudPanelProps } from "./HudPanel";
import { hudStatus } from "./state";

const DOCK_KEY = "closer.hud.dock";

/**
 * Widths of the docked HUD, px. 300 keeps a battle card's title and "Present now" on one line;
 * the default 360 leaves a 1280 px screen's grid about 880 px for the call; the dock never takes
 * more than half the window, so the customer's tile keeps at least the other half.
 */
export const DOCK_WIDTH = { min: 300, initial: 360, max: 560 } as const;
/** One arrow-key press on the resize handle, px. */
const STEP = 24;

/** The dock's remembered layout: its width in px and whether it is folded to a rail. */
export type DockLayout = { width: number; collapsed: boolean };

/** A width the dock may take in a window `viewport` px wide: within DOCK_WIDTH and ≤ half the window. */
export function clampDockWidth(width: number, viewport: number): number {
  const max = Math.max(DOCK_WIDTH.min, Math.min(DOCK_WIDTH.max, Math.floor(viewport / 2)));
  return Math.round(Math.min(max, Math.max(DOCK_WIDTH.min, Number.isFinite(width) ? width : DOCK_WIDTH.initial)));
}

function savedLayout(): DockLayout {
  const saved = local.get<Partial<DockLayout>>(DOCK_KEY);
  return {
    width: clampDockWidth(saved?.width ?? DOCK_WIDTH.initial, window.innerWidth),
    collapsed: saved?.collapsed === true,
  };
}

/**
 * The seller's (or shadow manager's) HUD in the web room, docked beside the call rather than
 * over it, so it never covers a face, a shared screen or a presented card: the room's grid
 * shrinks to the space left. On wide screens it is a column on the right that the seller
 * resizes (drag its left edge, or arrow keys on it) and folds to a rail; on phones (< 768 px)
 * it sits under the call, 45 % of the height, folding to its header. Width and fold are
 * remembered in localStorage.
 */
export function HudDock(props: HudPanelProps) {
  const { t } = useI18n();
  const [layout, setLayout] = useState(savedLayout);
  const drag = useRef<{ x: number; width: number } | null>(null);

  const update = (next: DockLayout) => {
    setLayout(next);
    local.set(DOCK_KEY, next);
  };
  const resizeTo = (width: number) => update({ ...layout, width: clampDockWidth(width, window.innerWidth) });

  if (layout.collapsed) {
    const status = hudStatus(props.connected, props.hud.lagMs, props.hud.copilotAbsentMs);
    const ticked = Object.keys(props.hud.ticks).length;
    return (
      <div className="flex shrink-0 pb-2 pr-3 max-md:px-3" data-testid="hud-dock" data-collapsed="true">
        <div className="flex items-center gap-2 rounded-2xl border border-white/10 bg-slate-900/75 p-2 text-xs text-white/70 max-md:w-full md:flex-col">
          <button
            type="button"
            onClick={() => update({ ...layout, collapsed: false })}
            className="rounded p-1 text-white/70 hover:bg-white/10 hover:text-white"
            aria-label={t("hud.expand")}
            aria-expanded={false}
            data-testid="hud-expand"
          >
            <ChevronIcon width={16} height={16} className="md:rotate-90" />
          </button>
          <StatusLight status={status} connected={props.connected} compact />
          <span className="flex items-center gap-0.5" title={t("hud.checklist")}>
            <CheckIcon width={12} height={12} className="text-emerald-300" aria-hidden />
            <span data-testid="hud-rail-ticks">{ticked}</span>
          </span>
          {props.hud.cards.length > 0 && (
            <span className="rounded-full bg-indigo-600 px-1.5 font-semibold text-white" title={t("hud.battleCards")} data-testid="hud-rail-cards">
              {props.hud.cards.length}
            </span>
          )}
        </div>
      </div>
    );
  }

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, width: layout.width };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    // The handle is the dock's left edge: moving it left widens the dock.
    if (drag.current) setLayout({ ...layout, width: clampDockWidth(drag.current.width + drag.current.x - e.clientX, window.innerWidth) });
  };
  const onPointerUp = () => {
    if (!drag.current) return;
    drag.current = null;
    local.set(DOCK_KEY, layout);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "ArrowLeft") resizeTo(layout.width + STEP);
    else if (e.key === "ArrowRight") resizeTo(layout.width - STEP);
    else if (e.key === "Home") resizeTo(DOCK_WIDTH.min);
    else if (e.key === "End") resizeTo(DOCK_WIDTH.max);
    else return;
    e.preventDefault();
  };

  return (
    <div
      className="flex shrink-0 pb-2 pr-3 max-md:h-[45vh] max-md:w-full max-md:px-3 md:w-(--hud-width)"
      style={{ "--hud-width": `${layout.width}px` } as CSSProperties}
      data-testid="hud-dock"
      data-collapsed="false"
      data-width={layout.width}
    >
      <div
        role="separator"
        aria-orientation="vertical"
        aria-label={t("hud.resize")}
        aria-valuemin={DOCK_WIDTH.min}
        aria-valuemax={clampDockWidth(DOCK_WIDTH.max, window.innerWidth)}
        aria-valuenow={layout.width}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={onKeyDown}
        className="group flex w-3 shrink-0 cursor-col-resize touch-none items-center justify-center max-md:hidden"
        data-testid="hud-resize"
      >
        <span className="h-10 w-1 rounded-full bg-white/15 group-hover:bg-white/40 group-focus-visible:bg-indigo-400" />
      </div>
      <div className="min-h-0 min-w-0 flex-1">
        <HudPanel {...props} onCollapse={() => update({ ...layout, collapsed: true })} />
      </div>
    </div>
  );
}
