// The webhooks page against a real HTTP server on loopback (the API client's session points at
// it): rotating an endpoint's secret asks first, shows the new secret once, refreshes its hint.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { installApiSession, webSession } from "../api/client";
import { renderWithI18n } from "../test-utils";
import WebhooksPage from "./WebhooksPage";

const ID = "5b0e8c52-6f0e-4c1b-9a57-2f7c1d3e4a10";
let hint = "a1b2";
const calls: string[] = [];
let server: Server;

const endpoint = () => ({
  id: ID,
  url: "https://crm.example.com/hooks/closer",
  events: ["meeting.processed"],
  description: "CRM",
  active: true,
  secret_hint: hint,
  created_at: "2026-11-21T10:00:00Z",
  updated_at: "2026-11-21T10:00:00Z",
});

function answer(req: IncomingMessage): unknown {
  if (req.method === "POST" && req.url === `/api/webhooks/${ID}/rotate-secret`) {
    hint = "9f3a";
    return { endpoint: endpoint(), secret: "whsec_rotated_0123456789abcdef9f3a" };
  }
  if (req.url === "/api/webhooks") return [endpoint()];
  if (req.url === "/api/webhooks/event-types") return [{ type: "meeting.processed", description: "A recap is ready" }];
  if (req.url === `/api/webhooks/${ID}/deliveries`) return [];
  return null;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
    const body = answer(req);
    res.writeHead(body === null ? 404 : 200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(body ?? { error: { code: "not_found", message: "not found" } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const user = { id: "u", email: "manager@example.com", display_name: "Marta", role: "manager", org_id: "o" };
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

describe("WebhooksPage", () => {
  it("rotates an endpoint's secret after confirmation and shows the new one once", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    renderWithI18n(
      <QueryClientProvider client={client}>
        <WebhooksPage />
      </QueryClientProvider>,
    );
    const row = await screen.findByTestId("wh-endpoint");
    expect(row.textContent).toContain("secret …a1b2");

    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false);
    fireEvent.click(within(row).getByTestId("wh-rotate"));
    expect(confirm).toHaveBeenCalledWith(expect.stringMatching(/signed with the new one/));
    expect(calls.filter((c) => c.includes("rotate-secret"))).toEqual([]);

    confirm.mockReturnValueOnce(true);
    fireEvent.click(within(row).getByTestId("wh-rotate"));
    const secret = await within(row).findByTestId("wh-secret");
    expect(secret.textContent).toContain("whsec_rotated_0123456789abcdef9f3a");
    // Shown once, so copied in one click.
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    fireEvent.click(within(secret).getByTestId("wh-secret-copy"));
    expect(writeText).toHaveBeenCalledWith("whsec_rotated_0123456789abcdef9f3a");
    await waitFor(() => expect(within(secret).getByTestId("wh-secret-copy").textContent).toBe("Copied"));
    expect(calls).toContain(`POST /api/webhooks/${ID}/rotate-secret Bearer token-1`);
    await waitFor(() => expect(screen.getByTestId("wh-endpoint").textContent).toContain("secret …9f3a"));
    confirm.mockRestore();
  });
});
