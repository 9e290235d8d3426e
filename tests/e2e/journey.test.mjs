// A team's first day, through the UI only, in one run (#22's journey): a company signs up
// (a new organization: nothing of the seeded demo is visible to it), its admin adds a starter
// playbook and invites a seller by e-mail (received by a real SMTP server); the seller accepts,
// sets weekly hours and a meeting type run with that playbook; a prospect books a time on the
// seller's booking page and moves it through the e-mailed manage link; the call happens (the
// seller joins from the console, the prospect from the e-mailed link, the copilot transcribes
// them); the seller ends it and exports the recap as PDF. Every screen is captured at 1280 and
// 390 px wide (`bothSizes`: no serious or critical axe-core violation, none wider than 390 px).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { BASE, FIXTURES, bothSizes, joinAsGuest, launch, launchShared, openMeetingType, reschedule, shot, until, waitProcessed } from "./lib.mjs";
import { emailTo } from "./mail.mjs";

const RUN = randomUUID().slice(0, 8);
const COMPANY = `Northwind ${RUN}`;
const ADMIN_EMAIL = `olivia.${RUN}@northwind.example`;
const SELLER_EMAIL = `sam.${RUN}@northwind.example`;
const SELLER_PASSWORD = "sam-long-password-1";
const PROSPECT_EMAIL = `ada.${RUN}@initech.example`;
const SMOKE = `${FIXTURES}/smoke-en/host.wav`;

describe("a team's first day, from sign-up to the recap's PDF, through the UI only", { timeout: 12 * 60_000 }, () => {
  const browsers = [];
  let admin; // page
  let seller; // page (its fake microphone plays the smoke fixture's sentence)
  let prospect; // page (the same sentence, for the call)
  let inviteLink;
  let sellerSlug;
  let meetingUrl;
  let meetingId;

  const open = async (options) => {
    const b = await launch(options);
    browsers.push(b);
    return b.context.pages()[0] ?? (await b.context.newPage());
  };

  before(async () => {
    const shared = await launchShared();
    browsers.push(shared);
    admin = await shared.newPage({ locale: "en-US" });
  });

  after(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
  });

  it("a company signs up, its admin adds a starter playbook and invites a seller by e-mail", async () => {
    await admin.goto(`${BASE}/signup`);
    await admin.getByTestId("signup-organization").fill(COMPANY);
    await admin.getByTestId("signup-name").fill("Olivia Admin");
    await admin.getByTestId("signup-email").fill(ADMIN_EMAIL);
    await admin.getByTestId("signup-password").fill("olivia-long-password-1");
    await admin.getByTestId("signup-submit").click();
    await admin.waitForURL(`${BASE}/console/team`);

    // Playbooks are the managers' (sellers run them): the admin adds the English starter.
    await admin.goto(`${BASE}/console/playbooks`);
    await admin.locator("[data-testid=starter-playbook]", { hasText: "Discovery Call" }).getByTestId("starter-add").click();
    await admin.waitForURL(/\/console\/playbooks\/[0-9a-f-]{36}$/);
    await bothSizes(admin, "journey-playbook");

    await admin.goto(`${BASE}/console/team`);
    await admin.getByTestId("invite-email").fill(SELLER_EMAIL);
    await admin.getByTestId("invite-role").selectOption("seller");
    await admin.getByTestId("invite-language").selectOption("en");
    await admin.getByTestId("invite-send").click();
    inviteLink = await admin.getByTestId("invite-link").textContent();
    const mail = await emailTo(SELLER_EMAIL);
    assert.ok(mail.text.includes(inviteLink), `the e-mail carries the invitation link: ${mail.text}`);
    await bothSizes(admin, "journey-team");
  });

  it("the seller accepts, sets weekly hours and a meeting type run with the starter playbook", async () => {
    seller = await open({ wav: SMOKE });
    await seller.goto(inviteLink);
    await seller.getByTestId("invite-name").fill("Sam Seller");
    sellerSlug = `sam-seller-${RUN}`;
    await seller.getByTestId("invite-slug").fill(sellerSlug);
    await seller.getByTestId("invite-password").fill(SELLER_PASSWORD);
    await seller.getByTestId("invite-submit").click();
    await seller.waitForURL(`${BASE}/console`);

    // The first-run checklist: the team already has a playbook; hours and a meeting are to do.
    const steps = seller.getByTestId("get-started-step");
    await steps.first().waitFor();
    assert.deepEqual(await steps.evaluateAll((els) => els.map((e) => e.dataset.done)), ["false", "true", "false"]);
    await bothSizes(seller, "journey-get-started");
    await steps.nth(0).locator("a").click();
    await seller.waitForURL(`${BASE}/console/availability`);

    // Hours on every day of the week (so the booking page has times whatever day this runs).
    for (const day of ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]) {
      const row = seller.getByTestId(`weekday-${day}`);
      if ((await row.locator("input[type=time]").count()) === 0) await row.getByRole("button", { name: /Add hours/ }).click();
    }
    await seller.getByTestId("save-availability").click();
    await seller.getByTestId("save-availability").filter({ hasText: "Saved" }).waitFor();
    // A meeting type on the booking page, run with the starter playbook.
    await seller.getByTestId("add-meeting-type").click();
    await seller.getByLabel("Title", { exact: true }).fill("Intro call");
    await seller.getByLabel("Link key", { exact: true }).fill("intro");
    await seller.getByTestId("meeting-type-description").fill("Twenty minutes to see whether Closer fits your team.");
    await seller.getByRole("combobox", { name: /^Playbook/ }).selectOption({ label: "Discovery Call" });
    await seller.getByTestId("save-meeting-type").click();
    await seller.getByTestId("meeting-type-row").filter({ hasText: "Intro call" }).waitFor();
    await bothSizes(seller, "journey-availability");
    await seller.getByTestId("nav-meetings").click();
    await until(async () => (await steps.nth(0).getAttribute("data-done")) === "true", { what: "the availability step ticked" });
  });

  it("a prospect books a time on the booking page and moves it through the e-mailed link", async () => {
    prospect = await open({ wav: SMOKE });
    await prospect.goto(`${BASE}/book/${sellerSlug}`);
    assert.equal(await prospect.getByTestId("booking-title").textContent(), "Book a meeting with Sam Seller");
    await openMeetingType(prospect, "Intro call", /Later/);
    await bothSizes(prospect, "journey-booking-slots");
    await prospect.getByTestId("slot").first().click();
    await prospect.getByTestId("book-name").fill("Ada Prospect");
    await prospect.getByTestId("book-email").fill(PROSPECT_EMAIL);
    await prospect.getByTestId("book-company").fill("Initech");
    await bothSizes(prospect, "journey-booking-form");
    await prospect.getByTestId("book-confirm").click();
    await prospect.getByTestId("booking-confirmed").waitFor({ timeout: 15_000 });
    await bothSizes(prospect, "journey-booking-confirmed");
    const invitation = await emailTo(PROSPECT_EMAIL);
    assert.match(invitation.subject, /Intro call with Sam Seller/, invitation.subject);
    meetingUrl = invitation.text.match(/https?:\/\/\S+\/meet\/[0-9a-f-]{36}/)?.[0];
    assert.ok(meetingUrl, `the invitation carries the meeting link: ${invitation.text}`);
    meetingId = meetingUrl.split("/").pop();
    await emailTo(SELLER_EMAIL, { subject: /Ada Prospect/ });

    // The manage link, as the confirmation page and the e-mail both give it.
    const manage = await prospect.locator('a[href^="/booking/"]').getAttribute("href");
    assert.ok(invitation.text.includes(manage), `the invitation carries the manage link ${manage}: ${invitation.text}`);
    await prospect.goto(`${BASE}${manage}`);
    await reschedule(prospect, "journey-reschedule");
    await emailTo(SELLER_EMAIL, { subject: /^Rescheduled: Intro call with Ada Prospect/ });
  });

  it("the call happens: the seller joins from the console, the prospect from the e-mailed link, the copilot transcribes", async () => {
    // Today or later, depending on the hour this runs at and the times left today.
    const row = seller.locator(`[data-testid=meeting-row][data-meeting-id="${meetingId}"]`);
    await until(
      async () => {
        for (const tab of ["tab-today", "tab-upcoming"]) {
          await seller.getByTestId(tab).click();
          if (await row.waitFor({ timeout: 3_000 }).then(() => true, () => false)) return true;
        }
        return false;
      },
      { what: "the booked meeting in the seller's list", timeout: 20_000 },
    );
    await bothSizes(seller, "journey-meetings");
    await row.locator("a", { hasText: "Intro call" }).first().click();
    await seller.getByTestId("meeting-details").waitFor();
    await bothSizes(seller, "journey-meeting-details");
    await seller.getByTestId("details-join").click();
    await seller.getByTestId("green-room").waitFor();
    await seller.getByTestId("green-toggle-camera").click();
    await seller.getByTestId("join").click();
    await seller.getByTestId("room").waitFor({ timeout: 30_000 });

    await prospect.goto(meetingUrl);
    await joinAsGuest(prospect, meetingId, { name: "Ada", camera: false });
    // Both microphones play the same sentence on a loop: the seller's HUD transcribes both.
    const speakers = () =>
      seller.$$eval("[data-testid=transcript-line][data-final=true]", (lines) => [...new Set(lines.map((l) => l.dataset.speakerName))]);
    await until(async () => (await speakers()).includes("Ada") && (await speakers()).includes("Sam Seller"), { what: "both people in the seller's transcript", timeout: 60_000 });
    await shot(seller, "journey-call");

    seller.once("dialog", (d) => d.accept());
    await seller.getByTestId("end-for-all").click();
    await prospect.getByTestId("ended").waitFor({ timeout: 15_000 });
  });

  it("the seller exports the recap as PDF", async () => {
    const token = await seller.evaluate(() => JSON.parse(localStorage.getItem("closer.session") ?? "{}").access_token);
    await waitProcessed(meetingId, token);
    await seller.goto(`${BASE}/console/meetings/${meetingId}`);
    await seller.getByTestId("details-recap").click();
    await seller.getByTestId("export-pdf").waitFor({ timeout: 30_000 });
    await bothSizes(seller, "journey-recap");
    const [pdf] = await Promise.all([seller.waitForEvent("download", { timeout: 60_000 }), seller.getByTestId("export-pdf").click()]);
    const text = execFileSync("pdftotext", [await pdf.path(), "-"], { encoding: "utf8" }).split(/\s+/).join(" ");
    assert.ok(text.includes("Intro call — Initech"), `the PDF is this meeting's recap: ${text.slice(0, 300)}`);
    assert.ok(/walk/i.test(text), `the PDF holds the transcript: ${text.slice(0, 600)}`);
  });
});
