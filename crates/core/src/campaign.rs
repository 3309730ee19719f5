//! Campaigns: one newsletter to a list. Its life (draft, scheduled, paused,
//! cancelled, done), what each (campaign, contact) row goes through, and the
//! throttle that spaces the messages out.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::names::parse_named;

/// Messages a minute when none is set: what a small relay takes without complaint.
pub const DEFAULT_PER_MINUTE: u32 = 60;
/// The most messages a minute a campaign may be set to.
pub const MAX_PER_MINUTE: u32 = 100_000;
/// The most messages claimed in one go, whatever the rate.
pub const MAX_CHUNK: u32 = 64;

/// Where a campaign is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CampaignState {
    /// Being written; nothing goes.
    Draft,
    /// Goes from its send time, a few a minute, inside sending hours.
    Scheduled,
    /// Stopped for now; resume carries on where it was.
    Paused,
    /// Stopped for good.
    Cancelled,
    /// Everyone was sent to (or skipped).
    Done,
}

impl CampaignState {
    pub const ALL: [CampaignState; 5] = [
        CampaignState::Draft,
        CampaignState::Scheduled,
        CampaignState::Paused,
        CampaignState::Cancelled,
        CampaignState::Done,
    ];

    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Draft => "draft",
            CampaignState::Scheduled => "scheduled",
            CampaignState::Paused => "paused",
            CampaignState::Cancelled => "cancelled",
            CampaignState::Done => "done",
        }
    }

    /// Read a stored name.
    pub fn parse(raw: &str) -> Result<CampaignState> {
        parse_named("state", raw, &CampaignState::ALL, Self::as_str)
    }
}

/// A change asked of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CampaignChange {
    Schedule,
    Pause,
    Resume,
    Cancel,
}

impl CampaignChange {
    /// Read a change as typed: schedule, pause, resume, cancel.
    pub fn parse(raw: &str) -> Result<CampaignChange> {
        let all = [CampaignChange::Schedule, CampaignChange::Pause, CampaignChange::Resume, CampaignChange::Cancel];
        parse_named("change", raw, &all, |change| match change {
            CampaignChange::Schedule => "schedule",
            CampaignChange::Pause => "pause",
            CampaignChange::Resume => "resume",
            CampaignChange::Cancel => "cancel",
        })
    }

    /// The state a campaign in `from` moves to, or why it cannot.
    pub fn apply(self, from: CampaignState) -> Result<CampaignState> {
        use CampaignState::*;
        let to = match (self, from) {
            (CampaignChange::Schedule, Draft | Scheduled) => Scheduled,
            (CampaignChange::Pause, Scheduled) => Paused,
            (CampaignChange::Resume, Paused) => Scheduled,
            (CampaignChange::Cancel, Draft | Scheduled | Paused) => Cancelled,
            (_, from) => {
                return Err(Error::Refused(format!("the campaign is {}; it cannot be {}", from.as_str(), self.past())));
            }
        };
        Ok(to)
    }

    fn past(self) -> &'static str {
        match self {
            CampaignChange::Schedule => "scheduled (only a draft can)",
            CampaignChange::Pause => "paused (only a scheduled one can)",
            CampaignChange::Resume => "resumed (only a paused one can)",
            CampaignChange::Cancel => "cancelled",
        }
    }
}

/// Where one (campaign, contact) message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SendState {
    /// Not claimed yet (or to be tried again).
    Waiting,
    /// Claimed and being handed to the mail server.
    Sending,
    /// The mail server took it.
    Sent,
    /// Refused for good or out of tries.
    Failed,
    /// Not sent: do-not-contact, left the list, bounced.
    Skipped,
}

impl SendState {
    pub const ALL: [SendState; 5] =
        [SendState::Waiting, SendState::Sending, SendState::Sent, SendState::Failed, SendState::Skipped];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SendState::Waiting => "waiting",
            SendState::Sending => "sending",
            SendState::Sent => "sent",
            SendState::Failed => "failed",
            SendState::Skipped => "skipped",
        }
    }

    /// Read a stored name.
    pub fn parse(raw: &str) -> Result<SendState> {
        parse_named("state", raw, &SendState::ALL, Self::as_str)
    }
}

/// Read a rate as typed: 1 to [`MAX_PER_MINUTE`] messages a minute.
pub fn per_minute(raw: Option<u32>) -> Result<u32> {
    match raw {
        None => Ok(DEFAULT_PER_MINUTE),
        Some(rate) if (1..=MAX_PER_MINUTE).contains(&rate) => Ok(rate),
        Some(_) => Err(Error::invalid("per_minute", format!("must be 1 to {MAX_PER_MINUTE} messages a minute"))),
    }
}

/// How many messages to claim in one go at `per_minute`.
pub fn chunk(per_minute: u32) -> u32 {
    per_minute.clamp(1, MAX_CHUNK)
}

/// When the next messages may go after `sent` went at `now`: spaced so that at most `per_minute` go a minute.
pub fn next_after(now: Timestamp, sent: u32, per_minute: u32) -> Timestamp {
    let millis = 60_000 * i64::from(sent) / i64::from(per_minute.max(1));
    now.saturating_add(SignedDuration::from_millis(millis)).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_moves_only_along_its_life() {
        use CampaignState::*;
        assert_eq!(CampaignChange::Schedule.apply(Draft).unwrap(), Scheduled);
        assert_eq!(CampaignChange::Pause.apply(Scheduled).unwrap(), Paused);
        assert_eq!(CampaignChange::Resume.apply(Paused).unwrap(), Scheduled);
        assert_eq!(CampaignChange::Cancel.apply(Paused).unwrap(), Cancelled);
        assert!(matches!(CampaignChange::Resume.apply(Done), Err(Error::Refused(_))));
        assert!(CampaignChange::Schedule.apply(Cancelled).is_err());
        assert!(CampaignChange::Pause.apply(Draft).is_err());
        assert!(CampaignChange::parse("stop").is_err());
    }

    #[test]
    fn the_throttle_spaces_messages_to_the_rate() {
        let now: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        assert_eq!(chunk(60), 60);
        assert_eq!(chunk(10_000), MAX_CHUNK);
        assert_eq!(next_after(now, 60, 60), now + SignedDuration::from_secs(60));
        assert_eq!(next_after(now, 30, 60), now + SignedDuration::from_secs(30));
        assert_eq!(per_minute(None).unwrap(), DEFAULT_PER_MINUTE);
        assert!(per_minute(Some(0)).unwrap_err().to_string().starts_with("per_minute:"));
    }

    #[test]
    fn states_round_trip() {
        for state in CampaignState::ALL {
            assert_eq!(CampaignState::parse(state.as_str()).unwrap(), state);
        }
        for state in SendState::ALL {
            assert_eq!(SendState::parse(state.as_str()).unwrap(), state);
        }
    }
}
