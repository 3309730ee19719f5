//! The server's integration tests, one binary: a real server on port 0 over a
//! fresh database per test (`common`), the worker delivering to smtp-sink and
//! reading replies from Dovecot. Run one area with a module filter, e.g.
//! `cargo test -p tickler-server --test server api::`.

mod common;

mod api;
mod campaigns;
mod delivery;
mod focus;
mod health;
mod keep_in_touch;
mod library;
mod lists;
mod mail_account;
mod own_mail;
mod pages;
mod replies;
mod reports;
mod security;
mod sign_up;
