//! The store's behaviour, run identically on SQLite and PostgreSQL.

mod common;

#[path = "conformance/calendar_steps.rs"]
mod calendar_steps;
#[path = "conformance/campaigns.rs"]
mod campaigns;
#[path = "conformance/consent.rs"]
mod consent;
#[path = "conformance/contacts.rs"]
mod contacts;
#[path = "conformance/email_sync.rs"]
mod email_sync;
#[path = "conformance/follow_ups.rs"]
mod follow_ups;
#[path = "conformance/keep_in_touch.rs"]
mod keep_in_touch;
#[path = "conformance/library.rs"]
mod library;
#[path = "conformance/lists.rs"]
mod lists;
#[path = "conformance/mail_accounts.rs"]
mod mail_accounts;
#[path = "conformance/plans.rs"]
mod plans;
#[path = "conformance/promises.rs"]
mod promises;
#[path = "conformance/replies.rs"]
mod replies;
#[path = "conformance/reports.rs"]
mod reports;
#[path = "conformance/transfer.rs"]
mod transfer;
#[path = "conformance/users.rs"]
mod users;
#[path = "conformance/versions.rs"]
mod versions;
