// What Closer e-mailed during an e2e run: the Maildir of the aiosmtpd server that tests/e2e/run
// starts (CLOSER_E2E_MAILDIR), read as raw RFC 5322 messages.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { until } from "./lib.mjs";

const MAILDIR = process.env.CLOSER_E2E_MAILDIR;

/** RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) of a header, decoded. */
function decodeHeader(value) {
  return value.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_, _charset, kind, text) =>
    kind.toLowerCase() === "b"
      ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_m, h) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
  );
}

/** A single-part message's body in its Content-Transfer-Encoding, decoded to text. */
function decodeBody(headers, body) {
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9a-f]{2})/gi, (_m, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

/** Headers (unfolded) and body of an RFC 5322 message or MIME part. */
function split(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  return { headers: raw.slice(0, at).replace(/\r?\n[ \t]+/g, " "), body: raw.slice(at).trimStart() };
}

/** A message's text: its body, or the decoded first text/plain part of a multipart one. */
function textOf(headers, body) {
  const boundary = /^content-type:\s*multipart\/[^;]+;.*boundary="?([^";\s]+)"?/im.exec(headers)?.[1];
  if (!boundary) return decodeBody(headers, body);
  for (const part of body.split(`--${boundary}`).slice(1)) {
    const inner = split(part.replace(/^\r?\n/, ""));
    if (/^content-type:\s*text\/plain/im.test(inner.headers)) return decodeBody(inner.headers, inner.body);
  }
  return "";
}

/** One parsed message file: `{ to, subject, text }` (headers unfolded). */
function parse(path) {
  const { headers, body } = split(readFileSync(path, "utf8"));
  const header = (name) => decodeHeader(new RegExp(`^${name}:\\s*(.*)$`, "im").exec(headers)?.[1] ?? "");
  return { to: header("to"), subject: header("subject"), text: textOf(headers, body) };
}

/**
 * Waits for a message to `address` (whose subject matches `subject`, when given) and returns
 * `{ to, subject, text }`; `text` is the body, or a multipart message's text/plain part.
 */
export async function emailTo(address, { timeout = 10_000, subject } = {}) {
  if (!MAILDIR) throw new Error("CLOSER_E2E_MAILDIR is not set: run the specs through tests/e2e/run");
  let found = null;
  await until(
    () => {
      let files = [];
      try {
        files = readdirSync(join(MAILDIR, "new")).map((f) => join(MAILDIR, "new", f));
      } catch {
        return false;
      }
      found = files.map(parse).find((m) => m.to.toLowerCase().includes(address.toLowerCase()) && (!subject || subject.test(m.subject))) ?? null;
      return found !== null;
    },
    { timeout, interval: 200, what: `an e-mail to ${address}` },
  );
  return found;
}
