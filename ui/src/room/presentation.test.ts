import { isGuestIdentity, isHostIdentity, parsePresentation } from "./presentation";

describe("parsePresentation", () => {
  it("accepts a card with a data: image and a stop", () => {
    const card = parsePresentation(JSON.stringify({ type: "present", id: "price", title: "TCO", points: ["a", 3, "b"], image: "data:image/png;base64,AAAA", from: "Sara" }));
    expect(card).toEqual({ type: "present", id: "price", title: "TCO", points: ["a", "b"], image: "data:image/png;base64,AAAA", from: "Sara" });
    expect(parsePresentation('{"type":"stop","id":"price"}')).toEqual({ type: "stop", id: "price" });
  });

  it("accepts the server's reference to a presented card's image on this origin", () => {
    const image = "/api/meetings/0b7c2a54-6f1e-4f43-9d55-2f0c1f1e0a11/presented/price_competitor/image";
    const card = parsePresentation(JSON.stringify({ type: "present", id: "price_competitor", title: "TCO", points: [], image, from: "Sara" }));
    expect(card && card.type === "present" && card.image).toBe(image);
  });

  it("drops images that are not inline pictures, and rejects anything else", () => {
    for (const image of [
      "javascript:alert(1)",
      "https://evil.example/x.png",
      "data:text/html;base64,AAAA",
      "//evil.example/api/meetings/0b7c2a54-6f1e-4f43-9d55-2f0c1f1e0a11/presented/x/image",
      "/api/meetings/0b7c2a54-6f1e-4f43-9d55-2f0c1f1e0a11/presented/x/image?next=/elsewhere",
      "/api/playbooks/0b7c2a54-6f1e-4f43-9d55-2f0c1f1e0a11/objections/x/image",
    ]) {
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
