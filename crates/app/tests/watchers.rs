//! The mailbox watchers against real servers, on SQLite and PostgreSQL: a
//! message delivered to a watched INBOX is on the contact's timeline within
//! seconds through IMAP IDLE (the poll is set far longer, so only IDLE can
//! wake the watcher; the latency is printed), and a mailbox whose server
//! hangs holds up no other user's.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use tickler_app::contacts::{self, ContactChanges, ContactInput};
use tickler_app::mail_accounts::{self, MailAccountInput};
use tickler_app::mailbox::watch::{self, WatchSettings};
use tickler_app::worker::Clock;
use tickler_app::{Actor, App, SecretKey, users};
use tickler_core::contact::ZoneName;
use tickler_core::ids::ContactId;
use tickler_core::touch::Direction;
use tickler_test_support::dovecot::Dovecot;
use tickler_test_support::hanging_imap::HangingImap;
use tickler_test_support::{AsyncHarness, Backend, FreshDatabase, both};

/// An installation with users Sam and Kim, and Ann as a contact.
struct Fixture {
    app: App,
    sam: Actor,
    kim: Actor,
    ann: ContactId,
    _database: FreshDatabase,
}

impl AsyncHarness for Fixture {
    async fn new(backend: Backend) -> Fixture {
        let database = FreshDatabase::new(backend);
        let app = App::open(database.url()).await.unwrap().with_secret_key(Some(SecretKey::generate().unwrap()));
        let now = Timestamp::now();
        let zone = ZoneName::parse("America/New_York").unwrap();
        let input = |email: &str| users::UserInput {
            email: email.into(),
            name: None,
            password: "a long password".into(),
            admin: true,
        };
        let sam = users::add_first(&app, &input("sam@stone.example"), &zone, now).await.unwrap();
        let account = app.default_account(&zone, now).await.unwrap();
        let sam = Actor::new(account.clone(), Some(sam), now);
        let kim = users::add(&app, &sam, &input("kim@stone.example")).await.unwrap();
        let kim = Actor::new(account, Some(kim), now);
        let changes = ContactChanges {
            set: ContactInput {
                name: Some("Ann Lee".into()),
                emails: Some(vec!["ann@acme.com".into()]),
                ..ContactInput::default()
            },
            ..ContactChanges::default()
        };
        let ann = contacts::create(&app, &sam, &changes).await.unwrap().id;
        Fixture { app, sam, kim, ann, _database: database }
    }
}

impl Fixture {
    /// Point `actor`'s mailbox at an IMAP server on 127.0.0.1:`port`.
    async fn mailbox(&self, actor: &Actor, port: u16, login: &str, password: &str) {
        let input = MailAccountInput {
            imap_host: Some("127.0.0.1".into()),
            imap_port: Some(port),
            imap_security: Some("none".into()),
            imap_username: Some(login.into()),
            imap_password: Some(password.into()),
            ..MailAccountInput::default()
        };
        mail_accounts::update(&self.app, actor, &input).await.unwrap();
    }

    /// Run the watchers until the returned sender is dropped.
    fn watch(&self, poll: Duration) -> tokio::sync::oneshot::Sender<()> {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let settings = WatchSettings {
            poll,
            refresh: Duration::from_secs(1),
            first_backoff: Duration::from_millis(500),
            inbound: None,
        };
        tokio::spawn(watch::run(self.app.clone(), Clock::system(), settings, async move {
            let _ = stopped.await;
        }));
        stop
    }

    /// Wait until Ann's timeline has an inbound touch; how long it took.
    async fn wait_for_reply(&self, within: Duration) -> Option<Duration> {
        let started = Instant::now();
        while started.elapsed() < within {
            let touches = self.app.store().touches(self.sam.account_id(), self.ann).await.unwrap();
            if touches.iter().any(|touch| touch.direction == Direction::In) {
                return Some(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        None
    }

    /// Wait until the watcher has read `actor`'s INBOX once (its place is saved).
    async fn wait_until_read(&self, actor: &Actor, within: Duration) {
        let watched =
            mail_accounts::watched_mailbox(&self.app, actor.user.as_ref().unwrap().id).await.unwrap().unwrap();
        let key = tickler_app::mailbox::position_key(&watched, "INBOX");
        let started = Instant::now();
        while self.app.store().mailbox_poll(&key).await.unwrap().is_none() {
            assert!(started.elapsed() < within, "the watcher never read the mailbox");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

fn reply(id: &str) -> Vec<u8> {
    format!(
        "From: Ann Lee <ann@acme.com>\r\nTo: sam@stone.example\r\nSubject: Re: Lunch\r\nMessage-ID: <{id}@acme.com>\r\n\
         Date: {}\r\n\r\nThursday works.\r\n",
        jiff::fmt::rfc2822::to_string(&Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC)).unwrap()
    )
    .into_bytes()
}

both!(idle_brings_a_delivered_message_in_within_seconds, async |f: &Fixture| {
    let dovecot = tokio::task::spawn_blocking(|| Dovecot::start_users(&[("sam", "sam-pw")])).await.unwrap();
    f.mailbox(&f.sam, dovecot.port, "sam", "sam-pw").await;
    // The poll is ten minutes: only IDLE can bring the message in quickly.
    let _stop = f.watch(Duration::from_secs(600));
    f.wait_until_read(&f.sam, Duration::from_secs(30)).await;
    // Let the watcher enter IDLE after its first read.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let delivered = Instant::now();
    let port = dovecot.lmtp_port;
    tokio::task::spawn_blocking(move || {
        tickler_test_support::lmtp::deliver(port, "ann@acme.com", &["sam@stone.example"], &reply("idle")).unwrap()
    })
    .await
    .unwrap();
    let latency = f.wait_for_reply(Duration::from_secs(20)).await.expect("the reply was recorded");
    eprintln!(
        "IDLE latency: delivered → touch recorded in {:.2} s ({:.2} s including the delivery)",
        latency.as_secs_f64(),
        delivered.elapsed().as_secs_f64()
    );
    assert!(latency < Duration::from_secs(15), "took {latency:?}: the watcher did not wake on IDLE");
});

both!(a_hanging_mailbox_holds_up_nobody_else, async |f: &Fixture| {
    let hanging = HangingImap::after_login();
    let dovecot = tokio::task::spawn_blocking(|| Dovecot::start_users(&[("sam", "sam-pw")])).await.unwrap();
    // Kim's server greets, takes the login, then never answers again.
    f.mailbox(&f.kim, hanging.port, "kim", "kim-pw").await;
    f.mailbox(&f.sam, dovecot.port, "sam", "sam-pw").await;
    let port = dovecot.lmtp_port;
    tokio::task::spawn_blocking(move || {
        tickler_test_support::lmtp::deliver(port, "ann@acme.com", &["sam@stone.example"], &reply("hang")).unwrap()
    })
    .await
    .unwrap();
    let _stop = f.watch(Duration::from_secs(2));
    let latency = f.wait_for_reply(Duration::from_secs(20)).await;
    assert!(latency.is_some(), "Sam's reply waited on Kim's hanging server");
    // Kim's mailbox was never read.
    let kim = mail_accounts::watched_mailbox(&f.app, f.kim.user.as_ref().unwrap().id).await.unwrap().unwrap();
    let key = tickler_app::mailbox::position_key(&kim, "INBOX");
    assert_eq!(f.app.store().mailbox_poll(&key).await.unwrap(), None);
});
