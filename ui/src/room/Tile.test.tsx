import { describe, expect, it } from "vitest";
import { screen } from "@testing-library/react";
import { ParticipantKind, RemoteParticipant, Track } from "livekit-client";
import { Tile } from "./Tile";
import { renderWithI18n } from "../test-utils";

/** A remote participant as the room lists it, without a connection (no tracks). */
function participant(identity: string, name: string, kind: ParticipantKind) {
  return new RemoteParticipant(undefined as unknown as ConstructorParameters<typeof RemoteParticipant>[0], `PA_${identity}`, identity, name, "", {}, undefined, kind);
}

function tileOf(p: RemoteParticipant) {
  return renderWithI18n(<Tile trackRef={{ participant: p, source: Track.Source.Camera }} />);
}

describe("Tile", () => {
  it("labels an AI agent running the call, by its name", () => {
    tileOf(participant("agent-ai", "Alex", ParticipantKind.AGENT));
    expect(screen.getByTestId("tile-name").textContent).toBe("Alex");
    expect(screen.getByTestId("tile-ai-agent").textContent).toBe("AI agent");
  });

  it("does not label people", () => {
    tileOf(participant("guest-anna", "Anna Rossi", ParticipantKind.STANDARD));
    expect(screen.getByTestId("tile-name").textContent).toBe("Anna Rossi");
    expect(screen.queryByTestId("tile-ai-agent")).toBeNull();
  });
});
