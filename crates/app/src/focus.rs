//! The daily block ("Focus"): today's follow-ups (overdue included), one at a
//! time, with the contact's last touches and open promises beside each and a
//! drafted email where the channel is email. The block itself keeps no rows:
//! when it started and what it did travel with each request ([`Block`]), so
//! every step works as a plain form post.

use jiff::Timestamp;
use serde::Deserialize;
use tickler_core::focus::{self, Act, Place, Tally};
use tickler_core::follow_up::FollowUp;
use tickler_core::ids::FollowUpId;
use tickler_core::intake::non_blank;
use tickler_core::promise::{Promise, PromiseState};
use tickler_core::template::Rendered;
use tickler_core::touch::{Channel, Direction, Touch, TouchDraft};
use tickler_store::AgendaRow;

use crate::error::{Error, Result};
use crate::follow_ups::{self, DoneInput, SnoozeInput};
use crate::{Actor, App};

/// The most items a block walks.
pub const MAX_ITEMS: u32 = 500;
/// How many of the contact's touches are shown beside an item.
pub const TOUCHES_SHOWN: usize = 3;
/// How far ahead of the clock a block's start may be (clock skew).
const START_SLACK_SECONDS: i64 = 300;

/// A block as typed (query or form fields): when it started, what it did, where it stands.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BlockInput {
    /// The start, in seconds since 1970 (UTC).
    pub started: Option<String>,
    pub done: Option<String>,
    pub noted: Option<String>,
    pub snoozed: Option<String>,
    pub skipped: Option<String>,
    /// A follow-up id, or "end" for the summary.
    pub at: Option<String>,
}

/// A block: when it started and what it did so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    pub started: Timestamp,
    pub tally: Tally,
}

impl BlockInput {
    /// Whether the block has a start (a first visit has none).
    pub fn has_start(&self) -> bool {
        non_blank(self.started.as_deref()).is_some()
    }

    /// The block and the place asked for, checked; a missing start is now.
    pub fn parse(&self, now: Timestamp) -> Result<(Block, Option<Place<FollowUpId>>)> {
        let started = match non_blank(self.started.as_deref()) {
            None => now,
            Some(text) => {
                let seconds: i64 = text
                    .trim()
                    .parse()
                    .map_err(|_| Error::invalid("started", format!("\"{text}\" is not a time (seconds since 1970)")))?;
                if seconds > now.as_second() + START_SLACK_SECONDS {
                    return Err(Error::invalid("started", "is in the future; start the block again from Today"));
                }
                Timestamp::from_second(seconds)
                    .map_err(|_| Error::invalid("started", format!("\"{text}\" is out of range")))?
            }
        };
        let count = |field: &'static str, value: &Option<String>| -> Result<u32> {
            match non_blank(value.as_deref()) {
                None => Ok(0),
                Some(text) => text
                    .trim()
                    .parse()
                    .map_err(|_| Error::invalid(field, format!("\"{text}\" is not a count (a whole number from 0)"))),
            }
        };
        let tally = Tally {
            done: count("done", &self.done)?,
            noted: count("noted", &self.noted)?,
            snoozed: count("snoozed", &self.snoozed)?,
            skipped: count("skipped", &self.skipped)?,
        };
        let place = match non_blank(self.at.as_deref()) {
            None => None,
            Some("end") => Some(Place::End),
            Some(text) => Some(Place::At(
                text.trim()
                    .parse::<i64>()
                    .map(FollowUpId::new)
                    .map_err(|_| Error::invalid("at", format!("\"{text}\" is not a follow-up id (or \"end\")")))?,
            )),
        };
        Ok((Block { started, tally }, place))
    }
}

/// Today's open follow-ups, overdue first, in the order the block walks them.
pub async fn items(app: &App, actor: &Actor) -> Result<Vec<AgendaRow>> {
    let query = follow_ups::AgendaQuery { days: Some(0), limit: Some(MAX_ITEMS) };
    Ok(follow_ups::agenda(app, actor, &query).await?.items)
}

/// An email drafted for a follow-up.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailDraft {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// One item of the block and what sits beside it.
#[derive(Debug, Clone)]
pub struct Card {
    pub row: AgendaRow,
    /// The contact's last touches, newest first.
    pub touches: Vec<Touch>,
    /// The contact's open promises, soonest told deadline first.
    pub promises: Vec<Promise>,
    /// Where the channel is email and the contact has an address.
    pub email: Option<EmailDraft>,
}

/// The card of one agenda row.
pub async fn card(app: &App, actor: &Actor, row: &AgendaRow) -> Result<Card> {
    let account = actor.account_id();
    let contact_id = row.follow_up.contact_id;
    let mut touches = app.store.touches(account, contact_id).await?;
    touches.truncate(TOUCHES_SHOWN);
    let promises = app
        .store
        .promises_of(account, contact_id)
        .await?
        .into_iter()
        .filter(|promise| promise.state == PromiseState::Open)
        .collect();
    let email =
        if row.follow_up.channel == Channel::Email { email_draft(app, actor, &row.follow_up).await? } else { None };
    Ok(Card { row: row.clone(), touches, promises, email })
}

/// The drafted email of a follow-up, when the contact has an address.
async fn email_draft(app: &App, actor: &Actor, follow_up: &FollowUp) -> Result<Option<EmailDraft>> {
    let contact = app.store.contact(actor.account_id(), follow_up.contact_id).await?;
    let Some(to) = contact.details.emails.first() else { return Ok(None) };
    let settings = app.store.mail_settings(actor.account_id()).await?;
    let Rendered { subject, body } =
        focus::draft(contact.details.name.first_name(), &follow_up.purpose, &settings.signature);
    Ok(Some(EmailDraft { to: to.as_str().to_string(), subject, body }))
}

/// The drafted email of an open follow-up (whatever its channel); refused when the contact has no address.
pub async fn email(app: &App, actor: &Actor, id: FollowUpId) -> Result<EmailDraft> {
    let follow_up = app.store.follow_up(actor.account_id(), id).await?;
    follow_up.state.ensure_open(id)?;
    match email_draft(app, actor, &follow_up).await? {
        Some(draft) => Ok(draft),
        None => {
            let contact = app.store.contact(actor.account_id(), follow_up.contact_id).await?;
            Err(Error::refused(format!("{} has no email address to draft to", contact.name())))
        }
    }
}

/// Send a follow-up's email through Tickler (the drafted one unless edited):
/// the follow-up is done, an outgoing email touch is logged, the message is queued.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SendInput {
    pub subject: Option<String>,
    pub body: Option<String>,
}

/// A follow-up done by an email sent through Tickler.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sent {
    pub follow_up: FollowUp,
    pub touch: tickler_store::Logged,
    /// The address the email was queued to.
    pub sent_to: String,
}

/// Send the follow-up's email through Tickler and mark it done.
pub async fn send(app: &App, actor: &Actor, id: FollowUpId, input: &SendInput) -> Result<Sent> {
    let follow_up = app.store.follow_up(actor.account_id(), id).await?;
    follow_up.state.ensure_open(id)?;
    let Some(draft) = email_draft(app, actor, &follow_up).await? else {
        let contact = app.store.contact(actor.account_id(), follow_up.contact_id).await?;
        return Err(Error::invalid(
            "send",
            format!("{} has no email address; mark it done once you reached them another way", contact.name()),
        ));
    };
    let subject = non_blank(input.subject.as_deref()).unwrap_or(&draft.subject).trim().to_string();
    let body = non_blank(input.body.as_deref()).unwrap_or(&draft.body).to_string();
    crate::promises::check_message(&subject, &body)?;
    let shown: String = subject.chars().take(200).collect();
    let mut touch = TouchDraft::new(follow_up.contact_id, actor.now, Channel::Email, &format!("Emailed: {shown}"))?;
    touch.direction = Direction::Out;
    let rendered = Rendered { subject, body };
    let (follow_up, touch) =
        app.store.send_follow_up(actor.account_id(), id, &touch, (&draft.to, &rendered), actor.now).await?;
    Ok(Sent { follow_up, touch, sent_to: draft.to })
}

/// One step of the block on the item it stands on.
#[derive(Debug, Clone)]
pub enum Step {
    /// d: done.
    Done,
    /// n: done with a note (required: an empty one is refused).
    Note { note: String, outcome: Option<String> },
    /// s: snooze to a later time ("tomorrow 9am").
    Snooze { when: String },
    /// x: skip (the follow-up is marked skipped).
    Skip,
    /// Send the drafted email through Tickler (counts as done).
    Send(SendInput),
}

/// Take `step` on follow-up `id` of the block: the block after it and the item to show next.
pub async fn work(
    app: &App,
    actor: &Actor,
    block: Block,
    id: FollowUpId,
    step: Step,
) -> Result<(Block, Place<FollowUpId>)> {
    let before: Vec<FollowUpId> = items(app, actor).await?.iter().map(|row| row.follow_up.id).collect();
    let act = match step {
        Step::Done => {
            follow_ups::complete(app, actor, id, &DoneInput::default()).await?;
            Act::Done
        }
        Step::Note { note, outcome } => {
            if note.trim().is_empty() {
                return Err(Error::invalid("note", "is empty: write what happened, or mark it done without a note"));
            }
            let input = DoneInput { note: Some(note), outcome, channel: None, until: None };
            follow_ups::complete(app, actor, id, &input).await?;
            Act::Noted
        }
        Step::Snooze { when } => {
            follow_ups::snooze(app, actor, id, &SnoozeInput { when }).await?;
            Act::Snoozed
        }
        Step::Skip => {
            follow_ups::skip(app, actor, id).await?;
            Act::Skipped
        }
        Step::Send(input) => {
            send(app, actor, id, &input).await?;
            Act::Done
        }
    };
    let block = Block { tally: block.tally.with(act), ..block };
    let after: Vec<FollowUpId> = items(app, actor).await?.iter().map(|row| row.follow_up.id).collect();
    // The item after this one in the list as it was, skipping any that left it meanwhile.
    let mut place = focus::next(&before, id);
    while let Place::At(next) = place {
        if after.contains(&next) {
            break;
        }
        place = focus::next(&before, next);
    }
    Ok((block, place))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_reads_from_its_fields() {
        let now: Timestamp = "2026-11-24T15:00:00Z".parse().unwrap();
        let input = BlockInput {
            started: Some((now.as_second() - 600).to_string()),
            done: Some("2".into()),
            noted: Some("".into()),
            at: Some("end".into()),
            ..Default::default()
        };
        let (block, place) = input.parse(now).unwrap();
        assert_eq!(block.tally, Tally { done: 2, ..Tally::default() });
        assert_eq!(block.started.as_second(), now.as_second() - 600);
        assert_eq!(place, Some(Place::End));
        let bad = BlockInput { done: Some("-1".into()), ..Default::default() }.parse(now).unwrap_err();
        assert_eq!(bad.field, Some("done"));
        let bad = BlockInput { started: Some("soon".into()), ..Default::default() }.parse(now).unwrap_err();
        assert_eq!(bad.field, Some("started"));
        let future = Some((now.as_second() + 3600).to_string());
        assert_eq!(BlockInput { started: future, ..Default::default() }.parse(now).unwrap_err().field, Some("started"));
        let bad = BlockInput { at: Some("first".into()), ..Default::default() }.parse(now).unwrap_err();
        assert_eq!(bad.field, Some("at"));
    }
}
