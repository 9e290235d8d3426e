// Today's meetings in the desktop main window: upcoming meetings are joined, ended ones open
// their recap. The app's commands answer through Tauri's IPC mock (@tauri-apps/api/mocks).
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createMemoryRouter, Outlet, RouterProvider, useParams } from "react-router";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { renderWithI18n } from "../test-utils";
import TodayPage from "./TodayPage";

const seller = { id: "seller-1", email: "seller@example.com", display_name: "Sam", role: "seller", org_id: "o" };
const meeting = (id: string, status: string) => ({
  id,
  title: `Meeting ${id}`,
  status,
  host_id: seller.id,
  starts_at: "2026-11-21T09:00:00Z",
  playbook_id: "p",
});

function RecapMarker() {
  return <p data-testid="recap-route">{useParams().id}</p>;
}

// Unmounted first, and its deep-link listener let go, while the mocked IPC is still there.
afterEach(async () => {
  cleanup();
  await new Promise((resolve) => setTimeout(resolve, 0));
  clearMocks();
});

describe("TodayPage", () => {
  it("offers Join for upcoming meetings and Recap for ended ones, which opens the recap route", async () => {
    const meetings = [meeting("m-live", "scheduled"), meeting("m-ended", "ended"), meeting("m-done", "processed")];
    mockIPC((cmd) => {
      if (cmd === "todays_meetings") return meetings;
      if (cmd === "input_devices") return { devices: [], chosen: null };
      if (cmd === "take_pending_link") return null;
      if (cmd.startsWith("plugin:event|")) return 1;
      throw { code: "invalid", message: `unexpected command ${cmd}` };
    });
    const router = createMemoryRouter([
      {
        path: "/",
        element: <Outlet context={{ user: seller, signOut: async () => undefined }} />,
        children: [
          { index: true, element: <TodayPage /> },
          { path: "meetings/:id/recap", element: <RecapMarker /> },
        ],
      },
    ]);
    renderWithI18n(
      <QueryClientProvider client={new QueryClient()}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    const rows = await screen.findAllByTestId("meeting-row");
    const row = (id: string) => rows.find((r) => r.dataset.meetingId === id)!;
    expect(within(row("m-live")).getByTestId("join-meeting")).toBeTruthy();
    expect(within(row("m-live")).queryByTestId("open-recap")).toBeNull();
    for (const id of ["m-ended", "m-done"]) {
      expect(within(row(id)).queryByTestId("join-meeting")).toBeNull();
      expect(within(row(id)).getByTestId("open-recap")).toBeTruthy();
    }
    fireEvent.click(within(row("m-ended")).getByTestId("open-recap"));
    expect((await screen.findByTestId("recap-route")).textContent).toBe("m-ended");
  });
  it("shows a guest asking for the seller above their meeting, with Join", async () => {
    const until = new Date(Date.now() + 30_000).toISOString();
    const meetings = [{ ...meeting("m-agent", "live"), summons: { guest: "Anna Rossi", agent: "Alex", until } }, meeting("m-other", "scheduled")];
    const joined: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "todays_meetings") return meetings;
      if (cmd === "input_devices") return { devices: [], chosen: null };
      if (cmd === "take_pending_link") return null;
      if (cmd === "open_hud") return null;
      if (cmd === "open_room") {
        joined.push((args as { meetingId: string }).meetingId);
        return null;
      }
      if (cmd.startsWith("plugin:event|")) return 1;
      throw { code: "invalid", message: `unexpected command ${cmd}` };
    });
    const router = createMemoryRouter([
      { path: "/", element: <Outlet context={{ user: seller, signOut: async () => undefined }} />, children: [{ index: true, element: <TodayPage /> }] },
    ]);
    renderWithI18n(
      <QueryClientProvider client={new QueryClient()}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    const notice = await screen.findByTestId("summons");
    expect(screen.getAllByTestId("summons")).toHaveLength(1);
    expect(notice.closest("[data-testid=meeting-row]")?.getAttribute("data-meeting-id")).toBe("m-agent");
    expect(notice.textContent).toContain("Anna Rossi asks to speak with you now");
    fireEvent.click(within(notice).getByTestId("summons-join"));
    expect((await screen.findByTestId("join-outcome")).dataset.where).toBe("browser");
    expect(joined).toEqual(["m-agent"]);
  });
});
