import { invoke } from "@tauri-apps/api/core";
import type { CommandError } from "./bindings/CommandError";

/** A failed desktop command (`code`/`message` from the Rust side's `CommandError`). */
export class DesktopError extends Error {
  constructor(public readonly code: string, message: string) {
    super(message);
  }
}

/** Invokes a desktop command; rejections become [`DesktopError`]s. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    const err = e as Partial<CommandError> | string;
    if (typeof err === "string") throw new DesktopError("unknown", err);
    throw new DesktopError(err?.code ?? "unknown", err?.message ?? String(e));
  }
}
