//! What one listening agent costs and how late it hears, against a real livekit-server.
//!
//! For N = 1, 2, 4 rooms, each with one publisher (48 kHz mono: silence with a 1 kHz burst of
//! 200 ms every second, paced in real time by the library) and, in the measured phase, one hidden
//! listener subscribed at 16 kHz mono as the copilot agent is. Both phases run in this process for
//! 8 s each:
//! - baseline: publishers only;
//! - agents: publishers + listeners.
//!
//! Printed per N: process CPU % (of one core, from /proc/self/stat utime+stime) and RSS MB
//! (VmRSS) in both phases, their difference per room (= one agent's cost), and the latency from
//! a burst's first frame handed to the publisher to the listener's first frame above 1/4 of its
//! amplitude (p50/p95 over all bursts): what Opus, the SFU, the jitter buffer and the library's
//! resampling add before the copilot's STT gets the audio, plus up to the 200 ms the publishing
//! source itself buffers (`AudioSource`'s queue; a browser's capture adds its own instead).
use std::time::{Duration, Instant};

use closer_rtc::proto::TrackKind;
use closer_rtc::{Connected, Room, RoomEvent};
use livekit_api::services::room::RoomClient;

#[path = "../tests/common/mod.rs"]
mod common;
use common::{env, join, unique_room};

const PHASE: Duration = Duration::from_secs(8);
const BURST_EVERY_FRAMES: u64 = 100; // 10 ms frames: one burst per second
const BURST_FRAMES: u64 = 20; // 200 ms

/// CPU seconds (user + system) of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .expect("stat")
        .split_whitespace()
        .collect();
    let ticks: f64 =
        fields[11].parse::<f64>().expect("utime") + fields[12].parse::<f64>().expect("stime");
    ticks / 100.0 // USER_HZ is 100 on Linux
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmRSS");
    kb / 1024.0
}

/// Publishes bursts until the task is aborted; sends each burst's start time on `bursts`.
async fn publish(room: Room, bursts: tokio::sync::mpsc::UnboundedSender<Instant>) {
    let source = room
        .publish_audio("microphone", 48_000, 1)
        .await
        .expect("publish");
    for n in 0u64.. {
        let burst = n % BURST_EVERY_FRAMES < BURST_FRAMES;
        let frame: Vec<i16> = (0..480u64)
            .map(|i| {
                if burst {
                    (8000.0
                        * (std::f32::consts::TAU * 1000.0 * (n * 480 + i) as f32 / 48_000.0).sin())
                        as i16
                } else {
                    0
                }
            })
            .collect();
        if n % BURST_EVERY_FRAMES == 0 {
            let _ = bursts.send(Instant::now());
        }
        source.capture(&frame).await.expect("capture");
    }
    drop(room);
}

/// Listens until aborted; sends the time of each burst onset heard.
async fn listen(
    mut events: tokio::sync::mpsc::UnboundedReceiver<RoomEvent>,
    room: Room,
    onsets: tokio::sync::mpsc::UnboundedSender<Instant>,
) {
    let track = loop {
        match events.recv().await.expect("events") {
            RoomEvent::TrackSubscribed(t) if t.kind == TrackKind::KindAudio => break t,
            _ => {}
        }
    };
    let mut stream = room.subscribe_audio(track, 16_000, 1).expect("stream");
    let mut loud = false;
    while let Some(frame) = stream.recv().await {
        let now_loud = frame.samples.iter().any(|s| s.unsigned_abs() > 2000);
        if now_loud && !loud {
            let _ = onsets.send(Instant::now());
        }
        loud = now_loud;
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Matches each onset heard with the latest burst sent before it (bursts are 1 s apart, the
/// latency well under that).
fn latencies(
    mut bursts: tokio::sync::mpsc::UnboundedReceiver<Instant>,
    mut onsets: tokio::sync::mpsc::UnboundedReceiver<Instant>,
) -> Vec<f64> {
    let mut sent = Vec::new();
    while let Ok(t) = bursts.try_recv() {
        sent.push(t);
    }
    let mut out = Vec::new();
    while let Ok(heard) = onsets.try_recv() {
        if let Some(start) = sent.iter().rev().find(|s| **s <= heard) {
            let ms = heard.duration_since(*start).as_secs_f64() * 1000.0;
            if ms < 900.0 {
                out.push(ms);
            }
        }
    }
    out.sort_by(f64::total_cmp);
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rooms = RoomClient::with_api_key(
        &env("CLOSER_LIVEKIT_URL"),
        &env("CLOSER_LIVEKIT_API_KEY"),
        &env("CLOSER_LIVEKIT_API_SECRET"),
    );
    println!(
        "agent bench: {} s per phase; cost of one listening agent = (agents − baseline) / rooms",
        PHASE.as_secs()
    );
    println!(
        "{:>5} | {:>14} {:>14} | {:>14} {:>14} | {:>12} {:>12} | {:>18}",
        "rooms",
        "base CPU %",
        "base RSS MB",
        "agents CPU %",
        "agents RSS MB",
        "CPU %/agent",
        "MB/agent",
        "latency p50/p95 ms"
    );
    for n in [1usize, 2, 4] {
        let (burst_tx, burst_rx) = tokio::sync::mpsc::unbounded_channel();
        let mut publishers = Vec::new();
        let mut names = Vec::new();
        for i in 0..n {
            let name = unique_room(&format!("bench-{n}-{i}")).await;
            let Connected { room, .. } = join(&name, "speaker", false, true).await;
            publishers.push(tokio::spawn(publish(room, burst_tx.clone())));
            names.push(name);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (cpu0, t0) = (cpu_seconds(), Instant::now());
        tokio::time::sleep(PHASE).await;
        let base_cpu = 100.0 * (cpu_seconds() - cpu0) / t0.elapsed().as_secs_f64();
        let base_rss = rss_mb();

        let (onset_tx, onset_rx) = tokio::sync::mpsc::unbounded_channel();
        let mut listeners = Vec::new();
        for name in &names {
            let Connected { room, events, .. } = join(name, "agent", true, true).await;
            listeners.push(tokio::spawn(listen(events, room, onset_tx.clone())));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (cpu0, t0) = (cpu_seconds(), Instant::now());
        tokio::time::sleep(PHASE).await;
        let agents_cpu = 100.0 * (cpu_seconds() - cpu0) / t0.elapsed().as_secs_f64();
        let agents_rss = rss_mb();
        for task in publishers.into_iter().chain(listeners) {
            task.abort();
        }
        drop(burst_tx);
        drop(onset_tx);
        let lat = latencies(burst_rx, onset_rx);
        println!(
            "{:>5} | {:>14.1} {:>14.0} | {:>14.1} {:>14.0} | {:>12.1} {:>12.1} | {:>8.0} / {:<8.0} (n={})",
            n,
            base_cpu,
            base_rss,
            agents_cpu,
            agents_rss,
            (agents_cpu - base_cpu) / n as f64,
            (agents_rss - base_rss) / n as f64,
            percentile(&lat, 0.5),
            percentile(&lat, 0.95),
            lat.len()
        );
        for name in names {
            let _ = rooms.delete_room(&name).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
