// The seller console and the prospect's booking page in a real browser against the real API:
// sign-in, today's meetings with join, meeting details with its playbook, the playbook editor
// (items, examples, objections, battle card image upload), the availability editor, and a
// booking through /book/<slug> that shows up in the seller's meetings.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { emailTo } from "./mail.mjs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BASE, PASSWORD, PHONE, USERS, api, bothSizes, inView, launch, repo, openMeetingType, reschedule, session, until } from "./lib.mjs";

/** What the seller writes on their booking page, and what a prospect reads there. */
const INTRO = "Sara helps finance teams close their books in days, not weeks.";
const DESCRIPTION = "Twenty minutes on how you close today and where the hours go.";

describe("seller console and booking page", { timeout: 5 * 60_000 }, () => {
  let browser;
  let page;
  let seller;

  before(async () => {
    browser = await launch({});
    page = browser.context.pages()[0];
    seller = await session(USERS.seller);
  });

  after(async () => {
    await browser?.close();
  });

  it("signs in with the form and lands on today's meetings", async () => {
    await page.goto(`${BASE}/console`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByTestId("login-email").fill(USERS.seller);
    await page.getByTestId("login-password").fill("wrong password");
    await page.getByTestId("login-submit").click();
    await page.getByTestId("login-error").waitFor();
    await page.getByTestId("login-password").fill(PASSWORD);
    await page.getByTestId("login-submit").click();
    await page.waitForURL(`${BASE}/console`);
    assert.equal(await page.getByTestId("console-user").textContent(), "Sara Seller");
  });

  it("creates an ad hoc meeting, sees it today with Join, and opens its details and playbook", async () => {
    await page.getByTestId("new-meeting").click();
    await page.getByTestId("new-title").fill("Console check — Globex");
    await page.getByTestId("new-playbook").selectOption({ label: "Technical Demo" });
    await page.getByTestId("create-meeting").click();
    await page.getByTestId("meeting-details").waitFor();
    const link = await page.getByTestId("guest-link").textContent();
    assert.match(link, /\/meet\/[0-9a-f-]{36}$/);
    // The playbook's name arrives with its own query, after the details.
    await page.locator("text=Technical Demo").first().waitFor({ timeout: 10_000 });
    // On a phone the title takes the width and Join is on the first screen, under it.
    await bothSizes(page, "meeting-details", async () => {
      assert.ok(await inView(page.getByTestId("details-join")), "Join on the first screen at 390 px");
      const title = await page.getByRole("heading", { name: "Console check — Globex" }).boundingBox();
      assert.ok(title.width >= 300, `the title is ${title.width} px wide at 390 px`);
    });
    await page.goto(`${BASE}/console`);
    const row = page.locator("[data-testid=meeting-row]", { hasText: "Console check — Globex" });
    await row.waitFor();
    assert.equal(await row.getByTestId("join-meeting").count(), 1);
    await bothSizes(page, "console-meetings");
  });

  it("a manager edits a playbook: a checklist item with examples, an objection with a battle card image", async () => {
    const manager = await launch({});
    try {
      const m = manager.context.pages()[0];
      const s = await session(USERS.manager);
      await m.goto(`${BASE}/login`);
      await m.evaluate((stored) => localStorage.setItem("closer.session", stored), JSON.stringify({ access_token: s.access_token, refresh_token: s.refresh_token, expires_at: Date.now() + s.expires_in * 1000, user: s.user }));
      const playbooks = await api("/api/playbooks", { token: s.access_token });
      const demo = playbooks.find((p) => p.name === "Technical Demo");
      await m.goto(`${BASE}/console/playbooks/${demo.id}`);
      await m.getByTestId("playbook-editor").waitFor();
      assert.equal(await m.getByTestId("playbook-unsaved").count(), 0, "nothing to save when just opened");
      await m.getByTestId("add-item").click();
      await m.getByTestId("item-title").last().fill("Confirm the security review");
      // Saved without examples: refused, and the reason names the item in words, in view with
      // Save however far down the editor is scrolled.
      await m.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      assert.ok(await inView(m.getByTestId("save-playbook")), "Save in view at the bottom of the editor");
      await m.getByTestId("save-playbook").click();
      await m.getByTestId("playbook-error").waitFor();
      assert.match(await m.getByTestId("playbook-error").innerText(), /^Checklist item \d+ “Confirm the security review” · example phrasings: expected 1–50 example phrasings$/);
      assert.ok(await inView(m.getByTestId("playbook-error")), "the reason in view");
      await m.getByTestId("item-examples").last().fill("Who runs your security review?\nChi si occupa della revisione di sicurezza?");
      await m.getByTestId("playbook-unsaved").waitFor();
      await m.getByTestId("save-playbook").click();
      await until(async () => (await api(`/api/playbooks/${demo.id}`, { token: s.access_token })).checklist.some((i) => i.key === "confirm_the_security_review"), { what: "the new item saved" });
      await m.getByTestId("playbook-unsaved").waitFor({ state: "detached" });
      const saved = await api(`/api/playbooks/${demo.id}`, { token: s.access_token });
      assert.deepEqual(saved.checklist.find((i) => i.key === "confirm_the_security_review").examples, ["Who runs your security review?", "Chi si occupa della revisione di sicurezza?"]);

      const objection = saved.objections[0].key;
      const png = join(tmpdir(), `closer-e2e-card-${process.pid}.png`);
      writeFileSync(png, await m.screenshot({ clip: { x: 0, y: 0, width: 200, height: 120 } }));
      await m.getByTestId(`upload-${objection}`).setInputFiles(png);
      await m.getByTestId(`card-image-${objection}`).waitFor({ timeout: 15_000 });
      const after = await api(`/api/playbooks/${demo.id}`, { token: s.access_token });
      assert.match(after.objections[0].battle_card.image_url, /\/image$/);
      await bothSizes(m, "playbook-editor");
    } finally {
      await manager.close();
    }
  });

  it("edits availability: adds Saturday hours, an introduction and a meeting type's description, and saves", async () => {
    await page.goto(`${BASE}/console/availability`);
    const saturday = page.getByTestId("weekday-saturday");
    await saturday.getByRole("button", { name: /Add hours/ }).click();
    await page.getByTestId("booking-intro").fill(INTRO);
    await page.getByTestId("save-availability").click();
    await until(async () => {
      const saved = await api("/api/availability", { token: seller.access_token });
      return saved.weekly.some((r) => r.weekday === "saturday") && saved.intro === INTRO;
    }, { what: "Saturday and the introduction saved" });
    const discovery = page.getByTestId("meeting-type-row").filter({ hasText: "Discovery Call" });
    await discovery.getByTestId("edit-meeting-type").click();
    await page.getByTestId("meeting-type-description").fill(DESCRIPTION);
    await page.getByTestId("save-meeting-type").click();
    await discovery.getByText(DESCRIPTION).waitFor();
    await bothSizes(page, "availability");
  });

  it("the seller adds a photo on the profile page for the booking page", async () => {
    await page.goto(`${BASE}/console/profile`);
    await page.getByTestId("profile-photo-file").setInputFiles(join(repo, "backend/tests/data/2x2.png"));
    await until(async () => (await page.getByTestId("profile-photo").count()) === 1 && (await page.getByTestId("profile-photo").evaluate((img) => img.complete && img.naturalWidth === 2)), {
      what: "the uploaded photo shown on the profile page",
    });
    await bothSizes(page, "profile");
  });

  it("a prospect books a slot on /book/<slug> and the meeting appears for the seller", async () => {
    const prospect = await launch({ locale: "it-IT" });
    try {
      const p = prospect.context.pages()[0];
      await p.goto(`${BASE}/book/${seller.user.slug}`);
      assert.equal(await p.getByTestId("booking-title").textContent(), "Prenota una riunione con Sara Seller");
      assert.equal(await p.getByTestId("booking-intro").textContent(), INTRO);
      const photo = p.getByTestId("booking-photo");
      assert.equal(await photo.getAttribute("alt"), "Sara Seller");
      await until(() => photo.evaluate((img) => img.complete && img.naturalWidth === 2), { what: "the seller's photo on the booking page" });
      assert.equal(await p.getByTestId("meeting-type").filter({ hasText: "Discovery Call" }).getByTestId("meeting-type-description").textContent(), DESCRIPTION);
      // A month calendar opening on the first day with free times.
      await openMeetingType(p, "Discovery Call", /Dopo/);
      const firstDay = await p.locator("[data-testid=calendar-day][data-open=true]").first().getAttribute("data-day");
      assert.equal(await p.locator("[data-testid=calendar-day][aria-pressed=true]").getAttribute("data-day"), firstDay, "the first day with free times is chosen");
      await bothSizes(p, "booking-slots");
      // Times in another zone: the slots come again in it, shown at its wall-clock times.
      const [tokyo] = await Promise.all([
        p.waitForResponse((r) => r.url().includes("/slots?") && r.url().includes("time_zone=Asia%2FTokyo")),
        p.getByTestId("book-time-zone").selectOption("Asia/Tokyo"),
      ]);
      const tokyoSlots = await tokyo.json();
      assert.ok(tokyoSlots.length > 0, "slots in Tokyo's week");
      await until(async () => (await p.getByTestId("slot").first().textContent()) === tokyoSlots[0].local_start.slice(11, 16), { what: "the first slot at Tokyo's time" });
      // Picking a time brings the form into view, ready to type in, on a phone too.
      const desk = p.viewportSize();
      await p.setViewportSize(PHONE);
      await p.getByTestId("slot").first().click();
      await until(() => inView(p.getByTestId("book-name")), { timeout: 5_000, what: "the booking form in view after picking a time" });
      assert.equal(await p.evaluate(() => document.activeElement?.dataset.testid), "book-name", "the cursor is in the name field");
      await p.setViewportSize(desk);
      await bothSizes(p, "booking-form");
      await p.getByTestId("book-name").fill("Ada Prospect");
      await p.getByTestId("book-email").fill("ada@example.com");
      await p.getByTestId("book-company").fill("Initech");
      await p.getByTestId("book-confirm").click();
      await p.getByTestId("booking-confirmed").waitFor({ timeout: 15_000 });
      await bothSizes(p, "booking-confirmed");
      // The prospect's invitation in the page's language; the seller is told who booked.
      const invitation = await emailTo("ada@example.com");
      assert.match(invitation.subject, /^Confermato: Discovery Call con Sara Seller, .* JST$/, invitation.subject);
      const notice = await emailTo(USERS.seller, { subject: /Ada Prospect/ });
      // In English: the language of the meeting type's playbook (the English starter).
      assert.match(notice.subject, /^New booking: Discovery Call with Ada Prospect \(Initech\) on /, notice.subject);
      // The manage link moves the booking to another time from a month calendar.
      await p.locator('a[href^="/booking/"]').click();
      await reschedule(p, "booking-reschedule");
      const moved = await emailTo("ada@example.com", { subject: /^Spostato: / });
      assert.match(moved.subject, /^Spostato: Discovery Call con Sara Seller, ora /, moved.subject);
      await emailTo(USERS.seller, { subject: /^Rescheduled: Discovery Call with Ada Prospect/ });
      // The meeting link, opened early: its time in the guest's zone and how long until it starts.
      const upcoming = await api("/api/meetings?when=upcoming", { token: seller.access_token });
      const booked = upcoming.find((m) => m.booking_id);
      await p.goto(booked.guest_url);
      await p.getByTestId("meeting-time").waitFor();
      assert.match(await p.getByTestId("meeting-time").textContent(), /\(([A-Za-z_]+\/)*[A-Za-z_]+\)$/, "with the time zone");
      assert.match(await p.getByTestId("meeting-starts-in").textContent(), /^Inizia tra \d+ (h|min).*aspettare Sara Seller\.$/);
      await bothSizes(p, "green-room", async () => {
        assert.ok(await inView(p.getByTestId("join")), "Join on the first screen at 390 px, before the device pickers");
      });
    } finally {
      await prospect.close();
    }
    const upcoming = await api("/api/meetings?when=upcoming", { token: seller.access_token });
    assert.ok(upcoming.some((m) => m.booking_id), "the booked meeting is in the seller's upcoming meetings");
  });

  it("the guest page explains an unknown link", async () => {
    await page.goto(`${BASE}/meet/00000000-0000-4000-8000-000000000000`);
    await page.getByTestId("not-found").waitFor();
    assert.match(await page.getByTestId("not-found").innerText(), /not valid/);
  });
});
