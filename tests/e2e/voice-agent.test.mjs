// An AI agent runs a call with a guest in a real browser (#17), in English and in Italian: the
// guest joins from the meeting's link in Chromium (the guest page, livekit-client, WebRTC) and
// speaks synthesised answers (espeak-ng) into the page's microphone whenever the agent's line is
// over, the way a person waits for a question to end; the page keeps what it received from the
// agent, which Closer's own Whisper (`closer-server analyze`) transcribes against what the agent
// said. The agent greets by first name and asks; the guest cuts a question off (barge-in: the
// agent's voice stops at the guest's page within 500 ms); BANT is extracted from the answers;
// the seller, waiting in her green room, joins while the agent asks its last question and takes
// the call over (the agent falls silent and leaves), and the lead is handed off to her with an
// e-mail and CRM webhooks. In English the guest also asks the price (answered from the FAQ), and
// the recap after the call has the agent's lines on the seller's side.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASE, USERS, api, crmReceiver, joinAsGuest, launch, repo, session, signIn, tileNames, until, waitProcessed, writeOutput } from "./lib.mjs";
import { emailTo } from "./mail.mjs";

/**
 * How long the agent's voice may go on at the guest's page after the guest starts speaking, ms
 * (#17's budget): printed against every run. The server's part of it (barge-in flag → the guest
 * hears silence) is held to it in `backend/tests/agent_voice.rs` (20–60 ms measured).
 */
const BARGE_IN_BUDGET_MS = 500;
/**
 * What the browser run asserts, ms: the whole loop (the guest's page → LiveKit → the agent's VAD
 * → LiveKit → the page) took 130–240 ms on an idle machine, but 434 and 551 ms on the page's
 * audio clock with two busy loops beside the run (and 544 / 733 ms, timed on the page's main
 * thread, in a clean-clone CI on a slow evening): the browsers share one core. Twice the budget
 * still fails an agent that finishes its sentence.
 */
const BARGE_IN_CEILING_MS = 2 * BARGE_IN_BUDGET_MS;
/** Silence after which the guest takes the agent's line to be over (as the Rust tests' guest). */
const LINE_END_MS = 800;
/** How long the agent's line has been heard at the guest's page when the guest cuts in, ms. */
const CUT_IN_AFTER_MS = 600;

/**
 * Init script of the guest's page: its microphone is a WebAudio stream the test speaks into
 * (`window.__guest.say(wav base64, afterLoudMs)`, resolving at the sound's first and last loud
 * sample, wall ms; with `afterLoudMs`, said once the received voice has been loud that long), and the first audio track it receives (the agent's voice) is tapped: levels every 20 ms
 * (`window.__guest.levels`: [wall ms, loud]) and the audio itself at 16 kHz
 * (`window.__guest.pcm()`: Int16 samples as base64).
 *
 * Both are timed on the audio context's clock (the sample's place in the audio graph, turned
 * into wall ms), not when the page's busy main thread gets round to a message: on two shared
 * cores messages from the audio thread were seen to arrive hundreds of ms late.
 */
const GUEST_PAGE = () => {
  const ctx = new AudioContext({ sampleRate: 48_000 });
  const mic = ctx.createMediaStreamDestination();
  const guest = { levels: [], samples: [], saying: null };
  window.__guest = guest;
  const LOUD = 10 ** (-40 / 20);
  /** Wall ms of the audio context's time `t` (s). */
  const wall = (t) => Date.now() + (t - ctx.currentTime) * 1000;
  // 20 ms blocks (960 samples at 48 kHz): the block's end on the context's clock (s), whether it
  // was loud (RMS over −40 dBFS), and its samples at 16 kHz.
  const worklet = `registerProcessor("e2e-tap", class extends AudioWorkletProcessor {
    constructor() { super(); this.sum = 0; this.n = 0; this.pcm = []; }
    process(inputs) {
      const c = inputs[0] && inputs[0][0];
      if (!c) return true;
      for (let i = 0; i < c.length; i++) {
        const x = c[i];
        this.sum += x * x;
        if (this.n % 3 === 0) this.pcm.push(x);
        this.n += 1;
        if (this.n === 960) {
          this.port.postMessage({ end: currentTime + (i + 1) / sampleRate, loud: Math.sqrt(this.sum / this.n) > ${LOUD}, pcm: this.pcm });
          this.sum = 0; this.n = 0; this.pcm = [];
        }
      }
      return true;
    }
  });`;
  const tap = ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([worklet], { type: "application/javascript" }))).then(() => {
    const node = new AudioWorkletNode(ctx, "e2e-tap");
    const sink = ctx.createGain();
    sink.gain.value = 0;
    node.connect(sink);
    sink.connect(ctx.destination);
    node.port.onmessage = ({ data }) => {
      guest.levels.push([wall(data.end), data.loud]);
      guest.onLevel?.(data.end, data.loud);
      for (const x of data.pcm) guest.samples.push(Math.max(-32768, Math.min(32767, Math.round(x * 32767))));
    };
    return node;
  });
  // Only the first audio track received is tapped: the agent's, the one other participant
  // publishing audio when the guest joins (a seller joining later is not measured).
  let tapped = false;
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    pc.addEventListener("track", (e) => {
      if (e.track.kind !== "audio" || tapped) return;
      tapped = true;
      void tap.then((node) => ctx.createMediaStreamSource(new MediaStream([e.track])).connect(node));
    });
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = constraints?.video ? await getUserMedia({ video: constraints.video }) : new MediaStream();
    if (constraints?.audio) stream.addTrack(mic.stream.getAudioTracks()[0].clone());
    return stream;
  };
  /** Resolves once the received voice has been loud for `ms` of its audio since this call. */
  const loudFor = (ms) =>
    new Promise((resolve) => {
      let since = null;
      guest.onLevel = (end, loud) => {
        if (!loud) return;
        since ??= end;
        if ((end - since) * 1000 >= ms) {
          guest.onLevel = null;
          resolve();
        }
      };
    });
  guest.say = async (base64, afterLoudMs = 0) => {
    await ctx.resume();
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const buffer = await ctx.decodeAudioData(bytes.buffer);
    // A barge-in is timed by the page, on the audio it receives: the test driver reads the levels
    // too late on a busy machine (once, after the agent's line had ended).
    if (afterLoudMs > 0) await loudFor(afterLoudMs);
    const data = buffer.getChannelData(0);
    const loud = (i) => Math.abs(data[i]) > LOUD;
    let first = 0;
    while (first < data.length && !loud(first)) first += 1;
    let last = data.length - 1;
    while (last > first && !loud(last)) last -= 1;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(mic);
    const startAt = ctx.currentTime + 0.05;
    source.start(startAt);
    await new Promise((r) => (source.onended = r));
    return { start: wall(startAt + first / buffer.sampleRate), end: wall(startAt + last / buffer.sampleRate) };
  };
  guest.pcm = () => {
    const bytes = new Uint8Array(new Int16Array(guest.samples).buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  };
};

/** `text` spoken by espeak-ng in `language`, as a WAV file's bytes (base64). */
function speech(language, text) {
  const dir = mkdtempSync(join(tmpdir(), "closer-e2e-agent-"));
  try {
    execFileSync("espeak-ng", ["-v", language === "it" ? "it" : "en-us", "-s", "150", "-w", join(dir, "a.wav"), text]);
    return readFileSync(join(dir, "a.wav")).toString("base64");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A 16 kHz mono 16-bit WAV file of `samples` (Int16 little-endian bytes). */
function wavFile(path, pcm) {
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + pcm.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(pcm.length, 40);
  writeFileSync(path, Buffer.concat([header, pcm]));
}

/** What the guest's page received from the agent, transcribed by Closer's Whisper. */
async function heardByGuest(page, language) {
  const dir = mkdtempSync(join(tmpdir(), "closer-e2e-agent-heard-"));
  try {
    const path = join(dir, "heard.wav");
    wavFile(path, Buffer.from(await page.evaluate(() => window.__guest.pcm()), "base64"));
    writeFileSync(join(dir, "playbook.json"), readFileSync(join(repo, "tests/fixtures/corpus/calibration/playbooks", language === "it" ? "it-agenzia-immobiliare.json" : "en-dental-pms.json")));
    const bin = join(process.env.CARGO_TARGET_DIR ?? join(process.env.HOME, ".cache/closer/target"), "debug", "closer-server");
    const env = { ...process.env };
    delete env.CLOSER_MONGODB_URL; // nothing stored
    const out = execFileSync(bin, ["analyze", "--playbook", join(dir, "playbook.json"), "--speaker", `agent=${path}`, "--language", language], { env, maxBuffer: 64 << 20 }).toString();
    return out
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((e) => e.kind === "transcript_final")
      .map((e) => e.text)
      .join(" ")
      .toLowerCase();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The guest's side of the call: after each of the agent's lines (loud, then quiet for
 * LINE_END_MS at the guest's page) the next answer is said; the answer numbered `bargeIn` is said
 * into the agent's next line instead, once the page has heard CUT_IN_AFTER_MS of it (asserted to
 * be while the agent still spoke). `stopAfter` (optional) ends the loop once that many answers
 * were said and the agent's next line has begun. Returns the gaps (answer's last sound → the
 * agent's next sound at the page, ms) and, for the barge-in, how long the agent's voice went on.
 */
async function converse(page, answers, { bargeIn = -1, stopAfter = answers.length, timeout = 180_000 } = {}) {
  const deadline = Date.now() + timeout;
  const gaps = [];
  let said = 0;
  let line = 0; // the agent's lines begun
  let seen = 0; // levels read
  let loudSince = null;
  let lastLoud = null;
  let speaking = null; // the say() under way
  let lastAnswerEnd = null;
  let cut = null; // the barge-in's say(): { start, end } once said
  const cutLine = []; // when the line cut off was loud, wall ms
  const say = (index, afterLoudMs = 0) =>
    page.evaluate(([wav, ms]) => window.__guest.say(wav, ms), [answers[index], afterLoudMs]).then((t) => {
      lastAnswerEnd = t.end;
      speaking = null;
      return t;
    });
  while (Date.now() < deadline) {
    const levels = await page.evaluate((from) => window.__guest.levels.slice(from), seen);
    seen += levels.length;
    for (const [at, loud] of levels) {
      if (loud) {
        if (loudSince === null) {
          loudSince = at;
          line += 1;
          if (lastAnswerEnd !== null && gaps.length < said) gaps.push(at - lastAnswerEnd);
        }
        lastLoud = at;
        if (line === bargeIn + 1) cutLine.push(at);
        if (said === bargeIn && line === bargeIn + 1 && !speaking) {
          said += 1;
          speaking = say(bargeIn, CUT_IN_AFTER_MS);
          cut = speaking;
        }
      } else if (loudSince !== null && at - lastLoud > LINE_END_MS) {
        loudSince = null;
        if (said < answers.length && said === line - 1 && said !== bargeIn && !speaking) {
          speaking = say(said);
          said += 1;
        }
      }
    }
    if (said >= stopAfter && gaps.length >= stopAfter && !speaking) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (speaking) await speaking;
  let bargeInMs = null;
  if (cut) {
    const { start } = await cut;
    assert.ok(
      cutLine.some((at) => at < start && at >= start - 200),
      `the guest's answer began ${start - Math.max(...cutLine)} ms after the agent's line went quiet: there was nothing to cut in on`,
    );
    bargeInMs = Math.max(0, ...cutLine.filter((at) => at >= start).map((at) => at - start));
  }
  return { gaps, bargeInMs, said };
}

/**
 * An agent of the demo organization (created by its manager, handing leads to the seller), a
 * meeting type of the seller's that the agent runs, and a prospect who asks to talk now from the
 * seller's booking page (`POST /api/book/{slug}/now`): the meeting starts at once, with the
 * prospect as its lead.
 */
async function talkNow(agent, playbookName, prospect) {
  const manager = await session(USERS.manager);
  const seller = await session(USERS.seller);
  const created = await api("/api/agents", { method: "POST", token: manager.access_token, body: { ...agent, handoff_owner_id: seller.user.id } });
  const playbook = (await api("/api/playbooks", { token: seller.access_token })).find((p) => p.name === playbookName);
  assert.ok(playbook, `the seeded ${playbookName} playbook`);
  const slug = `ai-${agent.name.toLowerCase()}-${Date.now()}`;
  await api("/api/meeting-types", {
    method: "POST",
    token: seller.access_token,
    body: { slug, title: `Talk to ${agent.name}`, duration_minutes: 15, playbook_id: playbook.id, active: true, description: "", ai_agent_id: created.id },
  });
  const call = await api(`/api/book/${seller.user.slug}/now`, { method: "POST", body: { meeting_type: slug, ...prospect } });
  return { seller, agent: created, meeting: { id: call.meeting_id } };
}

/** The lead of `email` as the seller sees it, once it has the meeting and BANT. */
async function leadOf(seller, email, meetingId) {
  return until(
    async () => {
      const leads = await api("/api/leads", { token: seller.access_token });
      return leads.find((l) => l.email === email && l.meeting_ids.includes(meetingId) && (l.bant.budget || l.bant.timeline));
    },
    { timeout: 60_000, what: `the lead of ${email}` },
  );
}

function report(name, figures) {
  writeOutput(`agent-${name}.json`, figures);
  console.log(`agent call ${name}: ${JSON.stringify(figures)} (barge-in budget ${BARGE_IN_BUDGET_MS} ms)`);
}

/**
 * The seller, signed in, waiting in the meeting's green room with her microphone on (Chromium's
 * fake device); returns her page.
 */
async function sellerInGreenRoom(meeting, locale) {
  const b = await launch({ locale });
  sellerBrowsers.push(b);
  await signIn(b.context, USERS.seller);
  const host = b.context.pages()[0] ?? (await b.context.newPage());
  await host.goto(`${BASE}/host/${meeting.id}`);
  await host.getByTestId("green-room").waitFor({ timeout: 60_000 });
  return host;
}

/**
 * The seller joins from her green room while the agent `name` speaks: the agent leaves the call,
 * and its voice at the guest's `page` stops within 3 s of the seller's room opening.
 */
async function takeOver(host, page, name) {
  await host.getByTestId("join").click();
  await host.getByTestId("room").waitFor({ timeout: 30_000 });
  const joined = Date.now();
  await until(async () => !(await tileNames(page)).includes(name), { what: "the agent leaving the call", timeout: 30_000 });
  const lastAgentSound = await page.evaluate(() => window.__guest.levels.filter(([, loud]) => loud).at(-1)?.[0] ?? 0);
  console.log(`${name}'s voice at the guest's page ended ${lastAgentSound - joined} ms after the seller's room opened`);
  assert.ok(lastAgentSound < joined + 3_000, `${name} talked on ${lastAgentSound - joined} ms after the seller joined`);
}

/** Browsers of the sellers, closed after the suite. */
const sellerBrowsers = [];

describe("an AI agent runs a call with a guest in the browser", { timeout: 12 * 60_000 }, () => {
  const browsers = [];
  let crm;
  let endpoint;

  before(async () => {
    crm = await crmReceiver();
    const manager = await session(USERS.manager);
    ({ endpoint } = await api("/api/webhooks", {
      method: "POST",
      token: manager.access_token,
      body: { url: crm.url("/crm"), events: ["lead.created", "lead.updated"], description: "AI agent e2e" },
    }));
  });

  after(async () => {
    for (const b of [...browsers, ...sellerBrowsers]) await b.close();
    if (endpoint) await api(`/api/webhooks/${endpoint.id}`, { method: "DELETE", token: (await session(USERS.manager)).access_token });
    await crm?.close();
  });

  const guestPage = async (locale) => {
    const b = await launch({ locale });
    browsers.push(b);
    await b.context.addInitScript(GUEST_PAGE);
    const page = b.context.pages()[0] ?? (await b.context.newPage());
    page.on("pageerror", (e) => console.error(`[guest page error] ${e.message}`));
    return page;
  };

  it("in English: greets Anna by name, answers her price question, stops when she cuts in, and the seller takes the call and the lead over", async () => {
    const email = `anna.${Date.now()}@acme.example`;
    const { seller, meeting } = await talkNow(
      {
        name: "Alex",
        language: "en",
        greeting: "Hello {guest}, I am Alex from Closer. I have a few quick questions for you.",
        questions: [
          { text: "What budget do you have in mind for this project?", criterion: "budget" },
          { text: "When would you like to have a solution in place?", criterion: "timeline" },
          { text: "And who else will be involved in choosing it, besides you?", criterion: "authority" },
        ],
        faq: [{ question: "How much does it cost per month?", answer: "It costs forty euros per user per month." }],
        closing: "Thank you. A consultant will call you back this week.",
        qualify_score: 50,
      },
      "Discovery Call",
      { name: "Anna Rossi", email, company: "Acme" },
    );
    const page = await guestPage("en-US");
    await joinAsGuest(page, meeting.id, { name: "Anna Rossi", camera: false });
    await until(async () => (await tileNames(page)).includes("Alex"), { what: "the agent's tile", timeout: 60_000 });
    assert.equal(await page.getByTestId("tile-ai-agent").count(), 1, "the agent's tile says it is an AI agent");
    await page.locator("[data-testid=tile][data-name=Alex][data-speaking]").waitFor({ timeout: 30_000 });
    const host = await sellerInGreenRoom(meeting, "en-US");

    const answers = ["How much does it cost per month?", "We have about twenty thousand euros for this project.", "We would like to start in March."].map((a) => speech("en", a));
    const talked = await converse(page, answers, { bargeIn: 2 });
    report("en", talked);
    assert.equal(talked.said, 3, "Anna said all three answers");
    assert.equal(talked.gaps.length, 3, `the agent went on after each of Anna's turns: ${talked.gaps}`);
    assert.ok(talked.bargeInMs !== null && talked.bargeInMs <= BARGE_IN_CEILING_MS, `the agent's voice went on ${talked.bargeInMs} ms (ceiling ${BARGE_IN_CEILING_MS} ms) after Anna cut in`);
    await takeOver(host, page, "Alex");

    const heard = await heardByGuest(page, "en");
    console.log(`Anna heard: ${heard}`);
    assert.match(heard, /hello,? anna/, "greeted by first name");
    assert.ok(!heard.includes("rossi"), "by first name only");
    assert.match(heard, /budget/, "the first question");
    assert.match(heard, /euros per user per month/, "the FAQ's answer");

    const lead = await leadOf(seller, email, meeting.id);
    assert.equal(lead.stage, "handed_off");
    assert.equal(lead.owner_id, seller.user.id);
    assert.equal(lead.bant.budget?.score, 2, `an amount set aside: ${JSON.stringify(lead.bant.budget)}`);
    assert.match(lead.bant.budget.evidence.replace(/[,. ]/g, ""), /20000|twentythousand/, JSON.stringify(lead.bant.budget));
    assert.ok(lead.bant.timeline, "the timeline answer (said over the question) is assessed");
    assert.ok(!lead.bant.authority, `the seller took the call over before the authority question was answered: ${JSON.stringify(lead.bant)}`);
    const mail = await emailTo(seller.user.email, { subject: /Anna Rossi/, timeout: 30_000 });
    assert.match(mail.subject, /^New lead from Alex/);
    // The CRM heard of the lead when Anna asked to talk, and of its BANT after the call.
    await until(() => crm.received.some(({ json: e }) => e.type === "lead.created" && e.data?.email === email), { timeout: 30_000, what: "the lead.created webhook" });
    await until(() => crm.received.some(({ json: e }) => e.type === "lead.updated" && e.data?.email === email && e.data?.bant?.budget?.score === 2), {
      timeout: 30_000,
      what: "the lead.updated webhook with the BANT",
    });

    // Anna and the seller leave: the call ends and its recap is an ordinary one, the agent on
    // the seller's side.
    await page.close();
    await host.close();
    await waitProcessed(meeting.id, seller.access_token, { timeout: 180_000 });
    const recap = await api(`/api/meetings/${meeting.id}/recap`, { token: seller.access_token });
    const agentLines = recap.transcript.filter((l) => l.speaker_name === "Alex");
    assert.ok(agentLines.some((l) => /budget/i.test(l.text)) && agentLines.every((l) => l.side === "seller"), JSON.stringify(recap.transcript));
    assert.ok(recap.transcript.some((l) => l.side === "guest" && /march/i.test(l.text)), "Anna's answers");
    assert.ok(recap.speakers.some((sp) => sp.name === "Alex" && sp.talk_ms > 10_000), JSON.stringify(recap.speakers));
    assert.ok(recap.recording_url, "the replay has the call's audio, the agent's voice in it");
  });

  it("in Italian: Giulia cuts a question off, then the seller joins while the agent asks and takes the call over", async () => {
    const email = `giulia.${Date.now()}@rossi.example`;
    const { seller, meeting } = await talkNow(
      {
        name: "Chiara",
        language: "it",
        greeting: "Buongiorno {guest}, sono Chiara di Closer. Ho qualche domanda veloce per lei.",
        questions: [
          { text: "Che budget avete previsto per questo progetto?", criterion: "budget" },
          { text: "Entro quando vorreste avere una soluzione?", criterion: "timeline" },
          { text: "Chi altro partecipa alla decisione, oltre a lei?", criterion: "authority" },
        ],
        faq: [{ question: "Quanto costa al mese?", answer: "Costa quaranta euro per utente al mese." }],
        closing: "Grazie. Un consulente la richiamerà questa settimana.",
        qualify_score: 90,
      },
      "Primo Contatto",
      { name: "Giulia Bianchi", email, company: "Rossi Srl" },
    );
    const page = await guestPage("it-IT");
    await joinAsGuest(page, meeting.id, { name: "Giulia Bianchi", camera: false });
    await until(async () => (await tileNames(page)).includes("Chiara"), { what: "the agent's tile", timeout: 60_000 });

    const host = await sellerInGreenRoom(meeting, "it-IT");

    const said = { budget: "Abbiamo circa ventimila euro per questo progetto.", timeline: "Vorremmo cominciare a marzo." };
    const answers = [said.budget, said.timeline].map((a) => speech("it", a));
    // Giulia cuts the second question off with her answer.
    const talked = await converse(page, answers, { bargeIn: 1, stopAfter: 2 });
    report("it", talked);
    assert.equal(talked.gaps.length, 2, `the agent went on after each answer: ${talked.gaps}`);
    assert.ok(talked.bargeInMs !== null && talked.bargeInMs <= BARGE_IN_CEILING_MS, `the agent's voice went on ${talked.bargeInMs} ms (ceiling ${BARGE_IN_CEILING_MS} ms) after Giulia cut in`);

    await takeOver(host, page, "Chiara");

    const heard = await heardByGuest(page, "it");
    console.log(`Giulia heard: ${heard}`);
    // Whisper hears festival's Italian voice loosely ("budget" as "bugget"): two words of each question.
    assert.match(heard, /giulia/, "greeted by first name");
    assert.match(heard, /previsto/, "the first question");
    assert.match(heard, /quando/, "the second question's beginning (Giulia cut it off)");

    const lead = await leadOf(seller, email, meeting.id);
    assert.equal(lead.stage, "handed_off", "taken over: handed off to the seller whatever the score");
    assert.equal(lead.owner_id, seller.user.id);
    assert.ok(lead.bant.budget && lead.bant.timeline && !lead.bant.authority, `asked and answered: budget and timeline: ${JSON.stringify(lead.bant)}`);
    const mail = await emailTo(seller.user.email, { subject: /Giulia Bianchi/, timeout: 30_000 });
    // Both answers quoted as Whisper heard espeak-ng's Italian, which varies from run to run
    // ("Abbiamo circa menti di euro per questo perogietto", "Ammiamo circa ventimita e udo, per
    // questo progetto"): each criterion's line quotes at least half of its answer's words.
    const quotes = (label, answer) => {
      const line = mail.text.split("\n").find((l) => l.startsWith(`- ${label}:`)) ?? "";
      const words = answer.toLowerCase().match(/\p{L}{4,}/gu);
      const quoted = words.filter((w) => line.toLowerCase().includes(w));
      assert.ok(quoted.length * 2 >= words.length, `the ${label} line quotes ${quoted.join(", ") || "nothing"} of "${answer}": ${mail.text}`);
    };
    quotes("Budget", said.budget);
    quotes("Tempi", said.timeline);
  });
});

