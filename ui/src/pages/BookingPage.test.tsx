// The booking page against a real HTTP server on loopback: for a meeting type an AI agent runs,
// the prospect may talk to the agent now instead of booking a time; the page sends their
// details and offers the call's guest link.
import { fireEvent, screen } from "@testing-library/react";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryRouter, Route, Routes } from "react-router";
import { type ApiRequest, renderPage, startApi } from "../test-utils";
import BookingPage from "./BookingPage";

const requests: ApiRequest[] = [];
let api: { close: () => void };

function answer(req: ApiRequest): [number, unknown] {
  requests.push(req);
  if (req.method === "GET" && req.url === "/api/book/sam") {
    return [200, {
      seller_name: "Sam", seller_intro: "", seller_photo_url: null, organization_name: "Acme", time_zone: "Europe/Rome",
      meeting_types: [{ slug: "demo", title: "Demo", duration_minutes: 30, description: "", ai_agent_name: "Giulia" }],
    }];
  }
  if (req.method === "GET" && req.url?.startsWith("/api/book/sam/slots")) return [200, []];
  if (req.method === "POST" && req.url === "/api/book/sam/now") return [201, { meeting_id: "m1", meeting_url: "http://closer.test/meet/m1" }];
  return [404, { error: { code: "not_found", message: "not found" } }];
}

beforeAll(async () => {
  // jsdom lays nothing out: the page scrolls its details form into view.
  Element.prototype.scrollIntoView = () => {};
  api = await startApi({}, answer);
});

afterAll(() => api.close());

describe("BookingPage", () => {
  it("lets the prospect talk to the meeting type's AI agent now", async () => {
    renderPage(
      <MemoryRouter initialEntries={["/book/sam"]}>
        <Routes>
          <Route path="/book/:slug" element={<BookingPage />} />
        </Routes>
      </MemoryRouter>,
    );
    expect((await screen.findByTestId("meeting-type-agent")).textContent).toBe("With our AI consultant Giulia");
    fireEvent.click(screen.getByTestId("talk-now-start"));
    fireEvent.change(screen.getByTestId("book-name"), { target: { value: "Lucia Verdi" } });
    fireEvent.change(screen.getByTestId("book-email"), { target: { value: "lucia@verdi.example" } });
    fireEvent.change(screen.getByTestId("book-company"), { target: { value: "Verdi Srl" } });
    expect(screen.getByTestId("book-confirm").textContent).toBe("Talk to Giulia now");
    fireEvent.click(screen.getByTestId("book-confirm"));
    expect((await screen.findByTestId("talk-now-ready")).textContent).toContain("Giulia is ready for you");
    expect(screen.getByTestId("talk-now-join").getAttribute("href")).toBe("http://closer.test/meet/m1");
    const posted = requests.find((r) => r.method === "POST");
    expect(JSON.parse(posted!.body)).toEqual({ meeting_type: "demo", name: "Lucia Verdi", email: "lucia@verdi.example", company: "Verdi Srl" });
  });
});
