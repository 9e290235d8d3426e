import type { Lang } from "../i18n";
import { format, useI18n } from "../i18n";

/** Strings of the desktop app's own screens (the HUD panel and sign-in reuse the web UI's). */
const en = {
  "desktop.meetings": "Meetings",
  "desktop.playbooks": "Playbooks",
  "desktop.settings": "Settings",
  "desktop.recap": "Recap",
  "desktop.language": "Language",
  "desktop.account": "Account",
  "desktop.today": "Today's meetings",
  "desktop.noMeetings": "No meetings today.",
  "desktop.join": "Join",
  "desktop.shadow": "Shadow",
  "desktop.signOut": "Sign out",
  "desktop.signedInAs": "Signed in as {name}",
  "desktop.micCheck": "Microphone check",
  "desktop.micDevice": "Microphone",
  "desktop.micDefault": "System default",
  "desktop.micStart": "Test microphone",
  "desktop.micStop": "Stop test",
  "desktop.hud": "HUD",
  "desktop.clickThrough": "Let clicks pass through the HUD (remembered for every call)",
  "desktop.shortcut": "Ctrl+Shift+H shows or hides the HUD.",
  "desktop.openedInBrowser": "The call opened in your browser: this app's web view has no WebRTC. The HUD stays here.",
  "desktop.openedInApp": "The call opened in a Closer window.",
  "desktop.handoffFailed": "This sign-in link has expired",
  "desktop.handoffFailedBody": "Links from the Closer app work once, for one minute. Join again from the app.",
} as const;

export type DesktopKey = keyof typeof en;

const it: Record<DesktopKey, string> = {
  "desktop.meetings": "Riunioni",
  "desktop.playbooks": "Playbook",
  "desktop.settings": "Impostazioni",
  "desktop.recap": "Riepilogo",
  "desktop.language": "Lingua",
  "desktop.account": "Account",
  "desktop.today": "Riunioni di oggi",
  "desktop.noMeetings": "Nessuna riunione oggi.",
  "desktop.join": "Partecipa",
  "desktop.shadow": "Affianca",
  "desktop.signOut": "Esci",
  "desktop.signedInAs": "Accesso come {name}",
  "desktop.micCheck": "Prova microfono",
  "desktop.micDevice": "Microfono",
  "desktop.micDefault": "Predefinito di sistema",
  "desktop.micStart": "Prova il microfono",
  "desktop.micStop": "Ferma la prova",
  "desktop.hud": "HUD",
  "desktop.clickThrough": "Lascia passare i clic attraverso l'HUD (ricordato per ogni chiamata)",
  "desktop.shortcut": "Ctrl+Maiusc+H mostra o nasconde l'HUD.",
  "desktop.openedInBrowser": "La chiamata si è aperta nel browser: la web view dell'app non ha WebRTC. L'HUD resta qui.",
  "desktop.openedInApp": "La chiamata si è aperta in una finestra di Closer.",
  "desktop.handoffFailed": "Questo link di accesso è scaduto",
  "desktop.handoffFailedBody": "I link dell'app Closer valgono una volta sola, per un minuto. Partecipa di nuovo dall'app.",
};

const CATALOGS: Record<Lang, Record<DesktopKey, string>> = { en, it };

/** `t` for the desktop strings in the current UI language. */
export function useDesktopT(): (key: DesktopKey, vars?: Record<string, string | number>) => string {
  const { lang } = useI18n();
  return (key, vars) => format(CATALOGS[lang][key] ?? en[key], vars);
}
