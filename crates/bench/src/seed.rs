//! Synthetic but realistic data for the store benchmarks, the same on every
//! run (a fixed seed and a fixed `now`): contacts, their touches, and
//! follow-ups of which most were done in the past and a few are open.

use jiff::civil::{Date, Time, time};
use jiff::{Span, ZonedDateTime};
use tickler_core::contact::ZoneName;
use tickler_core::follow_up::{Due, FollowUpDraft, Origin};
use tickler_core::ids::{AccountId, ContactId};
use tickler_core::touch::Channel;

use crate::rows::{ContactRow, FollowUpRow, ImportRow, TouchRow};

/// The account's zone.
pub const ZONE: &str = "America/New_York";

/// The moment every benchmark treats as now: a Tuesday morning in New York.
pub fn now() -> ZonedDateTime {
    "2026-11-24T09:30:00-05:00[America/New_York]".parse().expect("a valid fixed moment")
}

const DAY: i64 = 86_400;

/// A small deterministic generator (SplitMix64); the data need not be random, only varied.
#[derive(Debug, Clone)]
pub struct Random(u64);

impl Random {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Random {
        Random(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        let width = (high - low + 1) as u64;
        low + (self.next_u64() % width) as i64
    }

    /// True with probability `share`.
    pub fn chance(&mut self, share: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= share
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

const FIRST_NAMES: [&str; 24] = [
    "Ann", "Bob", "Chen", "Dana", "Eli", "Fatima", "Greg", "Hana", "Ivan", "Jo", "Kofi", "Lena", "Maya", "Nils",
    "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik", "Wes", "Yara",
];
const LAST_NAMES: [&str; 20] = [
    "Lee",
    "Garcia",
    "Okafor",
    "Novak",
    "Smith",
    "Tanaka",
    "Kowalski",
    "Haddad",
    "Brown",
    "Singh",
    "Müller",
    "Rossi",
    "Dubois",
    "Johansson",
    "Nguyen",
    "Silva",
    "Cohen",
    "Park",
    "Murphy",
    "Ivanova",
];
const ORGANISATIONS: [&str; 10] =
    ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Soylent"];
const STAGES: [&str; 4] = ["prospect", "client", "candidate", "partner"];
const CONTACT_ZONES: [&str; 5] =
    ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "Europe/Berlin"];
const DUE_ZONES: [&str; 4] = ["Europe/London", "America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata"];
const PURPOSES: [&str; 8] = [
    "Send the revised proposal",
    "Check in after the demo",
    "Thank-you note after the interview",
    "Quarterly review",
    "Ask how the delivery went",
    "Share the pricing article",
    "Follow up on the referral",
    "Holiday card",
];
const SUMMARIES: [&str; 6] = [
    "Discussed pricing; wants a proposal",
    "Left a voicemail",
    "Sent the case study",
    "Met at the conference",
    "Replied: busy until next month",
    "Booked a call for next week",
];
const OUTCOMES: [&str; 6] = ["interested", "no-answer", "voicemail", "replied", "meeting-booked", "bought"];
const ORIGINS: [Origin; 4] = [Origin::Manual, Origin::PlanStep, Origin::Promise, Origin::Inbound];

/// `count` contacts of one account.
pub fn contacts(account_id: AccountId, count: usize, now: &ZonedDateTime) -> Vec<ContactRow> {
    let mut random = Random::new(1);
    let now = now.timestamp().as_second();
    (0..count)
        .map(|index| ContactRow {
            account_id,
            name: format!(
                "{} {}",
                FIRST_NAMES[index % FIRST_NAMES.len()],
                LAST_NAMES[(index / FIRST_NAMES.len()) % LAST_NAMES.len()]
            ),
            organisation: random.chance(0.7).then(|| random.pick(&ORGANISATIONS).to_string()),
            zone: random.chance(0.3).then(|| *random.pick(&CONTACT_ZONES)),
            stage: random.chance(0.8).then(|| *random.pick(&STAGES)),
            created_at: now - random.between(30 * DAY, 1_500 * DAY),
        })
        .collect()
}

/// `count` past touches spread over the contacts and the last three years.
pub fn touches(account_id: AccountId, contact_ids: &[ContactId], count: usize, now: &ZonedDateTime) -> Vec<TouchRow> {
    let mut random = Random::new(2);
    let now = now.timestamp().as_second();
    (0..count)
        .map(|_| TouchRow {
            account_id,
            contact_id: *random.pick(contact_ids),
            at: now - random.between(3_600, 1_095 * DAY),
            channel: random.pick(&Channel::ALL).as_str(),
            direction: if random.chance(0.8) { "out" } else { "in" },
            summary: random.pick(&SUMMARIES).to_string(),
            outcome: random.chance(0.5).then(|| *random.pick(&OUTCOMES)),
        })
        .collect()
}

/// `count` follow-ups: a share `open_share` open and due from 30 days ago to
/// 365 days ahead; the rest done, skipped or cancelled over the last three years.
pub fn follow_ups(
    account_id: AccountId,
    contact_ids: &[ContactId],
    count: usize,
    open_share: f64,
    now: &ZonedDateTime,
) -> Vec<FollowUpRow> {
    let mut random = Random::new(3);
    let zones = Zones::new();
    let now_seconds = now.timestamp().as_second();
    (0..count)
        .map(|_| {
            let open = random.chance(open_share);
            let offset = if open { random.between(-30, 365) } else { random.between(-1_095, -1) };
            let due = zones.due(&mut random, now.date(), offset);
            let due_at = due.instant().as_second();
            let created_at = due_at.min(now_seconds) - random.between(DAY, 60 * DAY);
            let (state, closed_at) = if open {
                ("open", None)
            } else {
                let state = match random.between(0, 99) {
                    0..88 => "done",
                    88..95 => "skipped",
                    _ => "cancelled",
                };
                (state, Some((due_at + random.between(0, 3 * DAY)).min(now_seconds)))
            };
            let contact_id = *random.pick(contact_ids);
            let draft = draft(&mut random, contact_id, due);
            let mut row = import_row(account_id, &draft, created_at);
            row.state = state;
            FollowUpRow { row, closed_at }
        })
        .collect()
}

/// `count` follow-ups to import, due over the coming year.
pub fn drafts(contact_ids: &[ContactId], count: usize, now: &ZonedDateTime) -> Vec<FollowUpDraft> {
    let mut random = Random::new(4);
    let zones = Zones::new();
    (0..count)
        .map(|_| {
            let contact_id = *random.pick(contact_ids);
            let offset = random.between(0, 365);
            let due = zones.due(&mut random, now.date(), offset);
            draft(&mut random, contact_id, due)
        })
        .collect()
}

/// The columns `Store::import_follow_ups` binds for `draft`, converted the
/// way the store converts them (crates/store/src/rows.rs).
pub fn import_row(account_id: AccountId, draft: &FollowUpDraft, created_at: i64) -> ImportRow {
    ImportRow {
        account_id,
        contact_id: draft.contact_id,
        due_date: draft.due.date.to_string(),
        due_time: draft.due.time.map(|time| time.strftime("%H:%M:%S").to_string()),
        due_zone: draft.due.zone.as_str().to_string(),
        due_at: draft.due.instant().as_second(),
        channel: draft.channel.as_str(),
        purpose: draft.purpose.clone(),
        origin: draft.origin.as_str(),
        state: "open",
        snoozes: 0,
        created_at,
    }
}

fn draft(random: &mut Random, contact_id: ContactId, due: Due) -> FollowUpDraft {
    let purpose = *random.pick(&PURPOSES);
    let origin = *random.pick(&ORIGINS);
    FollowUpDraft {
        contact_id,
        due,
        channel: *random.pick(&Channel::ALL),
        purpose: purpose.to_string(),
        origin,
        agreed: false,
        until_reply: false,
    }
}

/// The zones dues are written in, looked up once.
struct Zones {
    account: ZoneName,
    others: Vec<ZoneName>,
}

impl Zones {
    fn new() -> Zones {
        let zone = |name: &str| ZoneName::parse(name).expect("a bundled zone");
        Zones { account: zone(ZONE), others: DUE_ZONES.iter().map(|name| zone(name)).collect() }
    }

    /// A due `offset` days from `today`: mostly all-day, some at a working
    /// hour; mostly in the account's zone.
    fn due(&self, random: &mut Random, today: Date, offset: i64) -> Due {
        let date = today.checked_add(Span::new().days(offset)).expect("a date near today");
        let time: Option<Time> =
            random.chance(0.4).then(|| time(random.between(9, 16) as i8, (random.between(0, 3) * 15) as i8, 0, 0));
        let zone = if random.chance(0.8) { self.account.clone() } else { random.pick(&self.others).clone() };
        Due { date, time, zone }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_data_has_the_intended_shape() {
        let now = now();
        let ids: Vec<ContactId> = (1..=100).map(ContactId::new).collect();
        let rows = follow_ups(AccountId::new(1), &ids, 10_000, 0.03, &now);
        let open: Vec<&FollowUpRow> = rows.iter().filter(|row| row.row.state == "open").collect();
        assert!((200..400).contains(&open.len()), "{} open", open.len());
        let now_seconds = now.timestamp().as_second();
        assert!(open.iter().all(|row| row.row.due_at > now_seconds - 32 * DAY && row.closed_at.is_none()));
        assert!(rows.iter().filter(|row| row.row.state != "open").all(|row| row.row.due_at < now_seconds));
        assert_eq!(contacts(AccountId::new(1), 5, &now).len(), 5);
        assert!(touches(AccountId::new(1), &ids, 50, &now).iter().all(|touch| touch.at < now_seconds));
        let draft = &drafts(&ids, 1, &now)[0];
        assert_eq!(import_row(AccountId::new(1), draft, 0).due_date, draft.due.date.to_string());
    }
}
