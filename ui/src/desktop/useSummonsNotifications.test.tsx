// OS notifications of a guest asking for the seller (issue #18), through Tauri's IPC mock
// (@tauri-apps/api/mocks): one per request, none for a request whose guest stopped holding, and
// one again when the guest asks again.
import { act, cleanup, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { renderWithI18n } from "../test-utils";
import { useSummonsNotifications } from "./useSummonsNotifications";

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const meeting = (id: string, guest: string, until: string) => ({
  id, title: `Call ${id}`, host_id: "u", playbook_id: "p", starts_at: "2026-12-08T09:00:00Z", ends_at: "2026-12-08T09:30:00Z",
  status: "live", guest_url: `http://closer.test/meet/${id}`, summons: { guest, agent: "Alex", until },
});

function Probe() {
  useSummonsNotifications(true);
  return null;
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("useSummonsNotifications", () => {
  it("notifies each request once, not one whose guest stopped holding, and a guest who asks again", async () => {
    let summoned = [meeting("asking", "Anna Rossi", inSeconds(40)), meeting("gave-up", "Piero Neri", inSeconds(-2))];
    const shown: { title: string; body: string }[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "summoned_meetings") return summoned;
      if (cmd === "notify") {
        shown.push(args as { title: string; body: string });
        return null;
      }
      throw { code: "invalid", message: `unexpected command ${cmd}` };
    });
    const client = new QueryClient();
    renderWithI18n(
      <QueryClientProvider client={client}>
        <Probe />
      </QueryClientProvider>,
    );
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0].title).toBe("Anna Rossi asks to speak with you now");
    expect(shown[0].body).toMatch(/^On a call with your AI agent Alex · holding for (39|40) s more$/);

    await act(() => client.refetchQueries());
    expect(shown).toHaveLength(1);

    summoned = [meeting("asking", "Anna Rossi", inSeconds(45))];
    await act(() => client.refetchQueries());
    await waitFor(() => expect(shown).toHaveLength(2));
    expect(shown[1].title).toBe("Anna Rossi asks to speak with you now");
  });
});
