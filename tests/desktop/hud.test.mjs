// The desktop app end to end, driven by WebDriver (tauri-driver + WebKitWebDriver) under X
// (two monitors) with openbox and xcompmgr: sign in through the app, keyring-backed restart,
// join a meeting (HUD window + room handed to the "system browser"), a fixture call spoken in the
// meeting's LiveKit room by its three participants and heard by the copilot's agent (the app
// uploads no audio), checklist ticks and a battle card with its image (from the backend's origin)
// in the HUD window, "Present now" reaching the guests, window-manager properties of the HUD (xprop), a screenshot of the translucent HUD
// over the main window, sign-out; shadow mode; after the call the main window's recap (replay,
// transcript, KPIs), playbooks (open, edit) and settings (microphone, language, HUD
// click-through default, sign-out).
// Started by tests/desktop/run, which provides the environment below.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { participant, WebSocket } from "./participant.mjs";
import { accessibilityViolations, api, appSettings, BASE, By, byTestId, env, MANAGER, OPENED, OUTPUT, PASSWORD, quitApp, rememberedHud, SELLER, startApp, switchToWindow, signOutFromSettings as signOut, until } from "./app.mjs";
import { geometry, monitor, windowId, x } from "./x11.mjs";

const FIXTURES = env("CLOSER_FIXTURES_DIR");

let driver;
let seller;
let meeting;
let discovery;

/** Signs out from the main window's settings screen and waits for the sign-in form. */
const signOutFromSettings = () => signOut(driver);

/** True once the `<img>` under `selector` has decoded a picture. */
const imageLoaded = (selector) => () =>
  driver.executeScript(`const i = document.querySelector(${JSON.stringify(selector)}); return !!i && i.complete && i.naturalWidth > 0;`);

before(async () => {
  seller = await api("/api/auth/login", { method: "POST", body: { email: SELLER, password: PASSWORD } });
  const playbooks = await api("/api/playbooks", { token: seller.access_token });
  discovery = playbooks.find((p) => p.name === "Discovery Call");
  assert.ok(discovery, `seeded playbooks: ${playbooks.map((p) => p.name)}`);
  meeting = await api("/api/meetings", {
    method: "POST",
    token: seller.access_token,
    body: { title: `Desktop e2e ${Date.now()}`, playbook_id: discovery.id, starts_at: new Date().toISOString(), duration_minutes: 30 },
  });
});

after(async () => {
  if (driver) await quitApp(driver).catch((e) => console.error(e));
});

test("sign in, restart signed in, join: HUD window ticks and shows a battle card, sign out", { timeout: 600_000 }, async (t) => {
  driver = await startApp();
  await driver.wait(until.elementLocated(byTestId("login-email")), 60_000);
  // The price battle card gets an image (a PNG of the sign-in screen), uploaded by a manager.
  const manager = await api("/api/auth/login", { method: "POST", body: { email: MANAGER, password: PASSWORD } });
  const upload = await fetch(`${BASE}/api/playbooks/${discovery.id}/objections/price_competitor/image`, {
    method: "PUT",
    headers: { "Content-Type": "image/png", Authorization: `Bearer ${manager.access_token}` },
    body: Buffer.from(await driver.takeScreenshot(), "base64"),
  });
  assert.ok(upload.ok, `battle card image upload: ${upload.status}`);
  await driver.findElement(byTestId("login-email")).sendKeys(SELLER);
  assert.deepEqual(await accessibilityViolations(driver), [], "the app's sign-in form: serious or critical accessibility violations");
  await driver.findElement(byTestId("login-password")).sendKeys("wrong-password-1");
  await driver.findElement(byTestId("login-submit")).click();
  await driver.wait(until.elementLocated(byTestId("login-error")), 30_000);
  await driver.findElement(byTestId("login-password")).clear();
  await driver.findElement(byTestId("login-password")).sendKeys(PASSWORD);
  await driver.findElement(byTestId("login-submit")).click();
  await driver.wait(until.elementLocated(byTestId("signed-in-as")), 30_000);

  // Restart: the refresh token in the keyring signs the new process in.
  await quitApp(driver);
  driver = await startApp();
  const signedIn = await driver.wait(until.elementLocated(byTestId("signed-in-as")), 60_000);
  assert.match(await signedIn.getText(), /Signed in as|Accesso come/);

  // Join today's meeting: the HUD opens, the room goes to the system browser (no WebRTC here).
  const row = await driver.wait(until.elementLocated(By.css(`[data-meeting-id="${meeting.id}"]`)), 30_000);
  assert.deepEqual(await accessibilityViolations(driver), [], "today's meetings: serious or critical accessibility violations");
  rmSync(OPENED, { force: true });
  await row.findElement(byTestId("join-meeting")).click();
  const outcome = await driver.wait(until.elementLocated(byTestId("join-outcome")), 30_000);
  assert.equal(await outcome.getAttribute("data-where"), "browser", "Debian's WebKitGTK has no RTCPeerConnection");
  await driver.wait(async () => existsSync(OPENED) && readFileSync(OPENED, "utf8").trim() !== "", 15_000);
  const opened = new URL(readFileSync(OPENED, "utf8").trim().split("\n").pop());
  assert.equal(opened.origin + opened.pathname, `${BASE}/handoff`);
  assert.equal(opened.search, "", "the handoff token travels in the fragment only");
  const handoff = new URLSearchParams(opened.hash.slice(1));
  assert.equal(handoff.get("next"), `/host/${meeting.id}`);
  // What the browser's /handoff page does: redeem once for a session of the seller.
  const browserSession = await api("/api/auth/handoff/redeem", { method: "POST", body: { token: handoff.get("token") } });
  assert.equal(browserSession.user.email, SELLER);
  await assert.rejects(api("/api/auth/handoff/redeem", { method: "POST", body: { token: handoff.get("token") } }), /401/);

  // The HUD window: placed top-centre of the primary monitor under the webcam, on top, out of
  // the taskbar, undecorated.
  const hudId = windowId("Closer HUD");
  const primary = monitor();
  const { x: left, y: top, width } = geometry(hudId);
  assert.ok(Math.abs(left + width / 2 - (primary.x + primary.width / 2)) <= 2, `HUD centred on ${JSON.stringify(primary)}: left ${left}, width ${width}`);
  assert.ok(top >= primary.y && top <= primary.y + 40, `HUD at the top: y ${top}`);
  const props = x("xprop", ["-id", hudId]);
  assert.match(props, /_NET_WM_STATE\(ATOM\) = .*_NET_WM_STATE_ABOVE/, props);
  assert.match(props, /_NET_WM_STATE\(ATOM\) = .*_NET_WM_STATE_SKIP_TASKBAR/, props);
  assert.match(props, /_MOTIF_WM_HINTS\(_MOTIF_WM_HINTS\) = 0x2, 0x0, 0x0/, props);
  const mainProps = x("xprop", ["-id", windowId("Closer")]);
  assert.doesNotMatch(mainProps, /_NET_WM_STATE_ABOVE/, "only the HUD is always on top");

  // The call's first 70 s (agenda … competitor price objection), spoken in the room by the seller
  // and two guests; the copilot's LiveKit agent hears them.
  const hostAccess = await api(`/api/meetings/${meeting.id}/token`, { method: "POST", token: seller.access_token });
  const joinAs = (name) => api(`/api/meetings/${meeting.id}/join`, { method: "POST", body: { display_name: name, ai_consent: "accepted" } });
  const wav = (who) => join(FIXTURES, "en-discovery", `${who}.wav`);
  const people = await Promise.all([
    participant(hostAccess, wav("host"), 70),
    joinAs("Sarah").then((access) => participant(access, wav("guest_a"), 70)),
    joinAs("Tom").then((access) => participant(access, wav("guest_b"), 70)),
  ]);
  t.after(() => Promise.all(people.map((p) => p.leave())));
  const [, sarah] = people;

  await switchToWindow(driver, /#\/hud\//);
  const hud = await driver.wait(until.elementLocated(byTestId("desktop-hud")), 30_000);
  assert.equal(await hud.getAttribute("data-mode"), "host");
  assert.equal(await driver.findElement(byTestId("hud-panel")).getAttribute("data-readonly"), null, "the host's HUD is not the read-only mirror");
  await driver.wait(until.elementLocated(By.css('[data-testid="hud-connection"][data-connected="true"]')), 30_000);
  await driver.wait(until.elementLocated(By.css('[data-testid="checklist-item"][data-ticked="true"]')), 120_000);
  const card = await driver.wait(until.elementLocated(byTestId("battle-card")), 150_000);
  assert.equal(await card.getAttribute("data-objection"), "price_competitor");
  // Its image comes from the backend's origin with the app's access token, not the web view's.
  await driver.wait(imageLoaded('[data-testid="battle-card"] img'), 15_000, "the battle card's image loads in the HUD");
  // "Present now" from the desktop HUD asks the backend to present (the room runs in the
  // browser): the card reaches the guests in the room as a LiveKit data packet.
  await driver.findElement(By.css('[data-testid="battle-card"] [data-testid="present-now"]')).click();
  await driver.wait(async () => sarah.packets.some((p) => p.topic === "closer.present"), 15_000, "the presented card reaches a guest");
  const presented = JSON.parse(sarah.packets.find((p) => p.topic === "closer.present").payload);
  assert.equal(presented.id, "price_competitor");
  assert.equal((await driver.findElements(byTestId("present-error"))).length, 0, "the HUD shows no refusal");
  assert.deepEqual(await accessibilityViolations(driver), [], "the HUD with a battle card: serious or critical accessibility violations");
  await Promise.all(people.map((p) => p.spoken));
  const ticked = await driver.findElements(By.css('[data-testid="checklist-item"][data-ticked="true"]'));
  assert.ok(ticked.length >= 3, `ticks after 70 s of the call: ${ticked.length}`);

  // Compact ⇄ expanded: the native window follows the panel's collapse button, its top-left
  // corner stays put (top-centre of the primary), and only the user's drags are remembered
  // (os.test.mjs drags it between monitors): opening and resizing the HUD remember nothing.
  const placed = geometry(hudId);
  assert.ok(Math.abs(placed.x + placed.width / 2 - (primary.x + primary.width / 2)) <= 2, `HUD still centred on ${JSON.stringify(primary)}: ${JSON.stringify(placed)}`);
  const remembered = rememberedHud();
  assert.deepEqual(remembered, { offsets: {}, last: null }, "opening the HUD remembers no position");
  const toggle = () => driver.findElement(By.css('[data-testid="hud-handle"] button[aria-expanded]')).click();
  await toggle();
  await driver.wait(async () => geometry(hudId).height === 52, 10_000, "compact HUD is 52 px high");
  assert.deepEqual([geometry(hudId).x, geometry(hudId).y], [placed.x, placed.y], "compact: the HUD stays where it was");
  await toggle();
  await driver.wait(async () => geometry(hudId).height === 560, 10_000, "expanded HUD is 560 px high");
  assert.deepEqual([geometry(hudId).x, geometry(hudId).y], [placed.x, placed.y], "expanded: the HUD stays where it was");
  await driver.wait(until.elementIsVisible(await driver.wait(until.elementLocated(byTestId("battle-card")), 10_000)), 10_000);

  // The translucent HUD over the main window, as the seller sees the primary screen.
  // Let WebKit and the compositor repaint the re-expanded window before capturing the screen.
  await driver.sleep(2000);
  const shot = join(OUTPUT, "desktop-hud.png");
  x("import", ["-window", "root", "-crop", `${primary.width}x${primary.height}+${primary.x}+${primary.y}`, "+repage", shot]);
  assert.ok(readFileSync(shot).length > 10_000, "screenshot written");
  assert.deepEqual(rememberedHud(), remembered, "compact ⇄ expanded changes no remembered position");
  assert.deepEqual([geometry(hudId).x, geometry(hudId).y], [placed.x, placed.y], "the HUD is still top-centre of the primary monitor");

  // Sign out from the main window; a restart shows the sign-in form again.
  await signOutFromSettings();
});

test("shadow mode: a manager's read-only HUD mirror sends a priority message to the seller", { timeout: 300_000 }, async (t) => {
  // The seller's HUD stream, watched from here (the app runs one instance: the manager's).
  const received = [];
  const hudUrl = `${BASE.replace(/^http/, "ws")}/api/meetings/${meeting.id}/hud?access_token=${encodeURIComponent(seller.access_token)}`;
  const sellerHud = new WebSocket(hudUrl);
  t.after(() => sellerHud.close()); // also when the test fails: an open socket keeps node running
  sellerHud.onmessage = (e) => received.push(JSON.parse(e.data));
  await new Promise((resolve, reject) => {
    sellerHud.onopen = resolve;
    sellerHud.onerror = reject;
  });

  if (driver) await quitApp(driver);
  driver = await startApp();
  await driver.wait(until.elementLocated(byTestId("login-email")), 60_000);
  await driver.findElement(byTestId("login-email")).sendKeys(MANAGER);
  await driver.findElement(byTestId("login-password")).sendKeys(PASSWORD);
  await driver.findElement(byTestId("login-submit")).click();
  const row = await driver.wait(until.elementLocated(By.css(`[data-meeting-id="${meeting.id}"]`)), 30_000);
  assert.equal((await row.findElements(byTestId("join-meeting"))).length, 0, "a manager does not host the seller's meeting");
  rmSync(OPENED, { force: true });
  await row.findElement(byTestId("shadow-meeting")).click();
  await driver.wait(async () => existsSync(OPENED) && readFileSync(OPENED, "utf8").trim() !== "", 15_000);
  const opened = new URL(readFileSync(OPENED, "utf8").trim().split("\n").pop());
  assert.equal(new URLSearchParams(opened.hash.slice(1)).get("next"), `/shadow/${meeting.id}`, "the hidden join page");

  await switchToWindow(driver, /#\/hud\//);
  const hud = await driver.wait(until.elementLocated(byTestId("desktop-hud")), 30_000);
  assert.equal(await hud.getAttribute("data-mode"), "shadow");
  assert.equal(await driver.findElement(byTestId("hud-panel")).getAttribute("data-readonly"), "true");
  // The mirror replays what the seller saw: the ticks and the battle card are there.
  await driver.wait(until.elementLocated(By.css('[data-testid="checklist-item"][data-ticked="true"]')), 30_000);
  await driver.wait(until.elementLocated(byTestId("battle-card")), 30_000);
  const unticked = await driver.findElements(By.css('[data-testid="checklist-item"][data-ticked="false"]'));
  assert.ok(unticked.length >= 1, "the playbook's checklist lists the items not covered yet");

  await driver.findElement(byTestId("priority-text")).sendKeys("Ask about the timeline now");
  await driver.findElement(byTestId("priority-send")).click();
  await driver.wait(until.elementLocated(byTestId("priority-sent")), 15_000);
  const deadline = Date.now() + 15_000;
  while (!received.some((e) => e.kind === "priority_message") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  sellerHud.close();
  const message = received.find((e) => e.kind === "priority_message");
  assert.ok(message, `the seller's HUD got no priority message: ${received.map((e) => e.kind).join(", ")}`);
  assert.match(JSON.stringify(message), /Ask about the timeline now/);

  await signOutFromSettings();
});

test("main window after the call: the recap from the meetings list, playbooks, settings", { timeout: 600_000 }, async () => {
  const host = await api("/api/auth/login", { method: "POST", body: { email: SELLER, password: PASSWORD } });
  await api(`/api/meetings/${meeting.id}/end`, { method: "POST", token: host.access_token });

  await switchToWindow(driver, /desktop\.html(#\/(?!hud\/).*)?$/);
  await driver.findElement(byTestId("login-email")).sendKeys(SELLER);
  await driver.findElement(byTestId("login-password")).sendKeys(PASSWORD);
  await driver.findElement(byTestId("login-submit")).click();
  const row = await driver.wait(until.elementLocated(By.css(`[data-meeting-id="${meeting.id}"]`)), 30_000);
  assert.equal(await row.getAttribute("data-status"), "ended");
  assert.equal((await row.findElements(byTestId("join-meeting"))).length, 0, "an ended meeting is not joined again");

  // The recap: shown as soon as it is computed (the page polls), its replay fetched from the
  // backend's origin with the app's access token into a playable <audio> source.
  const started = Date.now();
  await row.findElement(byTestId("open-recap")).click();
  await driver.wait(until.elementLocated(byTestId("recap-page")), 300_000);
  console.log(`recap in the app ${Math.round((Date.now() - started) / 1000)} s after the end of the call`);
  const lines = await driver.findElements(byTestId("recap-line"));
  assert.ok(lines.length >= 5, `transcript lines: ${lines.length}`);
  assert.match(await lines[0].getText(), /\w{3,}/);
  for (const kpi of ["kpi-talk", "kpi-pace", "kpi-adherence", "kpi-objections", "kpi-duration"]) {
    assert.match(await driver.findElement(byTestId(kpi)).getText(), /\d/, `${kpi} shows a figure`);
  }
  const adherence = await driver.findElement(byTestId("kpi-adherence")).getText();
  assert.doesNotMatch(adherence, /(^|\D)0%/, `adherence after ≥ 3 ticks: ${adherence}`);
  const player = await driver.wait(until.elementLocated(byTestId("recap-player")), 60_000);
  assert.match(await player.getAttribute("src"), /^blob:/);
  await driver.wait(
    () => driver.executeScript(`const a = document.querySelector('[data-testid="recap-player"]'); return a.readyState >= 1 && a.duration > 30;`),
    30_000,
    "the replay's metadata loads (≈ 70 s of audio)",
  );
  assert.equal((await driver.findElements(byTestId("export-html"))).length, 0, "no exports in the app's web view");
  writeFileSync(join(OUTPUT, "desktop-recap.png"), Buffer.from(await driver.takeScreenshot(), "base64"));
  assert.deepEqual(await accessibilityViolations(driver), [], "the recap in the main window: serious or critical accessibility violations");

  // Playbooks: the organization's list, one opened (a seller reads, does not edit).
  await driver.findElement(byTestId("tab-playbooks")).click();
  const cards = await driver.wait(until.elementsLocated(byTestId("playbook-card")), 30_000);
  assert.ok(cards.length >= 2, `playbooks: ${cards.length}`);
  assert.equal((await driver.findElements(byTestId("new-playbook"))).length, 0, "sellers do not create playbooks");
  await driver.findElement(By.css(`[data-testid="playbook-card"][href$="/playbooks/${discovery.id}"]`)).click();
  const name = await driver.wait(until.elementLocated(byTestId("pb-name")), 30_000);
  // The editor renders before the playbook has loaded (an empty name at first).
  await driver.wait(async () => (await name.getAttribute("value")) === "Discovery Call", 10_000, "the playbook's name loads");
  assert.equal(await name.isEnabled(), false, "read-only for a seller");
  assert.deepEqual(await accessibilityViolations(driver), [], "a playbook in the main window: serious or critical accessibility violations");
  await signOutFromSettings();

  // A manager edits it; the battle card's image shows in the editor.
  await driver.findElement(byTestId("login-email")).sendKeys(MANAGER);
  await driver.findElement(byTestId("login-password")).sendKeys(PASSWORD);
  await driver.findElement(byTestId("login-submit")).click();
  await driver.wait(until.elementLocated(byTestId("tab-playbooks")), 30_000).click();
  await driver.wait(until.elementLocated(By.css(`[data-testid="playbook-card"][href$="/playbooks/${discovery.id}"]`)), 30_000).click();
  const editable = await driver.wait(until.elementLocated(byTestId("pb-name")), 30_000);
  await driver.wait(async () => (await editable.getAttribute("value")) === "Discovery Call", 10_000);
  await driver.wait(imageLoaded('[data-testid="card-image-price_competitor"]'), 15_000, "the battle card's image in the editor");
  await editable.sendKeys(" (desktop)");
  await driver.findElement(byTestId("save-playbook")).click();
  await driver.wait(async () => (await api(`/api/playbooks/${discovery.id}`, { token: host.access_token })).name === "Discovery Call (desktop)", 15_000, "the edit is saved");

  // Settings: microphones (cpal), language, the HUD's click-through default, sign-out.
  await driver.findElement(byTestId("tab-settings")).click();
  const mic = await driver.wait(until.elementLocated(byTestId("mic-device")), 10_000);
  assert.deepEqual(await accessibilityViolations(driver), [], "the settings: serious or critical accessibility violations");
  // cpal lists the inputs (tests/desktop/run gives the app a PulseAudio whose default source is a
  // 440 Hz sine): the one chosen is remembered, and its level meter hears the tone.
  const options = await mic.findElements(By.css("option"));
  const names = await Promise.all(options.map((o) => o.getAttribute("value")));
  assert.ok(names.length > 1, `microphones besides the system default: ${JSON.stringify(names)}`);
  const chosen = names.includes("pulse") ? "pulse" : names[1];
  await options[names.indexOf(chosen)].click();
  await driver.wait(async () => appSettings().input_device === chosen, 10_000, `microphone ${chosen} remembered`);
  await driver.findElement(byTestId("mic-test")).click();
  const level = await driver.findElement(byTestId("mic-level"));
  await driver.wait(async () => Number((await level.getAttribute("data-rms-dbfs")) || -100) > -40, 15_000, "the level meter hears the tone");
  console.log(`microphone ${chosen} of ${JSON.stringify(names)}: ${await level.getAttribute("data-rms-dbfs")} dBFS RMS`);
  await driver.findElement(byTestId("mic-test")).click();
  const clickThrough = await driver.findElement(byTestId("hud-click-through"));
  await driver.wait(async () => (await clickThrough.getAttribute("disabled")) === null, 10_000);
  assert.equal(await clickThrough.isSelected(), false);
  await clickThrough.click();
  await driver.wait(async () => appSettings().hud_click_through === true, 10_000, "click-through remembered");
  await driver.findElement(byTestId("lang-it")).click();
  await driver.wait(async () => (await driver.findElement(byTestId("tab-settings")).getText()) === "Impostazioni", 10_000);
  await driver.findElement(byTestId("lang-en")).click();
  await driver.wait(async () => (await driver.findElement(byTestId("tab-settings")).getText()) === "Settings", 10_000);
  await signOutFromSettings();
});
