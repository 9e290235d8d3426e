// The AI agents page against a real HTTP server on loopback (the API client's session points
// at it): a manager sets up an agent question by question with their BANT criteria, sees a
// refused question's error beside it, and the saved agent is listed.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installApiSession, webSession } from "../api/client";
import type { AiAgent } from "../bindings/AiAgent";
import type { Wire } from "../lib/wire";
import { renderWithI18n } from "../test-utils";
import AgentsPage from "./AgentsPage";
import MeetingAgentSelect from "./MeetingAgentSelect";

const SARA = "0b6f1f5e-1d2c-4a57-9a0e-5f1c2d3e4a01";
const posted: unknown[] = [];
const agents: Wire<AiAgent>[] = [];
let assignment: { agent_id: string | null } = { agent_id: null };
let server: Server;

async function read(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = (await read(req)) as Record<string, unknown> | null;
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(json));
    };
    if (req.method === "GET" && req.url === "/api/agents") return reply(200, agents);
    if (req.url === "/api/meetings/mt1/agent") {
      if (req.method === "PUT") assignment = body as { agent_id: string | null };
      return reply(200, assignment);
    }
    if (req.method === "GET" && req.url === "/api/users") {
      return reply(200, [{ id: SARA, organization_id: "o", email: "sara@example.com", display_name: "Sara", role: "seller", slug: "sara", active: true }]);
    }
    if (req.method === "POST" && req.url === "/api/agents" && body) {
      posted.push(body);
      const questions = body.questions as { text: string }[];
      const blank = questions.findIndex((q) => !q.text.trim());
      if (blank >= 0) return reply(422, { error: { code: "invalid", message: "must be 1–300 characters", field: `questions[${blank}].text` } });
      const agent = { ...body, id: "a1", created_at: "2026-12-06T10:00:00Z", updated_at: "2026-12-06T10:00:00Z" } as unknown as Wire<AiAgent>;
      agents.push(agent);
      return reply(201, agent);
    }
    reply(404, { error: { code: "not_found", message: "not found" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const user = { id: "m", email: "marta@example.com", display_name: "Marta", role: "manager", organization_id: "o" };
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

describe("AgentsPage", () => {
  it("sets up an agent question by question with their BANT criteria", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    renderWithI18n(
      <QueryClientProvider client={client}>
        <AgentsPage />
      </QueryClientProvider>,
    );
    expect(await screen.findByText("No AI agents yet.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("agent-new"));
    const form = screen.getByTestId("agent-form");
    fireEvent.change(within(form).getByTestId("agent-name"), { target: { value: "Giulia" } });
    fireEvent.change(within(form).getByTestId("agent-language"), { target: { value: "it" } });
    fireEvent.change(within(form).getByTestId("agent-greeting"), { target: { value: "Buongiorno {guest}, sono Giulia." } });
    fireEvent.change(within(form).getByTestId("agent-question-text"), { target: { value: "Che budget avete previsto?" } });
    fireEvent.click(within(form).getByTestId("agent-add-question"));
    fireEvent.change(within(form).getByTestId("agent-closing"), { target: { value: "Grazie, a presto." } });
    await waitFor(() => expect(within(form).getByTestId("agent-handoff").querySelectorAll("option")).toHaveLength(2));
    fireEvent.change(within(form).getByTestId("agent-handoff"), { target: { value: SARA } });

    // The second question is still blank: the server's error shows beside it.
    fireEvent.click(within(form).getByTestId("agent-save"));
    const second = within(form).getAllByTestId("agent-question")[1];
    expect(await within(second).findByText("must be 1–300 characters")).toBeTruthy();

    fireEvent.change(within(second).getByTestId("agent-question-text"), { target: { value: "Entro quando vorreste partire?" } });
    fireEvent.change(within(second).getByTestId("agent-question-criterion"), { target: { value: "timeline" } });
    fireEvent.click(within(form).getByTestId("agent-save"));
    const row = await screen.findByTestId("agent");
    expect(row.textContent).toContain("Giulia");
    expect(row.textContent).toContain("2 questions · qualified from 50/100");
    expect(posted.at(-1)).toEqual({
      name: "Giulia",
      language: "it",
      persona: "",
      greeting: "Buongiorno {guest}, sono Giulia.",
      questions: [
        { text: "Che budget avete previsto?", criterion: "budget" },
        { text: "Entro quando vorreste partire?", criterion: "timeline" },
      ],
      closing: "Grazie, a presto.",
      handoff_owner_id: SARA,
      qualify_score: 50,
    });
  });

  it("assigns a meeting to the agent and back to its host", async () => {
    agents.splice(0, agents.length, {
      id: "a1", name: "Giulia", language: "it", persona: "", greeting: "Buongiorno {guest}.", closing: "Grazie.",
      questions: [{ text: "Che budget avete previsto?", criterion: "budget" }], handoff_owner_id: null, qualify_score: 50,
      created_at: "2026-12-06T10:00:00Z", updated_at: "2026-12-06T10:00:00Z",
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    renderWithI18n(
      <QueryClientProvider client={client}>
        <MeetingAgentSelect meetingId="mt1" />
      </QueryClientProvider>,
    );
    const select = (await screen.findByTestId("meeting-agent")) as HTMLSelectElement;
    expect(select.value).toBe("");
    fireEvent.change(select, { target: { value: "a1" } });
    await waitFor(() => expect(assignment).toEqual({ agent_id: "a1" }));
    await waitFor(() => expect((screen.getByTestId("meeting-agent") as HTMLSelectElement).value).toBe("a1"));
    fireEvent.change(screen.getByTestId("meeting-agent"), { target: { value: "" } });
    await waitFor(() => expect(assignment).toEqual({ agent_id: null }));
  });
});
