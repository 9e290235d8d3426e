import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { LanguageSwitch } from "../i18n";
import { Button, Card, ErrorText } from "../components/ui";
import { desktop } from "./ipc";
import { useDesktopT } from "./messages";
import { MicCheck } from "./MicCheck";
import { useMain } from "./MainWindow";

/** Settings: the microphone, the UI language, whether the HUD lets clicks through, signing out. */
export default function SettingsPage() {
  const t = useDesktopT();
  const { user, signOut } = useMain();
  return (
    <main className="grid max-w-4xl gap-6 md:grid-cols-2">
      <h1 className="text-xl font-semibold md:col-span-2">{t("desktop.settings")}</h1>
      <MicCheck />
      <div className="space-y-6">
        <Card>
          <h2 className="mb-3 font-semibold">{t("desktop.language")}</h2>
          <LanguageSwitch />
        </Card>
        <HudOptions />
        <Card>
          <h2 className="mb-1 font-semibold">{t("desktop.account")}</h2>
          <p className="mb-3 text-sm text-white/60">
            {user.display_name} · {user.email}
          </p>
          <Button variant="ghost" data-testid="sign-out" onClick={() => void signOut()}>
            {t("desktop.signOut")}
          </Button>
        </Card>
      </div>
    </main>
  );
}

function HudOptions() {
  const t = useDesktopT();
  const client = useQueryClient();
  const clickThrough = useQuery({ queryKey: ["desktop", "hud-click-through"], queryFn: desktop.hudClickThrough });
  const [error, setError] = useState<unknown>(null);
  return (
    <Card>
      <h2 className="mb-3 font-semibold">{t("desktop.hud")}</h2>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={clickThrough.data ?? false}
          disabled={clickThrough.data === undefined}
          data-testid="hud-click-through"
          onChange={async (e) => {
            const enabled = e.target.checked;
            setError(null);
            try {
              await desktop.hudSetClickThrough(enabled);
              client.setQueryData(["desktop", "hud-click-through"], enabled);
            } catch (err) {
              setError(err);
            }
          }}
        />
        {t("desktop.clickThrough")}
      </label>
      <p className="mt-2 text-xs text-white/60">{t("desktop.shortcut")}</p>
      {(error != null || clickThrough.error) && (
        <p className="mt-2 text-sm text-rose-300" role="alert">
          <ErrorText error={error ?? clickThrough.error} />
        </p>
      )}
    </Card>
  );
}
