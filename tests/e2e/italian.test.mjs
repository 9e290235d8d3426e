// The Italian scripted call (it-primo-contatto) with the UI in Italian (browser language it-IT):
// seller, two guests and a hidden manager on the real livekit-server, each speaker fed its own
// fixture WAV; the HUD must label transcript lines by name and show ticks and battle cards
// on time (see assertCallOnTime), and the manager's priority message must reach it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { accessibilityViolations, BASE, FIXTURES, HEARD_RECORDER, HUD_RECORDER, USERS, api, assertCallOnTime, hudEvents, joinAsGuest, launch, launchShared, livekitParticipants, playScript, session, signIn, tileNames, until, waitProcessed } from "./lib.mjs";

const SCENARIO = "it-primo-contatto";
const timeline = JSON.parse(readFileSync(`${FIXTURES}/${SCENARIO}/timeline.json`, "utf8"));
const wav = (speaker) => `${FIXTURES}/${SCENARIO}/${speaker}.wav`;
const PRIORITY_TEXT = "Chiedi chi firma sopra i diecimila euro — messaggio prioritario e2e";

describe("chiamata in italiano: venditore, due ospiti e una manager nascosta", { timeout: 10 * 60_000 }, () => {
  const browsers = [];
  let seller;
  let meeting;
  let host;
  let paolo;
  let luca;
  let shadow; // manager page
  let managerName;

  const open = async (options) => {
    const b = await launch({ locale: "it-IT", ...options });
    browsers.push(b);
    return { ...b, page: b.context.pages()[0] ?? (await b.context.newPage()) };
  };

  before(async () => {
    seller = await session(USERS.seller);
    const playbook = (await api("/api/playbooks", { token: seller.access_token })).find((p) => p.name === "Primo Contatto");
    assert.ok(playbook, "the seeded Primo Contatto playbook");
    meeting = await api("/api/meetings", { method: "POST", token: seller.access_token, body: { title: "Primo contatto — Rossi Srl", playbook_id: playbook.id } });
  });

  after(async () => {
    for (const b of browsers) await b.close();
  });

  it("l'interfaccia è in italiano e gli ospiti entrano accettando l'assistenza AI", async () => {
    const h = await open({ wav: wav("host") });
    host = h.page;
    await h.context.addInitScript(HEARD_RECORDER);
    await h.context.addInitScript(HUD_RECORDER);
    await signIn(h.context, USERS.seller);
    await host.goto(`${BASE}/host/${meeting.id}`);
    assert.equal(await host.getByTestId("green-title").textContent(), "Pronto a partecipare?");
    await host.getByTestId("green-toggle-mic").click();
    await host.getByTestId("green-toggle-camera").click();
    assert.deepEqual(await accessibilityViolations(host), [], "the seller's green room in Italian: serious or critical accessibility violations");
    await host.getByTestId("join").click();
    await host.getByTestId("room").waitFor({ timeout: 60_000 });
    await until(async () => (await livekitParticipants(`meeting-${meeting.id}`)).some((p) => p.identity === "agent-copilot"), { what: "the copilot in the room", timeout: 60_000 });

    paolo = (await open({ wav: wav("guest_a") })).page;
    luca = (await open({ wav: wav("guest_b") })).page;
    await paolo.goto(`${BASE}/meet/${meeting.id}`);
    assert.equal(await paolo.getByTestId("consent-text").textContent(), "Questa chiamata è assistita da AI per scopi di qualità");
    // Cameras off: the two cores go to the speech pipeline whose latency is measured.
    await joinAsGuest(paolo, meeting.id, { name: "Paolo", mic: false, camera: false });
    await joinAsGuest(luca, meeting.id, { name: "Luca", mic: false, camera: false });
    await until(async () => (await tileNames(host)).length === 3, { what: "three tiles", timeout: 30_000 });
  });

  it("la manager entra nascosta e gli ospiti non la vedono", async () => {
    const manager = await session(USERS.manager);
    managerName = manager.user.display_name;
    const silent = await launchShared();
    browsers.push(silent);
    const context = await silent.newContext({ locale: "it-IT" });
    shadow = await context.newPage();
    await signIn(context, USERS.manager);
    await shadow.goto(`${BASE}/shadow/${meeting.id}`);
    await shadow.getByTestId("shadow-join").click();
    await shadow.getByTestId("room").waitFor({ timeout: 30_000 });
    assert.equal(await shadow.getByTestId("hud-panel").getAttribute("data-readonly"), "true");
    await until(async () => (await tileNames(shadow)).length === 3, { what: "the manager's three tiles", timeout: 20_000 });
    assert.deepEqual((await tileNames(shadow)).sort(), ["Luca", "Paolo", "Sara Seller"], "the manager sees everyone, and no tile of their own");
    for (const page of [paolo, luca]) {
      assert.deepEqual((await tileNames(page)).sort(), ["Luca", "Paolo", "Sara Seller"]);
      assert.ok(!(await page.locator("body").innerText()).includes(managerName), "the manager is invisible to guests");
    }
  });

  it("trascrizione con i nomi, checklist e schede obiezioni in tempo", async () => {
    const participants = await api(`/api/meetings/${meeting.id}/participants`, { token: seller.access_token });
    const id = (name) => participants.find((p) => p.display_name === name).identity;
    const { lags, lines } = await playScript({
      scenario: SCENARIO,
      timeline,
      room: `meeting-${meeting.id}`,
      host,
      speakers: { host, guest_a: paolo, guest_b: luca },
      identities: { host: participants.find((p) => p.role === "host").identity, guest_a: id("Paolo"), guest_b: id("Luca") },
      screenshotOn: "prezzo_concorrente",
      screenshot: "seller-hud-it",
    });
    const names = new Set(lines.map((l) => l.name));
    assert.ok(names.has("Paolo") && names.has("Luca"), `transcript labelled Paolo and Luca (got ${[...names]})`);
    assertCallOnTime(lags);
  });

  it("il messaggio prioritario della manager arriva nell'HUD del venditore", async () => {
    assert.ok((await shadow.locator("[data-testid=checklist-item][data-ticked=true]").count()) > 0, "ticks in the manager's HUD");
    await shadow.getByTestId("priority-text").fill(PRIORITY_TEXT);
    const sentAt = Date.now();
    await shadow.getByTestId("priority-send").click();
    await host.locator("[data-testid=manager-message]", { hasText: PRIORITY_TEXT }).waitFor({ timeout: 5000 });
    const shown = (await hudEvents(host)).find((e) => e.kind === "message" && e.text.includes(PRIORITY_TEXT));
    assert.ok(shown.at - sentAt < 2000, `priority message after ${shown.at - sentAt} ms`);
  });

  it("il venditore chiude la chiamata per tutti e la chiamata viene elaborata", async () => {
    host.once("dialog", (d) => d.accept());
    await host.getByTestId("end-for-all").click();
    for (const page of [paolo, luca]) await page.getByTestId("ended").waitFor({ timeout: 15_000 });
    assert.equal(await paolo.getByTestId("ended").locator("h1").textContent(), "L'organizzatore ha terminato la chiamata");
    await waitProcessed(meeting.id, seller.access_token);
  });
});
