//! Whether the seller's HUD should say that no copilot listens (#19: under overload, say so
//! rather than show "Live"). The HUD socket asks the copilot's lease every
//! [`CHECK_EVERY`]; a meeting without a running job for [`GRACE`] gets a
//! [`HudNotice::CopilotAbsent`] with how long it has waited, and a
//! [`HudNotice::CopilotPresent`] once a job runs it again.

use closer_wire::HudNotice;
use std::time::{Duration, Instant};

/// How often the HUD socket looks at the lease.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// Absence tolerated before the HUD is told: a dispatched copilot joins within about 2 s on an
/// idle worker, so only a job that no worker took (or a failover, ≈ 4.5 s) lasts longer.
pub const GRACE: Duration = Duration::from_secs(5);

/// One HUD socket's view of the copilot's presence.
#[derive(Debug, Default)]
pub struct AbsenceWatch {
    since: Option<Instant>,
    told: bool,
}

impl AbsenceWatch {
    /// Whether a job runs the meeting at `now`; returns the notice to send, if any.
    pub fn observe(&mut self, running: bool, now: Instant) -> Option<HudNotice> {
        if running {
            self.since = None;
            return std::mem::take(&mut self.told).then_some(HudNotice::CopilotPresent);
        }
        let waited = now.saturating_duration_since(*self.since.get_or_insert(now));
        if waited < GRACE {
            return None;
        }
        self.told = true;
        Some(HudNotice::CopilotAbsent { waiting_ms: waited.as_millis() as u64 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn told_after_the_grace_every_check_then_once_when_back() {
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        let mut watch = AbsenceWatch::default();
        assert_eq!(watch.observe(true, at(0)), None, "present from the start: nothing to say");
        assert_eq!(watch.observe(false, at(2)), None);
        assert_eq!(watch.observe(false, at(4)), None, "within the grace");
        assert_eq!(watch.observe(false, at(8)), Some(HudNotice::CopilotAbsent { waiting_ms: 6_000 }));
        assert_eq!(watch.observe(false, at(10)), Some(HudNotice::CopilotAbsent { waiting_ms: 8_000 }));
        assert_eq!(watch.observe(true, at(12)), Some(HudNotice::CopilotPresent));
        assert_eq!(watch.observe(true, at(14)), None);
    }

    #[test]
    fn a_short_absence_is_never_told() {
        let start = Instant::now();
        let mut watch = AbsenceWatch::default();
        assert_eq!(watch.observe(false, start), None);
        assert_eq!(watch.observe(true, start + Duration::from_secs(4)), None);
        assert_eq!(watch.observe(false, start + Duration::from_secs(6)), None, "a new absence starts its own grace");
    }
}
