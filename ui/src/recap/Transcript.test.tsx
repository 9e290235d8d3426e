import { fireEvent, screen } from "@testing-library/react";
import { vi } from "vitest";
import { Transcript } from "./Transcript";
import { Checklist } from "./Coverage";
import { paceVerdict } from "./KpiCards";
import { activeLineIndex } from "./sync";
import { renderWithI18n } from "../test-utils";

const lines = [
  { segment_id: "host-1", speaker: "host", speaker_name: "Marco", side: "seller" as const, text: "What is the biggest headache?", start_ms: 14_680, end_ms: 21_040 },
  { segment_id: "guest_a-1", speaker: "guest_a", speaker_name: "Sarah", side: "guest" as const, text: "It is all manual.", start_ms: 21_640, end_ms: 29_250 },
  { segment_id: "guest_b-1", speaker: "guest_b", speaker_name: "Tom", side: "guest" as const, text: "I am getting a bit frustrated.", start_ms: 67_170, end_ms: 73_416 },
];

describe("Transcript", () => {
  it("highlights exactly the line playing and seeks to a clicked line's start", () => {
    const onSeek = vi.fn();
    renderWithI18n(<Transcript lines={lines} active={activeLineIndex(lines, 68_000)} onSeek={onSeek} />);
    const rendered = screen.getAllByTestId("recap-line");
    expect(rendered.map((l) => l.getAttribute("data-active"))).toEqual(["false", "false", "true"]);
    expect(rendered[2].getAttribute("aria-current")).toBe("true");
    fireEvent.click(rendered[1]);
    expect(onSeek).toHaveBeenCalledWith(21_640);
  });

  it("shows a speaker's run of the same words once, ×N, highlighted while any of it plays", () => {
    const loop = Array.from({ length: 7 }, (_, i) => ({ ...lines[0], segment_id: `host-loop-${i}`, text: "Sounds good.", start_ms: 30_000 + i * 2_000, end_ms: 31_000 + i * 2_000 }));
    const all = [...lines.slice(0, 2), ...loop, lines[2]];
    renderWithI18n(<Transcript lines={all} active={activeLineIndex(all, 41_500)} onSeek={() => undefined} />);
    const rendered = screen.getAllByTestId("recap-line");
    expect(rendered.map((l) => l.getAttribute("data-segment"))).toEqual(["host-1", "guest_a-1", "host-loop-0", "guest_b-1"]);
    expect(rendered.map((l) => l.getAttribute("data-active"))).toEqual(["false", "false", "true", "false"]);
    expect(screen.getByTestId("recap-repeats").textContent).toBe("×7");
  });

  it("says so when nothing was transcribed", () => {
    renderWithI18n(<Transcript lines={[]} active={-1} onSeek={() => undefined} />);
    expect(screen.getByText("Nothing was transcribed.")).toBeTruthy();
  });
});

describe("Checklist", () => {
  it("links covered items' evidence to the moment it was said", () => {
    const onSeek = vi.fn();
    renderWithI18n(
      <Checklist
        items={[
          { item: "pain", title: "Uncover the main pain point", covered: true, evidence: { segment_id: "host-1", speaker: "host", start_ms: 14_680, text: "biggest headache", score: 0.8 } },
          { item: "budget", title: "Qualify the budget", covered: false },
        ]}
        onSeek={onSeek}
      />,
    );
    const evidence = screen.getAllByTestId("checklist-evidence");
    expect(evidence).toHaveLength(1);
    fireEvent.click(evidence[0]);
    expect(onSeek).toHaveBeenCalledWith(14_680);
    expect(screen.getAllByTestId("recap-checklist-item").map((i) => i.getAttribute("data-covered"))).toEqual(["true", "false"]);
  });
});

describe("paceVerdict", () => {
  it("places a pace against the 130–175 wpm band, bounds included", () => {
    expect(paceVerdict(129.9, 130, 175)).toBe("slow");
    expect(paceVerdict(130, 130, 175)).toBe("ok");
    expect(paceVerdict(175, 130, 175)).toBe("ok");
    expect(paceVerdict(176, 130, 175)).toBe("fast");
  });
});
