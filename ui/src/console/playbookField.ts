import type { Playbook } from "../bindings/Playbook";
import type { MessageKey } from "../i18n/messages";

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Words for the last part of a field path (`title`, `examples`, `battle_card.points`, …). */
const PARTS: Record<string, MessageKey> = {
  name: "pb.name",
  language: "pb.language",
  checklist: "pb.checklist",
  objections: "pb.objections",
  key: "pb.key",
  title: "pb.itemTitle",
  credit: "pb.credit",
  examples: "pb.field.examples",
  threshold: "pb.field.threshold",
  battle_card: "pb.card",
  "battle_card.title": "pb.cardTitle",
  "battle_card.points": "pb.field.points",
  "battle_card.image": "pb.image",
};

/**
 * Where a validation error of the playbook API is, in the reader's words: the API names a field
 * by its JSON path (`checklist[2].examples`, backend/src/playbooks.rs `validate`), which becomes
 * "Checklist item 3 “Budget” · example phrasings" (the item's title from the draft being
 * edited, positions counted from 1). A path it does not know is returned as is.
 */
export function describePlaybookField(field: string, draft: Playbook, t: Translate): string {
  const entry = /^(checklist|objections)\[(\d+)\](?:\.(.+))?$/.exec(field);
  if (!entry) return PARTS[field] ? t(PARTS[field]) : field;
  const [, list, index, rest] = entry;
  const n = Number(index);
  const title = (list === "checklist" ? draft.checklist[n]?.title : draft.objections[n]?.title)?.trim();
  const where = t(list === "checklist" ? "pb.field.item" : "pb.field.objection", { n: n + 1 });
  const named = title ? `${where} “${title}”` : where;
  if (!rest) return named;
  return `${named} · ${PARTS[rest] ? t(PARTS[rest]) : rest}`;
}
