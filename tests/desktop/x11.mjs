// The desktop under test as the X server sees it (tests/desktop/run's Xorg + openbox): windows,
// their geometry and size hints, the monitors (RandR), and a real pointer and keyboard
// (xdotool, through XTEST: events reach the windows the way a user's do).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

/** Runs an X utility; its standard output. */
export const x = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8" });

/** X11 window id of the top-level window titled `title` (openbox reparents: the client window). */
export function windowId(title) {
  const tree = x("xwininfo", ["-root", "-tree"]);
  const line = tree.split("\n").find((l) => l.includes(`"${title}"`));
  assert.ok(line, `no X window titled ${title}:\n${tree}`);
  return line.trim().split(/\s+/)[0];
}

/**
 * `xwininfo -id id`. xwininfo walks up from the window to the root to place it; while the
 * window manager hides or moves a window its frame (a parent) can vanish under that walk, and
 * the query fails with "Bad Window" for the frame (seen once in CI, on Ctrl+Shift+H). Asked
 * again 100 ms later it answers; a window really gone still fails after five tries.
 */
function windowInfo(id) {
  for (let attempt = 1; ; attempt++) {
    try {
      return x("xwininfo", ["-id", id]);
    } catch (e) {
      if (attempt >= 5 || !/Bad Window/.test(String(e.stderr))) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
}

/**
 * A window's place on the screen (px, root coordinates) and whether it is mapped (shown):
 * `{ x, y, width, height, mapped }`.
 */
export function geometry(id) {
  const info = windowInfo(id);
  const num = (re) => Number(re.exec(info)[1]);
  return {
    x: num(/Absolute upper-left X:\s+(-?\d+)/),
    y: num(/Absolute upper-left Y:\s+(-?\d+)/),
    width: num(/Width:\s+(\d+)/),
    height: num(/Height:\s+(\d+)/),
    mapped: /Map State:\s+IsViewable/.test(info),
  };
}

/** The window's minimum and maximum size from WM_NORMAL_HINTS (px): `{ min: [w, h], max: [w, h] }`. */
export function sizeHints(id) {
  const hints = x("xprop", ["-id", id, "WM_NORMAL_HINTS"]);
  const size = (what) => {
    const m = new RegExp(`program specified ${what} size: (\\d+) by (\\d+)`).exec(hints);
    assert.ok(m, `no ${what} size in ${hints}`);
    return [Number(m[1]), Number(m[2])];
  };
  return { min: size("minimum"), max: size("maximum") };
}

/**
 * The monitors (RandR 1.5, what GTK reports): `[{ name, x, y, width, height, primary }]`, px.
 * From `xrandr --listmonitors` lines like ` 0: +*DUMMY1 1920/508x1080/286+1280+0  DUMMY1`.
 */
export function monitors() {
  return x("xrandr", ["--listmonitors"])
    .split("\n")
    .map((l) => /^\s*\d+: \+?(\*?)(\S+) (\d+)\/\d+x(\d+)\/\d+\+(-?\d+)\+(-?\d+)/.exec(l))
    .filter(Boolean)
    .map(([, star, name, w, h, mx, my]) => ({ name, x: Number(mx), y: Number(my), width: Number(w), height: Number(h), primary: star === "*" }));
}

/** The monitor named `name`, or the primary one. */
export function monitor(name) {
  const all = monitors();
  const found = name ? all.find((m) => m.name === name) : all.find((m) => m.primary);
  assert.ok(found, `no monitor ${name ?? "(primary)"} in ${JSON.stringify(all)}`);
  return found;
}

/** The key under which the app remembers a position on `m` (`placement::Monitor::key`). */
export const monitorKey = (m) => `${m.name}@${m.width}x${m.height}`;

/** xdotool with `args` (pointer and keyboard through XTEST). */
export const xdotool = (...args) => x("xdotool", args.map(String));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The pointer's position, screen px: [x, y]. */
export function pointer() {
  const at = /x:(-?\d+) y:(-?\d+)/.exec(xdotool("getmouselocation"));
  return [Number(at[1]), Number(at[2])];
}

/**
 * Drags window `id` with the left button, grabbed at screen point `grab` (its drag handle), until
 * its top-left corner is at `target` ([x, y], px), the way a hand does: press, creep until the
 * window follows (the page asks the window manager to start the move through the app, which
 * takes a moment on a loaded machine), carry it to the target in steps, release. Returns the
 * window's geometry once it rests.
 */
export async function dragWindow(id, grab, target, timeout = 20_000) {
  const start = geometry(id);
  xdotool("mousemove", grab[0], grab[1]);
  await sleep(150);
  xdotool("mousedown", 1);
  const deadline = Date.now() + timeout;
  for (let i = 1; ; i++) {
    await sleep(200);
    const now = geometry(id);
    if (now.x !== start.x || now.y !== start.y) break;
    if (Date.now() > deadline) {
      xdotool("mouseup", 1);
      assert.fail(`window ${id} did not follow the pointer within ${timeout} ms of pressing at ${grab}`);
    }
    xdotool("mousemove", grab[0] + 2 * i, grab[1] + i);
  }
  await sleep(300);
  // The window now keeps its offset from the pointer: aim the pointer so the corner lands on target.
  const [px, py] = pointer();
  const held = geometry(id);
  const aim = [target[0] + px - held.x, target[1] + py - held.y];
  const steps = 10;
  for (let i = 1; i <= steps; i++) {
    xdotool("mousemove", Math.round(px + ((aim[0] - px) * i) / steps), Math.round(py + ((aim[1] - py) * i) / steps));
    await sleep(80);
  }
  await sleep(500);
  xdotool("mouseup", 1);
  return settled(id);
}

/** Waits until window `id` stops moving (300 ms without change; at most `timeout` ms); its geometry. */
export async function settled(id, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last = geometry(id);
  for (;;) {
    await sleep(300);
    const now = geometry(id);
    if (now.x === last.x && now.y === last.y && now.width === last.width && now.height === last.height) return now;
    assert.ok(Date.now() < deadline, `window ${id} still moving after ${timeout} ms: ${JSON.stringify(now)}`);
    last = now;
  }
}

/** A left click at screen point [x, y]. */
export function click([px, py]) {
  xdotool("mousemove", px, py, "click", 1);
}
