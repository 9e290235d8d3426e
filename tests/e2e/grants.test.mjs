// Issue 3's LiveKit grants proven with live connections in Chromium against the real
// livekit-server (not by decoding tokens): a hidden shadow manager never appears in a guest's
// participant list, a guest's data messages are refused by LiveKit while the host's arrive,
// with max_participants 10 the 11th join is refused with a clear "room full" screen while a
// guest of the ten whose tab crashed gets back in by reloading (the same participant), and once
// the host ends the call a guest's unexpired token cannot bring the room back.
// Nobody here speaks: every participant is a context of one Chromium process.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { BASE, USERS, api, isAgent, joinAsGuest, launchShared, livekitParticipants, livekitProbe, session, shot, signIn, sleep, tileNames, until } from "./lib.mjs";

/** LiveKit's participants of `room` but the copilot agent (hidden, and it takes no place). */
const people = async (room) => (await livekitParticipants(room)).filter((p) => !isAgent(p));

describe("LiveKit grants on live connections", { timeout: 5 * 60_000 }, () => {
  let shared;
  let seller;
  let meeting;
  let room;
  let host; // a probe with the seller's host token
  let guestA; // a probe with a guest token
  let guestB;
  let gina; // a guest through the real guest page
  let managerIdentity;
  let firstFiller; // the first guest page that filled the room to ten

  const probe = async (access) => {
    const page = await shared.newPage();
    await livekitProbe(page, access);
    return page;
  };
  const guestAccess = (name) => api(`/api/meetings/${meeting.id}/join`, { method: "POST", body: { display_name: name, ai_consent: "accepted" } });
  const heard = (page) => page.evaluate(() => window.__probe.data);

  before(async () => {
    shared = await launchShared();
    seller = await session(USERS.seller);
    const playbook = (await api("/api/playbooks", { token: seller.access_token })).find((p) => p.name === "Discovery Call");
    meeting = await api("/api/meetings", { method: "POST", token: seller.access_token, body: { title: "Grants — live proof", playbook_id: playbook.id } });
    room = `meeting-${meeting.id}`;
  });

  after(async () => {
    await shared?.close();
  });

  it("a hidden shadow manager never appears in a guest's participant list", async () => {
    const hostAccess = await api(`/api/meetings/${meeting.id}/token`, { method: "POST", token: seller.access_token });
    host = await probe(hostAccess);

    const managerContext = await shared.newContext();
    await signIn(managerContext, USERS.manager);
    const manager = await managerContext.newPage();
    await manager.goto(`${BASE}/shadow/${meeting.id}`);
    await manager.getByTestId("shadow-join").click();
    await manager.getByTestId("room").waitFor({ timeout: 30_000 });

    gina = await shared.newPage({ devices: { audio: false, video: false } });
    await joinAsGuest(gina, meeting.id, { name: "Gina", mic: false, camera: false });
    const accessA = await guestAccess("Probe A");
    guestA = await probe(accessA);

    // LiveKit itself has the manager in the room, hidden.
    const inRoom = await people(room);
    const shadow = inRoom.find((p) => p.identity.startsWith("shadow-"));
    assert.ok(shadow, `the manager is connected (LiveKit lists ${inRoom.map((p) => p.identity)})`);
    assert.equal(shadow.permission?.hidden, true, "LiveKit holds the manager as hidden");
    managerIdentity = shadow.identity;
    const ginaIdentity = inRoom.find((p) => p.name === "Gina")?.identity;
    assert.ok(ginaIdentity);

    // The guests' own participant lists: everyone else, settled, and never the manager.
    await until(async () => {
      const ids = await guestA.evaluate(() => window.__probe.identities());
      return ids.includes(hostAccess.identity) && ids.includes(ginaIdentity);
    }, { what: "the guest probe seeing the host and Gina", timeout: 20_000 });
    await until(async () => (await tileNames(gina)).length === 3, { what: "Gina's tiles", timeout: 20_000 });
    await sleep(1500);
    const seenByProbe = await guestA.evaluate(() => window.__probe.identities());
    assert.ok(!seenByProbe.includes(managerIdentity), `a guest's participant list holds the manager: ${seenByProbe}`);
    assert.equal(seenByProbe.length, inRoom.length - 2, "everyone but the manager and the guest herself");
    assert.deepEqual((await tileNames(gina)).sort(), ["Gina", "Probe A", "Sara Seller"]);
    // The manager, for their part, sees every participant.
    await until(async () => (await tileNames(manager)).length === 3, { what: "the manager's tiles" });
  });

  it("LiveKit refuses a guest's data messages and data tracks, and delivers the host's", async () => {
    guestB = await probe(await guestAccess("Probe B"));
    const guestAIdentity = await guestA.evaluate(() => window.__probe.room.localParticipant.identity);
    await until(async () => (await guestB.evaluate(() => window.__probe.identities())).includes(guestAIdentity), { what: "probe B seeing probe A" });
    // The guest tries every way of sending data to everyone, and to the host by name.
    const hostIdentity = await host.evaluate(() => window.__probe.room.localParticipant.identity);
    const attempt = await guestA.evaluate(async (hostId) => {
      const lp = window.__probe.room.localParticipant;
      const bytes = (text) => new TextEncoder().encode(text);
      for (let i = 0; i < 5; i++) {
        await lp.publishData(bytes(`guest reliable ${i}`), { reliable: true });
        await lp.publishData(bytes(`guest lossy ${i}`), { reliable: false });
        await lp.publishData(bytes(`guest to host ${i}`), { reliable: true, destinationIdentities: [hostId] });
      }
      try {
        await lp.publishDataTrack({ name: "guest-track" });
        return { track: "published" };
      } catch (e) {
        return { track: "refused", name: e.name, reason: e.reasonName ?? null, message: e.message };
      }
    }, hostIdentity);
    assert.equal(attempt.track, "refused", "publishing a data track is refused");
    assert.equal(attempt.reason, "NotAllowed", `refused as not allowed (${attempt.message})`);
    // The control: the host's data reaches both guests over the same path.
    await host.evaluate(() => window.__probe.room.localParticipant.publishData(new TextEncoder().encode("host to all"), { reliable: true }));
    for (const page of [guestA, guestB]) await until(async () => (await heard(page)).some((m) => m.text === "host to all"), { what: "the host's message at a guest" });
    await sleep(1000);
    for (const [page, who] of [[guestB, "the other guest"], [host, "the host"]]) {
      const fromGuest = (await heard(page)).filter((m) => m.from === guestAIdentity || m.text.startsWith("guest "));
      assert.deepEqual(fromGuest, [], `${who} received the guest's data`);
    }
  });

  it("with max_participants 10 the 11th join is refused and the guest sees 'room full'", async () => {
    const fillers = await shared.newContext({ devices: { audio: false, video: false } });
    let present = (await people(room)).length;
    let n = 0;
    while (present < 10) {
      const page = await fillers.newPage();
      await joinAsGuest(page, meeting.id, { name: `Guest ${++n}`, mic: false, camera: false });
      firstFiller ??= page;
      await until(async () => (await people(room)).length > present, { what: "the participant in LiveKit" });
      present = (await people(room)).length;
    }
    assert.equal(present, 10);
    const eleventh = await fillers.newPage();
    await eleventh.goto(`${BASE}/meet/${meeting.id}`);
    await eleventh.getByTestId("name").fill("Guest 11");
    await eleventh.getByTestId("consent-accept").click();
    await eleventh.getByTestId("join").click();
    await eleventh.getByTestId("room-full").waitFor({ timeout: 15_000 });
    assert.match(await eleventh.getByTestId("room-full").innerText(), /This call is full/);
    await shot(eleventh, "room-full");
    assert.equal((await people(room)).length, 10);
    assert.ok(!(await people(room)).some((p) => p.name === "Guest 11"));
  });

  it("a guest whose tab crashed in the full room gets back in by reloading, as the same participant", async () => {
    const key = `closer.guest.${meeting.id}`;
    const saved = await firstFiller.evaluate((k) => sessionStorage.getItem(k), key);
    const name = JSON.parse(saved).name;
    const identityOf = async () => (await people(room)).find((p) => p.name === name)?.identity;
    const before = await identityOf();
    assert.ok(before, `${name} is in the room`);
    // A renderer crash sends LiveKit no leave: the old connection stays listed, so the room
    // still counts ten when the tab comes back.
    const crashed = new Promise((resolve) => firstFiller.once("crash", resolve));
    const cdp = await firstFiller.context().newCDPSession(firstFiller);
    void cdp.send("Page.crash").catch(() => {}); // never answered: the renderer is gone
    await crashed;
    assert.equal((await people(room)).length, 10, "the crashed tab's connection is still listed");
    // Chrome's reload of a crashed tab keeps its sessionStorage; Playwright cannot reload a
    // crashed page, so the same tab state is opened in a new page of the same context.
    const back = await firstFiller.context().newPage();
    await back.addInitScript(([k, v]) => sessionStorage.setItem(k, v), [key, saved]);
    await back.goto(`${BASE}/meet/${meeting.id}`);
    await back.getByTestId("room").waitFor({ timeout: 15_000 });
    assert.equal(await identityOf(), before, "back as the same participant");
    assert.equal((await people(room)).length, 10);
  });

  it("after the host ends the call, an unexpired token cannot bring the room back", async () => {
    const late = await api(`/api/meetings/${meeting.id}/token`, { method: "POST", token: seller.access_token });
    await api(`/api/meetings/${meeting.id}/end`, { method: "POST", token: seller.access_token });
    await assert.rejects(guestAccess("Later"), (e) => e.status === 410, "no new joins once ended");
    const page = await shared.newPage();
    await assert.rejects(livekitProbe(page, late), "LiveKit refuses the old token: the room is gone");
    assert.deepEqual(await livekitParticipants(room), [], "nobody is in a room again");
  });
});
