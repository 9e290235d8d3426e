import { DELAYED_MS, emptyHud, hudStatus, reduceHud, reduceNotice, type Envelope } from "./state";

const ev = (seq: number, body: Record<string, unknown>) => ({ seq, at_ms: seq * 100, ...body }) as unknown as Envelope;
const evidence = { segment_id: "guest-a-3", speaker: "guest-a", start_ms: 1000, text: "a much lower price", score: 0.8 };

describe("reduceHud", () => {
  it("replaces a segment's partial by its final, labels lines by name, keeps time order", () => {
    let s = reduceHud(emptyHud, ev(0, { kind: "transcript_partial", segment_id: "g-1", speaker: "guest-a", speaker_name: "Sarah", text: "to be", start_ms: 5000 }));
    s = reduceHud(s, ev(1, { kind: "transcript_final", segment_id: "h-1", speaker: "host-1", speaker_name: "Marco", text: "Hi", start_ms: 1000, end_ms: 2000, words: [] }));
    s = reduceHud(s, ev(2, { kind: "transcript_final", segment_id: "g-1", speaker: "guest-a", speaker_name: "Sarah", text: "To be honest.", start_ms: 5000, end_ms: 6000, words: [] }));
    s = reduceHud(s, ev(3, { kind: "transcript_partial", segment_id: "g-1", speaker: "guest-a", speaker_name: "Sarah", text: "stale", start_ms: 5000 }));
    expect(s.transcript.map((l) => [l.name, l.text, l.final])).toEqual([
      ["Marco", "Hi", true],
      ["Sarah", "To be honest.", true],
    ]);
    expect(s.names["guest-a"]).toBe("Sarah");
  });

  it("measures the copilot's lag from each final's end to its emission", () => {
    const final = (seq: number, at_ms: number, end_ms: number) =>
      ({ seq, at_ms, kind: "transcript_final", segment_id: `s-${seq}`, speaker: "g", speaker_name: "Sarah", text: "Hi.", start_ms: end_ms - 1000, end_ms, words: [] }) as unknown as Envelope;
    expect(emptyHud.lagMs).toBeNull();
    let s = reduceHud(emptyHud, final(0, 11_200, 10_000));
    expect(s.lagMs).toBe(1_200);
    s = reduceHud(s, final(1, 26_000, 20_000));
    expect(s.lagMs).toBe(6_000);
    s = reduceHud(s, final(2, 30_900, 30_000));
    expect(s.lagMs).toBe(900);
  });

  it("says connecting, live, or delayed by whole seconds, never live while late", () => {
    expect(hudStatus(false, 500)).toEqual({ state: "connecting" });
    expect(hudStatus(true, null)).toEqual({ state: "live" });
    expect(hudStatus(true, DELAYED_MS - 1)).toEqual({ state: "live" });
    expect(hudStatus(true, 6_400)).toEqual({ state: "delayed", seconds: 6 });
    expect(hudStatus(true, 2_000)).toEqual({ state: "delayed", seconds: 2 });
  });

  it("follows the server's copilot status while no transcript arrives", () => {
    let s = reduceHud(emptyHud, ev(0, { kind: "copilot_status", behind_ms: 3_100 }));
    expect(hudStatus(true, s.lagMs)).toEqual({ state: "delayed", seconds: 3 });
    s = reduceHud(s, ev(1, { kind: "copilot_status", behind_ms: 4_200 }));
    expect(hudStatus(true, s.lagMs)).toEqual({ state: "delayed", seconds: 4 });
    s = reduceHud(s, ev(2, { kind: "copilot_status", behind_ms: 0 }));
    expect(hudStatus(true, s.lagMs)).toEqual({ state: "live" });
  });

  it("says no copilot listens while the server's notices say so, whatever the lag", () => {
    let s = reduceNotice(emptyHud, { notice: "copilot_absent", waiting_ms: 6_400 });
    expect(hudStatus(true, s.lagMs, s.copilotAbsentMs)).toEqual({ state: "waiting", seconds: 6 });
    s = reduceHud(s, ev(0, { kind: "copilot_status", behind_ms: 3_100 }));
    expect(hudStatus(true, s.lagMs, s.copilotAbsentMs)).toEqual({ state: "waiting", seconds: 6 });
    s = reduceNotice(s, { notice: "copilot_present" });
    expect(hudStatus(true, s.lagMs, s.copilotAbsentMs)).toEqual({ state: "delayed", seconds: 3 });
    expect(hudStatus(false, s.lagMs, 9_000)).toEqual({ state: "connecting" });
  });

  it("ignores duplicates after a reconnect", () => {
    const msg = ev(4, { kind: "priority_message", from: "Marta", text: "Ask about budget" });
    const once = reduceHud(emptyHud, msg);
    expect(reduceHud(once, msg)).toBe(once);
    expect(once.messages).toHaveLength(1);
  });

  it("ticks checklist items once with their evidence and puts the newest battle card first", () => {
    let s = reduceHud(emptyHud, ev(0, { kind: "checklist_ticked", item: "budget", title: "Budget", evidence }), 10);
    s = reduceHud(s, ev(1, { kind: "checklist_ticked", item: "budget", title: "Budget", evidence: { ...evidence, text: "later" } }), 20);
    expect(s.ticks.budget).toMatchObject({ receivedAt: 10, evidence: { text: "a much lower price" } });
    const card = { title: "Price vs competitor", points: ["TCO"] };
    s = reduceHud(s, ev(2, { kind: "objection_detected", objection: "send_info", title: "Send info", battle_card: card, evidence }));
    s = reduceHud(s, ev(3, { kind: "objection_detected", objection: "price_competitor", title: "Price", battle_card: card, evidence }));
    expect(s.cards.map((c) => c.objection)).toEqual(["price_competitor", "send_info"]);
  });

  it("keeps the latest sentiment per speaker and the last tips", () => {
    let s = reduceHud(emptyHud, ev(0, { kind: "sentiment_updated", speaker: "guest-b", speaker_name: "Tom", label: "neutral", confidence: 0.6, segment_id: "x", start_ms: 0, end_ms: 1 }));
    s = reduceHud(s, ev(1, { kind: "sentiment_updated", speaker: "guest-b", speaker_name: "Tom", label: "irritated", confidence: 0.7, segment_id: "y", start_ms: 0, end_ms: 1 }));
    expect(s.sentiment["guest-b"].label).toBe("irritated");
    for (let i = 2; i < 10; i++) s = reduceHud(s, ev(i, { kind: "suggestion", text: `tip ${i}` }));
    expect(s.tips).toHaveLength(5);
    expect(s.tips[0].text).toBe("tip 9");
  });
});
