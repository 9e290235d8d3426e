//! A meeting's status machine: [`Transition`] says which moves exist and from where,
//! [`transition`] is the one writer of `meetings.status`.

use chrono::{DateTime, Utc};
use closer_wire::MeetingStatus;
use uuid::Uuid;

/// A `meetings.status` value as a [`MeetingStatus`]. A value this build does not know is an
/// error, never read as another status (a cancelled meeting must not pass for a scheduled one).
pub fn parse_status(status: &str) -> Result<MeetingStatus, sqlx::Error> {
    MeetingStatus::parse(status).ok_or_else(|| sqlx::Error::Decode(format!("unknown meeting status {status:?} in a row").into()))
}

/// A change of a meeting's status. Statuses only move forward:
///
/// ```text
/// scheduled ──Start──▶ live ──RoomFinished / HostEnded──▶ ended ──Processed──▶ processed
///     │ └──────────────────HostEnded──────────────────────▲
///     └──Cancel──▶ cancelled
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Transition {
    /// Someone other than a shadow manager or the copilot joined the room (LiveKit's
    /// `participant_joined`, at `at`); `started_at` keeps an earlier start.
    Start { at: DateTime<Utc> },
    /// The host ended the call for everyone, at `at` (from `scheduled` too: a call ended before
    /// anyone joined must not be joinable).
    HostEnded { at: DateTime<Utc> },
    /// LiveKit closed the room of a live call, at `at`. A room that closes before the call
    /// started (the copilot alone, a host who left the green room) leaves the meeting scheduled.
    RoomFinished { at: DateTime<Utc> },
    /// The phone call that is the meeting ended, at `at`: the caller hung up, or the AI agent
    /// finished and the line hung up (`phone::line`). From `scheduled` too: a caller who hangs
    /// up before the agent speaks ends the meeting all the same.
    CallEnded { at: DateTime<Utc> },
    /// The seller or the guest's manage link cancelled a meeting not yet held.
    Cancel,
    /// Post-call analysis is done.
    Processed,
}

impl Transition {
    /// The statuses this transition leaves from; from any other it does nothing.
    pub fn from(self) -> &'static [MeetingStatus] {
        use MeetingStatus::*;
        match self {
            Self::Start { .. } | Self::Cancel => &[Scheduled],
            Self::HostEnded { .. } | Self::CallEnded { .. } => &[Scheduled, Live],
            Self::RoomFinished { .. } => &[Live],
            Self::Processed => &[Ended],
        }
    }

    /// The status it leads to.
    pub fn to(self) -> MeetingStatus {
        match self {
            Self::Start { .. } => MeetingStatus::Live,
            Self::HostEnded { .. } | Self::RoomFinished { .. } | Self::CallEnded { .. } => MeetingStatus::Ended,
            Self::Cancel => MeetingStatus::Cancelled,
            Self::Processed => MeetingStatus::Processed,
        }
    }

    /// When it happened, for `started_at` / `ended_at`.
    fn at(self) -> Option<DateTime<Utc>> {
        match self {
            Self::Start { at } | Self::HostEnded { at } | Self::RoomFinished { at } | Self::CallEnded { at } => Some(at),
            Self::Cancel | Self::Processed => None,
        }
    }
}

/// Applies `transition` to `meeting` if its status is one the transition leaves from, in one
/// statement (so two racing transitions cannot both apply); returns whether it applied. Sets
/// `started_at` (unless set) on [`Transition::Start`] and `ended_at` on the ends. Takes any
/// executor so callers can run it in the transaction of what goes with it (the booking's
/// cancellation, the `meeting.processed` webhook).
///
/// Errors: the database.
pub async fn transition<'e>(db: impl sqlx::PgExecutor<'e>, meeting: Uuid, transition: Transition) -> Result<bool, sqlx::Error> {
    let from: Vec<&str> = transition.from().iter().map(|s| s.as_str()).collect();
    let to = transition.to();
    let done = sqlx::query(
        "UPDATE meetings SET status = $2,
                started_at = CASE WHEN $2 = 'live' THEN coalesce(started_at, $3) ELSE started_at END,
                ended_at = CASE WHEN $2 = 'ended' THEN $3 ELSE ended_at END
         WHERE id = $1 AND status = ANY($4)",
    )
    .bind(meeting)
    .bind(to.as_str())
    .bind(transition.at())
    .bind(&from)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_status_in_a_row_is_an_error_not_scheduled() {
        assert_eq!(parse_status("cancelled").unwrap(), MeetingStatus::Cancelled);
        assert!(matches!(parse_status("archived"), Err(sqlx::Error::Decode(_))));
    }

    #[test]
    fn statuses_only_move_forward() {
        use MeetingStatus::*;
        let at = Utc::now();
        let all = [
            Transition::Start { at },
            Transition::HostEnded { at },
            Transition::RoomFinished { at },
            Transition::CallEnded { at },
            Transition::Cancel,
            Transition::Processed,
        ];
        let order = |s: MeetingStatus| [Scheduled, Live, Ended, Processed].iter().position(|x| *x == s);
        for t in all {
            assert!(!t.from().is_empty() && !t.from().contains(&t.to()), "{t:?}");
            for from in t.from() {
                match (order(*from), order(t.to())) {
                    (Some(a), Some(b)) => assert!(a < b, "{t:?} goes back from {from:?}"),
                    _ => assert_eq!((*from, t.to()), (Scheduled, Cancelled), "only a scheduled meeting is cancelled"),
                }
            }
        }
        assert_eq!(Transition::RoomFinished { at }.from(), &[Live], "a room closing before the call leaves it scheduled");
        assert_eq!(Transition::HostEnded { at }.from(), &[Scheduled, Live]);
    }
}
