//! The command line: every command and flag, parsed by clap.

use clap::{Args, Parser, Subcommand};

pub use crate::args_campaigns::*;
pub use crate::args_library::*;
pub use crate::args_lists::*;
pub use crate::args_plans::*;

/// Tickler: remembers every contact and every touch, and tells you whom to follow up with today.
#[derive(Debug, Parser)]
#[command(name = "tickler", version, about, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The database: a SQLite file path, or a postgres:// URL [default: tickler.db in your data directory]
    #[arg(long, global = true, env = "TICKLER_DATABASE")]
    pub database: Option<String>,
    /// Print JSON instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// Your time zone for this command (IANA name), overriding the account setting; give it before the command
    #[arg(long, env = "TICKLER_TZ")]
    pub tz: Option<String>,
    /// Pretend it is this instant (RFC 3339, e.g. 2026-11-24T09:00:00-05:00); for scripts and tests
    #[arg(long, global = true, env = "TICKLER_NOW")]
    pub now: Option<String>,
    /// The address people reach this Tickler at (https://tickler.example.org): newsletters' unsubscribe links start here
    #[arg(long, global = true, env = "TICKLER_PUBLIC_URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a demo database with sample contacts and print today's agenda
    Demo(DemoArgs),
    /// Add a contact
    Add(ContactArgs),
    /// List contacts
    Contacts(ListContactsArgs),
    /// Show one contact
    Show(ContactRef),
    /// Change a contact's fields
    Edit(EditArgs),
    /// Delete a contact and everything recorded about them
    Rm(RemoveArgs),
    /// Record a touch (call, email, meeting…)
    Log(LogArgs),
    /// Schedule a follow-up
    Follow(FollowArgs),
    /// Today's agenda: overdue, today, the next days, promises at risk, people to reconnect with
    Today(TodayArgs),
    /// Losing touch: contacts past their keep-in-touch cadence, most overdue first, and those passing it soon
    Drifting(DriftingArgs),
    /// Show a report over a period ("tickler report follow-ups --period 12w --csv"): follow-ups, promises, plans, touches, stages, consent
    Report(ReportArgs),
    /// Show or set the keep-in-touch cadence of a tag ("tickler cadence clients \"every quarter\"")
    Cadence(CadenceArgs),
    /// Hold back the reminder to reconnect with a contact ("tickler reconnect ann --snooze \"in 2 weeks\"")
    Reconnect(ReconnectArgs),
    /// Mark a follow-up done, optionally recording the touch
    Done(DoneArgs),
    /// Move a follow-up to a later time
    Snooze(SnoozeArgs),
    /// Skip a follow-up
    Skip(IdArg),
    /// A follow-up by email: show the drafted message, or send it through Tickler and mark it done (--send)
    Email(EmailArgs),
    /// Record a promise made to a contact
    Promise(PromiseArgs),
    /// List open promises with the time left
    Promises,
    /// Mark a promise kept
    Kept(IdArg),
    /// A promise running late: show the drafted message with a new deadline, or send it (--send)
    Late(LateArgs),
    /// Set a contact's consent: active, not-now or never
    Consent(ConsentArgs),
    /// Every touch, follow-up, promise and consent change of a contact, newest first
    Timeline(ContactRef),
    /// Resolve natural-language dates ("next tuesday 3pm"); reads phrases from stdin when none is given
    When(WhenArgs),
    /// Show or change your settings: zone, working hours and days, pacing gap, date order
    Settings(SettingsArgs),
    /// Import contacts from a CSV (Google, Outlook or plain) or vCard file
    Import(ImportArgs),
    /// Export contacts as CSV or vCard
    Export(ExportArgs),
    /// Write every record of the account to a JSON backup file
    Backup(BackupArgs),
    /// Restore a JSON backup into an empty database (or beside existing records with --merge)
    Restore(RestoreArgs),
    /// Action plans: list, show, create and edit steps; pause, resume or stop enrollments
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Newsletter lists: create, list with member counts, add and remove contacts, show members
    Lists {
        #[command(subcommand)]
        command: Option<ListsCommand>,
    },
    /// Newsletter campaigns: write in Markdown, preview, schedule, pause, resume, cancel, follow progress
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Enroll a contact in a plan (`enroll ann "After interview"`), or every contact with --tag
    Enroll(EnrollArgs),
    /// List enrollments: each contact's plans, next step and why it waits
    Enrollments(EnrollmentsArgs),
    /// Email templates: preview for a contact, tone check
    #[command(subcommand)]
    Template(TemplateCommand),
    /// The library of things worth sending: add, ls, show, edit, rm, share, next
    #[command(subcommand)]
    Library(LibraryCommand),
    /// Email: test the relay, set your From and signature, check the mailbox for replies
    #[command(subcommand)]
    Mail(MailCommand),
    /// Run the scheduler: plan steps and their emails (alone, or --once for what is due now)
    Worker(WorkerArgs),
    /// Run the web app, JSON API and calendar feed
    Serve(ServeArgs),
    /// Bring the database's schema up to date, saying which migrations ran (--check: only say whether it is)
    Migrate(MigrateArgs),
    /// Check the database, schema, mail servers, zone and clock; exit 0 only when all are OK
    Doctor(DoctorArgs),
    /// Manage the people who sign in to the web app
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the API tokens of the people who sign in
    #[command(subcommand)]
    Token(TokenCommand),
}

/// How `serve` and `worker` write their log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, its fields at the top level.
    Json,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Change nothing: exit 0 when the schema is current, 1 listing the pending migrations
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub smtp: crate::args_plans::SmtpArgs,
    #[command(flatten)]
    pub imap: crate::args_plans::ImapArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080 or :8080 [default: 127.0.0.1:8080]
    #[arg(long)]
    pub listen: Option<String>,
    /// Settings file [default: ./tickler.toml when it exists]
    #[arg(long)]
    pub config: Option<std::path::PathBuf>,
    /// Start on a fresh demo database with sample data and a demo login
    #[arg(long)]
    pub demo: bool,
    /// Serve the web app only; run the scheduler elsewhere (`tickler worker`)
    #[arg(long)]
    pub no_worker: bool,
    /// Also serve /metrics (Prometheus) on this private address, without a token, e.g. 127.0.0.1:9464
    #[arg(long)]
    pub metrics_listen: Option<String>,
    /// How log lines are written on standard error: text, or json (one object a line); RUST_LOG filters them
    #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "TICKLER_LOG_FORMAT")]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub smtp: crate::args_plans::SmtpArgs,
    #[command(flatten)]
    pub imap: crate::args_plans::ImapArgs,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from stdin, or made up and printed when stdin is a terminal
    Add(UserAddArgs),
    /// List the users of every account
    List,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// The email they sign in with
    pub email: String,
    /// Their display name
    #[arg(long)]
    pub name: Option<String>,
    /// Let them manage users and settings
    #[arg(long)]
    pub admin: bool,
    /// Put them in a new, separate account with this name (they become its admin)
    #[arg(long)]
    pub new_account: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print its secret (shown once)
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The email of the user the token acts as
    #[arg(long)]
    pub user: String,
    /// What the token is for
    pub name: String,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep an existing demo database instead of recreating it
    #[arg(long)]
    pub keep: bool,
}

/// Fields of a contact, shared by `add` and `edit`.
#[derive(Debug, Args, Default)]
pub struct ContactFields {
    /// Email address (repeatable)
    #[arg(long = "email")]
    pub emails: Vec<String>,
    /// Phone number (repeatable)
    #[arg(long = "phone")]
    pub phones: Vec<String>,
    /// Organisation
    #[arg(long)]
    pub org: Option<String>,
    /// The contact's time zone (IANA name, e.g. America/New_York)
    #[arg(long = "tz", visible_alias = "contact-tz")]
    pub zone: Option<String>,
    /// Tag (repeatable)
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Birthday: YYYY-MM-DD, or --MM-DD when the year is unknown
    #[arg(long, allow_hyphen_values = true)]
    pub birthday: Option<String>,
    /// Stage: lead, prospect, client, candidate, employer, partner, network, other
    #[arg(long)]
    pub stage: Option<String>,
    /// Where the contact came from
    #[arg(long)]
    pub source: Option<String>,
    /// The contact who referred them (id, email or name)
    #[arg(long)]
    pub referred_by: Option<String>,
    /// Preferred channel (email, call, text, …)
    #[arg(long)]
    pub channel: Option<String>,
    /// Minimum days between touches for this contact
    #[arg(long)]
    pub pacing: Option<u32>,
    /// How often to be in touch ("every 30 days", "every quarter"); overrides their tags' cadence
    #[arg(long)]
    pub cadence: Option<String>,
    /// A note about the contact
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct ContactArgs {
    /// The contact's name
    pub name: String,
    #[command(flatten)]
    pub fields: ContactFields,
}

#[derive(Debug, Args)]
pub struct ListContactsArgs {
    /// Only contacts with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Only contacts whose name, organisation or email contains this
    #[arg(long)]
    pub search: Option<String>,
    /// Only contacts in this stage
    #[arg(long)]
    pub stage: Option<String>,
    /// Only contacts in this consent state (active, not-now, never)
    #[arg(long)]
    pub consent: Option<String>,
    /// At most this many
    #[arg(long, default_value_t = 200)]
    pub limit: u32,
    /// Skip this many first
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}

#[derive(Debug, Args)]
pub struct ContactRef {
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
    /// New name
    #[arg(long)]
    pub name: Option<String>,
    /// Remove this email (repeatable)
    #[arg(long = "remove-email")]
    pub remove_emails: Vec<String>,
    /// Remove this tag (repeatable)
    #[arg(long = "remove-tag")]
    pub remove_tags: Vec<String>,
    /// Empty a field before applying the others: org, tz, birthday, stage, source, referred-by,
    /// channel, pacing, note, email, phone or tag (repeatable)
    #[arg(long)]
    pub clear: Vec<String>,
    #[command(flatten)]
    pub fields: ContactFields,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
    /// Channel: email, call, voicemail, text, letter, postcard, note, meeting, visit, social, other
    pub channel: String,
    /// What happened
    pub summary: String,
    /// When it happened (natural language, e.g. "yesterday 3pm"; default now)
    #[arg(long)]
    pub at: Option<String>,
    /// Outcome: interested, no-answer, voicemail, replied, not-now, never, meeting-booked, bought
    #[arg(long)]
    pub outcome: Option<String>,
    /// They contacted you (an inbound touch)
    #[arg(long = "in")]
    pub inbound: bool,
    /// With --outcome not-now: when to ask again (default "in 3 months")
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct FollowArgs {
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
    /// When: a day ("next tuesday") or a time ("tomorrow 3pm")
    pub when: String,
    /// Channel to use (default: the contact's preferred channel, else email)
    #[arg(long)]
    pub via: Option<String>,
    /// What the follow-up is for
    #[arg(long)]
    pub note: Option<String>,
    /// Schedule even inside the contact's pacing gap
    #[arg(long)]
    pub force: bool,
    /// They asked for it ("call me tomorrow"): recorded, and the pacing gap does not apply
    #[arg(long)]
    pub agreed: bool,
}

#[derive(Debug, Args)]
pub struct TodayArgs {
    /// How many days ahead to show after today
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// At most this many follow-ups
    #[arg(long, default_value_t = 500)]
    pub limit: u32,
}

#[derive(Debug, Args)]
pub struct DoneArgs {
    /// The follow-up's id
    pub id: i64,
    /// Record a touch with this summary
    #[arg(long)]
    pub log: Option<String>,
    /// The touch's outcome
    #[arg(long)]
    pub outcome: Option<String>,
    /// The touch's channel (default: the follow-up's)
    #[arg(long)]
    pub via: Option<String>,
    /// With --outcome not-now: when to ask again (default "in 3 months")
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct SnoozeArgs {
    /// The follow-up's id
    pub id: i64,
    /// Until when ("in 2 days", "monday 9am")
    pub when: String,
}

#[derive(Debug, Args)]
pub struct IdArg {
    /// The id
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct PromiseArgs {
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
    /// What you promised
    pub what: String,
    /// Your internal target ("in 1 hour", "tomorrow noon")
    #[arg(long)]
    pub aim: Option<String>,
    /// The deadline you told the contact ("friday", "end of day"); proposed from --aim when omitted
    #[arg(long)]
    pub told: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report: follow-ups, promises, plans, touches, stages or consent
    pub name: String,
    /// The first day (YYYY-MM-DD, in the account's zone); without --to, up to today
    #[arg(long)]
    pub from: Option<String>,
    /// The last day, included; without --from, the 12 weeks up to it
    #[arg(long)]
    pub to: Option<String>,
    /// The last so many weeks or months up to today ("12w", "6 months"); the default is the last 12 weeks
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// Print the figures as CSV
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct DriftingArgs {
    /// Also list those who pass their cadence within this many days
    #[arg(long, default_value_t = 7)]
    pub days: u32,
}

#[derive(Debug, Args)]
pub struct CadenceArgs {
    /// The tag; every tag with a cadence is listed when omitted
    pub tag: Option<String>,
    /// How often ("every 30 days", "every quarter")
    pub cadence: Option<String>,
    /// Remove the tag's cadence
    #[arg(long, conflicts_with = "cadence")]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct ReconnectArgs {
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
    /// Until when ("in 2 weeks", "next month")
    #[arg(long)]
    pub snooze: String,
}

#[derive(Debug, Args)]
pub struct LateArgs {
    /// The promise's id
    pub id: i64,
    /// Send the message to the contact through Tickler: a touch is logged and the told deadline moves
    #[arg(long, conflicts_with = "logged")]
    pub send: bool,
    /// You told them another way: log the touch and move the told deadline, sending nothing
    #[arg(long)]
    pub logged: bool,
    /// The new deadline ("tomorrow 11am"); the proposed one when omitted
    #[arg(long)]
    pub told: Option<String>,
    /// The subject, in place of the draft's
    #[arg(long)]
    pub subject: Option<String>,
    /// The message, in place of the draft's
    #[arg(long)]
    pub body: Option<String>,
}

#[derive(Debug, Args)]
pub struct EmailArgs {
    /// The follow-up's id
    pub id: i64,
    /// Send it to the contact through Tickler: a touch is logged and the follow-up is done
    #[arg(long)]
    pub send: bool,
    /// The subject, in place of the draft's
    #[arg(long, requires = "send")]
    pub subject: Option<String>,
    /// The message, in place of the draft's
    #[arg(long, requires = "send")]
    pub body: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConsentArgs {
    /// The contact: id, email, or any unambiguous part of the name
    pub contact: String,
    /// active, not-now or never
    pub state: String,
    /// For not-now: when to ask again (default "in 3 months")
    #[arg(long)]
    pub until: Option<String>,
    /// Why (recorded with the change)
    #[arg(long, default_value = "")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct WhenArgs {
    /// The phrase; when omitted, phrases are read from standard input, one per line
    pub phrase: Vec<String>,
    /// The zone to resolve in (IANA name) [default: your zone]
    #[arg(long)]
    pub tz: Option<String>,
    /// Also say how each phrase was read: corrections, choices, other readings
    #[arg(long)]
    pub explain: bool,
    /// How numeric dates are read: mdy, dmy or ymd [default: the zone's country's]
    #[arg(long)]
    pub date_order: Option<String>,
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Set your time zone (IANA name) for this account
    #[arg(long = "tz", visible_alias = "set-tz")]
    pub zone: Option<String>,
    /// Set the default minimum days between touches
    #[arg(long)]
    pub pacing: Option<u32>,
    /// Set the start of the working day (HH:MM)
    #[arg(long)]
    pub work_start: Option<String>,
    /// Set the end of the working day (HH:MM)
    #[arg(long)]
    pub work_end: Option<String>,
    /// Set the work days, e.g. mon-fri or mon,tue,thu
    #[arg(long)]
    pub work_days: Option<String>,
    /// How numeric dates such as 3/4/2027 are read: mdy, dmy, ymd, or zone (the time zone's country)
    #[arg(long)]
    pub date_order: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file: .csv (Google Contacts, Outlook or any CSV with a header) or .vcf; - reads standard input
    pub file: String,
    /// The file's format when its name does not say: csv or vcf
    #[arg(long)]
    pub format: Option<String>,
    /// Say what an unusual CSV column holds, e.g. --map "E-mail Address=email" (repeatable); fields:
    /// name, first-name, middle-name, last-name, organisation, email, phone, birthday, notes, tags,
    /// stage, zone, source, ignore
    #[arg(long = "map")]
    pub maps: Vec<String>,
    /// What to do with a row whose email (else phone) a contact already has: skip, update or keep-both
    #[arg(long, default_value = "skip")]
    pub on_duplicate: String,
    /// Read the whole file and print the summary without writing anything
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export: contacts
    pub what: String,
    /// csv or vcf [default: from --output's extension, else csv]
    #[arg(long)]
    pub format: Option<String>,
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<String>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (- for standard output)
    pub file: String,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to read (- for standard input)
    pub file: String,
    /// Add the backup's records beside the ones already in the database
    #[arg(long)]
    pub merge: bool,
}
