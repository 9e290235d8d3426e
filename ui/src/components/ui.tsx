import type { ButtonHTMLAttributes, ComponentProps, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { LanguageSwitch } from "../i18n";

type Variant = "primary" | "secondary" | "danger" | "ghost";
const VARIANTS: Record<Variant, string> = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 disabled:bg-indigo-600/40",
  secondary: "bg-white/10 text-white hover:bg-white/20 disabled:opacity-40",
  danger: "bg-rose-600 text-white hover:bg-rose-500 disabled:opacity-40",
  ghost: "text-white/70 hover:bg-white/10 hover:text-white disabled:opacity-40",
};

export function Button({ variant = "primary", className = "", ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      type="button"
      className={`inline-flex items-center justify-center gap-2 rounded-full px-4 py-2 text-sm font-semibold transition focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-300 disabled:cursor-not-allowed ${VARIANTS[variant]} ${className}`}
      {...rest}
    />
  );
}

export function Input({ className = "", ...rest }: ComponentProps<"input">) {
  return (
    <input
      className={`w-full rounded-lg border border-white/15 bg-white/5 px-3 py-2 text-sm text-white placeholder:text-white/35 focus:border-indigo-400 focus:outline-none ${className}`}
      {...rest}
    />
  );
}

export function TextArea({ className = "", ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <textarea
      className={`w-full rounded-lg border border-white/15 bg-white/5 px-3 py-2 text-sm text-white placeholder:text-white/35 focus:border-indigo-400 focus:outline-none ${className}`}
      {...rest}
    />
  );
}

export function Select({ className = "", ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select
      className={`w-full rounded-lg border border-white/15 bg-slate-900 px-3 py-2 text-sm text-white focus:border-indigo-400 focus:outline-none ${className}`}
      {...rest}
    />
  );
}

export function Field({ label, children, hint, error }: { label: string; children: ReactNode; hint?: string; error?: string | null }) {
  return (
    <label className="block space-y-1">
      <span className="text-xs font-medium uppercase tracking-wide text-white/55">{label}</span>
      {children}
      {hint && <span className="block text-xs text-white/60">{hint}</span>}
      {error && <span className="block text-xs text-rose-300">{error}</span>}
    </label>
  );
}

export function Card({ children, className = "", ...rest }: ComponentProps<"div">) {
  return (
    <div className={`rounded-2xl border border-white/10 bg-white/[0.04] p-5 shadow-xl shadow-black/20 ${className}`} {...rest}>
      {children}
    </div>
  );
}

export function Spinner({ className = "" }: { className?: string }) {
  return <span className={`inline-block h-5 w-5 animate-spin rounded-full border-2 border-white/20 border-t-white ${className}`} aria-hidden />;
}

/** Brand mark + name. */
export function Logo({ className = "" }: { className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold tracking-tight ${className}`}>
      <img src="/favicon.svg" alt="" className="h-6 w-6" />
      Closer
    </span>
  );
}

/** A full-page message (not found, ended, full …) with an optional action. */
export function MessageScreen({ title, body, action, testId, tone = "neutral" }: { title: string; body?: ReactNode; action?: ReactNode; testId?: string; tone?: "neutral" | "warn" | "bad" }) {
  const ring = tone === "bad" ? "bg-rose-500/15 text-rose-300" : tone === "warn" ? "bg-amber-500/15 text-amber-300" : "bg-indigo-500/15 text-indigo-300";
  return (
    <div className="flex min-h-screen flex-col bg-slate-950">
      <header className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </header>
      <main className="flex flex-1 items-center justify-center p-6">
        <div className="max-w-md text-center" data-testid={testId} role="status">
          <div className={`mx-auto mb-6 flex h-16 w-16 items-center justify-center rounded-full ${ring}`}>
            <span className="text-2xl">{tone === "bad" ? "!" : tone === "warn" ? "…" : "✓"}</span>
          </div>
          <h1 className="text-2xl font-semibold">{title}</h1>
          {body && <p className="mt-3 text-white/65">{body}</p>}
          {action && <div className="mt-8 flex justify-center gap-3">{action}</div>}
        </div>
      </main>
    </div>
  );
}

export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return <p className="text-sm text-rose-300" role="alert">{message}</p>;
}
