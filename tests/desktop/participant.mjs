// Call participants for the desktop spec, which runs no browser per participant: each is the
// `speak` example of closer-rtc (backend/rtc/examples/speak.rs; tests/desktop/run builds it and
// sets CLOSER_SPEAK), joined to the meeting's LiveKit room with its own token and speaking its
// fixture track into a microphone in real time. The copilot hears them as it hears any call: its
// LiveKit agent subscribes their microphones; nothing uploads audio.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

// Node 20 has no global WebSocket: `ws` (a pinned devDependency of ui/).
const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "ui", "package.json"));
export const WebSocket = require("ws");

/**
 * Joins `access` (a token answer: `livekit_url`, `token`) and speaks the first `seconds` of
 * `wav`. Returns `{ identity, packets, spoken, leave }`: `packets` collects the data packets it
 * receives (`{ topic, payload }`), `spoken` resolves when the WAV is done (the participant stays,
 * silent), `leave()` makes it leave the room and resolves when it has.
 */
export async function participant(access, wav, seconds) {
  const child = spawn(process.env.CLOSER_SPEAK, [access.livekit_url, access.token, wav, String(seconds)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const packets = [];
  let joined;
  let spoke;
  const joinedP = new Promise((resolve) => (joined = resolve));
  const spoken = new Promise((resolve) => (spoke = resolve));
  const exited = new Promise((resolve) => {
    child.on("exit", resolve);
    child.on("error", (e) => resolve(e.message)); // e.g. CLOSER_SPEAK missing
  });
  let buffered = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      if (line.joined) joined(line.joined);
      else if (line.spoke !== undefined) spoke();
      else packets.push(line);
    }
  });
  const identity = await Promise.race([
    joinedP,
    exited.then((code) => {
      throw new Error(`speak exited (${code}) before joining the room`);
    }),
  ]);
  return {
    identity,
    packets,
    spoken,
    leave: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
