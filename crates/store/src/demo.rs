//! The demo book: ten contacts across the world with touches, follow-ups
//! due around "now", promises and consent changes, so a first look at
//! Tickler (`tickler demo`, `tickler serve --demo`) has something to show.

use jiff::{SignedDuration, ZonedDateTime};
use tickler_core::account::Account;
use tickler_core::consent::ConsentState;
use tickler_core::contact::{ContactDetails, ContactName, EmailAddress, Stage, Tag, ZoneName};
use tickler_core::follow_up::{Due, FollowUpDraft, Origin};
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::promise::{PromiseDraft, propose_told};
use tickler_core::touch::{Channel, Outcome as TouchOutcome, TouchDraft};

use crate::Store;
use crate::error::Result;

/// (name, organisation, email, zone, tag, stage)
const PEOPLE: [(&str, &str, &str, &str, &str, Stage); 10] = [
    ("Ann Lee", "Acme Corp", "ann@acme.example", "America/New_York", "prospect", Stage::Prospect),
    ("Bruno Costa", "Lisbon Labs", "bruno@lisbonlabs.example", "Europe/Lisbon", "client", Stage::Client),
    ("Chloé Martin", "Atelier Martin", "chloe@ateliermartin.example", "Europe/Paris", "client", Stage::Client),
    ("Dev Patel", "Northwind", "dev.patel@northwind.example", "America/Chicago", "interview", Stage::Employer),
    ("Emma Schulz", "Kraftwerk GmbH", "emma@kraftwerk.example", "Europe/Berlin", "prospect", Stage::Prospect),
    ("Farah Haddad", "", "farah@haddad.example", "Asia/Dubai", "network", Stage::Network),
    ("Greg Olsen", "Fjord Freight", "greg@fjord.example", "Europe/Oslo", "prospect", Stage::Lead),
    ("Hana Sato", "Sakura Design", "hana@sakura.example", "Asia/Tokyo", "client", Stage::Client),
    ("Ian Brooks", "Brooks & Sons", "ian@brooks.example", "America/Los_Angeles", "prospect", Stage::Prospect),
    ("Julia Rossi", "Rossi Studio", "julia@rossi.example", "Europe/Rome", "referral", Stage::Partner),
];

impl Store {
    /// Fill an empty account with the demo book, dated around `now_zoned` in `zone`.
    pub async fn seed_demo(&self, account: &Account, zone: &ZoneName, now_zoned: &ZonedDateTime) -> Result<()> {
        crate::error::during("seeding the demo data", async {
            let ids = self.demo_contacts(account.id, now_zoned).await?;
            self.demo_touches(account.id, &ids, now_zoned).await?;
            self.demo_follow_ups(account.id, &ids, zone, now_zoned).await?;
            self.demo_promises(account, &ids, zone, now_zoned).await?;
            self.demo_consent(account.id, &ids, now_zoned).await
        })
        .await
    }

    /// The demo's people, created forty days ago; their ids in [`PEOPLE`]'s order.
    async fn demo_contacts(&self, account_id: AccountId, now_zoned: &ZonedDateTime) -> Result<Vec<ContactId>> {
        let (store, now) = (self, now_zoned.timestamp());
        let hours = |h: i64| now - SignedDuration::from_hours(h);
        let mut ids = Vec::new();
        for (name, organisation, email, zone, tag, stage) in PEOPLE {
            let mut draft = ContactDetails::named(ContactName::parse(name)?);
            draft.organisation = Some(organisation.to_string()).filter(|o| !o.is_empty());
            draft.emails = vec![EmailAddress::parse(email)?];
            draft.zone = Some(ZoneName::parse(zone)?);
            draft.tags = vec![Tag::parse(tag)?];
            draft.stage = Some(stage);
            draft.preferred_channel = Some(if ids.len() % 3 == 0 { Channel::Call } else { Channel::Email });
            ids.push(store.create_contact(account_id, &draft, hours(24 * 40)).await?.id);
        }
        Ok(ids)
    }

    /// Past touches, some with outcomes that change consent.
    async fn demo_touches(&self, account_id: AccountId, ids: &[ContactId], now_zoned: &ZonedDateTime) -> Result<()> {
        let (store, now) = (self, now_zoned.timestamp());
        let hours = |h: i64| now - SignedDuration::from_hours(h);
        let touches: [(usize, i64, Channel, &str, Option<TouchOutcome>); 9] = [
            (
                0,
                24 * 6,
                Channel::Call,
                "Discussed pricing; wants a proposal by next week",
                Some(TouchOutcome::Interested),
            ),
            (1, 24 * 20, Channel::Meeting, "Quarterly review: happy with delivery, asked about training", None),
            (2, 24 * 3, Channel::Email, "Sent the invoice and the delivery notes", None),
            (
                3,
                24 * 2,
                Channel::Meeting,
                "Second interview with the hiring panel; decision in two weeks",
                Some(TouchOutcome::Interested),
            ),
            (4, 24 * 9, Channel::Voicemail, "Left a voicemail about the pilot project", Some(TouchOutcome::Voicemail)),
            (5, 24 * 30, Channel::Social, "Met at the product meetup; swapped cards", None),
            (6, 24 * 4, Channel::Call, "Not this quarter — budget frozen until spring", Some(TouchOutcome::NotNow)),
            (7, 24 * 12, Channel::Email, "Shared the case study she asked for", Some(TouchOutcome::Replied)),
            (8, 24 * 15, Channel::Email, "Asked us never to contact him again", Some(TouchOutcome::Never)),
        ];
        for (who, ago_hours, channel, summary, outcome) in touches {
            let mut draft = TouchDraft::new(ids[who], hours(ago_hours), channel, summary)?;
            draft.outcome = outcome;
            draft.re_ask = (outcome == Some(TouchOutcome::NotNow))
                .then(|| now_zoned.date().saturating_add(jiff::Span::new().days(90)));
            store.log_touch(account_id, &draft, hours(ago_hours)).await?;
        }
        Ok(())
    }

    /// Follow-ups due from two days ago to six days ahead.
    async fn demo_follow_ups(
        &self,
        account_id: AccountId,
        ids: &[ContactId],
        zone: &ZoneName,
        now_zoned: &ZonedDateTime,
    ) -> Result<()> {
        let (store, now) = (self, now_zoned.timestamp());
        let hours = |h: i64| now - SignedDuration::from_hours(h);
        let today = now_zoned.date();
        let day = |offset: i64| today.saturating_add(jiff::Span::new().days(offset));
        let follow_ups: [(usize, i64, Option<i8>, Channel, &str); 7] = [
            (0, -2, None, Channel::Call, "Send the proposal and walk through pricing"),
            (4, -1, Some(10), Channel::Call, "Call back about the pilot project"),
            (2, 0, None, Channel::Call, "Check the delivery arrived and everything works"),
            (3, 0, Some(16), Channel::Email, "Thank-you note after the second interview"),
            (1, 2, None, Channel::Email, "Send the training options he asked about"),
            (5, 5, Some(9), Channel::Email, "Share the article on remote onboarding"),
            (7, 6, None, Channel::Call, "Quarterly review"),
        ];
        for (who, offset, hour, channel, purpose) in follow_ups {
            let due = Due {
                date: day(offset),
                time: hour.map(|h| jiff::civil::Time::constant(h, 0, 0, 0)),
                zone: zone.clone(),
            };
            let draft = FollowUpDraft::new(ids[who], due, channel, purpose, Origin::Manual)?;
            store.schedule_follow_up(account_id, &draft, true, hours(24)).await?;
        }
        Ok(())
    }

    /// Two promises: one at risk, one comfortably ahead.
    async fn demo_promises(
        &self,
        account: &Account,
        ids: &[ContactId],
        zone: &ZoneName,
        now_zoned: &ZonedDateTime,
    ) -> Result<()> {
        let (store, account_id, now) = (self, account.id, now_zoned.timestamp());
        let hours = |h: i64| now - SignedDuration::from_hours(h);
        // One promise made this morning that is now at risk, one comfortably ahead.
        let made = hours(5);
        let aim = made.to_zoned_datetime(zone.time_zone()).saturating_add(SignedDuration::from_hours(3));
        let told = aim.timestamp() + SignedDuration::from_hours(3);
        let promise = PromiseDraft::new(ids[0], "Send the revised quote", aim.timestamp(), told, zone.clone())?;
        store.create_promise(account_id, &promise, made).await?;
        let aim = now_zoned.saturating_add(SignedDuration::from_hours(24 * 3));
        let told = propose_told(&aim, now_zoned, &account.settings.work_week);
        let promise = PromiseDraft::new(
            ids[7],
            "Introduce her to our print partner",
            aim.timestamp(),
            told.timestamp(),
            zone.clone(),
        )?;
        store.create_promise(account_id, &promise, now).await?;
        Ok(())
    }

    /// A consent change by hand, with its reason.
    async fn demo_consent(&self, account_id: AccountId, ids: &[ContactId], now_zoned: &ZonedDateTime) -> Result<()> {
        let (store, now) = (self, now_zoned.timestamp());
        store
            .set_consent(
                account_id,
                ids[9],
                ConsentState::Active,
                None,
                "referred by Chloé; happy to hear from us",
                now,
            )
            .await?;
        Ok(())
    }
}
