// What the desktop specs share: the environment tests/desktop/run provides, the backend's API,
// and the app driven by WebDriver (tauri-driver + WebKitWebDriver): starting it, its windows,
// its settings file, signing in and out through its main window.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(repo, "ui", "package.json"));
const webdriver = require("selenium-webdriver");
export const { Builder, By, until } = webdriver;

// axe-core (a devDependency of the UI package): the accessibility rules #22 holds every screen to.
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * The serious and critical accessibility violations axe-core finds in the window `driver` is
 * on (WCAG 2.1 A/AA rules and axe's best practices), each as "rule (impact): target, …"; `[]`
 * when there are none. The same rules as the browser specs' `accessibilityViolations`.
 */
export async function accessibilityViolations(driver) {
  await driver.executeScript(`if (typeof window.axe !== "object") { ${AXE} }`);
  return driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    window.axe.run(document, { resultTypes: ["violations"] }).then(
      (result) => done(result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", "))),
      (e) => done(["axe-core failed: " + e]),
    );`);
}

/** An environment variable tests/desktop/run sets. */
export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests/desktop/run`);
  return v;
};
export const BASE = env("CLOSER_E2E_URL");
export const PASSWORD = env("CLOSER_SEED_PASSWORD");
export const APP = env("CLOSER_DESKTOP_APP");
export const OPENED = env("CLOSER_OPENED_URLS"); // where the fake xdg-open records URLs
export const OUTPUT = env("CLOSER_DESKTOP_OUTPUT");
export const SELLER = "seller@closer-demo.example.com";
export const MANAGER = "manager@closer-demo.example.com";

/** A backend API call; the parsed JSON answer. Throws on a non-2xx status. */
export async function api(path, { method = "GET", body, token } = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: { ...(body ? { "Content-Type": "application/json" } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Starts the app (a new process) under WebDriver. */
export async function startApp() {
  return new Builder()
    .usingServer(env("CLOSER_TAURI_DRIVER_URL"))
    .withCapabilities({ browserName: "wry", "tauri:options": { application: APP } })
    .build();
}

/** Processes running the app's binary (pids). */
export function appProcesses() {
  const exe = realpathSync(APP);
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/exe`) === exe;
      } catch {
        return false;
      }
    });
}

/** The single-instance D-Bus name the app holds while it runs (tauri-plugin-single-instance). */
const INSTANCE_NAME = "app.closer.desktop.SingleInstance";

/** Whether any connection on the session bus still owns the app's single-instance name. */
function instanceNameOwned() {
  const names = execFileSync("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.ListNames"], { encoding: "utf8" });
  return names.includes(`"${INSTANCE_NAME}`);
}

/**
 * Ends the app's WebDriver session and waits until its process has exited and the bus has
 * dropped its single-instance name: a new start while the old one still holds the name would
 * hand over to it (and fail outright when the old one is already going: "NoReply"). A process
 * that is exiting vanishes from /proc a moment before the bus notices, hence both checks.
 */
export async function quitApp(driver) {
  await driver.quit();
  const deadline = Date.now() + 30_000;
  while (appProcesses().length > 0 || instanceNameOwned()) {
    if (Date.now() > deadline) {
      // Fail this spec, but do not leave the app to the next one (its start would hand over to
      // this one): WebKitWebDriver leaves the app running when the session it deletes lost its
      // web process (WebKit bug 321418).
      const left = appProcesses();
      for (const pid of left) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // exited meanwhile
        }
      }
      throw new Error(`the app was still running 30 s after quitting (killed): ${left}, name owned: ${instanceNameOwned()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Switches to the window whose document URL matches `pattern`; returns its handle. */
export async function switchToWindow(driver, pattern, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const handle of await driver.getAllWindowHandles()) {
      await driver.switchTo().window(handle);
      if (pattern.test(await driver.getCurrentUrl())) return handle;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no window with a URL matching ${pattern}`);
}

/** The main window's document URL (any screen but the HUD's). */
export const MAIN_URL = /desktop\.html(#\/(?!hud\/).*)?$/;
/** The HUD window's document URL. */
export const HUD_URL = /#\/hud\//;

export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

/** The settings file the app writes (`settings.rs`). */
export const settingsPath = () => join(env("XDG_CONFIG_HOME"), "app.closer.desktop", "settings.json");
/** The settings the app wrote last. */
export const appSettings = () => JSON.parse(readFileSync(settingsPath(), "utf8"));
/**
 * The HUD positions the app remembers (`settings.json`'s `hud`: offsets per monitor key and the
 * last monitor); none before the app first wrote its settings.
 */
export const rememberedHud = () => (existsSync(settingsPath()) ? appSettings().hud : { offsets: {}, last: null });

/** Signs out from the main window's settings screen and waits for the sign-in form. */
export async function signOutFromSettings(driver) {
  await switchToWindow(driver, MAIN_URL);
  await driver.findElement(byTestId("tab-settings")).click();
  await driver.wait(until.elementLocated(byTestId("sign-out")), 10_000).click();
  await driver.wait(until.elementLocated(byTestId("login-email")), 30_000);
}

/** Signs `email` in through the main window's form (signing out whoever the keyring restored). */
export async function signIn(driver, email) {
  await switchToWindow(driver, MAIN_URL);
  const shown = await driver.wait(until.elementLocated(By.css('[data-testid="login-email"], [data-testid="signed-in-as"]')), 60_000);
  if ((await shown.getAttribute("data-testid")) === "signed-in-as") await signOutFromSettings(driver);
  await driver.findElement(byTestId("login-email")).sendKeys(email);
  await driver.findElement(byTestId("login-password")).sendKeys(PASSWORD);
  await driver.findElement(byTestId("login-submit")).click();
  await driver.wait(until.elementLocated(byTestId("signed-in-as")), 30_000);
}
