//! `bench-mailbox`: a user's mailbox read from Dovecot into touches, beside a
//! bare IMAP fetch of the same messages by Python's `imaplib`.
//!
//! ```text
//! bench-mailbox [--messages 50000] [--contacts 2000] [--tickler PATH] [--python python3]
//!               [--reference scripts/bench_imaplib.py] [--backend sqlite|postgres]
//!               [--sqlite PATH] [--postgres URL] [--keep]
//! ```
//!
//! Setup (untimed): a Dovecot with the user `sam`, whose INBOX holds
//! `--messages` messages and whose Sent folder a tenth as many (see
//! [`tickler_bench::messages`]: a quarter of the INBOX from contacts, the rest
//! from strangers, newsletters, auto-replies and bounces); an account with
//! `--contacts` contacts, each with an address; the user `sam@stone.example`
//! with that mailbox as their IMAP account (password sealed), reviewing the
//! people who are not contacts.
//!
//! Timed, in order:
//!
//! 1. **reference**: `scripts/bench_imaplib.py` logs in, EXAMINEs INBOX and
//!    Sent and fetches what Tickler fetches (UID, INTERNALDATE, the header and
//!    the first 32 KiB of the text) in batches of [`mailbox::BATCH`], each
//!    after a `UID SEARCH` of the next window of UIDs, as Tickler does;
//! 2. **Tickler**: `mailbox::sync` from the start: both folders read, each
//!    message parsed and handled (contacts looked up, touches recorded,
//!    bounces marked, strangers noted for review), the place saved per batch;
//! 3. **again**: a second `mailbox::sync`, which finds no new UID;
//! 4. **`tickler mail check`**: the release binary at `--tickler` reads the same
//!    mailbox from the start into a second new database, its peak resident
//!    memory watched;
//! 5. the reference again: the faster of its two runs is the one compared.
//!
//! Prints one JSON document on standard output.

use std::process::Command;
use std::time::Instant;

use serde::Serialize;
use tickler_app::mail_accounts::{self, MailAccountInput, WatchedMailbox};
use tickler_app::mailbox::{self, SyncReport};
use tickler_app::users::{self, UserInput};
use tickler_app::worker::Clock;
use tickler_app::{Actor, App, SecretKey};
use tickler_bench::args::Args;
use tickler_bench::database::{Native, Seeded, Target};
use tickler_bench::messages::{Correspondent, Kind, Mailbox};
use tickler_bench::people::EmailRow;
use tickler_bench::process::run_watched;
use tickler_bench::{Result, progress, seed, with_pool};
use tickler_core::contact::ZoneName;
use tickler_core::ids::ContactId;
use tickler_test_support::dovecot::Dovecot;

/// The mailbox's owner: their IMAP login and password, and the email they sign in with.
const LOGIN: &str = "sam";
const PASSWORD: &str = "bench-imap-password";
const OWNER: &str = "sam@stone.example";

/// The reference's run, as `scripts/bench_imaplib.py` prints it.
#[derive(Serialize, serde::Deserialize, Clone)]
struct Reference {
    client: String,
    messages: u64,
    bytes: u64,
    seconds: f64,
    messages_per_second: f64,
    #[serde(default)]
    peak_rss_mb: f64,
}

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    backend: &'static str,
    database_version: String,
    /// Messages in the INBOX and in the Sent folder.
    inbox: usize,
    sent_folder: usize,
    messages: usize,
    /// The average message's size as stored, in bytes.
    message_bytes: usize,
    contacts: usize,
    batch: usize,
    /// INBOX messages by kind.
    from_contacts: usize,
    from_strangers: usize,
    newsletters: usize,
    auto_replies: usize,
    bounces: usize,
    reference: Reference,
    reference_runs: Vec<f64>,
    tickler_seconds: f64,
    tickler_per_second: f64,
    ratio: f64,
    target: f64,
    /// Touches in the database after the sync.
    touches: i64,
    sync: SyncReport,
    /// The second sync, which reads nothing new.
    again_seconds: f64,
    again_read: u64,
    /// `tickler mail check` reading the same mailbox into a new database.
    cli_seconds: f64,
    cli_per_second: f64,
    cli_peak_rss_mb: f64,
    memory_target_mb: f64,
}

/// A new database with the account's contacts and the owner's mail account.
struct Prepared {
    app: App,
    native: Native,
    watched: WatchedMailbox,
    contacts: Vec<Correspondent>,
}

/// The address of contact `id` named `name`: `ann.lee.17@client17.example`.
fn contact_address(id: i64, name: &str) -> String {
    let local: String = name
        .to_lowercase()
        .replace('ü', "u")
        .replace(' ', ".")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    format!("{local}.{id}@client{}.example", id % 40)
}

/// Seed `contacts` contacts with an address each, the owner as the first
/// user, and their mail account on `dovecot`.
async fn prepare(
    target: &Target,
    label: &str,
    contacts: usize,
    dovecot: &Dovecot,
    key: &SecretKey,
) -> Result<Prepared> {
    let now = seed::now().timestamp();
    let seeded = Seeded::contacts(target, label, contacts).await?;
    let (native, account_id) = (seeded.native, seeded.account.id);
    let named: Vec<(i64, String)> = with_pool!(&native, pool => {
        sqlx::query_as("SELECT id, name FROM contacts WHERE account_id = $1 ORDER BY id")
            .bind(account_id.get())
            .fetch_all(pool)
            .await?
    });
    let correspondents: Vec<Correspondent> = named
        .iter()
        .map(|(id, name)| Correspondent { name: name.clone(), address: contact_address(*id, name) })
        .collect();
    let emails: Vec<EmailRow> = named
        .iter()
        .zip(&correspondents)
        .map(|((id, _), c)| EmailRow { account_id, contact_id: ContactId::new(*id), email: c.address.clone() })
        .collect();
    native.insert_all(&emails).await?;
    let app = App::from_store(seeded.store).with_secret_key(Some(key.clone()));
    let zone = ZoneName::parse(seed::ZONE)?;
    let input = UserInput {
        email: OWNER.into(),
        name: Some("Sam Stone".into()),
        password: "a long bench password".into(),
        admin: true,
    };
    let user = users::add_first(&app, &input, &zone, now).await?;
    let account = app.account(account_id).await?;
    let actor = Actor::new(account, Some(user.clone()), now);
    let mail = MailAccountInput {
        imap_host: Some("127.0.0.1".into()),
        imap_port: Some(dovecot.port),
        imap_security: Some("none".into()),
        imap_username: Some(LOGIN.into()),
        imap_password: Some(PASSWORD.into()),
        from_address: Some(OWNER.into()),
        unknown: Some("review".into()),
        ..MailAccountInput::default()
    };
    mail_accounts::update(&app, &actor, &mail).await?;
    let watched = mail_accounts::watched_mailbox(&app, user.id).await?.ok_or("the mailbox is not watched")?;
    // Statistics for what was seeded, as a database in use has; the tables the
    // sync fills are left as a new installation leaves them (an empty table
    // analysed as empty would have PostgreSQL check every foreign key into it
    // by a scan, the whole sync long).
    native.execute("ANALYZE contacts").await?;
    native.execute("ANALYZE contact_emails").await?;
    Ok(Prepared { app, native, watched, contacts: correspondents })
}

/// A second database beside `target`, for the `tickler mail check` run.
fn sibling(target: &Target) -> Target {
    match target {
        Target::Sqlite { path } => {
            let mut name = path.file_stem().map(|stem| stem.to_os_string()).unwrap_or_default();
            name.push("-cli.sqlite");
            Target::Sqlite { path: path.with_file_name(name) }
        }
        Target::Postgres { admin_url, database } => {
            Target::Postgres { admin_url: admin_url.clone(), database: format!("{database}_cli") }
        }
    }
}

/// Run the Python reference on the mailbox.
fn reference(python: &str, script: &str, port: u16, expected: usize) -> Result<Reference> {
    let watched = run_watched(
        Command::new(python)
            .args([script, "127.0.0.1", &port.to_string(), LOGIN, "--folders", "INBOX,Sent"])
            .args(["--batch", &mailbox::BATCH.to_string()])
            .env("TICKLER_BENCH_IMAP_PASSWORD", PASSWORD),
    )?;
    if !watched.output.status.success() {
        return Err(format!("{script} failed: {}", String::from_utf8_lossy(&watched.output.stderr)).into());
    }
    let mut run: Reference = serde_json::from_slice(&watched.output.stdout)?;
    run.peak_rss_mb = watched.peak_mb;
    if run.messages != expected as u64 {
        return Err(format!("the reference read {} messages, not {expected}", run.messages).into());
    }
    Ok(run)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::from_env()?;
    let inbox: usize = args.get("messages", 50_000)?;
    let contacts: usize = args.get("contacts", 2_000)?;
    let tickler = args.text("tickler", "target/release/tickler");
    let python = args.text("python", "python3");
    let script = args.text("reference", "scripts/bench_imaplib.py");
    let target = Target::from_args(&args, "target/bench/mailbox.sqlite")?;
    let cli_target = sibling(&target);
    let backend = target.backend();
    let sent = inbox / 10;
    let messages = inbox + sent;
    let key = SecretKey::generate()?;

    progress(format!("mailbox/{backend}: starting Dovecot"));
    let dovecot = Dovecot::start_users(&[(LOGIN, PASSWORD)]);
    let prepared = prepare(&target, "mailbox", contacts, &dovecot, &key).await?;
    let mail = Mailbox {
        owner: Correspondent { name: "Sam Stone".into(), address: OWNER.into() },
        contacts: prepared.contacts.clone(),
        inbox,
        sent,
        until: seed::now().timestamp() - jiff::SignedDuration::from_hours(1),
    };
    progress(format!("mailbox/{backend}: writing {inbox} INBOX and {sent} Sent messages into Dovecot's Maildir"));
    let filling = Instant::now();
    dovecot.fill(LOGIN, "INBOX", inbox, |n| mail.inbox_message(n));
    dovecot.fill(LOGIN, "Sent", sent, |k| mail.sent_message(k));
    progress(format!("mailbox/{backend}: written and indexed in {:.1} s", filling.elapsed().as_secs_f64()));
    let kinds: Vec<Kind> = (0..inbox).map(|n| mail.inbox_kind(n)).collect();
    let count = |kind: Kind| kinds.iter().filter(|k| **k == kind).count();
    let stored_bytes: usize = (0..inbox.min(2_000)).map(|n| mail.inbox_message(n).len()).sum();
    let message_bytes = stored_bytes / inbox.clamp(1, 2_000);

    progress(format!("mailbox/{backend}: the reference (Python imaplib) fetches {messages} messages"));
    let mut references = vec![reference(&python, &script, dovecot.port, messages)?];
    progress(format!(
        "mailbox/{backend}: reference: {:.2} s ({:.0} messages/s)",
        references[0].seconds, references[0].messages_per_second
    ));

    progress(format!("mailbox/{backend}: Tickler syncs {messages} messages into touches"));
    let app = &prepared.app;
    let clock = Clock::starting_at(seed::now().timestamp());
    let started = Instant::now();
    let sync = mailbox::sync(app, &prepared.watched, None, &clock, &mut |_| {}).await?;
    let tickler_seconds = started.elapsed().as_secs_f64();
    if sync.read != messages as u64 || !sync.from_start {
        return Err(format!("Tickler read {} of {messages} messages ({sync:?})", sync.read).into());
    }
    let touches = prepared.native.scalar("SELECT COUNT(*) FROM touches").await?;
    progress(format!(
        "mailbox/{backend}: Tickler: {tickler_seconds:.2} s ({:.0} messages/s), {touches} touches",
        messages as f64 / tickler_seconds
    ));

    let started = Instant::now();
    let again = mailbox::sync(app, &prepared.watched, None, &clock, &mut |_| {}).await?;
    let again_seconds = started.elapsed().as_secs_f64();
    progress(format!("mailbox/{backend}: again: {} new messages in {again_seconds:.3} s", again.read));
    let native = prepared.native;
    let database_version = native.version().await?;
    let store = prepared.app.store().clone();

    progress(format!("mailbox/{backend}: tickler mail check reads the same mailbox into a new database"));
    let cli = prepare(&cli_target, "mailbox-cli", contacts, &dovecot, &key).await?;
    cli.app.store().clone().close().await;
    cli.native.close().await;
    let now = seed::now().strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let watched = run_watched(
        Command::new(&tickler)
            .args(["--database", &cli_target.url(), "--now", &now, "mail", "check", "--user", OWNER, "--json"])
            .env("TICKLER_SECRET_KEY", key.to_base64()),
    )?;
    if !watched.output.status.success() {
        return Err(format!("tickler mail check failed: {}", String::from_utf8_lossy(&watched.output.stderr)).into());
    }
    let checked: serde_json::Value = serde_json::from_slice(&watched.output.stdout)?;
    if checked[0]["read"] != messages as u64 || checked[0]["received"] != sync.received {
        return Err(format!("tickler mail check read otherwise than the sync: {checked}").into());
    }
    progress(format!(
        "mailbox/{backend}: tickler mail check: {:.2} s, peak memory {:.1} MB",
        watched.seconds, watched.peak_mb
    ));

    progress(format!("mailbox/{backend}: the reference again"));
    references.push(reference(&python, &script, dovecot.port, messages)?);
    drop(dovecot);
    let best = references
        .iter()
        .max_by(|a, b| a.messages_per_second.total_cmp(&b.messages_per_second))
        .cloned()
        .ok_or("no reference run")?;
    let tickler_per_second = messages as f64 / tickler_seconds;
    let report = Report {
        benchmark: "mailbox",
        backend,
        database_version,
        inbox,
        sent_folder: sent,
        messages,
        message_bytes,
        contacts,
        batch: mailbox::BATCH,
        from_contacts: count(Kind::Contact),
        from_strangers: count(Kind::Stranger),
        newsletters: count(Kind::Newsletter),
        auto_replies: count(Kind::AutoReply),
        bounces: count(Kind::Bounce),
        reference_runs: references.iter().map(|run| run.seconds).collect(),
        ratio: tickler_per_second / best.messages_per_second,
        reference: best,
        tickler_seconds,
        tickler_per_second,
        target: 0.5,
        touches,
        sync,
        again_seconds,
        again_read: again.read,
        cli_seconds: watched.seconds,
        cli_per_second: messages as f64 / watched.seconds,
        cli_peak_rss_mb: watched.peak_mb,
        memory_target_mb: 100.0,
    };
    if !args.flag("keep") {
        cli_target.drop_database().await?;
    }
    Seeded::finish(store, native, &target, args.flag("keep"), &report).await
}
