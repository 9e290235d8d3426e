//! How busy this server is, for the copilot's job offers (#19): the share of the CPU available
//! to the process that it used lately — the load the worker reports to LiveKit, which offers
//! no job to a worker at or above its `agents.target_load` (0.7 by default, livekit-server's
//! `agent.DefaultTargetLoad`) — and the rule that turns it, with the other workers' figures,
//! into taking or declining an offered job.

use std::time::Instant;

/// At or above this CPU share a worker is overloaded: LiveKit's own threshold for offering it
/// jobs (`agent.DefaultTargetLoad`, livekit-server 1.13), kept for offers made on an older
/// report. The load bench (`cargo bench --profile dev -p closer-backend --bench load`, 2
/// cores) measured a meeting of the English fixture call at 0.65–0.77 of a core with its
/// partials, and tick/card p95 1.2 s with one meeting, 2.0 s with two.
pub const OVERLOADED: f32 = 0.7;

/// Weight of the newest sample in the moving average: with one sample a second, a burst of one
/// decode moves the figure by a third, and a sustained load shows within about 3 s.
const SMOOTHING: f32 = 0.35;

/// The process's CPU share, sampled about once a second and smoothed (exponential moving
/// average of `cpu time used / (wall time × cores available)` between samples), leaving out
/// the partial transcripts' CPU ([`crate::stt::embedded::routine_cpu_ms`]: idle-class work that
/// gives way to anything).
pub struct CpuMeter {
    cores: f32,
    last: Option<(Instant, u64)>,
    share: f32,
}

impl Default for CpuMeter {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f32;
        Self { cores, last: None, share: 0.0 }
    }
}

impl CpuMeter {
    /// Takes a sample and returns the smoothed share (0–1; 0 until the second sample, or where
    /// the process's CPU time cannot be read).
    pub fn sample(&mut self) -> f32 {
        let busy_ms = process_cpu_ms().saturating_sub(crate::stt::embedded::routine_cpu_ms());
        let now = (Instant::now(), busy_ms);
        if let Some((at, cpu_ms)) = self.last {
            let wall_ms = now.0.duration_since(at).as_millis() as f32;
            if wall_ms > 0.0 {
                let share = (now.1.saturating_sub(cpu_ms) as f32 / (wall_ms * self.cores)).clamp(0.0, 1.0);
                self.share += SMOOTHING * (share - self.share);
            }
        }
        self.last = Some(now);
        self.share
    }
}

/// CPU time (user + system) of this process, ms.
fn process_cpu_ms() -> u64 {
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF needs nothing else.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0;
    }
    let ms = |t: libc::timeval| t.tv_sec as u64 * 1000 + t.tv_usec as u64 / 1000;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

/// One worker's figures: jobs it runs and its CPU share.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Busy {
    pub jobs: usize,
    pub cpu: f32,
}

/// Whether a worker (`me`) takes an offered job, given the other live workers of its agent.
/// Not overloaded: it takes the job unless another worker that is not overloaded runs fewer
/// jobs (the rooms spread evenly). Overloaded ([`OVERLOADED`]): it declines while another
/// worker is not, and LiveKit offers the job there; when every worker is overloaded, or there is
/// no other, it takes it — a late copilot beats none, and the HUD says how late it is.
pub fn admit(me: Busy, others: &[Busy]) -> bool {
    let room: Vec<&Busy> = others.iter().filter(|o| o.cpu < OVERLOADED).collect();
    if room.is_empty() {
        return true;
    }
    me.cpu < OVERLOADED && room.iter().all(|o| me.jobs <= o.jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn busy(jobs: usize, cpu: f32) -> Busy {
        Busy { jobs, cpu }
    }

    #[test]
    fn alone_a_worker_takes_every_job() {
        assert!(admit(busy(0, 0.1), &[]));
        assert!(admit(busy(3, 0.99), &[]));
    }

    #[test]
    fn jobs_spread_evenly_while_nobody_is_overloaded() {
        assert!(admit(busy(1, 0.3), &[busy(1, 0.3)]));
        assert!(!admit(busy(2, 0.3), &[busy(1, 0.3)]));
        assert!(admit(busy(1, 0.3), &[busy(2, 0.3), busy(3, 0.5)]));
    }

    #[test]
    fn an_overloaded_worker_leaves_the_job_to_one_with_room() {
        assert!(!admit(busy(1, 0.9), &[busy(2, 0.4)]));
        // The other is busier in jobs but not in CPU: it still has room.
        assert!(admit(busy(1, 0.4), &[busy(0, 0.95)]));
        // Everyone overloaded: take it.
        assert!(admit(busy(2, 0.9), &[busy(1, 0.95)]));
    }

    #[test]
    fn the_meter_sees_this_process_spin() {
        let mut meter = CpuMeter::default();
        assert_eq!(meter.sample(), 0.0, "no share before a second sample");
        let until = Instant::now() + std::time::Duration::from_millis(300);
        let mut x = 0u64;
        while Instant::now() < until {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let share = meter.sample();
        // One busy thread of `cores`: a third of 1/cores after smoothing (other tests' threads
        // may add to it, never take from it).
        assert!(share >= SMOOTHING / meter.cores * 0.8, "share {share} after 300 ms of spinning on one of {} cores", meter.cores);
    }
}
