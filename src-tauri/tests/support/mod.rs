//! Private desktop services for the integration tests, each in its own temporary directory and
//! stopped on drop: a D-Bus session bus with an unlocked gnome-keyring (the Secret Service the
//! `keyring` crate talks to), and a PulseAudio server with a null sink.

#![allow(dead_code)] // each test binary uses a different subset

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Polls `ready` every 100 ms for up to `timeout`; panics with `what` when it never holds.
pub fn wait_for(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < timeout, "{what} not ready after {timeout:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A session bus and an unlocked gnome-keyring on it. Sets `DBUS_SESSION_BUS_ADDRESS` for this
/// process, so call it before any keyring use and from a test binary with a single test.
pub struct SecretService {
    _dir: tempfile::TempDir,
    bus: Child,
    keyring: Child,
}

impl SecretService {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!("--address=unix:path={}", dir.path().join("bus").display()))
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (Debian package dbus-daemon; scripts/setup installs it)");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let address = address.trim().to_owned();
        assert!(address.starts_with("unix:"), "dbus-daemon printed {address:?}");
        // SAFETY: set before any thread of this test binary reads the environment for D-Bus;
        // each binary using this runs a single test.
        unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address) };

        for sub in ["data", "config", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_RUNTIME_DIR", dir.path().join("run"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (Debian package gnome-keyring; scripts/setup installs it)");
        // `--unlock` reads the login keyring's password from stdin until EOF.
        keyring.stdin.take().unwrap().write_all(b"test-keyring-password").unwrap();
        wait_for("the Secret Service on the private bus", Duration::from_secs(15), || {
            Command::new("dbus-send")
                .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
                .args(["org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        });
        Self { _dir: dir, bus, keyring }
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        kill(&mut self.keyring);
        kill(&mut self.bus);
    }
}

/// A PulseAudio server on a private socket (`PULSE_SERVER` is set for this process, so ALSA's
/// pulse plugin — cpal's default input on Linux — captures from it).
pub struct PulseAudio {
    dir: tempfile::TempDir,
    server: Child,
    players: Vec<Child>,
}

impl PulseAudio {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("native");
        let mut server = Command::new("pulseaudio")
            .args(["--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no", "-n"])
            .arg(format!("--load=module-native-protocol-unix socket={} auth-anonymous=1", socket.display()))
            .env("HOME", dir.path())
            .env("XDG_RUNTIME_DIR", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pulseaudio (Debian package pulseaudio; scripts/setup installs it)");
        let server_address = format!("unix:{}", socket.display());
        // SAFETY: as for the D-Bus address above: one test per binary, set before audio use.
        unsafe { std::env::set_var("PULSE_SERVER", &server_address) };
        wait_for("PulseAudio", Duration::from_secs(15), || {
            if let Ok(Some(status)) = server.try_wait() {
                panic!("pulseaudio exited: {status}");
            }
            Command::new("pactl").arg("info").output().is_ok_and(|o| o.status.success())
        });
        let this = Self { dir, server, players: Vec::new() };
        this.pactl(&["load-module", "module-null-sink", "sink_name=closer_test", "rate=48000", "channels=2"]);
        this.pactl(&["set-default-sink", "closer_test"]);
        this.pactl(&["set-default-source", "closer_test.monitor"]);
        this
    }

    /// Runs `pactl` against this server; panics when it fails.
    pub fn pactl(&self, args: &[&str]) -> String {
        let out = Command::new("pactl").args(args).output().expect("pactl");
        assert!(out.status.success(), "pactl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Plays a `frequency_hz` sine at `amplitude` (full scale = 1.0) into the null sink for
    /// `seconds`, in the background.
    pub fn play_tone(&mut self, frequency_hz: u32, amplitude: f32, seconds: u32) {
        let wav = self.dir.path().join(format!("tone-{frequency_hz}-{amplitude}.wav"));
        let status = Command::new("sox")
            .args(["-n", "-r", "48000", "-c", "2", "-b", "16"])
            .arg(&wav)
            .args(["synth", &seconds.to_string(), "sine", &frequency_hz.to_string(), "vol", &amplitude.to_string()])
            .status()
            .expect("sox");
        assert!(status.success(), "sox could not render the tone");
        self.players.push(Command::new("paplay").arg("--device=closer_test").arg(&wav).spawn().expect("paplay"));
    }

    /// Stops every tone still playing.
    pub fn stop_tones(&mut self) {
        self.players.iter_mut().for_each(kill);
        self.players.clear();
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PulseAudio {
    fn drop(&mut self) {
        self.stop_tones();
        kill(&mut self.server);
    }
}
