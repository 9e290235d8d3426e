//! A real SMTP server for the e-mail tests: aiosmtpd from the receivers' venv,
//! writing every message into a Maildir, and the messages parsed by Python's `email` package
//! (and `icalendar` for calendar parts).

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command};

/// aiosmtpd writing every message into a Maildir; killed on drop.
pub struct SmtpServer {
    child: Child,
    /// Loopback port it listens on.
    pub port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts it on a free loopback port and waits until it accepts connections.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("mail");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new(super::receivers_python())
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .spawn()
            .expect("start aiosmtpd");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Self { child, port, maildir, _dir: dir };
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        // Not left running after the failed test.
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not start on port {port}");
    }

    /// How many messages arrived so far.
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.maildir.join("new")).map(|d| d.count()).unwrap_or(0)
    }

    /// Waits for the `n`-th message (1-based, by arrival) and returns it parsed by Python's
    /// `email` and `icalendar` packages.
    pub async fn message(&self, n: usize) -> Value {
        for _ in 0..100 {
            let mut files: Vec<_> = std::fs::read_dir(self.maildir.join("new"))
                .map(|d| d.map(|e| e.unwrap().path()).collect())
                .unwrap_or_default();
            files.sort_by_key(|p| std::fs::metadata(p).unwrap().modified().unwrap());
            if files.len() >= n {
                let out = Command::new(super::receivers_python()).arg("-c").arg(PARSE).arg(&files[n - 1]).output().unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                return serde_json::from_slice(&out.stdout).unwrap();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("message {n} never arrived");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses a message file into `{subject, to, text, ics?}`, headers decoded as a mail client
/// shows them (RFC 2047 words, folded lines joined); an .ics must be accepted by the
/// `icalendar` package.
const PARSE: &str = r#"
import email, email.policy, json, sys, icalendar
msg = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
out = {"subject": str(msg["subject"]), "to": str(msg["to"]), "text": ""}
for part in msg.walk():
    ctype = part.get_content_type()
    if ctype == "text/plain":
        out["text"] = part.get_payload(decode=True).decode()
    elif ctype == "text/calendar":
        cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
        ev = next(iter(cal.walk("VEVENT")))
        out["ics"] = {"method": str(cal["METHOD"]), "uid": str(ev["UID"]), "sequence": int(ev["SEQUENCE"]),
            "start": ev.decoded("DTSTART").isoformat(), "end": ev.decoded("DTEND").isoformat(),
            "url": str(ev["URL"]), "status": str(ev["STATUS"]), "attendee": str(ev["ATTENDEE"]),
            "filename": part.get_filename(), "params": part.get_params()}
print(json.dumps(out))
"#;

