// The desktop app on a real desktop (tests/desktop/run: an X server with two monitors, openbox,
// a real pointer and keyboard through xdotool): the HUD opens top-centre of the primary monitor,
// is dragged by its handle and remembered per monitor across restarts (and when a monitor is
// unplugged); Ctrl+Shift+H hides and shows it from anywhere; click-through lets a real click
// reach the window below; compact ⇄ expanded pins the window's size; closer:// links opened by
// the OS (xdg-open → the .deb's desktop entry → a second launch) reach the running instance;
// a guest asking for the seller is an OS notification (dunst); a playbook is exported through
// the save dialog.
// Started by tests/desktop/run, which provides the environment.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  api, appProcesses, appSettings, BASE, By, byTestId, env, HUD_URL, MAIN_URL, MANAGER, OPENED, PASSWORD, rememberedHud, repo, SELLER, settingsPath, quitApp, signIn, startApp, switchToWindow, until,
} from "./app.mjs";
import { click, dragWindow, geometry, monitor, monitorKey, settled, sizeHints, windowId, x, xdotool } from "./x11.mjs";

/** HUD size, px (`hud.rs`: WIDTH, EXPANDED_HEIGHT, COMPACT_HEIGHT). */
const HUD = { width: 400, expanded: 560, compact: 52 };
/** `placement::TOP_MARGIN`, px at scale 1. */
const TOP_MARGIN = 8;

let driver;
let seller;
let discovery;
let meeting; // the one joined from the list
let other; // the one a closer:// link opens

before(async () => {
  // A first launch: no settings yet (the specs before this one leave theirs).
  rmSync(settingsPath(), { force: true });
  seller = await api("/api/auth/login", { method: "POST", body: { email: SELLER, password: PASSWORD } });
  const playbooks = await api("/api/playbooks", { token: seller.access_token });
  discovery = playbooks.find((p) => p.name.startsWith("Discovery Call"));
  assert.ok(discovery, `seeded playbooks: ${playbooks.map((p) => p.name)}`);
  const create = (title) =>
    api("/api/meetings", {
      method: "POST",
      token: seller.access_token,
      body: { title: `${title} ${Date.now()}`, playbook_id: discovery.id, starts_at: new Date().toISOString(), duration_minutes: 30 },
    });
  meeting = await create("Desktop OS e2e");
  other = await create("Desktop deep link e2e");
});

after(async () => {
  if (driver) await quitApp(driver).catch((e) => console.error(e));
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; fails with `message` (and the last value) after `timeout` ms. */
async function until_(fn, message, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(200);
  }
  assert.fail(`${message} (last: ${JSON.stringify(last)})`);
}

/** Joins `id` from today's meetings; the HUD window's X id once it shows its meeting. */
async function joinMeeting(id) {
  await switchToWindow(driver, MAIN_URL);
  await driver.findElement(byTestId("tab-meetings")).click();
  const row = await driver.wait(until.elementLocated(By.css(`[data-meeting-id="${id}"]`)), 30_000);
  await row.findElement(byTestId("join-meeting")).click();
  await driver.wait(until.elementLocated(byTestId("join-outcome")), 30_000);
  await switchToWindow(driver, new RegExp(`#/hud/${id}`));
  // Shown, and the app knows where its handle is (it starts the user's drags from there).
  await driver.wait(until.elementLocated(By.css('[data-testid="desktop-hud"][data-drag-region="reported"]')), 30_000);
  const hudId = windowId("Closer HUD");
  await until_(() => geometry(hudId).mapped, "the HUD window is shown");
  return hudId;
}

/** A point on the HUD's drag handle (its title, clear of the collapse button), screen px. */
async function handlePoint(hudId) {
  await switchToWindow(driver, HUD_URL);
  const [left, top, height] = await driver.executeScript(
    `const r = document.querySelector('[data-testid="hud-handle"]').getBoundingClientRect(); return [r.left, r.top, r.height];`,
  );
  const at = geometry(hudId);
  return [Math.round(at.x + left + 60), Math.round(at.y + top + height / 2)];
}

/** Drags the HUD by its handle so that its top-left corner lands on `target` ([x, y], px). */
async function dragHudTo(hudId, target) {
  return dragWindow(hudId, await handlePoint(hudId), target);
}

const near = (a, b, what, tolerance = 2) => assert.ok(Math.abs(a - b) <= tolerance, `${what}: ${a}, expected ${b} ± ${tolerance}`);

test("the HUD opens top-centre of the primary monitor, is dragged and remembered per monitor across restarts", { timeout: 400_000 }, async (t) => {
  const primary = monitor();
  const left = monitor("DUMMY0");
  assert.notEqual(primary.name, left.name, "tests/desktop/run lays out two monitors, the right one primary");

  driver = await startApp();
  await signIn(driver, SELLER);
  let hudId = await joinMeeting(meeting.id);

  // First launch: top-centre of the primary monitor (not of the first one, not of the whole
  // desktop), just below its top edge.
  const home = await settled(hudId);
  assert.equal(home.width, HUD.width);
  assert.equal(home.height, HUD.expanded);
  assert.equal(home.x, primary.x + (primary.width - HUD.width) / 2, `centred on ${primary.name}`);
  assert.equal(home.y, primary.y + TOP_MARGIN);
  assert.deepEqual(rememberedHud(), { offsets: {}, last: null }, "placing the HUD remembers nothing: only the user's drags are");

  // Dragged by its handle with the pointer, on the primary monitor… The app starts the drag
  // from GDK's press event itself (hud_gtk_drag.rs): the page never sees that press.
  await switchToWindow(driver, HUD_URL);
  await driver.executeScript(`window.__pageSaw = []; for (const type of ["mousedown", "pointerdown"]) document.addEventListener(type, (e) => window.__pageSaw.push(e.type), true);`);
  const onPrimary = [home.x + 250, home.y + 180];
  const moved = await dragHudTo(hudId, onPrimary);
  assert.deepEqual(await driver.executeScript("return window.__pageSaw;"), [], "the press on the handle went to the app, not to the page");
  near(moved.x, onPrimary[0], "x after the drag");
  near(moved.y, onPrimary[1], "y after the drag");
  const primaryOffset = { x: moved.x - primary.x, y: moved.y - primary.y };
  await until_(() => appSettings().hud.offsets[monitorKey(primary)]?.x === primaryOffset.x && appSettings().hud.offsets[monitorKey(primary)]?.y === primaryOffset.y, `offset ${JSON.stringify(primaryOffset)} remembered for ${primary.name}`);

  // …then onto the other monitor.
  const onLeft = [left.x + 300, left.y + 400];
  const dropped = await dragHudTo(hudId, onLeft);
  near(dropped.x, onLeft[0], "x on the left monitor");
  near(dropped.y, onLeft[1], "y on the left monitor");
  const leftOffset = { x: dropped.x - left.x, y: dropped.y - left.y };
  const saved = await until_(() => {
    const s = appSettings().hud;
    return s.last === monitorKey(left) && s.offsets[monitorKey(left)]?.x === leftOffset.x && s.offsets[monitorKey(left)]?.y === leftOffset.y && s;
  }, `the HUD remembered on ${left.name}`);
  assert.deepEqual(saved.offsets[monitorKey(primary)], primaryOffset, "the primary monitor keeps its own position");

  // Restart: the HUD comes back on the monitor it was left on, where it was dropped.
  await quitApp(driver);
  driver = await startApp();
  await driver.wait(until.elementLocated(byTestId("signed-in-as")), 60_000);
  hudId = await joinMeeting(meeting.id);
  const back = await settled(hudId);
  assert.deepEqual([back.x, back.y], onLeft, "after a restart the HUD is where it was dropped on the left monitor");

  // The left monitor unplugged (the primary now starts at the desktop's left edge): the HUD
  // opens at the primary's own remembered place, not at the left one's, not at the default.
  await quitApp(driver);
  driver = undefined;
  x("xrandr", ["--output", left.name, "--off"]);
  t.after(() => x(join(repo, "tests", "desktop", "monitors"), []));
  const alone = monitor(primary.name);
  driver = await startApp();
  await driver.wait(until.elementLocated(byTestId("signed-in-as")), 60_000);
  hudId = await joinMeeting(meeting.id);
  const unplugged = await settled(hudId);
  assert.deepEqual([unplugged.x, unplugged.y], [alone.x + primaryOffset.x, alone.y + primaryOffset.y], `with ${left.name} gone the HUD opens where it was dragged on ${primary.name}`);

  // Opening it on the primary while the left monitor was gone remembered nothing: only the
  // user's drags are remembered. Plugged back in, the HUD opens again where the user left it,
  // on the left monitor (a laptop re-docked: the HUD goes back to the external screen).
  assert.deepEqual(rememberedHud(), saved, "opening the HUD elsewhere changes no remembered position or monitor");
  await quitApp(driver);
  driver = undefined;
  x(join(repo, "tests", "desktop", "monitors"), []);
  driver = await startApp();
  await driver.wait(until.elementLocated(byTestId("signed-in-as")), 60_000);
  hudId = await joinMeeting(meeting.id);
  const replugged = await settled(hudId);
  assert.deepEqual([replugged.x, replugged.y], onLeft, `back on ${left.name} where it was dropped`);
  assert.deepEqual(rememberedHud(), saved, "each monitor keeps its own place");
});

test("Ctrl+Shift+H hides and shows the HUD from any application", { timeout: 60_000 }, async () => {
  const hudId = windowId("Closer HUD");
  const shown = geometry(hudId);
  assert.ok(shown.mapped, "the HUD is shown");
  xdotool("key", "ctrl+shift+h");
  await until_(() => !geometry(hudId).mapped, "Ctrl+Shift+H hides the HUD");
  await sleep(500);
  assert.equal(geometry(hudId).mapped, false, "it stays hidden");
  xdotool("key", "ctrl+shift+h");
  await until_(() => geometry(hudId).mapped, "Ctrl+Shift+H shows it again");
  const again = await settled(hudId);
  assert.deepEqual([again.x, again.y], [shown.x, shown.y], "where it was");
});

/**
 * Records real clicks in the current window's page, and swallows them before the page's own
 * handlers (no side effects). `pointerdown` is not cancelled: that would suppress `mousedown`.
 * A click counts by its release (`pointerup`): the X server sends the release to the window that
 * got the press, so it shows where the click landed just as well, and the HUD's WebKitGTK page
 * now and then gets no `pointerdown`/`mousedown` for a real press: GDK receives it, GTK hands it
 * to no widget (about one app start in five here; the release arrives; see hud_gtk_drag.rs) —
 * that is not what this test is about. `__events` lists every event type seen, for failure
 * messages.
 */
const RECORD = `
  window.__presses = [];
  window.__events = [];
  if (!window.__recorder) {
    window.__recorder = (e) => {
      window.__events.push(e.type);
      if (e.type === "pointerup") window.__presses.push([e.screenX, e.screenY]);
      else e.preventDefault();
      e.stopPropagation();
    };
    for (const type of ["mousedown", "mouseup", "click", "pointerdown", "pointerup"]) document.addEventListener(type, window.__recorder, true);
  }`;
const STOP = `for (const type of ["mousedown", "mouseup", "click", "pointerdown", "pointerup"]) document.removeEventListener(type, window.__recorder, true); window.__recorder = undefined;`;

/** Presses recorded so far in the main window's and the HUD's pages together. */
async function pressesSeen() {
  let n = 0;
  for (const url of [MAIN_URL, HUD_URL]) {
    await switchToWindow(driver, url);
    n += await driver.executeScript("return window.__presses.length;");
  }
  return n;
}

/**
 * Clicks with the real pointer at `point`; the presses each window's page saw there. Waits until
 * a page saw the press (15 s at most: on a loaded machine the pages take a while), then a second
 * more, so a press that reaches both windows is counted in both. For a failure's message it adds
 * the events each page saw (`mainEvents`, `hudEvents`), the HUD page's view (`hudView`: inner
 * size, visibility, focus, the element at the click) and the X client under the pointer (`under`).
 */
async function clickAndSee(point) {
  for (const url of [MAIN_URL, HUD_URL]) {
    await switchToWindow(driver, url);
    await driver.executeScript(RECORD);
  }
  click(point);
  const deadline = Date.now() + 15_000;
  while ((await pressesSeen()) === 0 && Date.now() < deadline) await sleep(250);
  await sleep(1000);
  const seen = {};
  for (const [name, url] of [["main", MAIN_URL], ["hud", HUD_URL]]) {
    await switchToWindow(driver, url);
    [seen[name], seen[`${name}Events`]] = await driver.executeScript(`const p = [window.__presses, window.__events]; ${STOP} return p;`);
  }
  const hud = geometry(windowId("Closer HUD"));
  seen.hudView = await driver.executeScript(
    `const e = document.elementFromPoint(${point[0] - hud.x}, ${point[1] - hud.y});
     return [innerWidth, innerHeight, document.visibilityState, document.hasFocus(), e && (e.tagName + "." + e.className).slice(0, 60)];`,
  );
  const frame = /WINDOW=(\d+)/.exec(xdotool("getmouselocation", "--shell"))[1];
  seen.under = x("xwininfo", ["-id", frame, "-children"]).split("\n").filter((l) => /0x[0-9a-f]+ "/.test(l)).map((l) => l.trim()).join(" | ");
  return seen;
}

/** Toggles the settings screen's click-through box until it reads `enabled` (remembered). */
async function setClickThrough(enabled) {
  await switchToWindow(driver, MAIN_URL);
  await driver.findElement(byTestId("tab-settings")).click();
  const box = await driver.wait(until.elementLocated(byTestId("hud-click-through")), 10_000);
  await driver.wait(async () => (await box.getAttribute("disabled")) === null, 10_000);
  if ((await box.isSelected()) !== enabled) await box.click();
  // No settings file yet: nothing chosen, click-through off.
  await until_(() => (existsSync(settingsPath()) ? appSettings().hud_click_through : false) === enabled, `click-through ${enabled} remembered`);
}

test("click-through lets a real click reach the window below; compact ⇄ expanded pins the window's size", { timeout: 120_000 }, async () => {
  const hudId = windowId("Closer HUD");
  const hud = geometry(hudId);
  // The main window moved under the HUD (the always-on-top HUD stays above it).
  const mainId = windowId("Closer");
  xdotool("windowmove", mainId, hud.x - 300, hud.y - 60);
  await until_(() => {
    const m = geometry(mainId);
    return m.x <= hud.x && m.y <= hud.y + 100 && m.x + m.width >= hud.x + hud.width && m.y + m.height >= hud.y + 300;
  }, "the main window lies under the HUD");
  const point = [hud.x + hud.width / 2, hud.y + 300];

  await setClickThrough(false);
  let seen = await clickAndSee(point);
  assert.equal(seen.hud.length, 1, `the HUD takes the click: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen.hud[0], point);
  assert.equal(seen.main.length, 0, `nothing reaches the main window: ${JSON.stringify(seen)}`);

  await setClickThrough(true);
  seen = await clickAndSee(point);
  assert.equal(seen.hud.length, 0, `the click passes through the HUD: ${JSON.stringify(seen)}`);
  assert.equal(seen.main.length, 1, `the window below gets it: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen.main[0], point);
  assert.ok(geometry(hudId).mapped, "the HUD still shows");

  await setClickThrough(false);
  seen = await clickAndSee(point);
  assert.deepEqual([seen.hud.length, seen.main.length], [1, 0], `the HUD takes clicks again: ${JSON.stringify(seen)}`);

  // A button on the handle is a hole in the drag region: its press goes to the page and moves
  // nothing.
  await switchToWindow(driver, HUD_URL);
  const button = await driver.executeScript(
    `const r = document.querySelector('[data-testid="hud-handle"] button[aria-expanded]').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];`,
  );
  const onButton = [Math.round(hud.x + button[0]), Math.round(hud.y + button[1])];
  seen = await clickAndSee(onButton);
  assert.deepEqual([seen.hud.length, seen.main.length], [1, 0], `the handle's button takes the click: ${JSON.stringify(seen)}`);
  const still = await settled(hudId);
  assert.deepEqual([still.x, still.y], [hud.x, hud.y], "a press on the handle's button does not drag the HUD");

  // Compact ⇄ expanded: the window's size follows, pinned by equal minimum and maximum sizes
  // (GTK would otherwise keep a minimum height of its own).
  // Resizing is not the user's drag: the remembered positions (two monitors' own, from the
  // drags above) stay as they were, and so does the HUD's place.
  const remembered = rememberedHud();
  assert.equal(Object.keys(remembered.offsets).length, 2, `the drags above were remembered: ${JSON.stringify(remembered)}`);
  await switchToWindow(driver, HUD_URL);
  const toggle = () => driver.findElement(By.css('[data-testid="hud-handle"] button[aria-expanded]')).click();
  await toggle();
  await until_(() => geometry(hudId).height === HUD.compact, `compact HUD is ${HUD.compact} px high`);
  assert.deepEqual(sizeHints(hudId), { min: [HUD.width, HUD.compact], max: [HUD.width, HUD.compact] });
  assert.deepEqual([geometry(hudId).x, geometry(hudId).y], [hud.x, hud.y], "the top-left corner stays put");
  await toggle();
  await until_(() => geometry(hudId).height === HUD.expanded, `expanded HUD is ${HUD.expanded} px high`);
  assert.deepEqual(sizeHints(hudId), { min: [HUD.width, HUD.expanded], max: [HUD.width, HUD.expanded] });
  await sleep(1000); // any move the resizes caused has been reported by now
  assert.deepEqual([geometry(hudId).x, geometry(hudId).y], [hud.x, hud.y], "expanded again where it was");
  assert.deepEqual(rememberedHud(), remembered, "compact ⇄ expanded changes no remembered position or monitor");
});

/** Opens `url` the way the desktop does (the real xdg-open); its exit status. */
function xdgOpen(url) {
  const run = spawnSync("/usr/bin/xdg-open", [url], { encoding: "utf8", timeout: 60_000 });
  assert.equal(run.error, undefined, `xdg-open ${url} did not return (a second instance kept running?)`);
  assert.equal(run.status, 0, `xdg-open ${url}: ${run.stderr}`);
}

/** The last URL the app handed to the system browser. */
const lastOpened = () => new URL(readFileSync(OPENED, "utf8").trim().split("\n").pop());

/** The notifications the desktop's notification server (dunst, D-Bus-activated on the session bus) has shown: `[{ summary, body, appname }]`. */
function notifications() {
  x("dunstctl", ["close-all"]);
  const history = JSON.parse(x("dunstctl", ["history"]));
  return history.data.flat().map((n) => ({ summary: n.summary.data, body: n.body.data, appname: n.appname.data }));
}

test("a guest asking for the seller is notified by the OS, once", { timeout: 60_000 }, async () => {
  // The request as an AI agent's call stores it when its guest accepts that the seller be called
  // in (backend/tests/ai_agent_call.rs runs that call; here the app is what is tested).
  const summon = () =>
    x("psql", [env("CLOSER_DATABASE_URL"), "-q", "-v", "ON_ERROR_STOP=1", "-c",
      `UPDATE meetings SET summoned_by = 'Anna Rossi', summoned_agent = 'Alex', summoned_until = now() + interval '45 seconds' WHERE id = '${meeting.id}'`]);
  summon();
  const asking = (n) => n.summary === "Anna Rossi asks to speak with you now";
  const shown = await until_(() => notifications().find(asking), "the OS shows the request", 20_000);
  assert.match(shown.body, /^On a call with your AI agent Alex · holding for \d+ s more$/);
  assert.match(shown.appname, /closer/, "sent by the app");
  // Polled every 5 s: the same request is not shown again.
  await sleep(11_000);
  assert.equal(notifications().filter(asking).length, 1, "one notification per request");
  x("psql", [env("CLOSER_DATABASE_URL"), "-q", "-c", `UPDATE meetings SET summoned_by = NULL, summoned_agent = NULL, summoned_until = NULL WHERE id = '${meeting.id}'`]);
});

test("closer:// links opened by the OS reach the running app: meet joins, shadow mirrors", { timeout: 180_000 }, async () => {
  assert.equal(x("xdg-mime", ["query", "default", "x-scheme-handler/closer"]).trim(), "Closer.desktop", "the .deb's desktop entry handles closer://");
  const running = appProcesses();
  assert.equal(running.length, 1, `one app process: ${running}`);

  rmSync(OPENED, { force: true });
  xdgOpen(`closer://meet/${other.id}`);
  await switchToWindow(driver, new RegExp(`#/hud/${other.id}$`), 30_000);
  assert.equal(await driver.wait(until.elementLocated(byTestId("desktop-hud")), 30_000).getAttribute("data-mode"), "host");
  await until_(() => existsSync(OPENED), "the room opens in the browser");
  assert.equal(new URLSearchParams(lastOpened().hash.slice(1)).get("next"), `/host/${other.id}`);
  await switchToWindow(driver, MAIN_URL);
  await driver.wait(until.elementLocated(byTestId("join-outcome")), 10_000);
  assert.deepEqual(appProcesses(), running, "the second launch handed the link over and exited");

  // A manager's shadow link.
  await signIn(driver, MANAGER);
  rmSync(OPENED, { force: true });
  xdgOpen(`closer://shadow/${meeting.id}`);
  await switchToWindow(driver, new RegExp(`#/hud/${meeting.id}\\?mode=shadow$`), 30_000);
  assert.equal(await driver.wait(until.elementLocated(byTestId("desktop-hud")), 30_000).getAttribute("data-mode"), "shadow");
  await until_(() => existsSync(OPENED), "the hidden join opens in the browser");
  assert.equal(new URLSearchParams(lastOpened().hash.slice(1)).get("next"), `/shadow/${meeting.id}`);
  assert.deepEqual(appProcesses(), running, "still one app process");
});

test("a playbook is exported through the save dialog", { timeout: 120_000 }, async () => {
  // The manager signed in above opens the playbook and exports it.
  await switchToWindow(driver, MAIN_URL);
  await driver.findElement(byTestId("tab-playbooks")).click();
  await driver.wait(until.elementLocated(By.css(`[data-testid="playbook-card"][href$="/playbooks/${discovery.id}"]`)), 30_000).click();
  await driver.wait(until.elementLocated(byTestId("pb-name")), 30_000);
  const dir = mkdtempSync(join(tmpdir(), "closer-export-"));
  const target = join(dir, "discovery-export.json");
  await driver.findElement(byTestId("export-playbook")).click();
  // The native save dialog: the file name typed as a path, then Enter.
  const dialog = await until_(() => x("xwininfo", ["-root", "-tree"]).split("\n").find((l) => l.includes('"Export JSON"')), "the save dialog opens", 20_000);
  const dialogId = dialog.trim().split(/\s+/)[0];
  await sleep(1000);
  xdotool("windowactivate", "--sync", dialogId);
  xdotool("key", "ctrl+a");
  xdotool("type", "--delay", 20, target);
  xdotool("key", "Return");
  await until_(() => existsSync(target), `${target} written`);
  const manager = await api("/api/auth/login", { method: "POST", body: { email: MANAGER, password: PASSWORD } });
  const res = await fetch(`${BASE}/api/playbooks/${discovery.id}/export`, { headers: { Authorization: `Bearer ${manager.access_token}` } });
  assert.ok(res.ok, `export from the API: ${res.status}`);
  assert.deepEqual(JSON.parse(readFileSync(target, "utf8")), await res.json(), "the saved file is the playbook's export");
  rmSync(dir, { recursive: true, force: true });
});
