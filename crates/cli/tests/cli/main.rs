//! The CLI's integration tests, one binary (one build and one link instead of
//! one per area): each module is an area of the command line, run against the
//! real `tickler` binary on a fresh database per test (`common`), and `live`
//! drives a running `tickler serve` with outside tools. Run one area with a
//! module filter, e.g. `cargo test -p tickler --test cli contacts::`.

mod common;
mod live;

mod agenda;
mod browser;
mod calendar_feed;
mod consent;
mod contacts;
mod crash;
mod demo;
mod doctor;
mod doors;
mod errors;
mod instances;
mod keep_in_touch;
mod library;
mod lists;
mod logs;
mod mail;
mod mail_account;
mod mailboxes;
mod metrics;
mod migrate;
mod newsletters;
mod pacing;
mod plans;
mod promises;
mod replies;
mod reports;
mod review;
mod scale_out;
mod schemathesis;
mod serve;
mod settings;
mod shutdown;
mod timeline;
mod tokens;
mod transfer;
mod when;
