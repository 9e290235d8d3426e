// The console's banner for a guest asking for the seller (issue #18), against a real HTTP API on
// loopback: shown with who asks, through which agent and for how long they still hold, linked
// into the call; a meeting nobody asks about shows nothing, nor does a request whose guest
// already stopped holding.
import { screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secondsLeft } from "../components/SummonsNotice";
import { renderPage, startApi } from "../test-utils";
import { SummonsBanner } from "./SummonsBanner";

const meeting = (id: string, summons?: object) => ({
  id, title: `Call ${id}`, host_id: "u", playbook_id: "p", starts_at: "2026-12-08T09:00:00Z", ends_at: "2026-12-08T09:30:00Z",
  status: "live", guest_url: `http://closer.test/meet/${id}`, ...(summons ? { summons } : {}),
});
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
let api: { close: () => void };

beforeAll(async () => {
  api = await startApi({ id: "u", email: "sara@example.com", display_name: "Sara", role: "seller", org_id: "o" }, (req) => {
    // The server lists only live requests; a list fetched up to 5 s ago may hold one that
    // expired since, and the banner still shows only requests with a summons.
    if (req.url.startsWith("/api/meetings?when=summoned")) {
      return [200, [
        meeting("quiet"),
        meeting("asking", { guest: "Anna Rossi", agent: "Alex", until: inSeconds(40) }),
        meeting("gave-up", { guest: "Piero Neri", agent: "Alex", until: inSeconds(-3) }),
      ]];
    }
    return [404, { error: { code: "not_found", message: "not found" } }];
  });
});

afterAll(() => api.close());

describe("SummonsBanner", () => {
  it("shows each guest still holding for the seller, with a link into the call", async () => {
    renderPage(
      <MemoryRouter>
        <SummonsBanner />
      </MemoryRouter>,
    );
    const notice = await screen.findByTestId("summons");
    expect(screen.getAllByTestId("summons")).toHaveLength(1);
    expect(notice.textContent).toContain("Anna Rossi asks to speak with you now");
    expect(notice.textContent).toMatch(/Alex · holding for (39|40) s more/);
    expect(within(notice).getByTestId("summons-join").getAttribute("href")).toBe("/host/asking");
  });

  it("counts whole seconds left, never below zero", () => {
    const now = Date.parse("2026-12-08T09:00:00Z");
    expect(secondsLeft("2026-12-08T09:00:44.200Z", now)).toBe(45);
    expect(secondsLeft("2026-12-08T08:59:59Z", now)).toBe(0);
  });
});
