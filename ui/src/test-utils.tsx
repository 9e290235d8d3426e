import type { ReactNode } from "react";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { render } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { installApiSession, webSession } from "./api/client";
import { I18nProvider } from "./i18n";

export function renderWithI18n(node: ReactNode) {
  return render(<I18nProvider>{node}</I18nProvider>);
}

/** `node` under the translations and a fresh query client that does not retry. */
export function renderPage(node: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return renderWithI18n(<QueryClientProvider client={client}>{node}</QueryClientProvider>);
}

/** One request as a page test's API server received it; `body` is the raw text ("" when none). */
export type ApiRequest = { method: string; url: string; body: string };

/**
 * A real JSON API on loopback for page tests: `answer` gives each request's status and JSON
 * reply, and the API client's session points at the server, signed in as `user`, until
 * `close()` (which restores the web session).
 */
export async function startApi(user: object, answer: (req: ApiRequest) => [number, unknown]): Promise<{ close: () => void }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const [status, reply] = answer({ method: req.method ?? "", url: req.url ?? "", body });
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  installApiSession({
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accessToken: async () => "token-1",
    refresh: async () => null,
    user: () => user as never,
  });
  return {
    close: () => {
      installApiSession(webSession);
      server.close();
    },
  };
}
