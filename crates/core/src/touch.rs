//! Touches: every interaction with a contact, and the outcomes that drive
//! consent and plans.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids::{ContactId, TouchId};
use crate::names::parse_named;

/// How a touch happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    Email,
    Call,
    Voicemail,
    Text,
    Letter,
    Postcard,
    Note,
    Meeting,
    Visit,
    Social,
    Other,
}

impl Channel {
    /// Every channel, in display order.
    pub const ALL: [Channel; 11] = [
        Channel::Email,
        Channel::Call,
        Channel::Voicemail,
        Channel::Text,
        Channel::Letter,
        Channel::Postcard,
        Channel::Note,
        Channel::Meeting,
        Channel::Visit,
        Channel::Social,
        Channel::Other,
    ];

    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Call => "call",
            Channel::Voicemail => "voicemail",
            Channel::Text => "text",
            Channel::Letter => "letter",
            Channel::Postcard => "postcard",
            Channel::Note => "note",
            Channel::Meeting => "meeting",
            Channel::Visit => "visit",
            Channel::Social => "social",
            Channel::Other => "other",
        }
    }

    /// Read a channel name.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("channel", raw, &Self::ALL, Self::as_str)
    }
}

/// Whether we reached out or they did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Out,
    In,
}

impl Direction {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Out => "out",
            Direction::In => "in",
        }
    }

    /// Read a stored direction.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("direction", raw, &[Direction::Out, Direction::In], Self::as_str)
    }
}

/// What came of a touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Interested,
    NoAnswer,
    Voicemail,
    Replied,
    NotNow,
    Never,
    MeetingBooked,
    Bought,
}

impl Outcome {
    /// Every outcome, in display order.
    pub const ALL: [Outcome; 8] = [
        Outcome::Interested,
        Outcome::NoAnswer,
        Outcome::Voicemail,
        Outcome::Replied,
        Outcome::NotNow,
        Outcome::Never,
        Outcome::MeetingBooked,
        Outcome::Bought,
    ];

    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Interested => "interested",
            Outcome::NoAnswer => "no-answer",
            Outcome::Voicemail => "voicemail",
            Outcome::Replied => "replied",
            Outcome::NotNow => "not-now",
            Outcome::Never => "never",
            Outcome::MeetingBooked => "meeting-booked",
            Outcome::Bought => "bought",
        }
    }

    /// Read an outcome name.
    pub fn parse(raw: &str) -> Result<Self> {
        parse_named("outcome", raw, &Self::ALL, Self::as_str)
    }
}

/// Longest accepted touch summary, in characters.
pub const MAX_SUMMARY: usize = 10_000;

/// A touch to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TouchDraft {
    pub contact_id: ContactId,
    pub at: Timestamp,
    pub channel: Channel,
    pub direction: Direction,
    pub summary: String,
    pub outcome: Option<Outcome>,
    /// With a "not now" outcome: the day to ask again (a re-ask follow-up is scheduled for it).
    pub re_ask: Option<jiff::civil::Date>,
}

impl TouchDraft {
    /// Check the summary and build the draft.
    pub fn new(contact_id: ContactId, at: Timestamp, channel: Channel, summary: &str) -> Result<Self> {
        let summary = summary.trim();
        if summary.chars().count() > MAX_SUMMARY {
            return Err(Error::invalid("summary", format!("is longer than {MAX_SUMMARY} characters")));
        }
        Ok(TouchDraft {
            contact_id,
            at,
            channel,
            direction: Direction::Out,
            summary: summary.to_string(),
            outcome: None,
            re_ask: None,
        })
    }
}

/// A recorded touch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Touch {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: TouchId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub contact_id: ContactId,
    pub at: Timestamp,
    pub channel: Channel,
    pub direction: Direction,
    pub summary: String,
    pub outcome: Option<Outcome>,
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()).unwrap(), channel);
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()).unwrap(), outcome);
        }
        assert_eq!(Outcome::parse("Meeting Booked").unwrap(), Outcome::MeetingBooked);
    }

    #[test]
    fn unknown_channel_names_the_field() {
        let error = Channel::parse("pigeon").unwrap_err().to_string();
        assert!(error.starts_with("channel:") && error.contains("voicemail"), "{error}");
    }
}
