//! The command line of plans, enrollments, templates, email and the worker.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// List the plans with their steps
    List,
    /// Show one plan, step by step, with the tone check of its emails
    Show(PlanRef),
    /// Create an empty plan (add steps with `plan add-step`)
    Add(PlanAddArgs),
    /// Append a step to a plan
    AddStep(StepArgs),
    /// Change one step of a plan (numbered from 1)
    EditStep(EditStepArgs),
    /// Remove one step of a plan (numbered from 1)
    RmStep(StepRef),
    /// Delete a plan and its enrollments
    Rm(PlanRef),
    /// Pause an enrollment: its next step waits until resumed
    Pause(EnrollmentRef),
    /// Resume a paused enrollment
    Resume(EnrollmentRef),
    /// Stop an enrollment for good
    Stop(EnrollmentRef),
}

#[derive(Debug, Args)]
pub struct PlanRef {
    /// The plan: id, name, or an unambiguous part of the name
    pub plan: String,
}

#[derive(Debug, Args)]
pub struct PlanAddArgs {
    /// The plan's name
    pub name: String,
    /// What the plan is for
    #[arg(long, default_value = "")]
    pub description: String,
    /// Also run for contacts who said "not now" (newsletters, the re-ask)
    #[arg(long)]
    pub nurture: bool,
}

/// What a step is: an email (subject and body) or a task.
#[derive(Debug, Args, Default)]
pub struct StepFields {
    /// When: how long after the previous step ("same day", "2 days", "3 business days", "1 month"),
    /// or a date ("on their birthday", "2 days before their birthday", "Dec 10", "thanksgiving")
    #[arg(long)]
    pub delay: Option<String>,
    /// How the step comes back: "every 3 months", "every month on the first tuesday",
    /// "every year, 4 times", "every quarter until 2027-12-31" ("" for once)
    #[arg(long)]
    pub repeat: Option<String>,
    /// Email subject (a template, e.g. "Thank you, {{ contact.first_name }}")
    #[arg(long)]
    pub subject: Option<String>,
    /// Email body (a template)
    #[arg(long)]
    pub body: Option<String>,
    /// Read the email body from this file ("-" for standard input)
    #[arg(long)]
    pub body_file: Option<String>,
    /// A task put on the agenda instead of an email ("call to ask how the first week went")
    #[arg(long)]
    pub task: Option<String>,
    /// The task's channel: call, note, letter, postcard, meeting… (default call)
    #[arg(long)]
    pub via: Option<String>,
}

#[derive(Debug, Args)]
pub struct StepArgs {
    /// The plan: id, name, or an unambiguous part of the name
    pub plan: String,
    #[command(flatten)]
    pub fields: StepFields,
}

#[derive(Debug, Args)]
pub struct EditStepArgs {
    /// The plan: id, name, or an unambiguous part of the name
    pub plan: String,
    /// The step number, from 1
    pub step: usize,
    #[command(flatten)]
    pub fields: StepFields,
}

#[derive(Debug, Args)]
pub struct StepRef {
    /// The plan: id, name, or an unambiguous part of the name
    pub plan: String,
    /// The step number, from 1
    pub step: usize,
}

#[derive(Debug, Args)]
pub struct EnrollmentRef {
    /// The enrollment's id (see: tickler enrollments)
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// CONTACT PLAN, or only PLAN with --tag
    #[arg(num_args = 1..=2, required = true)]
    pub targets: Vec<String>,
    /// Enroll every contact with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Send the plan's emails as this user (sign-in email): through their own SMTP server when they set one
    /// [default: the installation's relay]
    #[arg(long)]
    pub user: Option<String>,
}

#[derive(Debug, Args)]
pub struct EnrollmentsArgs {
    /// Only this contact's enrollments
    #[arg(long)]
    pub contact: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Render a plan's email step for a contact, with the tone check
    Preview(PreviewArgs),
    /// Check a draft's tone (from the argument or standard input)
    Tone(ToneArgs),
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The plan: id, name, or an unambiguous part of the name
    pub plan: String,
    /// The step number, from 1
    pub step: usize,
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
}

#[derive(Debug, Args)]
pub struct ToneArgs {
    /// The text; read from standard input when omitted
    pub text: Option<String>,
}

/// Where the SMTP relay settings (and the secret key, `secret_key = …` at the file's top) come from.
#[derive(Debug, Args, Default)]
pub struct SmtpArgs {
    /// A file of mail settings (key = value: host, port, security, username, password, from_address, from_name;
    /// an [imap] section for replies); TICKLER_SMTP_* and TICKLER_IMAP_* variables override it
    #[arg(long, env = "TICKLER_MAIL_CONFIG")]
    pub mail_config: Option<String>,
}

/// How replies are detected: the [imap] section of the mail settings file
/// (host, port, security, username, password, mailbox, poll_seconds, timeout),
/// overridden by TICKLER_IMAP_* variables, then by these flags.
#[derive(Debug, Args)]
pub struct ImapArgs {
    /// Seconds between checks of the IMAP mailbox for replies [default: 60]
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub poll_seconds: Option<u64>,
    /// The IMAP mailbox replies arrive in [default: INBOX]
    #[arg(long)]
    pub imap_mailbox: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Send a test message and print the server's answer
    Test(MailTestArgs),
    /// Show or set the From name, address and signature of your emails, and the digest hour
    From(MailFromArgs),
    /// Log in to the IMAP mailbox, read the new messages once and record the replies among them
    #[command(alias = "imap-test")]
    CheckReplies(CheckRepliesArgs),
    /// Your work addresses: BCC or forward to log, +3days and the like to be reminded (--new for a new secret)
    Addresses(AddressesArgs),
    /// Read your own mailbox (INBOX and Sent) now, with a progress figure
    Check(CheckArgs),
    /// The people you wrote to or heard from who are not contacts yet: list, --add or --dismiss
    Review(ReviewArgs),
    /// Make an address that bounced deliverable again
    Deliverable(DeliverableArgs),
    /// Your own mail account: the SMTP server your plan emails go out through, and your mailbox
    #[command(subcommand)]
    Account(MailAccountCommand),
    /// Print a new secret key for sealing the mail passwords people store, and how to use it
    Key,
    /// Seal every stored mail password again under the current secret key (the old one in TICKLER_OLD_SECRET_KEY)
    Rekey(RekeyArgs),
}

#[derive(Debug, Subcommand)]
pub enum MailAccountCommand {
    /// Show a user's mail account (never the passwords: only whether they are set)
    Show(MailAccountRef),
    /// Set fields of a user's mail account; fields not given keep their value
    Set(Box<MailAccountSetArgs>),
    /// Remove a user's mail account: their emails go through the relay again, their mailbox is not watched
    Clear(MailAccountRef),
    /// Send a test message through the user's own SMTP server and print the server's answer
    Test(MailAccountTestArgs),
}

/// Whose mail account, and where the secret key is.
#[derive(Debug, Args)]
pub struct MailAccountRef {
    /// The user, by the email they sign in with [default: the account's first user]
    #[arg(long)]
    pub user: Option<String>,
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

#[derive(Debug, Args)]
pub struct MailAccountTestArgs {
    /// Where to send the test message
    pub to: String,
    #[command(flatten)]
    pub account: MailAccountRef,
}

#[derive(Debug, Args, Default)]
pub struct MailAccountSetArgs {
    /// The user, by the email they sign in with [default: the account's first user]
    #[arg(long)]
    pub user: Option<String>,
    /// Your SMTP server, e.g. smtp.example.org (your plan emails go out through it)
    #[arg(long)]
    pub smtp_host: Option<String>,
    /// Its port: 465 means TLS, 587 STARTTLS [default: 587, or as --smtp-security implies]
    #[arg(long)]
    pub smtp_port: Option<u16>,
    /// none, starttls or tls [default: as the port implies]
    #[arg(long)]
    pub smtp_security: Option<String>,
    /// Your SMTP login
    #[arg(long)]
    pub smtp_username: Option<String>,
    /// Read your SMTP password from standard input (one line)
    #[arg(long)]
    pub smtp_password_stdin: bool,
    /// Read your SMTP password from this file
    #[arg(long)]
    pub smtp_password_file: Option<String>,
    /// The name your emails come from [default: the account's sender name]
    #[arg(long)]
    pub from_name: Option<String>,
    /// The address your emails come from [default: your SMTP username when it is an address, else your sign-in email]
    #[arg(long)]
    pub from_address: Option<String>,
    /// Your IMAP server, e.g. imap.example.org (your mailbox, watched for your mail)
    #[arg(long)]
    pub imap_host: Option<String>,
    /// Its port: 993 means TLS, 143 STARTTLS [default: 993, or as --imap-security implies]
    #[arg(long)]
    pub imap_port: Option<u16>,
    /// none, starttls or tls [default: as the port implies]
    #[arg(long)]
    pub imap_security: Option<String>,
    /// Your IMAP login
    #[arg(long)]
    pub imap_username: Option<String>,
    /// Read your IMAP password from standard input (one line)
    #[arg(long)]
    pub imap_password_stdin: bool,
    /// Read your IMAP password from this file
    #[arg(long)]
    pub imap_password_file: Option<String>,
    /// The folder new mail arrives in [default: INBOX]
    #[arg(long)]
    pub inbox_folder: Option<String>,
    /// The folder your sent mail is kept in [default: the one the server marks \Sent]
    #[arg(long)]
    pub sent_folder: Option<String>,
    /// Mail from people who are not contacts: ignore or review
    #[arg(long)]
    pub unknown: Option<String>,
    /// Empty a field before applying the others: smtp or imap (the whole side), smtp-port, smtp-security,
    /// smtp-username, smtp-password, from-name, from-address, imap-port, imap-security, imap-username,
    /// imap-password, inbox-folder or sent-folder (repeatable)
    #[arg(long)]
    pub clear: Vec<String>,
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

#[derive(Debug, Args)]
pub struct RekeyArgs {
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

#[derive(Debug, Args)]
pub struct AddressesArgs {
    /// Make a new secret: the installation-mailbox addresses change and the old ones stop working
    #[arg(long)]
    pub new: bool,
    /// The user (sign-in email) [default: the account's first user]
    #[arg(long)]
    pub user: Option<String>,
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The user (sign-in email) [default: the account's first user]
    #[arg(long, conflicts_with = "all")]
    pub user: Option<String>,
    /// Every user's mailbox
    #[arg(long)]
    pub all: bool,
    /// No progress line
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Add this person as a contact
    #[arg(long, conflicts_with = "dismiss")]
    pub add: Option<String>,
    /// With --add: their name (default: the name their mail gave)
    #[arg(long, requires = "add")]
    pub name: Option<String>,
    /// Stop listing this person
    #[arg(long)]
    pub dismiss: Option<String>,
    /// The user (sign-in email) [default: the account's first user]
    #[arg(long)]
    pub user: Option<String>,
}

#[derive(Debug, Args)]
pub struct DeliverableArgs {
    /// The address that bounced
    pub email: String,
}

#[derive(Debug, Args)]
pub struct CheckRepliesArgs {
    #[command(flatten)]
    pub smtp: SmtpArgs,
    /// The IMAP mailbox replies arrive in [default: INBOX]
    #[arg(long)]
    pub imap_mailbox: Option<String>,
}

#[derive(Debug, Args)]
pub struct MailTestArgs {
    /// Where to send the test message
    pub to: String,
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

#[derive(Debug, Args)]
pub struct MailFromArgs {
    /// Your name as it appears in From
    #[arg(long)]
    pub name: Option<String>,
    /// Your email address
    #[arg(long)]
    pub address: Option<String>,
    /// The signature templates insert with {{ sender.signature }}
    #[arg(long)]
    pub signature: Option<String>,
    /// The hour (0-23, your zone) of the daily digest
    #[arg(long)]
    pub digest_hour: Option<u32>,
    /// The day of the weekly review email (monday … sunday), or off
    #[arg(long)]
    pub review_day: Option<String>,
    /// The hour (0-23, the account's zone) of the weekly review email
    #[arg(long)]
    pub review_hour: Option<u32>,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Run what is due now, then exit
    #[arg(long)]
    pub once: bool,
    /// Jobs claimed per batch
    #[arg(long, default_value_t = 64)]
    pub batch: u32,
    /// Seconds a claim lasts before another worker may take the job over
    #[arg(long, default_value_t = 300)]
    pub lease_seconds: u32,
    /// Jobs worked on at once in each lane
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Passes run at once on PostgreSQL: one claims and records while another's emails go out (SQLite runs one)
    #[arg(long, default_value_t = 3)]
    pub lanes: usize,
    /// How log lines are written on standard error: text, or json (one object a line); RUST_LOG filters them
    #[arg(long, value_enum, default_value_t = crate::args::LogFormat::Text, env = "TICKLER_LOG_FORMAT")]
    pub log_format: crate::args::LogFormat,
    /// Serve /metrics (Prometheus: the job counters, backlog, mailbox and pool gauges) on this private address
    #[arg(long)]
    pub metrics_listen: Option<String>,
    #[command(flatten)]
    pub smtp: SmtpArgs,
    #[command(flatten)]
    pub imap: ImapArgs,
}
