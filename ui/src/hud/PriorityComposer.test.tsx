import { fireEvent, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { renderWithI18n } from "../test-utils";
import { PriorityComposer } from "./PriorityComposer";

function composer(deliver: (text: string) => Promise<unknown>) {
  renderWithI18n(
    <QueryClientProvider client={new QueryClient()}>
      <PriorityComposer deliver={deliver} />
    </QueryClientProvider>,
  );
  return screen.getByTestId("priority-text") as HTMLTextAreaElement;
}

describe("PriorityComposer", () => {
  it("sends the trimmed text on Enter, clears the field and says it was sent", async () => {
    const sent: string[] = [];
    const text = composer(async (t) => void sent.push(t));
    fireEvent.change(text, { target: { value: "  Ask about the timeline now \n" } });
    fireEvent.keyDown(text, { key: "Enter" });
    await screen.findByTestId("priority-sent");
    expect(sent).toEqual(["Ask about the timeline now"]);
    expect(text.value).toBe("");
  });

  it("keeps a blank message and Shift+Enter from sending, and shows a failed delivery", async () => {
    const sent: string[] = [];
    const text = composer(async (t) => {
      sent.push(t);
      throw new Error("the meeting is not live");
    });
    fireEvent.change(text, { target: { value: "   " } });
    expect((screen.getByTestId("priority-send") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(text, { target: { value: "Budget?" } });
    fireEvent.keyDown(text, { key: "Enter", shiftKey: true });
    expect(sent).toEqual([]);
    fireEvent.click(screen.getByTestId("priority-send"));
    await waitFor(() => expect(screen.getByText("the meeting is not live")).toBeTruthy());
    expect(sent).toEqual(["Budget?"]);
    expect(text.value).toBe("Budget?");
  });
});
