import { useEffect, useState, type ReactNode } from "react";
import type { Summons } from "../bindings/Summons";
import { useI18n } from "../i18n";

/** How often the apps ask whether a guest wants the seller, ms: a guest holds 45 s. */
export const SUMMONS_POLL_MS = 5000;

/** Whole seconds from now until `until` (an RFC 3339 time), never below 0. */
export function secondsLeft(until: string, now = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(until) - now) / 1000));
}

/**
 * A guest's request for the seller (issue #18): who asks, through which AI agent, how long they
 * still hold (counted down each second), and `action`, the way to join. Renders nothing once
 * the guest stopped holding.
 */
export function SummonsNotice({ summons, action }: { summons: Summons; action: ReactNode }) {
  const { t } = useI18n();
  const [seconds, setSeconds] = useState(() => secondsLeft(summons.until));
  useEffect(() => {
    setSeconds(secondsLeft(summons.until));
    const timer = window.setInterval(() => setSeconds(secondsLeft(summons.until)), 1000);
    return () => window.clearInterval(timer);
  }, [summons.until]);
  if (seconds === 0) return null;
  return (
    <div role="alert" className="flex flex-wrap items-center gap-3 rounded-xl border border-amber-300/40 bg-amber-400/15 px-4 py-3" data-testid="summons">
      <span className="relative flex h-3 w-3 shrink-0">
        <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-amber-300 opacity-75" />
        <span className="relative inline-flex h-3 w-3 rounded-full bg-amber-300" />
      </span>
      <div className="min-w-0 flex-1">
        <div className="font-semibold text-amber-50">{t("summons.asks", { guest: summons.guest })}</div>
        <div className="text-sm text-amber-100/75">{t("summons.context", { agent: summons.agent, seconds })}</div>
      </div>
      {action}
    </div>
  );
}
