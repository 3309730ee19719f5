//! `bench-send`: plan emails rendered and delivered by the scheduler to
//! Postfix's `smtp-sink`, beside Postfix's own `smtp-source` blasting the same
//! sink with the same number of similar messages (the delivery ceiling).
//!
//! ```text
//! bench-send [--emails 20000] [--sessions 16] [--lanes 3] [--backend sqlite|postgres] [--sqlite PATH] [--postgres URL] [--keep]
//! ```
//!
//! Setup (untimed): one account, `--emails` contacts with an address, all
//! enrolled in a one-step plan whose email is due now; then ANALYZE. Timed: `scheduler::drain`
//! until every step is sent (claim, consent/pacing/hours check, render, outbox
//! row, SMTP, record), with `--sessions` emails in flight; then `smtp-source`
//! with `--sessions` parallel sessions and the same count and message size.
//! Prints one JSON document on standard output.

use std::process::{Child, Command, Stdio};
use std::time::Instant;

use jiff::SignedDuration;
use serde::Serialize;
use tickler_app::App;
use tickler_app::worker::{Clock, WorkerConfig, drain};
use tickler_bench::args::Args;
use tickler_bench::database::{Seeded, Target};
use tickler_bench::{Result, progress, seed};
use tickler_core::contact::Tag;
use tickler_core::plan::{PlanDraft, Step};
use tickler_mail::{Mailer, Security, SmtpConfig};
use tickler_store::MailSettings;

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    backend: &'static str,
    emails: u64,
    sessions: usize,
    message_bytes: usize,
    tickler_seconds: f64,
    tickler_per_second: f64,
    smtp_source_seconds: f64,
    smtp_source_per_second: f64,
    ratio: f64,
    target: f64,
}

const BODY: &str = "Hi {{ contact.first_name }},\n\nI came across a short guide on planning follow-ups around your \
clients' calendars rather than your own, and thought of you. The main takeaway: one useful message at the right \
moment beats three reminders.\n\nHappy to send it over if you'd like it.\n\n{{ sender.signature }}\n";

struct Sink(Child);

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_sink() -> Result<(Sink, u16)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new("/usr/sbin/smtp-sink")
        .args(["-u", "nobody", &format!("127.0.0.1:{port}"), "1024"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start /usr/sbin/smtp-sink (apt-get install postfix): {error}"))?;
    for _ in 0..500 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((Sink(child), port));
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Err("smtp-sink did not start".into())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::from_env()?;
    let emails: usize = args.get("emails", 20_000)?;
    let sessions: usize = args.get("sessions", 16)?;
    let target = Target::from_args(&args, "target/bench/send.sqlite")?;
    let seeded = Seeded::contacts(&target, "send", emails).await?;
    let (store, account, native) = (seeded.store, seeded.account, seeded.native);
    let now = seed::now().timestamp();
    progress("send: addresses, tags and the enrollment of every contact");
    native.execute("UPDATE contacts SET zone = NULL, consent = 'active', pacing_gap_days = NULL").await?;
    native.execute("DELETE FROM contact_emails").await?;
    native
        .execute(
            "INSERT INTO contact_emails (account_id, contact_id, position, email) \
             SELECT account_id, id, 0, 'c' || id || '@bench.example' FROM contacts",
        )
        .await?;
    native.execute("DELETE FROM contact_tags").await?;
    native
        .execute("INSERT INTO contact_tags (account_id, contact_id, tag) SELECT account_id, id, 'bench' FROM contacts")
        .await?;
    let mut settings = account.settings.clone();
    settings.pacing_gap_days = 0;
    store.update_settings(account.id, &settings).await?;
    let sender = MailSettings {
        from_name: "Sam Stone".into(),
        from_address: "sam@stone.example".into(),
        signature: "Sam Stone\nStone Consulting".into(),
        digest_hour: 8,
        digest_enabled: false,
        review_day: None,
        review_hour: 16,
    };
    store.update_mail_settings(account.id, &sender, now).await?;
    let step = Step::email("same day", "Something you might find useful, {{ contact.first_name }}", BODY)?;
    let plan = store.create_plan(account.id, &PlanDraft::new("Bench plan", "", false, vec![step])?, now).await?;
    let enrolled = store.enroll_tag(account.id, plan.id, &Tag::parse("bench")?, now).await?;
    if enrolled.enrolled.len() != emails {
        return Err(format!("enrolled {} of {emails}", enrolled.enrolled.len()).into());
    }
    // Fresh statistics, as a database in use has, like the other benchmarks after seeding.
    native.analyze().await?;
    let (sink, port) = start_sink()?;
    let config = SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        connections: u32::try_from(sessions).unwrap_or(16),
        ..SmtpConfig::default()
    };
    let mailer = Mailer::new(&config)?;
    let mut worker = WorkerConfig::new(Clock::starting_at(now));
    worker.batch = 256;
    worker.concurrency = sessions;
    worker.lanes = args.get("lanes", 3)?;
    worker.lease = SignedDuration::from_mins(30);
    progress(format!("send: Tickler delivers {emails} plan emails to smtp-sink"));
    let started = Instant::now();
    let app = App::from_store(store.clone());
    let report = drain(&app, &mailer, &worker).await?;
    let tickler_seconds = started.elapsed().as_secs_f64();
    if report.sent != emails as u64 {
        return Err(format!("sent {} of {emails} ({report:?})", report.sent).into());
    }
    let sample =
        store.outbox(account.id, None).await?.into_iter().next().map(|(email, _)| email.body.len()).unwrap_or(600);
    let message_bytes = sample + 400;
    progress(format!("send: smtp-source sends {emails} messages of {message_bytes} bytes"));
    let started = Instant::now();
    let status = Command::new("/usr/sbin/smtp-source")
        .args(["-s", &sessions.to_string(), "-m", &emails.to_string(), "-l", &message_bytes.to_string()])
        .args(["-f", "sam@stone.example", "-t", "c1@bench.example", &format!("127.0.0.1:{port}")])
        .status()?;
    let smtp_source_seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        return Err(format!("smtp-source failed: {status}").into());
    }
    drop(sink);
    let tickler_per_second = emails as f64 / tickler_seconds;
    let smtp_source_per_second = emails as f64 / smtp_source_seconds;
    let result = Report {
        benchmark: "send",
        backend: target.backend(),
        emails: emails as u64,
        sessions,
        message_bytes,
        tickler_seconds,
        tickler_per_second,
        smtp_source_seconds,
        smtp_source_per_second,
        ratio: tickler_per_second / smtp_source_per_second,
        target: 0.5,
    };
    Seeded::finish(store, native, &target, args.flag("keep"), &result).await
}
