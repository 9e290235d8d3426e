//! A meeting's event stream: every [`HudEnvelope`] in order, kept for late or reconnecting
//! subscribers, and broadcast to the live ones. It outlives session restarts (the registry
//! owns it), so a HUD never notices that the session behind it was restarted.

use closer_wire::HudEnvelope;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// Capacity of the live channel; a subscriber that falls this far behind is told it lagged
/// and re-reads the history (see [`EventBus::since`]).
const LIVE_CAPACITY: usize = 1024;

/// History + broadcast of one meeting's events.
pub struct EventBus {
    history: Mutex<Vec<HudEnvelope>>,
    live: broadcast::Sender<HudEnvelope>,
    /// The next event's number is at least this (events published elsewhere and not in the
    /// history: see [`EventBus::resumed`]).
    floor: u64,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { history: Mutex::new(Vec::new()), live: broadcast::channel(LIVE_CAPACITY).0, floor: 0 }
    }
}

impl EventBus {
    /// A bus whose history already holds `history` (in `seq` order): the next event follows it,
    /// and is numbered `next_seq` at least.
    pub fn resumed(history: Vec<HudEnvelope>, next_seq: u64) -> Self {
        Self { history: Mutex::new(history), floor: next_seq, ..Self::default() }
    }

    /// Appends an event (its `seq` must follow the last one) and wakes the subscribers.
    pub fn publish(&self, envelope: HudEnvelope) {
        let mut history = self.history.lock().unwrap_or_else(|p| p.into_inner());
        history.push(envelope.clone());
        // No receiver is fine: the history keeps it for later subscribers.
        let _ = self.live.send(envelope);
    }

    /// Events with `seq > after` (all when `None`) plus a receiver of everything published
    /// afterwards, taken atomically: nothing is missed or seen twice.
    pub fn subscribe(&self, after: Option<u64>) -> (Vec<HudEnvelope>, broadcast::Receiver<HudEnvelope>) {
        let history = self.history.lock().unwrap_or_else(|p| p.into_inner());
        let receiver = self.live.subscribe();
        (Self::filter(&history, after), receiver)
    }

    /// Events with `seq > after` (all when `None`).
    pub fn since(&self, after: Option<u64>) -> Vec<HudEnvelope> {
        Self::filter(&self.history.lock().unwrap_or_else(|p| p.into_inner()), after)
    }

    /// Sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        let history = self.history.lock().unwrap_or_else(|p| p.into_inner());
        history.last().map_or(0, |e| e.seq + 1).max(self.floor)
    }

    fn filter(history: &[HudEnvelope], after: Option<u64>) -> Vec<HudEnvelope> {
        history.iter().filter(|e| after.is_none_or(|a| e.seq > a)).cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use closer_wire::HudEvent;

    fn event(seq: u64) -> HudEnvelope {
        HudEnvelope { seq, at_ms: seq * 10, event: HudEvent::PriorityMessage { from: "m".into(), text: "t".into() } }
    }

    #[tokio::test]
    async fn backlog_then_live_without_gaps_or_duplicates() {
        let bus = EventBus::default();
        bus.publish(event(0));
        bus.publish(event(1));
        let (backlog, mut live) = bus.subscribe(Some(0));
        assert_eq!(backlog.iter().map(|e| e.seq).collect::<Vec<_>>(), [1]);
        bus.publish(event(2));
        assert_eq!(live.recv().await.unwrap().seq, 2);
        assert_eq!(bus.next_seq(), 3);
        assert_eq!(bus.since(None).len(), 3);
    }
}
