import { act, fireEvent, screen } from "@testing-library/react";
import { vi } from "vitest";
import { GreenRoom } from "./GreenRoom";
import { renderWithI18n } from "../test-utils";

function mockMedia(getUserMedia: () => Promise<MediaStream>) {
  Object.defineProperty(navigator, "mediaDevices", {
    configurable: true,
    value: { getUserMedia: vi.fn(getUserMedia), enumerateDevices: vi.fn(async () => []), addEventListener: vi.fn(), removeEventListener: vi.fn() },
  });
}

const denied = () => Promise.reject(Object.assign(new Error("denied"), { name: "NotAllowedError" }));

describe("GreenRoom", () => {
  beforeEach(() => localStorage.clear());

  it("explains blocked camera/microphone and still lets the guest join without them", async () => {
    mockMedia(denied);
    const onJoin = vi.fn();
    renderWithI18n(<GreenRoom title="Demo" askName askConsent onJoin={onJoin} />);
    expect(await screen.findByTestId("permission-denied")).toHaveProperty("textContent", expect.stringContaining("blocked"));
    fireEvent.change(screen.getByTestId("name"), { target: { value: "  Sarah " } });
    fireEvent.click(screen.getByTestId("consent-decline"));
    await act(async () => fireEvent.click(screen.getByTestId("join-without")));
    expect(onJoin).toHaveBeenCalledWith(expect.objectContaining({ name: "Sarah", consent: "declined", choice: expect.objectContaining({ audio: false, video: false }) }));
  });

  it("requires a name and an AI-consent choice before joining", async () => {
    mockMedia(denied);
    const onJoin = vi.fn();
    renderWithI18n(<GreenRoom title="Demo" askName askConsent onJoin={onJoin} />);
    await screen.findByTestId("permission-denied");
    fireEvent.click(screen.getByTestId("join"));
    expect(onJoin).not.toHaveBeenCalled();
    expect(screen.getByText("Enter your name to join.")).toBeTruthy();
    expect(screen.getByText("Please accept or decline AI assistance first.")).toBeTruthy();
    expect(screen.getByTestId("consent-text").textContent).toBe("This call is assisted by AI for quality purposes");
    fireEvent.change(screen.getByTestId("name"), { target: { value: "Tom" } });
    fireEvent.click(screen.getByTestId("consent-accept"));
    expect(screen.getByTestId("consent-banner").getAttribute("data-consent")).toBe("accepted");
    fireEvent.click(screen.getByTestId("join"));
    expect(onJoin).toHaveBeenCalledWith(expect.objectContaining({ name: "Tom", consent: "accepted" }));
  });

  it("lets the host join without name or consent", async () => {
    mockMedia(denied);
    const onJoin = vi.fn();
    renderWithI18n(<GreenRoom title="Demo" onJoin={onJoin} />);
    await screen.findByTestId("permission-denied");
    expect(screen.queryByTestId("consent-banner")).toBeNull();
    fireEvent.click(screen.getByTestId("join"));
    expect(onJoin).toHaveBeenCalledWith(expect.objectContaining({ consent: null }));
  });
});
