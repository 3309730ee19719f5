//! Newsletters across worker crashes: a campaign to 2,000 list members is
//! sent by `tickler worker` killed with SIGKILL at random points and
//! restarted until nothing is due. Every member who may receive it gets
//! exactly one message (one Message-ID per contact; a message the server took
//! just before a kill, before it was marked delivered, may arrive twice under
//! its own Message-ID, bounded by the kills); none goes to "never", to those
//! who left the list, or to bounced addresses; each carries its one-click
//! unsubscribe headers (RFC 8058) and a plain-text and an HTML part.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};

use jiff::Timestamp;
use tickler_core::campaign::CampaignChange;
use tickler_core::consent::ConsentState;
use tickler_core::contact::{ContactDetails, ContactName, EmailAddress, ZoneName};
use tickler_core::list::{ListName, MembershipSource};
use tickler_store::{CampaignDraft, ChangedBy, MailSettings, MembershipChange, Store};
use tickler_test_support::both;
use tickler_test_support::smtp_sink::SmtpSink;

use crate::common::{self, Tickler};

const MEMBERS: usize = 2_000;
const KILLS: usize = 5;
const PUBLIC_URL: &str = "https://tickler.example.org";

/// Who is held back, by their number.
fn never(index: usize) -> bool {
    index % 50 == 7
}
fn left(index: usize) -> bool {
    index % 40 == 3
}
fn bounced(index: usize) -> bool {
    index % 45 == 11
}
fn not_now(index: usize) -> bool {
    index % 10 == 5
}

/// An account with `members` contacts on "Monthly letter" and a campaign to it scheduled at `start`; returns its id.
fn seed(database: &str, start: Timestamp, members: usize) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::open(database).await.unwrap();
        let account = store.default_account(&ZoneName::parse(common::TZ).unwrap(), start).await.unwrap().id;
        let sender = MailSettings {
            from_name: "Sam Stone".into(),
            from_address: "sam@stone.example".into(),
            signature: "Sam".into(),
            digest_hour: 8,
            digest_enabled: false,
            review_day: None,
            review_hour: 16,
        };
        store.update_mail_settings(account, &sender, start).await.unwrap();
        let list = ListName::parse("Monthly letter").unwrap();
        let list = store.create_list(account, &list, "", "monthly", start).await.unwrap();
        let by = ChangedBy { user_id: None, reason: "seeded", now: start };
        for index in 0..members {
            let mut details = ContactDetails::named(ContactName::parse(&format!("Person {index}")).unwrap());
            details.emails = vec![EmailAddress::parse(&format!("p{index}@news.example")).unwrap()];
            let contact = store.create_contact(account, &details, start).await.unwrap();
            let join = MembershipChange::Join(MembershipSource::Import);
            store.change_membership(account, list.id, contact.id, join, by).await.unwrap();
            if left(index) {
                let leave = MembershipChange::Leave(MembershipSource::Unsubscribe);
                store.change_membership(account, list.id, contact.id, leave, by).await.unwrap();
            }
            if never(index) {
                store.set_consent(account, contact.id, ConsentState::DoNotContact, None, "asked", start).await.unwrap();
            }
            if not_now(index) {
                let until = Some(jiff::civil::date(2027, 6, 1));
                store.set_consent(account, contact.id, ConsentState::NotNow, until, "busy", start).await.unwrap();
            }
            if bounced(index) {
                let address = format!("p{index}@news.example");
                store.record_bounce(account, &address, true, "550 no such user", start).await.unwrap();
            }
        }
        let draft = CampaignDraft {
            list_id: list.id,
            subject: "News for {{ contact.first_name }}".into(),
            body: "Hello {{ contact.first_name }},\n\n**Three** things we learned this month.\n".into(),
            per_minute: 100_000,
            user_id: None,
        };
        let campaign = store.create_campaign(account, &draft, start).await.unwrap();
        store.change_campaign(account, campaign.id, CampaignChange::Schedule, Some(start), start).await.unwrap();
        store.close().await;
        campaign.id.get()
    })
}

/// A message's body without its MIME boundary (chosen afresh each time a message is built).
fn parts(message: &tickler_test_support::smtp_sink::Received) -> String {
    let kind = message.header("content-type").unwrap_or_default();
    match kind.split("boundary=").nth(1) {
        Some(boundary) => message.body.replace(boundary.trim_matches('"'), ""),
        None => message.body.clone(),
    }
}

fn worker(database: &str, sink: &SmtpSink, now: Timestamp) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("TICKLER_") {
            command.env_remove(key);
        }
    }
    command
        .args(["--database", database, "--tz", common::TZ, "--now", &now.to_string(), "--public-url", PUBLIC_URL])
        .args(["worker", "--once", "--lease-seconds", "60"])
        .envs(sink.env())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

both!(a_campaign_reaches_each_member_once_across_sigkills, |t: &Tickler| {
    let start: Timestamp = common::NOW.parse().unwrap();
    let database = t.database();
    let campaign = seed(&database, start, MEMBERS);
    let sink = SmtpSink::start();
    let kills = crate::crash::kill_and_restart(start, KILLS, (300, 1500), |now| worker(&database, &sink, now));

    let messages = sink.messages();
    let mut by_id: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for message in &messages {
        by_id.entry(message.header("message-id").unwrap().to_string()).or_default().push(message);
    }
    let expected: BTreeSet<String> = (0..MEMBERS)
        .filter(|&index| !never(index) && !left(index) && !bounced(index))
        .map(|index| format!("p{index}@news.example"))
        .collect();
    let mut received = BTreeSet::new();
    for (id, copies) in &by_id {
        assert!(id.starts_with(&format!("<campaign.1.{campaign}.")), "{id}");
        let to = copies[0].header("to").unwrap().trim_matches(['<', '>']).to_string();
        assert!(
            copies.iter().all(|copy| copy.header("to") == copies[0].header("to") && parts(copy) == parts(copies[0])),
            "a message sent again is the same message"
        );
        assert!(received.insert(to.clone()), "{to} got two different messages");
        let message = copies[0];
        let index: usize = to.trim_start_matches('p').split('@').next().unwrap().parse().unwrap();
        assert_eq!(message.header("subject"), Some("News for Person"), "{index}");
        let unsubscribe = message.header("list-unsubscribe").expect("List-Unsubscribe");
        assert!(unsubscribe.starts_with(&format!("<{PUBLIC_URL}/u/")), "{unsubscribe}");
        assert!(unsubscribe.contains(", <mailto:sam@stone.example?subject=unsubscribe>"), "{unsubscribe}");
        assert_eq!(message.header("list-unsubscribe-post"), Some("List-Unsubscribe=One-Click"));
        assert!(message.header("content-type").unwrap().starts_with("multipart/alternative"), "{index}");
        assert!(message.body.contains("text/plain") && message.body.contains("text/html"), "{index}");
    }
    assert_eq!(received, expected, "each member who may receive it, and nobody else");
    let redelivered = messages.len() - by_id.len();
    eprintln!("{kills} kills, {} messages, {redelivered} redelivered in-flight message(s)", messages.len());
    // Each message is marked delivered as the server takes it: at most the one in flight at a kill comes again.
    assert!(redelivered <= kills, "{redelivered} redeliveries for {kills} kills");

    let shown = t.json(&["campaign", "show", &campaign.to_string()]);
    assert_eq!(shown["state"], "done", "{shown}");
    assert_eq!(shown["progress"]["sent"].as_u64(), Some(expected.len() as u64), "{shown}");
    assert_eq!(shown["progress"]["waiting"], 0);
    let held_back = (0..MEMBERS).filter(|&index| (never(index) || bounced(index)) && !left(index)).count();
    assert_eq!(shown["progress"]["skipped"].as_u64(), Some(held_back as u64), "{shown}");
});
