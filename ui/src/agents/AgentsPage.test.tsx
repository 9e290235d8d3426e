// The AI agents page against a real HTTP server on loopback (the API client's session points
// at it): a manager sets up an agent question by question with their BANT criteria and an FAQ
// answer, sees a refused question's error beside it, and the saved agent is listed.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AiAgent } from "../bindings/AiAgent";
import { type ApiRequest, renderPage, startApi } from "../test-utils";
import AgentsPage from "./AgentsPage";
import MeetingAgentSelect from "./MeetingAgentSelect";

const SARA = "0b6f1f5e-1d2c-4a57-9a0e-5f1c2d3e4a01";
const posted: unknown[] = [];
const agents: AiAgent[] = [];
let assignment: { agent_id: string | null } = { agent_id: null };
let api: { close: () => void };

function answer(req: ApiRequest): [number, unknown] {
  const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : null;
  if (req.method === "GET" && req.url === "/api/agents") return [200, agents];
  if (req.url === "/api/meetings/mt1/agent") {
    if (req.method === "PUT") assignment = body as { agent_id: string | null };
    return [200, assignment];
  }
  if (req.method === "GET" && req.url === "/api/users") {
    return [200, [{ id: SARA, organization_id: "o", email: "sara@example.com", display_name: "Sara", role: "seller", slug: "sara", active: true }]];
  }
  if (req.method === "POST" && req.url === "/api/agents" && body) {
    posted.push(body);
    const questions = body.questions as { text: string }[];
    const blank = questions.findIndex((q) => !q.text.trim());
    if (blank >= 0) return [422, { error: { code: "invalid", message: "must be 1–300 characters", field: `questions[${blank}].text` } }];
    const agent = { ...body, id: "a1", created_at: "2026-12-06T10:00:00Z", updated_at: "2026-12-06T10:00:00Z" } as unknown as AiAgent;
    agents.push(agent);
    return [201, agent];
  }
  return [404, { error: { code: "not_found", message: "not found" } }];
}

beforeAll(async () => {
  api = await startApi({ id: "m", email: "marta@example.com", display_name: "Marta", role: "manager", organization_id: "o" }, answer);
});

afterAll(() => api.close());

describe("AgentsPage", () => {
  it("sets up an agent question by question with their BANT criteria", async () => {
    renderPage(<AgentsPage />);
    expect(await screen.findByText("No AI agents yet.")).toBeTruthy();
    fireEvent.click(screen.getByTestId("agent-new"));
    const form = screen.getByTestId("agent-form");
    fireEvent.change(within(form).getByTestId("agent-name"), { target: { value: "Giulia" } });
    fireEvent.change(within(form).getByTestId("agent-language"), { target: { value: "it" } });
    fireEvent.change(within(form).getByTestId("agent-greeting"), { target: { value: "Buongiorno {guest}, sono Giulia." } });
    fireEvent.change(within(form).getByTestId("agent-question-text"), { target: { value: "Che budget avete previsto?" } });
    fireEvent.click(within(form).getByTestId("agent-add-question"));
    fireEvent.click(within(form).getByTestId("agent-add-faq"));
    fireEvent.change(within(form).getByTestId("agent-faq-question"), { target: { value: "Quanto costa al mese?" } });
    fireEvent.change(within(form).getByTestId("agent-faq-answer"), { target: { value: "Quaranta euro per utente al mese." } });
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
      faq: [{ question: "Quanto costa al mese?", answer: "Quaranta euro per utente al mese." }],
      closing: "Grazie, a presto.",
      handoff_owner_id: SARA,
      qualify_score: 50,
    });
  });

  it("assigns a meeting to the agent and back to its host", async () => {
    agents.splice(0, agents.length, {
      id: "a1", name: "Giulia", language: "it", persona: "", greeting: "Buongiorno {guest}.", closing: "Grazie.",
      questions: [{ text: "Che budget avete previsto?", criterion: "budget" }], faq: [], handoff_owner_id: null, qualify_score: 50,
      created_at: "2026-12-06T10:00:00Z", updated_at: "2026-12-06T10:00:00Z",
    });
    renderPage(<MeetingAgentSelect meetingId="mt1" />);
    const select = (await screen.findByTestId("meeting-agent")) as HTMLSelectElement;
    expect(select.value).toBe("");
    fireEvent.change(select, { target: { value: "a1" } });
    await waitFor(() => expect(assignment).toEqual({ agent_id: "a1" }));
    await waitFor(() => expect((screen.getByTestId("meeting-agent") as HTMLSelectElement).value).toBe("a1"));
    fireEvent.change(screen.getByTestId("meeting-agent"), { target: { value: "" } });
    await waitFor(() => expect(assignment).toEqual({ agent_id: null }));
  });
});
