import { describe, expect, it } from "vitest";
import type { Playbook } from "../bindings/Playbook";
import { translate } from "../i18n";
import { describePlaybookField } from "./playbookField";

const draft: Playbook = {
  name: "Discovery",
  language: "en",
  checklist: [
    { key: "need", title: "Understand the need", credit: "host", examples: ["What brings you here?"] },
    { key: "budget", title: "  ", credit: "host", examples: [] },
  ],
  objections: [{ key: "price", title: "Too expensive", examples: ["It costs too much"], battle_card: { title: "Value", points: [] } }],
};
const en = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("en", key, vars);
const it_ = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate("it", key, vars);

describe("describePlaybookField", () => {
  it("names a checklist item by position and title, and the part in words", () => {
    expect(describePlaybookField("checklist[0].examples", draft, en)).toBe("Checklist item 1 “Understand the need” · example phrasings");
    expect(describePlaybookField("checklist[0].examples", draft, it_)).toBe("Voce 1 della checklist “Understand the need” · frasi di esempio");
  });

  it("leaves out a blank title and names objections and their battle cards", () => {
    expect(describePlaybookField("checklist[1].title", draft, en)).toBe("Checklist item 2 · Title");
    expect(describePlaybookField("objections[0].battle_card.points", draft, en)).toBe("Objection 1 “Too expensive” · talking points");
    expect(describePlaybookField("objections[0]", draft, it_)).toBe("Obiezione 1 “Too expensive”");
  });

  it("translates top-level fields and keeps unknown paths as they are", () => {
    expect(describePlaybookField("checklist", draft, en)).toBe("Checklist");
    expect(describePlaybookField("name", draft, it_)).toBe("Nome");
    expect(describePlaybookField("body", draft, en)).toBe("body");
    expect(describePlaybookField("checklist[0].colour", draft, en)).toBe("Checklist item 1 “Understand the need” · colour");
  });
});
