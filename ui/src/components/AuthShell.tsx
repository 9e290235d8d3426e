import { useState, type ReactNode } from "react";
import { LanguageSwitch } from "../i18n";
import { Logo } from "./ui";

/**
 * The frame of the signed-out pages (sign-in, sign-up, invitation, password reset): logo and
 * language switch on top, `children` centred.
 */
export function AuthShell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col bg-slate-950 text-white">
      <header className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </header>
      <main className="flex flex-1 flex-col items-center justify-center gap-4 p-6">{children}</main>
    </div>
  );
}

/**
 * A form's submission: `submit()` runs `action` once at a time, `busy` while it runs, `error`
 * what it threw (cleared on the next try).
 */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

