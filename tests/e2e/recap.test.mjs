// Post-call end to end (issue 7, "Done when"): the rendered en-discovery call goes through the
// real live pipeline (the seller's audio ingest WebSocket, spoken by a real Chromium), the host
// ends the meeting, the backend finalizes it (recap + ffmpeg replay mix). Then, in Chromium, the
// recap page: clicking a sentiment dip moves the player's currentTime to that moment (±1 s) and
// highlights the transcript line playing there; and the analytics dashboard shows the figures
// the API computes for the meeting. Screenshots: tests/output/recap-page.png, analytics.png;
// the recap's PDF export: tests/output/recap.pdf.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BASE, FIXTURES, OUTPUT, USERS, api, bothSizes, crmReceiver, launch, session, signIn, until, writeOutput } from "./lib.mjs";

const SCENARIO = "en-discovery";
const SPEAKERS = { host: "Marco", guest_a: "Sarah", guest_b: "Tom" };
/** Same tolerance as the UI's transcript sync (ui/src/recap/sync.ts, SEEK_TOLERANCE_MS). */
const SEEK_TOLERANCE_MS = 60;

/**
 * Does `action` (a click that seeks) and returns where the player landed and which transcript
 * line was highlighted when the seek completed (`seeked`); the player is paused there so that
 * a loaded machine cannot move it on before the page is inspected.
 */
async function seekWith(page, action) {
  await page.evaluate(() => {
    const audio = document.querySelector("[data-testid=recap-player]");
    window.__e2eSeek = null;
    audio.addEventListener("seeked", () => {
      audio.pause();
      const line = document.querySelector("[data-testid=recap-line][data-active=true]");
      window.__e2eSeek = { t: audio.currentTime, segment: line?.dataset.segment ?? null };
    }, { once: true });
  });
  await action();
  return page.waitForFunction(() => window.__e2eSeek, null, { timeout: 15_000 }).then((h) => h.jsonValue());
}

/**
 * Runs in the page: fetches each speaker's WAV (16 kHz mono s16), sends it as 20 ms audio frames
 * (backend/wire/src/audio_frame.rs) over the ingest socket, interleaved by sequence number and
 * paced in real time like a live call (speech recognition keeps up during the call instead of
 * facing the whole call at its end), and resolves once the server acknowledged every frame.
 */
const FEED = async ({ url, tracks }) => {
  const pcm = async (path) => {
    const buf = await (await fetch(path)).arrayBuffer();
    const view = new DataView(buf);
    let at = 12;
    while (at + 8 <= buf.byteLength) {
      const id = String.fromCharCode(...new Uint8Array(buf, at, 4));
      const size = view.getUint32(at + 4, true);
      if (id === "data") return new Int16Array(buf.slice(at + 8, at + 8 + size));
      at += 8 + size + (size % 2);
    }
    throw new Error(`${path}: no data chunk`);
  };
  const speakers = await Promise.all(tracks.map(async (t) => ({ ...t, samples: await pcm(t.wav), id: new TextEncoder().encode(t.identity) })));
  const frames = Math.max(...speakers.map((s) => Math.ceil(s.samples.length / 320)));
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  let acked = {};
  let failure = null;
  ws.onmessage = (ev) => {
    const control = JSON.parse(ev.data);
    if (control.type === "ack" || control.type === "resume") acked = control.next_seq ?? acked;
    if (control.type === "refused") failure = `refused ${control.identity}: ${control.reason}`;
  };
  ws.onclose = (ev) => {
    if (!failure && ev.code !== 1000) failure = `socket closed ${ev.code} ${ev.reason}`;
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("ingest socket failed"));
  });
  const t0 = Date.now();
  for (let seq = 0; seq < frames; seq++) {
    for (const s of speakers) {
      const frame = new Uint8Array(16 + s.id.length + 640);
      const v = new DataView(frame.buffer);
      frame[0] = 0x43;
      frame[1] = 0x46;
      frame[2] = 1;
      frame[3] = s.id.length;
      v.setUint32(4, seq, true);
      v.setBigUint64(8, BigInt(t0 + seq * 20), true);
      frame.set(s.id, 16);
      const chunk = s.samples.subarray(seq * 320, seq * 320 + 320);
      for (let i = 0; i < chunk.length; i++) v.setInt16(16 + s.id.length + i * 2, chunk[i], true);
      ws.send(frame);
    }
    while (ws.bufferedAmount > 256 * 1024 || Date.now() < t0 + seq * 20) {
      if (failure) throw new Error(failure);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const deadline = Date.now() + 10 * 60_000;
  while (!speakers.every((s) => (acked[s.identity] ?? 0) >= frames)) {
    if (failure) throw new Error(failure);
    if (Date.now() > deadline) throw new Error(`not acknowledged: ${JSON.stringify(acked)} of ${frames}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  ws.close(1000);
  return { frames, seconds: (Date.now() - t0) / 1000 };
};

describe("recap page and analytics dashboard after a real call", { timeout: 20 * 60_000 }, () => {
  const browsers = [];
  let seller;
  let manager;
  let meeting;
  let recap;

  const open = async (email) => {
    const b = await launch({});
    browsers.push(b);
    if (email) await signIn(b.context, email);
    const page = b.context.pages()[0] ?? (await b.context.newPage());
    page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
    return page;
  };

  before(async () => {
    seller = await session(USERS.seller);
    manager = await session(USERS.manager);
  });

  after(async () => {
    for (const b of browsers) await b.close();
  });

  it("a call fed through the live pipeline ends with a recap and a replay", async () => {
    const playbooks = await api("/api/playbooks", { token: seller.access_token });
    const playbook = playbooks.find((p) => p.name === "Discovery Call");
    assert.ok(playbook, "the seeded Discovery Call playbook");
    meeting = await api("/api/meetings", { method: "POST", token: seller.access_token, body: { title: "Recap e2e — Acme discovery", playbook_id: playbook.id } });
    const host = await api(`/api/meetings/${meeting.id}/token`, { method: "POST", token: seller.access_token });
    const identities = { host: host.identity };
    for (const speaker of ["guest_a", "guest_b"]) {
      const access = await api(`/api/meetings/${meeting.id}/join`, { method: "POST", body: { display_name: SPEAKERS[speaker], ai_consent: "accepted" } });
      identities[speaker] = access.identity;
    }

    // The seller's side of the call, spoken by a browser: the page serves the fixture WAVs to
    // itself and streams them over the ingest socket.
    const page = await open();
    await page.route(`${BASE}/__e2e/wav/*`, (route) => {
      const speaker = route.request().url().split("/").pop();
      return route.fulfill({ status: 200, contentType: "audio/wav", body: readFileSync(`${FIXTURES}/${SCENARIO}/${speaker}.wav`) });
    });
    await page.goto(`${BASE}/login`);
    const fed = await page.evaluate(FEED, {
      url: `${BASE.replace(/^http/, "ws")}/api/meetings/${meeting.id}/audio?access_token=${encodeURIComponent(seller.access_token)}`,
      tracks: Object.entries(identities).map(([speaker, identity]) => ({ identity, wav: `/__e2e/wav/${speaker}` })),
    });
    console.log(`fed ${fed.frames} frames per speaker (${(fed.frames / 50).toFixed(1)} s of audio) in ${fed.seconds.toFixed(1)} s`);

    // Ending waits for the transcription backlog; on a loaded machine that can outlast the
    // HTTP client's 5-minute header timeout, so the recap is what the test waits for.
    const started = Date.now();
    const ended = api(`/api/meetings/${meeting.id}/end`, { method: "POST", token: seller.access_token }).then(() => Date.now(), (e) => e);
    recap = await until(() => api(`/api/meetings/${meeting.id}/recap`, { token: seller.access_token }), { timeout: 10 * 60_000, interval: 1000, what: "the recap" });
    const end = await ended;
    if (end instanceof Error && end.cause?.code !== "UND_ERR_HEADERS_TIMEOUT") throw end;
    console.log(`end answered after ${typeof end === "number" ? ((end - started) / 1000).toFixed(1) + " s" : "the client's timeout"}; recap ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    writeOutput("recap-e2e.json", recap);
    assert.equal(recap.recording_url, `/api/meetings/${meeting.id}/recording`);
    assert.ok(recap.transcript.length >= 8, `transcript lines: ${recap.transcript.length}`);
    assert.ok(recap.sentiment.some((p) => p.speaker !== identities.host && p.score < 0), "a guest's sentiment dropped");
  });

  it("clicking a sentiment dip seeks the player there and highlights that line", async () => {
    assert.ok(recap, "needs the recap of the previous test");
    const page = await open(USERS.seller);
    await page.setViewportSize({ width: 1280, height: 1000 });
    // The ended meeting says how long the call lasted, from its real start and end.
    const ended = await api(`/api/meetings/${meeting.id}`, { token: seller.access_token });
    const minutes = Math.max(1, Math.round((Date.parse(ended.ended_at) - Date.parse(ended.started_at)) / 60_000));
    assert.ok(minutes >= 1 && minutes <= 5, `a ${minutes} min call for a two-minute recording`);
    await page.goto(`${BASE}/console/meetings/${meeting.id}`);
    assert.equal(await page.getByTestId("details-duration").innerText(), `lasted ${minutes} min`);
    await page.getByTestId("details-recap").click();
    await page.getByTestId("recap-page").waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => {
      const audio = document.querySelector("[data-testid=recap-player]");
      return audio && audio.readyState >= 1 && audio.duration > 60;
    }, null, { timeout: 60_000 });
    const duration = await page.$eval("[data-testid=recap-player]", (a) => a.duration);
    assert.ok(Math.abs(duration * 1000 - recap.kpis.duration_ms) < 5_000, `replay ${duration} s vs call ${recap.kpis.duration_ms} ms`);

    // A guest's latest dip (far from the start, so a seek that did nothing cannot pass).
    const guests = recap.speakers.filter((s) => s.side === "guest").map((s) => s.speaker);
    const dips = (
      await page.$$eval("[data-testid=sentiment-point][data-dip=true]", (els) => els.map((e) => ({ ms: Number(e.dataset.ms), speaker: e.dataset.speaker, segment: e.dataset.segment })))
    ).filter((d) => guests.includes(d.speaker));
    assert.ok(dips.length > 0, "the chart shows the guests' dips");
    // The seller's line is drawn apart and names them as the seller; their drops are not dips.
    const sellers = recap.speakers.filter((s) => s.side === "seller");
    for (const seller of sellers) {
      const flags = await page.$$eval(`[data-testid=sentiment-point][data-speaker="${seller.speaker}"]`, (els) => els.map((e) => e.dataset.dip));
      assert.ok(flags.length > 0 && flags.every((f) => f === "false"), `the seller's points are never dips: ${flags}`);
      await page.getByTestId("sentiment-chart").getByText(`${seller.name} (seller)`).waitFor();
    }
    const dip = dips.reduce((a, b) => (b.ms > a.ms ? b : a));
    assert.ok(dip.ms > 20_000, `latest dip at ${dip.ms} ms`);
    const before = await page.$eval("[data-testid=recap-player]", (a) => a.currentTime);
    assert.ok(before < 1, `player starts at the beginning (${before})`);

    // Centre the chart: the sticky player must not cover the point.
    await page.getByTestId("sentiment-chart").evaluate((el) => el.scrollIntoView({ block: "center" }));
    const after = await seekWith(page, () => page.locator(`[data-testid=sentiment-point][data-dip=true][data-ms="${dip.ms}"][data-speaker="${dip.speaker}"]`).click());
    assert.ok(Math.abs(after.t - dip.ms / 1000) <= 1, `currentTime ${after.t} s, dip at ${dip.ms / 1000} s`);

    // The highlighted line is the one playing at that moment, by the recap's own transcript,
    // and it is the utterance that moved the sentiment.
    const playing = recap.transcript.filter((l) => l.start_ms <= after.t * 1000 + SEEK_TOLERANCE_MS).at(-1);
    assert.ok(playing, "a line plays at the dip");
    assert.equal(after.segment, playing.segment_id, `highlighted ${after.segment}, playing ${playing.segment_id} (${playing.text})`);
    assert.equal(after.segment, dip.segment, "the dip's own utterance is highlighted");
    const active = await page.$$eval("[data-testid=recap-line][data-active=true]", (els) => els.length);
    assert.equal(active, 1, "exactly one highlighted line");
    // …and scrolled into view inside the transcript.
    await page.waitForFunction(() => {
      const box = document.querySelector("[data-testid=recap-transcript]")?.getBoundingClientRect();
      const line = document.querySelector("[data-testid=recap-line][data-active=true]")?.getBoundingClientRect();
      return box && line && line.top >= box.top - 1 && line.bottom <= box.bottom + 1;
    }, null, { timeout: 5_000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(OUTPUT, "recap-page-full.png"), fullPage: true });
    await bothSizes(page, "recap-page");

    // Clicking a transcript line seeks there too.
    const first = recap.transcript[1];
    const landed = await seekWith(page, () => page.locator(`[data-testid=recap-line][data-segment="${first.segment_id}"]`).click());
    assert.ok(Math.abs(landed.t * 1000 - first.start_ms) <= 1000, `line click: ${landed.t} s vs ${first.start_ms} ms`);
    assert.equal(landed.segment, first.segment_id);

    // The page speaks Italian too.
    await page.getByTestId("lang-it").click();
    await page.getByRole("heading", { name: "Riepilogo della chiamata" }).waitFor();
    assert.match(await page.getByTestId("kpi-talk").innerText(), /rapporto parlato\/ascolto/i);
    await page.getByTestId("lang-en").click();

    // KPI cards carry the recap's figures.
    const talk = await page.getByTestId("kpi-talk").innerText();
    const sellerPct = Math.round(recap.kpis.seller_talk_pct);
    assert.ok(talk.includes(`${sellerPct}:${100 - sellerPct}`), talk);
    const adherence = await page.getByTestId("kpi-adherence").innerText();
    assert.ok(adherence.includes(`${Math.round(recap.kpis.script_adherence_pct)}%`), adherence);

    // Exports: the JSON download is this recap; the printable page opens in a new tab.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
    const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
    assert.equal(exported.meeting_id, meeting.id);
    assert.equal(exported.transcript.length, recap.transcript.length);
    // The PDF (printed on the server) is this recap: its title, checklist and transcript in its text.
    const [pdf] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.getByTestId("export-pdf").click()]);
    assert.equal(pdf.suggestedFilename(), `recap-${meeting.id}.pdf`);
    const pdfText = execFileSync("pdftotext", [await pdf.path(), "-"], { encoding: "utf8" }).split(/\s+/).join(" ");
    assert.ok(pdfText.includes("Acme discovery"), `the PDF names the meeting: ${pdfText.slice(0, 300)}`);
    const heard = recap.transcript.map((l) => l.text.split(" ").slice(0, 3)).find((w) => w.length === 3 && w.every((x) => /^[A-Za-z]+$/.test(x))).join(" ");
    assert.ok(pdfText.includes(heard), `the PDF holds the transcript ("${heard}")`);
    copyFileSync(await pdf.path(), join(OUTPUT, "recap.pdf"));
    const [printable] = await Promise.all([page.context().waitForEvent("page"), page.getByTestId("export-html").click()]);
    await until(async () => (await printable.title()).includes("Acme discovery"), { timeout: 20_000, what: "the printable page" });
    assert.match(printable.url(), /^blob:/);
    await printable.close();
  });

  it("the analytics dashboard shows the meeting's figures", async () => {
    assert.ok(recap, "needs the recap of the first test");
    const page = await open(USERS.manager);
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.goto(`${BASE}/console/analytics`);
    await page.getByTestId("analytics-page").waitFor({ timeout: 60_000 });
    await page.getByTestId("an-playbook").selectOption(recap.playbook_id);
    const row = page.locator(`[data-testid=an-seller-row][data-seller="${recap.host_id}"]`);
    await row.waitFor({ timeout: 30_000 });

    // The same question to the API (the dashboard's default range: the last 30 days).
    const to = new Date();
    const from = new Date(to);
    from.setDate(from.getDate() - 29);
    const day = (d) => d.toISOString().slice(0, 10);
    const expected = await api(`/api/analytics?from=${day(from)}&to=${day(to)}&playbook=${recap.playbook_id}`, { token: manager.access_token });
    const mine = expected.sellers.find((s) => s.seller_id === recap.host_id);
    assert.ok(mine.stats.meetings_held >= 1 && mine.stats.meetings_processed >= 1, JSON.stringify(mine.stats));
    await until(async () => (await row.getByTestId("an-seller-held").innerText()) === String(mine.stats.meetings_held), { what: "held count" });
    assert.equal(await row.getByTestId("an-seller-adherence").innerText(), `${Math.round(mine.stats.avg_adherence_pct)}%`);
    assert.equal(await row.getByTestId("an-seller-talk").innerText(), `${Math.round(mine.stats.avg_seller_talk_pct)}%`);
    // This meeting's objections are counted by category.
    for (const o of recap.objections) {
      const cell = page.locator(`[data-testid=an-objection][data-objection="${o.objection}"]`);
      const category = expected.objections.find((x) => x.objection === o.objection);
      assert.ok(category && category.raised >= 1, o.objection);
      assert.equal(await cell.getAttribute("data-raised"), String(category.raised));
    }
    assert.equal(await page.getByTestId("an-funnel-shown").getAttribute("data-value"), String(expected.battle_cards.shown));
    assert.ok((await page.getByTestId("an-leader").count()) >= 1, "managers see the leaderboard");
    // The same figures as a CSV download: this seller's row holds the dashboard's numbers.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("an-export").click()]);
    assert.equal(download.suggestedFilename(), `closer-analytics-${day(from)}-${day(to)}.csv`);
    const csv = readFileSync(await download.path(), "utf8").trim().split(/\r?\n/).map((line) => line.split(","));
    assert.equal(csv[0][3], "meetings_held");
    assert.equal(csv.at(-1)[0], "Team");
    const sellerRow = csv.find((cells) => cells[0] === mine.name);
    assert.ok(sellerRow, `a row for ${mine.name}: ${JSON.stringify(csv)}`);
    assert.equal(Number(sellerRow[3]), mine.stats.meetings_held);
    assert.equal(Number(sellerRow[5]), mine.stats.avg_adherence_pct);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(OUTPUT, "analytics-full.png"), fullPage: true });
    await bothSizes(page, "analytics");
  });
});

describe("CRM webhook delivery log with redeliver, secret rotation", { timeout: 5 * 60_000 }, () => {
  let browser;
  let crm;
  let accept = false;

  before(async () => {
    // A local CRM: refuses (503) until told to accept.
    crm = await crmReceiver(() => (accept ? [200, "ok"] : [503, "down for maintenance"]));
  });

  after(async () => {
    await browser?.close();
    await crm?.close();
  });

  it("a manager adds an endpoint, sees a failed delivery and redelivers it signed", async () => {
    browser = await launch({});
    await signIn(browser.context, USERS.manager);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${BASE}/console/webhooks`);
    await page.getByTestId("webhooks-page").waitFor({ timeout: 60_000 });
    const url = crm.url(`/closer-e2e-${Date.now()}`);
    await page.getByTestId("wh-url").fill(url);
    await page.getByTestId("wh-description").fill("e2e CRM");
    await page.getByTestId("wh-create").click();
    const secret = (await page.getByTestId("wh-secret").locator("code").innerText()).trim();
    assert.ok(secret.length >= 16, "the signing secret is shown once");
    const endpoint = page.locator("[data-testid=wh-endpoint]", { hasText: url });
    await endpoint.getByTestId("wh-test").click();

    // The receiver is down: the delivery stays pending with the failed attempt logged.
    // (Other specs' meetings may be processed meanwhile: only this test event counts.)
    const delivery = page.locator("[data-testid=wh-delivery][data-event='webhook.test']").first();
    await until(async () => (await delivery.getAttribute("data-status")) === "pending" && (await delivery.innerText()).includes("HTTP 503"), {
      timeout: 30_000,
      what: "a failed first attempt in the log",
    });
    await delivery.getByRole("button", { name: "Attempts" }).click();
    await until(async () => (await delivery.getByTestId("wh-attempts").innerText()).includes("down for maintenance"), { what: "the attempt's answer excerpt" });
    const id = await delivery.getAttribute("data-delivery");

    accept = true;
    await delivery.getByTestId("wh-redeliver").click();
    await until(async () => (await page.locator(`[data-testid=wh-delivery][data-delivery="${id}"]`).getAttribute("data-status")) === "delivered", {
      timeout: 30_000,
      what: "delivered after redelivery",
    });
    await bothSizes(page, "webhooks");

    const { createHmac } = await import("node:crypto");
    const mine = crm.received.filter((r) => r.headers["idempotency-key"] === id);
    const ok = mine.filter((r) => r.accepted);
    assert.equal(ok.length, 1, "delivered once");
    assert.ok(mine.some((r) => !r.accepted), "the refused attempt carried the same idempotency key");
    const expected = "sha256=" + createHmac("sha256", secret).update(`${ok[0].headers["x-closer-timestamp"]}.${ok[0].body}`).digest("hex");
    assert.equal(ok[0].headers["x-closer-signature"], expected, "signed with the secret the page showed");
    assert.equal(JSON.parse(ok[0].body).type, "webhook.test");

    // Rotate the secret: asked first, the new one shown once, the next delivery signed with it.
    page.once("dialog", (dialog) => void dialog.accept());
    await endpoint.getByTestId("wh-rotate").click();
    const rotated = (await endpoint.getByTestId("wh-secret").locator("code").innerText()).trim();
    assert.ok(rotated.length >= 16 && rotated !== secret, "a new secret, shown once");
    await until(async () => (await endpoint.innerText()).includes(`…${rotated.slice(-4)}`), { what: "the endpoint's new secret hint" });
    await endpoint.getByTestId("wh-test").click();
    let next;
    await until(async () => {
      next = crm.received.find((r) => r.accepted && r.headers["idempotency-key"] !== id && JSON.parse(r.body).type === "webhook.test");
      return next !== undefined;
    }, { timeout: 30_000, what: "the test event after the rotation" });
    const resigned = "sha256=" + createHmac("sha256", rotated).update(`${next.headers["x-closer-timestamp"]}.${next.body}`).digest("hex");
    assert.equal(next.headers["x-closer-signature"], resigned, "signed with the rotated secret");
  });
});
