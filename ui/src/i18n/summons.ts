/**
 * Strings of a guest's request for the seller (an AI agent's call, issue #18), shown in the
 * console and the desktop app. Spread into the catalogs of `messages.ts`; Italian must have
 * every key (checked by the type).
 */
export const summonsEn = {
  "summons.asks": "{guest} asks to speak with you now",
  "summons.context": "On a call with your AI agent {agent} · holding for {seconds} s more",
  "summons.join": "Join the call",
} as const;

export const summonsIt: Record<keyof typeof summonsEn, string> = {
  "summons.asks": "{guest} chiede di parlare con te adesso",
  "summons.context": "In chiamata con il tuo agente IA {agent} · resta in attesa ancora {seconds} s",
  "summons.join": "Entra nella chiamata",
};
