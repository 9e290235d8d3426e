import { fireEvent, screen } from "@testing-library/react";
import { vi } from "vitest";
import { HudPanel } from "./HudPanel";
import { emptyHud, reduceHud, type Envelope } from "./state";
import { renderWithI18n } from "../test-utils";

const ev = (seq: number, body: Record<string, unknown>) => ({ seq, at_ms: seq, ...body }) as unknown as Envelope;
const evidence = { segment_id: "guest-a-1", speaker: "guest-a", start_ms: 0, text: "about twenty hours a week", score: 0.7 };
const playbook = {
  id: "p",
  updated_at: "",
  name: "Discovery Call",
  language: "en",
  checklist: [
    { key: "agenda", title: "Set the agenda", credit: "host" as const, examples: [] },
    { key: "pain", title: "Uncover the main pain point", credit: "any" as const, examples: [] },
  ],
  objections: [],
};

function hud() {
  let s = reduceHud(emptyHud, ev(0, { kind: "checklist_ticked", item: "pain", title: "Uncover the main pain point", evidence }));
  s = reduceHud(s, ev(1, { kind: "objection_detected", objection: "price_competitor", title: "Cheaper competitor", battle_card: { title: "Compare total cost", points: ["Setup included"] }, evidence }));
  s = reduceHud(s, ev(2, { kind: "transcript_final", segment_id: "guest-a-1", speaker: "guest-a", speaker_name: "Sarah", text: "It takes twenty hours a week.", start_ms: 0, end_ms: 1, words: [] }));
  s = reduceHud(s, ev(3, { kind: "priority_message", from: "Marta Manager", text: "Ask about budget" }));
  s = reduceHud(s, ev(4, { kind: "sentiment_updated", speaker: "guest-a", speaker_name: "Sarah", label: "negative", confidence: 0.8, segment_id: "x", start_ms: 0, end_ms: 1 }));
  return s;
}

describe("HudPanel", () => {
  it("shows the copilot delayed, in words, while its last final came late, and live again after", () => {
    const late = reduceHud(emptyHud, { seq: 0, at_ms: 9_000, kind: "transcript_final", segment_id: "s", speaker: "g", speaker_name: "Sarah", text: "Hi.", start_ms: 3_000, end_ms: 4_000, words: [] } as unknown as Envelope);
    const first = renderWithI18n(<HudPanel hud={late} connected playbook={playbook} nameOf={(id) => id} />);
    expect(screen.getByTestId("hud-status").textContent).toBe("Delayed 5 s");
    expect(screen.getByTestId("hud-connection").dataset.status).toBe("delayed");
    const caughtUp = reduceHud(late, { seq: 1, at_ms: 12_000, kind: "transcript_final", segment_id: "t", speaker: "g", speaker_name: "Sarah", text: "Ok.", start_ms: 10_000, end_ms: 11_000, words: [] } as unknown as Envelope);
    first.unmount();
    renderWithI18n(<HudPanel hud={caughtUp} connected playbook={playbook} nameOf={(id) => id} />);
    expect(screen.getByTestId("hud-status").textContent).toBe("Live");
  });

  it("shows ticks with their evidence, the battle card, names, sentiment and manager messages", () => {
    const onPresent = vi.fn();
    renderWithI18n(<HudPanel hud={hud()} connected playbook={playbook} nameOf={(id) => (id === "guest-a" ? "Sarah" : id)} onPresent={onPresent} />);
    const items = screen.getAllByTestId("checklist-item");
    expect(items.map((i) => [i.dataset.key, i.dataset.ticked])).toEqual([["agenda", "false"], ["pain", "true"]]);
    fireEvent.click(items[1].querySelector("button")!);
    expect(screen.getByTestId("checklist-evidence").textContent).toBe("Heard from Sarah: “about twenty hours a week”");
    expect(screen.getByTestId("transcript-line").dataset.speakerName).toBe("Sarah");
    expect(screen.getByTestId("manager-message").textContent).toContain("Ask about budget");
    expect(screen.getByTestId("sentiment-chip").dataset.label).toBe("negative");
    fireEvent.click(screen.getByTestId("present-now"));
    expect(onPresent).toHaveBeenCalledWith(expect.objectContaining({ objection: "price_competitor" }));
  });

  it("is read-only for managers", () => {
    renderWithI18n(<HudPanel hud={hud()} connected={false} readOnly nameOf={(id) => id} />);
    expect(screen.queryByTestId("present-now")).toBeNull();
    expect(screen.getByTestId("hud-panel").dataset.readonly).toBe("true");
  });
});
