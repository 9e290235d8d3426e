import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useI18n } from "../i18n";
import { Button, TextArea } from "../components/ui";

/**
 * Shadow mode: a manager's priority message, popped up at once in the seller's HUD. `deliver`
 * sends it (the web view calls the API, the desktop app its native command); Enter sends,
 * Shift+Enter breaks the line; at most 500 characters.
 */
export function PriorityComposer({ deliver }: { deliver: (text: string) => Promise<unknown> }) {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [sent, setSent] = useState(false);
  const send = useMutation({
    mutationFn: deliver,
    onSuccess: () => {
      setText("");
      setSent(true);
      setTimeout(() => setSent(false), 2000);
    },
  });
  const submit = () => text.trim() && send.mutate(text.trim());
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      className="space-y-2"
      data-testid="priority-composer"
    >
      <label className="text-[11px] font-semibold uppercase tracking-wider text-white/60">{t("shadow.compose")}</label>
      <TextArea
        rows={2}
        value={text}
        maxLength={500}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            submit();
          }
        }}
        placeholder={t("shadow.placeholder")}
        data-testid="priority-text"
      />
      <div className="flex items-center gap-2">
        <Button type="submit" className="!py-1.5" disabled={!text.trim() || send.isPending} data-testid="priority-send">
          {t("shadow.send")}
        </Button>
        {sent && <span className="text-xs text-emerald-300" data-testid="priority-sent">{t("shadow.sent")}</span>}
        {send.error && <span className="text-xs text-rose-300">{(send.error as Error).message}</span>}
      </div>
    </form>
  );
}
