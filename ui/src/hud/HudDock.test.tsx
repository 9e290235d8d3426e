import { fireEvent, screen } from "@testing-library/react";
import { clampDockWidth, DOCK_WIDTH, HudDock } from "./HudDock";
import { emptyHud, reduceHud, type Envelope } from "./state";
import { renderWithI18n } from "../test-utils";

const evidence = { segment_id: "g-1", speaker: "g", start_ms: 0, text: "we spend about ten thousand", score: 0.7 };
const ticked = reduceHud(emptyHud, { seq: 0, at_ms: 0, kind: "checklist_ticked", item: "budget", title: "Budget", evidence } as unknown as Envelope);

describe("clampDockWidth", () => {
  it("keeps the dock between its bounds and never over half the window", () => {
    expect(clampDockWidth(100, 1440)).toBe(DOCK_WIDTH.min);
    expect(clampDockWidth(2000, 1440)).toBe(DOCK_WIDTH.max);
    expect(clampDockWidth(500, 800)).toBe(400);
    expect(clampDockWidth(Number.NaN, 1440)).toBe(DOCK_WIDTH.initial);
    // A window narrower than twice the minimum still gets a usable panel.
    expect(clampDockWidth(400, 500)).toBe(DOCK_WIDTH.min);
  });
});

describe("HudDock", () => {
  beforeEach(() => window.localStorage.clear());

  it("resizes from its edge with the keyboard and remembers the width", () => {
    const first = renderWithI18n(<HudDock hud={ticked} connected nameOf={(id) => id} />);
    const edge = screen.getByTestId("hud-resize");
    expect(edge.getAttribute("aria-valuenow")).toBe(String(DOCK_WIDTH.initial));
    fireEvent.keyDown(edge, { key: "ArrowLeft" });
    fireEvent.keyDown(edge, { key: "ArrowLeft" });
    expect(screen.getByTestId("hud-dock").dataset.width).toBe(String(DOCK_WIDTH.initial + 48));
    fireEvent.keyDown(edge, { key: "Home" });
    expect(edge.getAttribute("aria-valuenow")).toBe(String(DOCK_WIDTH.min));
    fireEvent.keyDown(edge, { key: "ArrowRight" });
    expect(edge.getAttribute("aria-valuenow")).toBe(String(DOCK_WIDTH.min));
    fireEvent.keyDown(edge, { key: "ArrowLeft" });
    first.unmount();
    renderWithI18n(<HudDock hud={ticked} connected nameOf={(id) => id} />);
    expect(screen.getByTestId("hud-dock").dataset.width).toBe(String(DOCK_WIDTH.min + 24));
  });

  it("folds to a rail that keeps the status and the count of ticks, remembered until unfolded", () => {
    const first = renderWithI18n(<HudDock hud={ticked} connected nameOf={(id) => id} />);
    fireEvent.click(screen.getByTestId("hud-collapse"));
    expect(screen.getByTestId("hud-dock").dataset.collapsed).toBe("true");
    expect(screen.queryByTestId("hud-panel")).toBeNull();
    expect(screen.getByTestId("hud-rail-ticks").textContent).toBe("1");
    expect(screen.getByTestId("hud-status").textContent).toBe("Live");
    first.unmount();
    renderWithI18n(<HudDock hud={ticked} connected={false} nameOf={(id) => id} />);
    expect(screen.getByTestId("hud-dock").dataset.collapsed).toBe("true");
    expect(screen.getByTestId("hud-status").textContent).toBe("Connecting…");
    fireEvent.click(screen.getByTestId("hud-expand"));
    expect(screen.getByTestId("hud-panel")).toBeTruthy();
    expect(screen.getAllByTestId("checklist-item")).toHaveLength(1);
  });
});
