// Shared helpers of the end-to-end tests: Debian's Chromium driven by playwright-core, each
// browser with its own fake microphone (a WAV file) and fake camera, against the server that
// tests/e2e/run started (CLOSER_E2E_URL).
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..", "..");
// playwright-core is a devDependency of the UI package (installed by `npm ci` in ui/).
const require = createRequire(join(repo, "ui", "package.json"));
export const { chromium } = require("playwright-core");

export const BASE = process.env.CLOSER_E2E_URL ?? "http://127.0.0.1:8787";
export const PASSWORD = process.env.CLOSER_SEED_PASSWORD ?? "";
export const FIXTURES = process.env.CLOSER_FIXTURES_DIR ?? join(process.env.HOME ?? "/root", ".cache/closer/fixtures");
export const OUTPUT = join(repo, "tests", "output");
mkdirSync(OUTPUT, { recursive: true });

export const USERS = {
  seller: "seller@closer-demo.example.com",
  manager: "manager@closer-demo.example.com",
  admin: "admin@closer-demo.example.com",
};

/** Starts one Chromium with `wav` (16 kHz mono) as its microphone; `close()` removes its profile. */
export async function launch({ wav, headless = true } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "closer-e2e-chromium-"));
  const args = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    // LiveKit on 127.0.0.1 offers only loopback ICE candidates.
    "--allow-loopback-in-peer-connection",
    // Keep timers and media running in background pages (several browsers share 2 cores).
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    ...(process.env.CLOSER_E2E_CHROME_LOG ? ["--enable-logging=stderr", "--v=0", "--vmodule=*/p2p/*=1,*/pc/*=1"] : []),
  ];
  if (wav) args.push(`--use-file-for-fake-audio-capture=${wav}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless,
    args,
    viewport: { width: 1280, height: 720 },
    permissions: ["camera", "microphone"],
    locale: "en-US",
  });
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

/** JSON API call with an optional bearer token. */
export async function api(path, { method = "GET", body, token, headers = {}, raw } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: {
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  if (!res.ok) {
    const error = new Error(`${method} ${path}: ${res.status} ${text}`);
    error.status = res.status;
    throw error;
  }
  return json;
}

export async function session(email) {
  return api("/api/auth/login", { method: "POST", body: { email, password: PASSWORD } });
}

/** Signs a page in by storing a session the way the UI does (no login form round trip). */
export async function signIn(context, email) {
  const s = await session(email);
  await context.addInitScript((stored) => {
    if (!localStorage.getItem("closer.session")) localStorage.setItem("closer.session", stored);
  }, JSON.stringify({ access_token: s.access_token, refresh_token: s.refresh_token, expires_at: Date.now() + s.expires_in * 1000, user: s.user }));
  return s;
}

export async function shot(page, name) {
  const path = join(OUTPUT, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export function writeOutput(name, data) {
  writeFileSync(join(OUTPUT, name), typeof data === "string" ? data : JSON.stringify(data, null, 2));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (or throws after `timeout` ms). */
export async function until(fn, { timeout = 10_000, interval = 100, what = "condition" } = {}) {
  const start = Date.now();
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(interval);
  }
}

/** Guest flow on `/meet/<id>`: name, consent, optionally mic/camera off, join; waits for the room. */
export async function joinAsGuest(page, meetingId, { name, consent = "accept", mic = true, camera = true, screenshot } = {}) {
  await page.goto(`${BASE}/meet/${meetingId}`);
  await page.getByTestId("green-room").waitFor({ timeout: 60_000 });
  await page.getByTestId("name").fill(name);
  await page.getByTestId(consent === "accept" ? "consent-accept" : "consent-decline").click();
  if (!mic) await page.getByTestId("green-toggle-mic").click();
  if (!camera) await page.getByTestId("green-toggle-camera").click();
  if (screenshot) {
    if (camera) await page.waitForFunction(() => {
      const v = document.querySelector("[data-testid=preview]");
      return v && v.videoWidth > 0 && v.currentTime > 0.3;
    });
    await page.waitForTimeout(700); // let the level meter move
    await shot(page, screenshot);
  }
  await page.getByTestId("join").click();
  await page.getByTestId("room").waitFor({ timeout: 60_000 });
}

/** Names on the participant tiles of a room page. */
export async function tileNames(page) {
  return page.$$eval("[data-testid=tile]", (tiles) => tiles.map((t) => t.getAttribute("data-name")));
}

/**
 * Records when HUD elements appear (MutationObserver, wall clock), from before the page's
 * own scripts run: checklist ticks, battle cards, final transcript lines, manager messages.
 */
export const HUD_RECORDER = () => {
  const events = [];
  const seen = new Set();
  window.__e2eHud = events;
  const record = (key, event) => {
    if (seen.has(key)) return;
    seen.add(key);
    events.push({ ...event, at: Date.now() });
  };
  const scan = () => {
    for (const el of document.querySelectorAll("[data-testid=checklist-item][data-ticked=true]")) record(`tick:${el.dataset.key}`, { kind: "tick", key: el.dataset.key });
    for (const el of document.querySelectorAll("[data-testid=battle-card]")) record(`card:${el.dataset.objection}`, { kind: "card", key: el.dataset.objection });
    for (const el of document.querySelectorAll("[data-testid=transcript-line][data-final=true]")) {
      record(`line:${el.dataset.speaker}:${el.textContent}`, { kind: "line", speaker: el.dataset.speaker, name: el.dataset.speakerName, text: el.textContent });
    }
    for (const el of document.querySelectorAll("[data-testid=manager-message]")) record(`msg:${el.textContent}`, { kind: "message", text: el.textContent });
  };
  const start = () => new MutationObserver(scan).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  if (document.documentElement) start();
  else document.addEventListener("DOMContentLoaded", start);
};

/** Keeps every WebRTC data-channel message a page receives (`window.__e2eData`). */
export const DATA_RECORDER = () => {
  const received = [];
  window.__e2eData = received;
  const decoder = new TextDecoder("utf-8", { fatal: false });
  const hook = (channel) =>
    channel.addEventListener("message", (ev) => {
      const d = ev.data;
      const bytes = typeof d === "string" ? new TextEncoder().encode(d) : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer ?? []);
      received.push({ label: channel.label, size: bytes.length, text: decoder.decode(bytes.subarray(0, 4096)) });
    });
  const Original = window.RTCPeerConnection;
  class Recorded extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener("datachannel", (ev) => hook(ev.channel));
    }
    createDataChannel(...args) {
      const channel = super.createDataChannel(...args);
      hook(channel);
      return channel;
    }
  }
  window.RTCPeerConnection = Recorded;
};

/** LiveKit's own participant list of a room (RoomService over Twirp, admin token). */
export async function livekitParticipants(room) {
  const { createHmac } = await import("node:crypto");
  const key = process.env.CLOSER_LIVEKIT_API_KEY;
  const secret = process.env.CLOSER_LIVEKIT_API_SECRET;
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: key, sub: "e2e", nbf: now - 5, exp: now + 300, video: { roomAdmin: true, room } })}`;
  const token = `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
  const res = await fetch(`${process.env.CLOSER_LIVEKIT_URL}/twirp/livekit.RoomService/ListParticipants`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ room }),
  });
  if (!res.ok) throw new Error(`ListParticipants ${res.status} ${await res.text()}`);
  return (await res.json()).participants ?? [];
}

/**
 * Where each scripted turn ended as the seller's tap heard it. `segments` are the tap's
 * energy-detected speech spans of one participant (wall ms); `turns` that speaker's turns from
 * the fixture's timeline.json (ms from the start of the WAV). The WAV's start is found by
 * aligning the two patterns; each turn's end is then the detected span end nearest to it.
 */
export function alignTurns(segments, turns) {
  if (segments.length === 0 || turns.length === 0) return null;
  const score = (t0) => {
    let s = 0;
    for (const t of turns) {
      const a = t0 + t.start_ms;
      const b = t0 + t.end_ms;
      for (const [x, y] of segments) s += Math.max(0, Math.min(b, y) - Math.max(a, x));
    }
    return s;
  };
  let best = { t0: segments[0][0] - turns[0].start_ms, score: -1 };
  for (const [x] of segments.slice(0, 12)) {
    for (const t of turns.slice(0, 6)) {
      const t0 = x - t.start_ms;
      const s = score(t0);
      if (s > best.score) best = { t0, score: s };
    }
  }
  const ends = turns.map((t) => {
    const predicted = best.t0 + t.end_ms;
    let nearest = null;
    for (const [, y] of segments) if (Math.abs(y - predicted) < 1500 && (nearest === null || Math.abs(y - predicted) < Math.abs(nearest - predicted))) nearest = y;
    return { ...t, predictedEnd: predicted, heardEnd: nearest, end: nearest ?? predicted };
  });
  return { t0: best.t0, turns: ends };
}
