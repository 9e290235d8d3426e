// The phone line page against a real HTTP server on loopback: an admin sees each number with the
// meeting type, seller and agent that answer it, adds a number (sent as typed, with the chosen
// meeting type; the server's 422 shown at the field), and reads the call log, each call linked
// to its meeting and lead, with the call back it booked, and listens to a call's recording
// (fetched with the user's token).
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPage, startApi, type ApiRequest } from "../test-utils";
import PhonePage from "./PhonePage";

const QUALIFY = "0c8a4f2e-2d7b-4f0a-9d6e-5b1a3c7e9f10";
const DEMO = "7e1d2c3b-4a5f-4e6d-8c9b-0a1f2e3d4c5b";
const MEETING = "3f2e1d0c-9b8a-4765-a4b3-c2d1e0f9a8b7";
const requests: ApiRequest[] = [];
let api: { close: () => void };

const number = { id: "n1", number: "+390212345678", meeting_type_id: QUALIFY, created_at: "2026-12-07T09:00:00Z" };
const targets = [
  { meeting_type_id: QUALIFY, title: "Qualification", seller_name: "Sara", agent_name: "Alex" },
  { meeting_type_id: DEMO, title: "Demo", seller_name: "Marco", agent_name: "Chiara" },
];
const calls = [
  {
    id: "c1", number: "+390212345678", caller: "+393331234567", meeting_id: MEETING, lead_id: "l1", outcome: "completed",
    started_at: "2026-12-07T09:10:00Z", answered_at: "2026-12-07T09:10:01Z", ended_at: "2026-12-07T09:11:30Z", duration_secs: 89,
    recording_url: `/api/meetings/${MEETING}/recording`, call_back_at: "2026-12-08T09:00:00Z",
  },
  { id: "c2", number: "+390212345678", caller: "", meeting_id: null, lead_id: null, outcome: "abandoned", started_at: "2026-12-07T09:05:00Z", answered_at: null, ended_at: "2026-12-07T09:05:09Z", duration_secs: null, recording_url: null, call_back_at: null },
];

beforeAll(async () => {
  // jsdom has no object URLs: the player gets a stand-in for the fetched audio's.
  URL.createObjectURL = () => "blob:recording";
  URL.revokeObjectURL = () => {};
  api = await startApi({ id: "u", email: "admin@example.com", display_name: "Ada", role: "admin", org_id: "o" }, (req) => {
    requests.push(req);
    if (req.method === "POST" && req.url === "/api/phone-numbers") {
      const body = JSON.parse(req.body);
      if (body.number === "12") return [422, { error: { code: "invalid", message: "expected a phone number in international form", field: "number" } }];
      return [201, { ...number, id: "n2", number: "+15550100199", meeting_type_id: body.meeting_type_id }];
    }
    if (req.url === "/api/phone-numbers") return [200, [number]];
    if (req.url === "/api/phone-numbers/targets") return [200, targets];
    if (req.url === "/api/phone-calls") return [200, calls];
    if (req.url === `/api/meetings/${MEETING}/recording`) return [200, "OggS"];
    return [404, { error: { code: "not_found", message: "not found" } }];
  });
});

afterAll(() => api.close());

describe("PhonePage", () => {
  it("shows the line's numbers and calls and adds a number as the admin types it", async () => {
    renderPage(
      <MemoryRouter>
        <PhonePage />
      </MemoryRouter>,
    );
    const row = await screen.findByTestId("phone-number");
    expect(row.textContent).toContain("+390212345678");
    await waitFor(() => expect(screen.getByTestId("phone-number").textContent).toContain("Qualification · Sara, answered by Alex"));

    const [answered, abandoned] = await screen.findAllByTestId("phone-call");
    expect(answered.textContent).toContain("+393331234567");
    expect(answered.textContent).toContain("Completed");
    expect(answered.textContent).toContain("1 min 29 s");
    expect(within(answered).getByTestId("phone-call-back").textContent).toMatch(/^Call back booked: .*Dec/);
    expect(within(abandoned).queryByTestId("phone-call-back")).toBeNull();
    expect(within(answered).getAllByRole("link").map((a) => a.getAttribute("href"))).toEqual(["/console/leads", `/console/meetings/${MEETING}`]);
    expect(abandoned.textContent).toContain("Withheld number");
    expect(abandoned.textContent).toContain("Hung up before the answer");
    expect(within(abandoned).queryByRole("link")).toBeNull();
    expect(within(abandoned).queryByTestId("phone-listen")).toBeNull();

    expect(requests.some((r) => r.url.endsWith("/recording"))).toBe(false);
    fireEvent.click(within(answered).getByTestId("phone-listen"));
    const player = (await within(answered).findByTestId("phone-recording")) as HTMLAudioElement;
    expect(player.src).toMatch(/^blob:/);
    expect(requests.filter((r) => r.url === `/api/meetings/${MEETING}/recording`)).toHaveLength(1);

    fireEvent.change(screen.getByTestId("phone-new-number"), { target: { value: "12" } });
    fireEvent.click(screen.getByTestId("phone-create"));
    expect(await screen.findByText("expected a phone number in international form")).toBeTruthy();

    fireEvent.change(screen.getByTestId("phone-new-number"), { target: { value: "+1 (555) 010-0199" } });
    fireEvent.change(screen.getByTestId("phone-new-type"), { target: { value: DEMO } });
    fireEvent.click(screen.getByTestId("phone-create"));
    await waitFor(() => expect(requests.filter((r) => r.method === "POST").map((r) => JSON.parse(r.body))).toEqual([
      { number: "12", meeting_type_id: QUALIFY },
      { number: "+1 (555) 010-0199", meeting_type_id: DEMO },
    ]));
    await waitFor(() => expect((screen.getByTestId("phone-new-number") as HTMLInputElement).value).toBe(""));
  });
});
