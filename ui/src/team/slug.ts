/**
 * A booking-page slug proposed from a name: lower-case ASCII letters and digits joined by single
 * hyphens, accents folded ("Nicolò Rossi" → "nicolo-rossi"), at most 64 characters — the rule
 * the API checks (`[a-z0-9-]`, no hyphen at either end).
 */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 64)
    .replace(/^-+|-+$/g, "");
}
