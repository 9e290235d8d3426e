// The leads page against a real HTTP server on loopback (the API client's session points at
// it): the BANT criteria with their evidence, taking an unassigned lead, and adding one with a
// field error shown beside its field.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lead } from "../bindings/Lead";
import { type ApiRequest, renderPage, startApi } from "../test-utils";
import LeadsPage from "./LeadsPage";

const ME = "0b6f1f5e-1d2c-4a57-9a0e-5f1c2d3e4a01";
const requests: { method: string; url: string; body: unknown }[] = [];
let api: { close: () => void };

const lead = (id: string, name: string, extra: Partial<Lead>): Lead => ({
  id,
  name,
  company: "",
  email: null,
  phone: null,
  stage: "new",
  score: null,
  bant: { budget: null, authority: null, need: null, timeline: null },
  owner_id: null,
  owner_name: null,
  meeting_ids: [],
  created_at: "2026-12-01T10:00:00Z",
  updated_at: "2026-12-01T10:00:00Z",
  ...extra,
});

let leads: Lead[] = [
  lead("l1", "Paolo Bianchi", {
    company: "Acme Srl",
    email: "paolo@acme.example",
    stage: "qualified",
    score: 63,
    owner_id: ME,
    owner_name: "Sara",
    meeting_ids: ["m1", "m2"],
    bant: {
      budget: { score: 2, evidence: "We set aside forty thousand", meeting_id: null },
      authority: { score: 1, evidence: "I'd have to run it past our CFO", meeting_id: null },
      need: { score: 2, evidence: "Our reps lose two hours a day", meeting_id: null },
      timeline: null,
    },
  }),
  lead("l2", "Inbound from the website", {}),
];

function answer(req: ApiRequest): [number, unknown] {
  const body = req.body ? JSON.parse(req.body) : null;
  requests.push({ method: req.method, url: req.url, body });
  if (req.method === "GET" && req.url === "/api/leads") return [200, leads];
  if (req.method === "PATCH" && req.url === "/api/leads/l2") {
    leads = leads.map((l) => (l.id === "l2" ? { ...l, ...body, owner_name: "Sara" } : l));
    return [200, leads[1]];
  }
  if (req.method === "POST" && req.url === "/api/leads") {
    if (body.phone === "call me") return [422, { error: { code: "invalid", message: "expected a phone number of 6–20 digits", field: "phone" } }];
    return [201, lead("l3", body.name, {})];
  }
  return [404, { error: { code: "not_found", message: "not found" } }];
}

beforeAll(async () => {
  api = await startApi({ id: ME, email: "sara@example.com", display_name: "Sara", role: "seller", organization_id: "o" }, answer);
});

afterAll(() => api.close());

describe("LeadsPage", () => {
  it("shows each BANT criterion with its evidence, takes an unassigned lead and adds one", async () => {
    renderPage(<LeadsPage />);
    const [qualified, inbound] = await screen.findAllByTestId("lead");
    expect(within(qualified).getByTestId("lead-score").textContent).toBe("BANT 63/100");
    const bant = within(qualified).getByTestId("lead-bant");
    expect(bant.querySelector('[data-criterion="budget"]')?.textContent).toContain("met“We set aside forty thousand”");
    expect(bant.querySelector('[data-criterion="authority"]')?.getAttribute("data-score")).toBe("1");
    expect(bant.querySelector('[data-criterion="timeline"]')?.textContent).toContain("not discussed");
    expect(within(qualified).getByTestId("lead-owner").textContent).toBe("Owner: Sara");
    expect(within(qualified).queryByTestId("lead-claim")).toBeNull();
    expect(within(inbound).getByTestId("lead-score").textContent).toBe("Not qualified yet");

    fireEvent.click(within(inbound).getByTestId("lead-claim"));
    await waitFor(() => expect(requests.some((r) => r.method === "PATCH" && r.url === "/api/leads/l2")).toBe(true));
    expect(requests.find((r) => r.method === "PATCH")?.body).toEqual({ owner_id: ME });
    await waitFor(() => expect(within(screen.getAllByTestId("lead")[1]).getByTestId("lead-owner").textContent).toBe("Owner: Sara"));

    fireEvent.change(screen.getByTestId("lead-new-name"), { target: { value: "Giulia Verdi" } });
    fireEvent.change(screen.getByTestId("lead-new-phone"), { target: { value: "call me" } });
    fireEvent.click(screen.getByTestId("lead-add"));
    expect(await screen.findByText("expected a phone number of 6–20 digits")).toBeTruthy();
    expect((screen.getByTestId("lead-new-name") as HTMLInputElement).value).toBe("Giulia Verdi");

    fireEvent.change(screen.getByTestId("lead-new-phone"), { target: { value: "+39 333 123 4567" } });
    fireEvent.click(screen.getByTestId("lead-add"));
    await waitFor(() => expect((screen.getByTestId("lead-new-name") as HTMLInputElement).value).toBe(""));
    const posted = requests.filter((r) => r.method === "POST").map((r) => r.body);
    expect(posted.at(-1)).toEqual({ name: "Giulia Verdi", phone: "+39 333 123 4567" });
  });
});
