// The desktop HUD's "Present now" asks the backend (a real HTTP server on loopback standing in
// for it) and follows what it answers.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ReactNode } from "react";
import { act, renderHook, waitFor } from "@testing-library/react";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installApiSession, webSession } from "../api/client";
import { I18nProvider } from "../i18n";
import type { CardEvent } from "../hud/state";
import { usePresenter } from "./usePresenter";

let server: Server;
const requests: string[] = [];
let guestsInCall = true;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    if (req.method === "POST" && !guestsInCall) {
      res.writeHead(409, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { code: "conflict", message: "No guest is in the call yet" } }));
      return;
    }
    res.writeHead(204);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  installApiSession({ origin, accessToken: async () => "token", refresh: async () => null, user: () => null });
});

afterAll(() => {
  installApiSession(webSession);
  server.close();
});

beforeEach(() => {
  requests.length = 0;
  guestsInCall = true;
  localStorage.setItem("closer.lang", JSON.stringify("it"));
});

const card = { objection: "price competitor" } as CardEvent;
const wrapper = ({ children }: { children: ReactNode }) => <I18nProvider>{children}</I18nProvider>;

describe("usePresenter", () => {
  it("presents through the backend, then stops", async () => {
    const { result } = renderHook(() => usePresenter("m-1"), { wrapper });
    act(() => result.current.present(card));
    await waitFor(() => expect(result.current.presenting).toBe("price competitor"));
    expect(requests).toEqual(["POST /api/meetings/m-1/battle-cards/price%20competitor/present Bearer token"]);
    act(() => result.current.stop());
    await waitFor(() => expect(result.current.presenting).toBeNull());
    expect(requests[1]).toBe("DELETE /api/meetings/m-1/presentation Bearer token");
    expect(result.current.error).toBeNull();
  });

  it("says in the UI's language that nobody is there to present to", async () => {
    guestsInCall = false;
    const { result } = renderHook(() => usePresenter("m-1"), { wrapper });
    act(() => result.current.present(card));
    await waitFor(() => expect(result.current.error).toBe("Nessun ospite è ancora nella chiamata: non c'è nessuno a cui mostrarla."));
    expect(result.current.presenting).toBeNull();
  });
});
