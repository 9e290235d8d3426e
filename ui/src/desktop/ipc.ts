import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Level } from "./bindings/Level";

/** The desktop app's commands, generated from `src-tauri/src/bindings.rs`. */
export * as desktop from "./commands";
export { DesktopError } from "./invoke";

/** Every 50 ms while the level meter runs (`start_level_meter`). */
export const onAudioLevel = (fn: (level: Level) => void): Promise<UnlistenFn> => listen<Level>("audio-level", (e) => fn(e.payload));
/** A `closer://` link arrived; take it with `desktop.takePendingLink()`. */
export const onDeepLink = (fn: () => void): Promise<UnlistenFn> => listen("deep-link", () => fn());
