// The Italian scripted call (it-primo-contatto) with the UI in Italian (browser language it-IT):
// seller and two guests on the real livekit-server, each fed its own fixture WAV; the HUD must
// label transcript lines by name and show ticks and battle cards within 2 s of the utterance.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { BASE, FIXTURES, HUD_RECORDER, USERS, api, assertOnTime, joinAsGuest, launch, playScript, session, signIn, tileNames, until, waitProcessed } from "./lib.mjs";

const SCENARIO = "it-primo-contatto";
const timeline = JSON.parse(readFileSync(`${FIXTURES}/${SCENARIO}/timeline.json`, "utf8"));
const wav = (speaker) => `${FIXTURES}/${SCENARIO}/${speaker}.wav`;

describe("chiamata in italiano: venditore e due ospiti", { timeout: 10 * 60_000 }, () => {
  const browsers = [];
  let seller;
  let meeting;
  let host;
  let paolo;
  let luca;

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
    await h.context.addInitScript(HUD_RECORDER);
    await signIn(h.context, USERS.seller);
    await host.goto(`${BASE}/host/${meeting.id}`);
    assert.equal(await host.getByTestId("green-title").textContent(), "Pronto a partecipare?");
    await host.getByTestId("green-toggle-mic").click();
    await host.getByTestId("green-toggle-camera").click();
    await host.getByTestId("join").click();
    await host.getByTestId("room").waitFor({ timeout: 60_000 });
    await until(() => host.evaluate(() => window.__closerTap?.status() === "live"), { what: "the audio tap" });

    paolo = (await open({ wav: wav("guest_a") })).page;
    luca = (await open({ wav: wav("guest_b") })).page;
    await paolo.goto(`${BASE}/meet/${meeting.id}`);
    assert.equal(await paolo.getByTestId("consent-text").textContent(), "Questa chiamata è assistita da AI per scopi di qualità");
    // Cameras off: the two cores go to the speech pipeline whose latency is measured.
    await joinAsGuest(paolo, meeting.id, { name: "Paolo", mic: false, camera: false });
    await joinAsGuest(luca, meeting.id, { name: "Luca", mic: false, camera: false });
    await until(async () => (await tileNames(host)).length === 3, { what: "three tiles", timeout: 30_000 });
  });

  it("trascrizione con i nomi, checklist e schede obiezioni entro 2 s", async () => {
    const participants = await api(`/api/meetings/${meeting.id}/participants`, { token: seller.access_token });
    const id = (name) => participants.find((p) => p.display_name === name).identity;
    const { lags, lines } = await playScript({
      scenario: SCENARIO,
      timeline,
      host,
      speakers: { host, guest_a: paolo, guest_b: luca },
      identities: { host: participants.find((p) => p.role === "host").identity, guest_a: id("Paolo"), guest_b: id("Luca") },
      screenshotOn: "prezzo_concorrente",
      screenshot: "seller-hud-it",
    });
    const names = new Set(lines.map((l) => l.name));
    assert.ok(names.has("Paolo") && names.has("Luca"), `transcript labelled Paolo and Luca (got ${[...names]})`);
    for (const l of lags) assertOnTime(l);
  });

  it("il venditore chiude la chiamata per tutti e la chiamata viene elaborata", async () => {
    host.once("dialog", (d) => d.accept());
    await host.getByTestId("end-for-all").click();
    for (const page of [paolo, luca]) await page.getByTestId("ended").waitFor({ timeout: 15_000 });
    assert.equal(await paolo.getByTestId("ended").locator("h1").textContent(), "L'organizzatore ha terminato la chiamata");
    await waitProcessed(meeting.id, seller.access_token);
  });
});
