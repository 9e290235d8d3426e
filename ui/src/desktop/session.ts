import type { User } from "../bindings/User";
import { announceUser, installApiSession } from "../api/client";
import { installSaver } from "../api/download";
import { desktop, DesktopError } from "./ipc";

let user: User | null = null;

/** A token from the app, or null when nobody is signed in (other failures are errors). */
async function token(refresh: boolean): Promise<string | null> {
  try {
    return await desktop.accessToken(refresh);
  } catch (e) {
    if (e instanceof DesktopError && (e.code === "not_signed_in" || e.code === "rejected")) return null;
    throw e;
  }
}

/**
 * Points the web UI's API client (`api/client.ts`) at the backend the app signed in to, with
 * the access token the app keeps in memory (the refresh token never leaves the keyring), so the
 * web components reused here — recap with its replay audio, playbooks, battle-card images —
 * call that backend rather than the web view's own origin; exports are saved where the user
 * picks in the OS's save dialog (the web view keeps no downloads). Call once before rendering.
 */
export async function installDesktopSession(): Promise<void> {
  installApiSession({
    origin: await desktop.backendOrigin(),
    accessToken: () => token(false),
    refresh: () => token(true),
    user: () => user,
  });
  installSaver(async (blob, filename, title) => {
    await desktop.saveExport(title, filename, await blob.text());
  });
}

/** The main window signed in or out: what `useUser()` returns from now on. */
export function setDesktopUser(next: User | null) {
  user = next;
  announceUser(next);
}
