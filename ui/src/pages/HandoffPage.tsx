import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import type { HandoffRedeem } from "../bindings/HandoffRedeem";
import type { Session } from "../bindings/Session";
import { api, storeSession } from "../api/client";
import { useDesktopT } from "../desktop/messages";
import { MessageScreen, Spinner } from "../components/ui";

/** Where a handoff may send the browser: a path of this app, never another origin. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/console";
}

/**
 * `/handoff#token=…&next=/host/<id>`: the desktop app opened this browser with a one-time token
 * (in the fragment, which is never sent to a server). Redeem it for a session, then go on.
 */
export default function HandoffPage() {
  const t = useDesktopT();
  const navigate = useNavigate();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const params = new URLSearchParams(window.location.hash.slice(1));
    const token = params.get("token");
    const next = safeNext(params.get("next"));
    // Drop the token from the address bar and history at once: it is single use anyway.
    window.history.replaceState(null, "", window.location.pathname);
    if (!token) {
      setFailed(true);
      return;
    }
    const body: HandoffRedeem = { token };
    api<Session>("/api/auth/handoff/redeem", { method: "POST", body, auth: false }).then(
      (session) => {
        storeSession(session);
        navigate(next, { replace: true });
      },
      () => setFailed(true),
    );
  }, [navigate]);

  if (failed) return <MessageScreen title={t("desktop.handoffFailed")} body={t("desktop.handoffFailedBody")} tone="warn" testId="handoff-failed" />;
  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-950">
      <Spinner />
    </div>
  );
}
