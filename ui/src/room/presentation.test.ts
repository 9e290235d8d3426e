import { isGuestIdentity, isHostIdentity, parsePresentation } from "./presentation";

describe("parsePresentation", () => {
  it("accepts a card with a data: image and a stop", () => {
    const card = parsePresentation(JSON.stringify({ type: "present", id: "price", title: "TCO", points: ["a", 3, "b"], image: "data:image/png;base64,AAAA", from: "Sara" }));
    expect(card).toEqual({ type: "present", id: "price", title: "TCO", points: ["a", "b"], image: "data:image/png;base64,AAAA", from: "Sara" });
    expect(parsePresentation('{"type":"stop","id":"price"}')).toEqual({ type: "stop", id: "price" });
  });

  it("drops images that are not inline pictures, and rejects anything else", () => {
    for (const image of ["javascript:alert(1)", "https://evil.example/x.png", "data:text/html;base64,AAAA"]) {
      const card = parsePresentation(JSON.stringify({ type: "present", id: "x", title: "t", image }));
      expect(card && card.type === "present" && card.image).toBeUndefined();
    }
    expect(parsePresentation("not json")).toBeNull();
    expect(parsePresentation('{"type":"transcript_final"}')).toBeNull();
    expect(parsePresentation('{"type":"present","title":"no id"}')).toBeNull();
  });

  it("tells roles apart by identity prefix", () => {
    expect(isHostIdentity("host-abc")).toBe(true);
    expect(isHostIdentity("guest-abc")).toBe(false);
    expect(isGuestIdentity("guest-abc")).toBe(true);
    expect(isGuestIdentity("shadow-abc")).toBe(false);
  });
});
