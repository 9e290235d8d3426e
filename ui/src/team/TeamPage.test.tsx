// The team page against a real HTTP server on loopback (the API client's session points at it):
// an admin invites a seller (the link is shown once with a copy button, and said not e-mailed
// when the SMTP server refused), deactivates a colleague, withdraws a pending invitation; the
// admin's own row offers no deactivation.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiRequest, renderPage, startApi } from "../test-utils";
import TeamPage from "./TeamPage";

const ADMIN = "0d6c9a55-1111-4c1b-9a57-2f7c1d3e4a10";
const SAM = "0d6c9a55-2222-4c1b-9a57-2f7c1d3e4a10";
const INVITATION = "0d6c9a55-3333-4c1b-9a57-2f7c1d3e4a10";
const requests: ApiRequest[] = [];
let samActive = true;
let invitationStatus = "pending";
let api: { close: () => void };

const person = (id: string, name: string, role: string, active: boolean) => ({
  id,
  organization_id: "o",
  email: `${name.toLowerCase()}@acme.example`,
  display_name: name,
  role,
  slug: name.toLowerCase(),
  active,
});
const invitation = () => ({
  id: INVITATION,
  email: "nuovo@acme.example",
  role: "seller",
  language: "it",
  status: invitationStatus,
  created_at: "2026-12-01T10:00:00Z",
  expires_at: "2026-12-08T10:00:00Z",
});

function answer(req: ApiRequest): [number, unknown] {
  requests.push(req);
  const body = req.body;
  if (req.method === "PATCH" && req.url === `/api/users/${SAM}`) {
    samActive = JSON.parse(body).active;
    return [200, person(SAM, "Sam", "seller", samActive)];
  }
  if (req.url === "/api/users") return [200, [person(ADMIN, "Ada", "admin", true), person(SAM, "Sam", "seller", samActive)]];
  if (req.method === "POST" && req.url === "/api/invitations") {
    return [201, { invitation: invitation(), link: "http://closer.test/invite#token=abc123", emailed: false }];
  }
  if (req.method === "DELETE" && req.url === `/api/invitations/${INVITATION}`) {
    invitationStatus = "revoked";
    return [200, invitation()];
  }
  if (req.url === "/api/invitations") return [200, [invitation()]];
  return [404, { error: { code: "not_found", message: "not found" } }];
}

beforeAll(async () => {
  api = await startApi(person(ADMIN, "Ada", "admin", true), answer);
});

afterAll(() => api.close());

describe("TeamPage", () => {
  it("invites by e-mail, deactivates a colleague and withdraws an invitation", async () => {
    renderPage(<TeamPage />);
    const people = await screen.findAllByTestId("team-person");
    expect(people.map((p) => p.textContent)).toEqual([expect.stringContaining("Ada"), expect.stringContaining("Sam")]);
    expect(within(people[0]).queryByTestId("team-deactivate")).toBeNull();

    fireEvent.change(screen.getByTestId("invite-email"), { target: { value: "nuovo@acme.example" } });
    fireEvent.change(screen.getByTestId("invite-language"), { target: { value: "it" } });
    fireEvent.click(screen.getByTestId("invite-send"));
    const sent = await screen.findByTestId("invite-sent");
    expect(sent.textContent).toContain("could not be sent");
    expect(within(sent).getByTestId("invite-link").textContent).toBe("http://closer.test/invite#token=abc123");
    expect(JSON.parse(requests.find((r) => r.method === "POST")!.body)).toEqual({ email: "nuovo@acme.example", role: "seller", language: "it" });
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    fireEvent.click(within(sent).getByTestId("invite-copy"));
    expect(writeText).toHaveBeenCalledWith("http://closer.test/invite#token=abc123");

    fireEvent.click(within(people[1]).getByTestId("team-deactivate"));
    await waitFor(() => expect(screen.getAllByTestId("team-person")[1].dataset.active).toBe("false"));
    expect(screen.getAllByTestId("team-person")[1].textContent).toContain("Deactivated");
    expect(requests.some((r) => r.method === "PATCH" && r.body === JSON.stringify({ active: false }))).toBe(true);

    const pending = await screen.findByTestId("team-invitation");
    expect(pending.dataset.status).toBe("pending");
    fireEvent.click(within(pending).getByTestId("invite-withdraw"));
    await waitFor(() => expect(screen.getByTestId("team-invitation").dataset.status).toBe("revoked"));
    expect(screen.getByTestId("team-invitation").textContent).toContain("Withdrawn");
  });
});
