//! What a backup holds: one section per table of an account's data, each
//! column with its kind, the checks its values must pass, and the ids it
//! refers to. To back up a new table, add a [`Section`] here (after the
//! sections it refers to); a file without that section still restores, so
//! older backups stay readable.

use tickler_core::consent::ConsentState;
use tickler_core::contact::{ContactName, EmailAddress, Phone, Stage, Tag, ZoneName};
use tickler_core::follow_up::{FollowUpState, Origin};
use tickler_core::promise::PromiseState;
use tickler_core::touch::{Channel, Direction, Outcome};

/// One table's rows in a backup.
#[derive(Debug)]
pub(crate) struct Section {
    /// The table, which is also the section's name in the file.
    pub table: &'static str,
    pub columns: &'static [Column],
    /// Which rows belong to the account `$1`.
    pub scope: &'static str,
    /// A stable order, so two backups of the same data are the same file.
    pub order: &'static str,
    /// Whether a `--merge` restore adds these rows. Plans, their enrollments
    /// and the worker's queue refer to each other by name and inside text
    /// payloads, so they come back only into an empty account.
    pub merge: bool,
}

/// One column of a section.
#[derive(Debug)]
pub(crate) struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
    pub role: Role,
    /// A text value must pass this (a domain parser), so a restore never stores what the store cannot read.
    pub check: Option<fn(&str) -> bool>,
}

/// How a value is stored: every column is an integer or a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Integer,
    Text,
}

/// What a column means to a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Value,
    /// The row's own id: kept on a plain restore, a new one on a merge.
    Id,
    /// The owning account: always the account restored into.
    Account,
    /// The id of a row of another section (mapped on a merge).
    Refers(&'static str),
    /// A user's id. Users are not in a backup, so the file names the user by
    /// the email they sign in with, and a restore finds the user of that email
    /// in the account restored into (none: a nullable column is left empty, a
    /// row that needs its user is left out).
    User,
}

const fn column(name: &'static str, kind: Kind, nullable: bool, role: Role, check: Option<fn(&str) -> bool>) -> Column {
    Column { name, kind, nullable, role, check }
}
const fn id() -> Column {
    column("id", Kind::Integer, false, Role::Id, None)
}
const fn account() -> Column {
    column("account_id", Kind::Integer, false, Role::Account, None)
}
const fn refers(name: &'static str, section: &'static str, nullable: bool) -> Column {
    column(name, Kind::Integer, nullable, Role::Refers(section), None)
}
const fn user(name: &'static str, nullable: bool) -> Column {
    column(name, Kind::Text, nullable, Role::User, Some(is_email))
}
const fn integer(name: &'static str, nullable: bool) -> Column {
    column(name, Kind::Integer, nullable, Role::Value, None)
}
const fn text(name: &'static str, nullable: bool) -> Column {
    column(name, Kind::Text, nullable, Role::Value, None)
}
const fn checked(name: &'static str, nullable: bool, check: fn(&str) -> bool) -> Column {
    column(name, Kind::Text, nullable, Role::Value, Some(check))
}

fn is_date(text: &str) -> bool {
    text.parse::<jiff::civil::Date>().is_ok()
}
fn is_time(text: &str) -> bool {
    text.parse::<jiff::civil::Time>().is_ok()
}
fn is_zone(text: &str) -> bool {
    ZoneName::parse(text).is_ok()
}
fn is_name(text: &str) -> bool {
    ContactName::parse(text).is_ok_and(|name| name.as_str() == text)
}
fn is_email(text: &str) -> bool {
    EmailAddress::parse(text).is_ok_and(|email| email.as_str() == text)
}
fn is_phone(text: &str) -> bool {
    Phone::parse(text).is_ok()
}
fn is_tag(text: &str) -> bool {
    Tag::parse(text).is_ok_and(|tag| tag.as_str() == text)
}
fn is_addresses(text: &str) -> bool {
    serde_json::from_str::<Vec<tickler_core::contact::PostalAddress>>(text).is_ok()
}
fn is_cadence(text: &str) -> bool {
    tickler_core::cadence::Cadence::parse(text).is_ok()
}
fn is_stage(text: &str) -> bool {
    Stage::parse(text).is_ok()
}
fn is_consent(text: &str) -> bool {
    ConsentState::parse(text).is_ok()
}
fn is_channel(text: &str) -> bool {
    Channel::parse(text).is_ok()
}
fn is_direction(text: &str) -> bool {
    Direction::parse(text).is_ok()
}
fn is_outcome(text: &str) -> bool {
    Outcome::parse(text).is_ok()
}
fn is_origin(text: &str) -> bool {
    Origin::parse(text).is_ok()
}
fn is_follow_up_state(text: &str) -> bool {
    FollowUpState::parse(text).is_ok()
}
fn is_date_order(text: &str) -> bool {
    tickler_core::when::DateOrder::parse(text).is_ok()
}
fn is_list_name(text: &str) -> bool {
    tickler_core::list::ListName::parse(text).is_ok_and(|name| name.as_str() == text)
}
fn is_membership_state(text: &str) -> bool {
    tickler_core::list::MembershipState::parse(text).is_ok()
}
fn is_membership_source(text: &str) -> bool {
    tickler_core::list::MembershipSource::parse(text).is_ok()
}
fn is_item_kind(text: &str) -> bool {
    tickler_core::library::ItemKind::parse(text).is_ok_and(|kind| kind.as_str() == text)
}
fn is_promise_state(text: &str) -> bool {
    PromiseState::parse(text).is_ok()
}

/// Every section, parents before children (a restore inserts in this order).
/// Sections whose rows the database's triggers write as other sections are restored: when the file
/// has the section, its rows replace the triggers' (a file from before the section keeps them).
pub(crate) const TRIGGER_WRITTEN: &[&str] = &["contact_stage_changes"];

pub(crate) const SECTIONS: &[Section] = &[
    Section {
        table: "contacts",
        columns: &[
            id(),
            account(),
            checked("name", false, is_name),
            text("name_key", false),
            text("search_text", false),
            text("organisation", true),
            checked("zone", true, is_zone),
            checked("birthday", true, is_date),
            checked("stage", true, is_stage),
            text("source", true),
            refers("referred_by", "contacts", true),
            checked("preferred_channel", true, is_channel),
            checked("consent", false, is_consent),
            checked("consent_until", true, is_date),
            integer("pacing_gap_days", true),
            text("notes", false),
            integer("created_at", false),
            integer("updated_at", false),
            checked("postal_addresses", true, is_addresses),
            checked("cadence", true, is_cadence),
            integer("reconnect_after", true),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: true,
    },
    Section {
        table: "contact_emails",
        columns: &[
            account(),
            refers("contact_id", "contacts", false),
            integer("position", false),
            checked("email", false, is_email),
            integer("undeliverable_at", true),
            text("bounce_reason", true),
        ],
        scope: "account_id = $1",
        order: "contact_id, position",
        merge: true,
    },
    Section {
        table: "contact_phones",
        columns: &[
            refers("contact_id", "contacts", false),
            integer("position", false),
            checked("phone", false, is_phone),
        ],
        scope: "contact_id IN (SELECT id FROM contacts WHERE account_id = $1)",
        order: "contact_id, position",
        merge: true,
    },
    Section {
        table: "contact_tags",
        columns: &[account(), refers("contact_id", "contacts", false), checked("tag", false, is_tag)],
        scope: "account_id = $1",
        order: "contact_id, tag",
        merge: true,
    },
    // Written by triggers as contacts are added and change stage (restore too): a restore of a file that
    // has this section replaces what the triggers wrote for the restored contacts (see `TRIGGER_WRITTEN`).
    Section {
        table: "contact_stage_changes",
        columns: &[
            account(),
            refers("contact_id", "contacts", false),
            integer("at", false),
            text("from_stage", true),
            text("to_stage", false),
        ],
        scope: "account_id = $1",
        order: "contact_id, at, to_stage",
        merge: false,
    },
    Section {
        table: "tag_cadences",
        columns: &[account(), checked("tag", false, is_tag), checked("cadence", false, is_cadence)],
        scope: "account_id = $1",
        order: "tag",
        merge: false,
    },
    Section {
        table: "touches",
        columns: &[
            id(),
            account(),
            refers("contact_id", "contacts", false),
            integer("at", false),
            checked("channel", false, is_channel),
            checked("direction", false, is_direction),
            text("summary", false),
            checked("outcome", true, is_outcome),
            integer("created_at", false),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: true,
    },
    Section {
        table: "follow_ups",
        columns: &[
            id(),
            account(),
            refers("contact_id", "contacts", false),
            checked("due_date", false, is_date),
            checked("due_time", true, is_time),
            checked("due_zone", false, is_zone),
            integer("due_at", false),
            checked("channel", false, is_channel),
            text("purpose", false),
            checked("origin", false, is_origin),
            checked("state", false, is_follow_up_state),
            integer("snoozes", false),
            integer("created_at", false),
            integer("closed_at", true),
            text("closed_reason", true),
            integer("agreed", true),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: true,
    },
    Section {
        table: "follow_up_snoozes",
        columns: &[
            id(),
            refers("follow_up_id", "follow_ups", false),
            checked("from_date", false, is_date),
            checked("from_time", true, is_time),
            checked("from_zone", false, is_zone),
            checked("to_date", false, is_date),
            checked("to_time", true, is_time),
            checked("to_zone", false, is_zone),
            integer("at", false),
        ],
        scope: "follow_up_id IN (SELECT id FROM follow_ups WHERE account_id = $1)",
        order: "id",
        merge: true,
    },
    Section {
        table: "promises",
        columns: &[
            id(),
            account(),
            refers("contact_id", "contacts", false),
            text("what", false),
            integer("aim_at", false),
            integer("told_at", false),
            checked("zone", false, is_zone),
            checked("state", false, is_promise_state),
            integer("created_at", false),
            integer("closed_at", true),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: true,
    },
    Section {
        table: "consent_changes",
        columns: &[
            id(),
            account(),
            refers("contact_id", "contacts", false),
            checked("state", false, is_consent),
            checked("until_date", true, is_date),
            text("reason", false),
            integer("at", false),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: true,
    },
    Section {
        table: "plans",
        columns: &[
            id(),
            account(),
            text("name", false),
            text("name_key", false),
            text("description", false),
            integer("nurture", false),
            integer("created_at", false),
            integer("updated_at", false),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: false,
    },
    Section {
        table: "plan_steps",
        columns: &[
            refers("plan_id", "plans", false),
            integer("position", false),
            text("delay", false),
            checked("channel", false, is_channel),
            text("kind", false),
            text("subject", false),
            text("body", false),
            text("repeat_rule", true),
        ],
        scope: "plan_id IN (SELECT id FROM plans WHERE account_id = $1)",
        order: "plan_id, position",
        merge: false,
    },
    Section {
        table: "enrollments",
        columns: &[
            id(),
            account(),
            refers("plan_id", "plans", false),
            refers("contact_id", "contacts", false),
            text("state", false),
            integer("next_step", false),
            integer("next_run_at", true),
            text("waiting", true),
            text("stop_reason", true),
            integer("started_at", false),
            integer("updated_at", false),
            user("user_id", true),
            integer("repeats_step", true),
            integer("occurrence", true),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: false,
    },
    // Lists and who is on them; a list's name is unique in its account, so they come back only into an empty one.
    Section {
        table: "lists",
        columns: &[
            id(),
            account(),
            checked("name", false, is_list_name),
            text("name_key", false),
            text("description", false),
            text("public_key", false),
            integer("created_at", false),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: false,
    },
    Section {
        table: "list_members",
        columns: &[
            account(),
            refers("list_id", "lists", false),
            refers("contact_id", "contacts", false),
            checked("state", false, is_membership_state),
            checked("source", false, is_membership_source),
            user("user_id", true),
            text("reason", false),
            integer("changed_at", false),
        ],
        scope: "account_id = $1",
        order: "list_id, contact_id",
        merge: false,
    },
    Section {
        table: "campaigns",
        columns: &[
            id(),
            account(),
            refers("list_id", "lists", false),
            text("subject", false),
            text("body", false),
            text("state", false),
            integer("send_at", true),
            integer("per_minute", false),
            user("user_id", true),
            integer("created_at", false),
            integer("updated_at", false),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: false,
    },
    Section {
        table: "campaign_sends",
        columns: &[
            account(),
            refers("campaign_id", "campaigns", false),
            refers("contact_id", "contacts", false),
            text("state", false),
            text("reason", true),
            integer("updated_at", false),
        ],
        scope: "account_id = $1",
        order: "campaign_id, contact_id",
        merge: false,
    },
    Section {
        table: "outbox",
        columns: &[
            id(),
            account(),
            refers("contact_id", "contacts", true),
            refers("enrollment_id", "enrollments", true),
            integer("step", true),
            text("dedupe_key", false),
            text("message_id", false),
            text("in_reply_to", true),
            text("refs", false),
            text("to_address", false),
            text("subject", false),
            text("body", false),
            text("state", false),
            integer("attempts", false),
            text("last_error", true),
            text("server_reply", true),
            integer("created_at", false),
            integer("sent_at", true),
            user("user_id", true),
            refers("campaign_id", "campaigns", true),
            text("html_body", true),
            text("list_unsubscribe", true),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: false,
    },
    Section {
        table: "inbound_emails",
        columns: &[
            id(),
            account(),
            text("message_id", false),
            refers("contact_id", "contacts", false),
            refers("touch_id", "touches", true),
            refers("outbox_id", "outbox", true),
            text("subject", false),
            integer("received_at", false),
            integer("created_at", false),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: false,
    },
    Section {
        table: "jobs",
        columns: &[
            id(),
            text("kind", false),
            account(),
            text("payload", false),
            text("dedupe_key", false),
            integer("run_at", false),
            text("state", false),
            text("lease_owner", true),
            integer("lease_until", true),
            integer("attempts", false),
            text("last_error", true),
            integer("created_at", false),
            integer("finished_at", true),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: false,
    },
    Section {
        table: "library_items",
        columns: &[
            id(),
            account(),
            text("title", false),
            text("url", true),
            text("body", true),
            text("summary", false),
            checked("kind", false, is_item_kind),
            integer("created_at", false),
            integer("updated_at", false),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: true,
    },
    Section {
        table: "library_item_tags",
        columns: &[account(), refers("item_id", "library_items", false), checked("tag", false, is_tag)],
        scope: "account_id = $1",
        order: "item_id, tag",
        merge: true,
    },
    Section {
        table: "library_sends",
        columns: &[
            id(),
            account(),
            refers("contact_id", "contacts", false),
            refers("item_id", "library_items", false),
            text("via", false),
            integer("sent_at", false),
        ],
        scope: "account_id = $1",
        order: "id",
        merge: true,
    },
    Section {
        table: "mail_settings",
        columns: &[
            account(),
            text("from_name", false),
            text("from_address", false),
            text("signature", false),
            integer("digest_hour", false),
            integer("digest_enabled", false),
            text("review_day", true),
            integer("review_hour", false),
        ],
        scope: "account_id = $1",
        order: "account_id",
        merge: false,
    },
    // Each user's own mail account. Its passwords are written as stored,
    // sealed with the installation's secret key: they open again only where
    // the same key is set (elsewhere, each user sets their passwords again).
    Section {
        table: "mail_accounts",
        columns: &[
            user("user_id", false),
            account(),
            text("smtp_host", true),
            integer("smtp_port", true),
            text("smtp_security", true),
            text("smtp_username", true),
            text("smtp_password", true),
            text("from_name", false),
            text("from_address", false),
            text("imap_host", true),
            integer("imap_port", true),
            text("imap_security", true),
            text("imap_username", true),
            text("imap_password", true),
            text("inbox_folder", false),
            text("sent_folder", true),
            text("unknown_policy", false),
            integer("updated_at", false),
        ],
        scope: "account_id = $1",
        order: "user_id",
        merge: false,
    },
];

/// The account's own settings, kept in the file's `account` object.
pub(crate) const ACCOUNT_COLUMNS: &[Column] = &[
    text("name", false),
    checked("zone", false, is_zone),
    integer("pacing_gap_days", false),
    checked("work_start", false, is_time),
    checked("work_end", false, is_time),
    text("work_days", false),
    integer("created_at", false),
    checked("date_order", true, is_date_order),
];

/// The section of a table.
pub(crate) fn section(table: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|section| section.table == table)
}
