// The leads page against a real HTTP server on loopback (the API client's session points at
// it): the BANT criteria with their evidence, taking an unassigned lead, and adding one with a
// field error shown beside its field.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installApiSession, webSession } from "../api/client";
import type { Lead } from "../bindings/Lead";
import type { Wire } from "../lib/wire";
import { renderWithI18n } from "../test-utils";
import LeadsPage from "./LeadsPage";

const ME = "0b6f1f5e-1d2c-4a57-9a0e-5f1c2d3e4a01";
const requests: { method: string; url: string; body: unknown }[] = [];
let server: Server;

const lead = (id: string, name: string, extra: Partial<Wire<Lead>>): Wire<Lead> => ({
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

let leads: Wire<Lead>[] = [
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

async function read(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await read(req);
    requests.push({ method: req.method ?? "", url: req.url ?? "", body });
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(json));
    };
    if (req.method === "GET" && req.url === "/api/leads") return reply(200, leads);
    if (req.method === "PATCH" && req.url === "/api/leads/l2") {
      leads = leads.map((l) => (l.id === "l2" ? { ...l, ...(body as object), owner_name: "Sara" } : l));
      return reply(200, leads[1]);
    }
    if (req.method === "POST" && req.url === "/api/leads") {
      const phone = (body as { phone?: string }).phone;
      if (phone === "call me") return reply(422, { error: { code: "invalid", message: "expected a phone number of 6–20 digits", field: "phone" } });
      return reply(201, lead("l3", (body as { name: string }).name, {}));
    }
    reply(404, { error: { code: "not_found", message: "not found" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const user = { id: ME, email: "sara@example.com", display_name: "Sara", role: "seller", organization_id: "o" };
  installApiSession({
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accessToken: async () => "token-1",
    refresh: async () => null,
    user: () => user as never,
  });
});

afterAll(() => {
  installApiSession(webSession);
  server.close();
});

describe("LeadsPage", () => {
  it("shows each BANT criterion with its evidence, takes an unassigned lead and adds one", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    renderWithI18n(
      <QueryClientProvider client={client}>
        <LeadsPage />
      </QueryClientProvider>,
    );
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
