// A team starts on its own, through the UI only: a company signs up, its admin invites a seller
// by e-mail (received by a real SMTP server), the seller opens the e-mailed link — the page in
// the invitation's language — creates the account and lands in the console; the admin sees the
// invitation accepted, deactivates the seller, and the seller's next sign-in is refused; the
// admin, having forgotten the password, resets it through an e-mailed link. Each
// screen is captured at 1280 and 390 px wide, and none is wider than a 390 px viewport.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { BASE, bothSizes, launchShared, until } from "./lib.mjs";
import { emailTo } from "./mail.mjs";

const RUN = randomUUID().slice(0, 8);
const ADMIN_EMAIL = `giulia.${RUN}@ferri-arredamenti.example`;
const SELLER_EMAIL = `marco.${RUN}@ferri-arredamenti.example`;
describe("a team starts on its own", { timeout: 3 * 60_000 }, () => {
  let browser;
  let admin;
  let link;

  before(async () => {
    browser = await launchShared();
    admin = await browser.newPage({ locale: "en-US" });
  });

  after(async () => {
    await browser?.close();
  });

  it("a company signs up from the sign-in page and lands on its team page as admin", async () => {
    await admin.goto(`${BASE}/login`);
    await admin.getByTestId("login-signup").waitFor();
    await bothSizes(admin, "sign-in");
    await admin.getByTestId("login-signup").click();
    await admin.waitForURL(`${BASE}/signup`);
    await admin.getByTestId("signup-organization").fill(`Ferri Arredamenti ${RUN}`);
    assert.equal(await admin.getByTestId("signup-slug").inputValue(), `ferri-arredamenti-${RUN}`, "slug proposed from the name");
    await admin.getByTestId("signup-name").fill("Giulia Ferri");
    await admin.getByTestId("signup-email").fill(ADMIN_EMAIL);
    await admin.getByTestId("signup-password").fill("a-long-password-1");
    await bothSizes(admin, "team-signup");
    await admin.getByTestId("signup-submit").click();
    await admin.waitForURL(`${BASE}/console/team`);
    const people = admin.getByTestId("team-person");
    await people.first().waitFor();
    assert.equal(await people.count(), 1);
    assert.match(await people.first().textContent(), /Giulia Ferri.*Admin/);
  });

  it("the first-run checklist leads the admin to a starter playbook, added with one click", async () => {
    await admin.getByTestId("nav-meetings").click();
    const steps = admin.getByTestId("get-started-step");
    await steps.first().waitFor();
    assert.deepEqual(await steps.evaluateAll((els) => els.map((e) => e.dataset.done)), ["false", "false", "false"]);
    await bothSizes(admin, "team-get-started");
    await steps.nth(1).locator("a").click();
    await admin.waitForURL(`${BASE}/console/playbooks`);
    await admin.getByTestId("playbooks-empty").waitFor();
    const starter = admin.locator("[data-testid=starter-playbook]", { hasText: "Primo Contatto" });
    await starter.getByTestId("starter-add").click();
    await admin.waitForURL(/\/console\/playbooks\/[0-9a-f-]{36}$/);
    await admin.getByTestId("nav-meetings").click();
    await until(async () => (await steps.nth(1).getAttribute("data-done")) === "true", { what: "the playbook step ticked" });
    await admin.getByTestId("nav-team").click();
    await admin.waitForURL(`${BASE}/console/team`);
  });

  it("the admin invites a seller in Italian; the e-mail carries the link shown once", async () => {
    await admin.getByTestId("invite-email").fill(SELLER_EMAIL);
    await admin.getByTestId("invite-role").selectOption("seller");
    await admin.getByTestId("invite-language").selectOption("it");
    await admin.getByTestId("invite-send").click();
    const sent = admin.getByTestId("invite-sent");
    await sent.waitFor();
    assert.match(await sent.textContent(), new RegExp(`Invitation sent to ${SELLER_EMAIL.replace(/\./g, "\\.")}`));
    link = await admin.getByTestId("invite-link").textContent();
    assert.match(link, /\/invite#token=[A-Za-z0-9_-]{43}$/);

    const mail = await emailTo(SELLER_EMAIL);
    assert.equal(mail.subject, `Giulia Ferri ti invita in Ferri Arredamenti ${RUN} su Closer`);
    assert.ok(mail.text.includes(link), `the e-mail's link is the one shown: ${mail.text}`);
    assert.match(mail.text, /come venditore/);
    assert.equal(await admin.locator("[data-testid=team-invitation][data-status=pending]").count(), 1);
    await bothSizes(admin, "team-page");
  });

  it("the invitee opens the link, sees the page in Italian, creates the account and is signed in", async () => {
    const invitee = await browser.newPage({ locale: "en-US" });
    await invitee.goto(link);
    const title = invitee.getByTestId("invite-title");
    await title.waitFor();
    assert.equal(await title.textContent(), `Entra in Ferri Arredamenti ${RUN} su Closer`);
    assert.match(await invitee.locator("main").textContent(), new RegExp(`venditore con ${SELLER_EMAIL.replace(/\./g, "\\.")}`));
    await invitee.getByTestId("invite-name").fill("Marco Bassi");
    assert.equal(await invitee.getByTestId("invite-slug").inputValue(), "marco-bassi");
    await invitee.getByTestId("invite-slug").fill(`marco-bassi-${RUN}`);
    await invitee.getByTestId("invite-password").fill("short");
    await bothSizes(invitee, "team-invite");
    await invitee.getByTestId("invite-password").fill("another-long-password-2");
    await invitee.getByTestId("invite-submit").click();
    await invitee.waitForURL(`${BASE}/console`);
    assert.equal(await invitee.getByTestId("console-user").textContent(), "Marco Bassi");
    // His profile: the name guests see, and a new password.
    await invitee.getByTestId("nav-profile").click();
    await invitee.getByTestId("profile-name").fill("Marco Bassi Ferri");
    await invitee.getByTestId("profile-save").click();
    await until(async () => (await invitee.getByTestId("console-user").textContent()) === "Marco Bassi Ferri", { what: "the new name in the console" });
    await invitee.getByTestId("profile-current").fill("wrong-password-0");
    await invitee.getByTestId("profile-new").fill("third-long-password-3");
    await invitee.getByTestId("profile-change-password").click();
    await invitee.locator("[role=alert]", { hasText: "attuale non è corretta" }).waitFor();
    await invitee.getByTestId("profile-current").fill("another-long-password-2");
    await invitee.getByTestId("profile-change-password").click();
    await invitee.getByTestId("profile-password-changed").waitFor();
    await bothSizes(invitee, "team-profile");
    // The link works once.
    const again = await browser.newPage({ locale: "it-IT" });
    await again.goto(link);
    await again.getByTestId("invite-unusable").waitFor();
    assert.match(await again.getByTestId("invite-unusable").textContent(), /già stato accettato/, "in the invitation's language");
  });

  it("the admin sees the invitation accepted, deactivates the seller, and the seller's sign-in is refused", async () => {
    await admin.reload();
    await admin.locator("[data-testid=team-invitation][data-status=accepted]").waitFor();
    const marco = admin.locator("[data-testid=team-person]", { hasText: "Marco Bassi" });
    await marco.waitFor();
    assert.match(await marco.textContent(), /Seller/);
    await marco.getByTestId("team-deactivate").click();
    await admin.locator("[data-testid=team-person][data-active=false]", { hasText: "Marco Bassi" }).waitFor();

    const later = await browser.newPage({ locale: "en-US" });
    await later.goto(`${BASE}/login`);
    await later.getByTestId("login-email").fill(SELLER_EMAIL);
    await later.getByTestId("login-password").fill("third-long-password-3");
    await later.getByTestId("login-submit").click();
    const error = later.getByTestId("login-error");
    await error.waitFor();
    assert.match(await error.textContent(), /deactivated/);
  });

  it("the admin resets a forgotten password through the e-mailed link and is signed in", async () => {
    const page = await browser.newPage({ locale: "it-IT" });
    await page.goto(`${BASE}/login`);
    await page.getByTestId("login-forgot").click();
    await page.waitForURL(`${BASE}/forgot-password`);
    await page.getByTestId("reset-email").fill(ADMIN_EMAIL);
    await bothSizes(page, "team-forgot-password");
    await page.getByTestId("reset-request").click();
    await page.getByTestId("reset-sent").waitFor();
    const mail = await emailTo(ADMIN_EMAIL);
    assert.equal(mail.subject, "Reimposta la password di Closer", "in the page's language");
    const resetLink = mail.text.split(/\r?\n/).find((l) => l.includes("/reset-password#token="));
    assert.ok(resetLink, mail.text);
    await page.goto(resetLink);
    await page.getByTestId("reset-password").fill("a-new-long-password-3");
    await bothSizes(page, "team-reset-password");
    await page.getByTestId("reset-confirm").click();
    await page.waitForURL(`${BASE}/console`);
    assert.equal(await page.getByTestId("console-user").textContent(), "Giulia Ferri");
    // The link works once.
    await page.goto(resetLink);
    await page.getByTestId("reset-password").fill("a-new-long-password-4");
    await page.getByTestId("reset-confirm").click();
    await page.getByTestId("reset-dead").waitFor();
  });
});
