//! Tickler's IMAP client against a real Dovecot (and a server that hangs):
//! waiting for news with and without IDLE, finding the sent folder, switching
//! folders, and failing in time. The 50,000-message folder is read in
//! `imap_big_folder.rs`, a process of its own so that its memory is its own.

mod fetch;
mod folders;
mod hanging;
mod idle;

use tickler_mail::ImapConfig;
use tickler_test_support::dovecot::Dovecot;

/// The settings for `user`'s INBOX on `dovecot`.
fn config(dovecot: &Dovecot, user: &str) -> ImapConfig {
    settings(&dovecot.settings_for(user))
}

/// The `[imap]` settings of a mail settings file's text.
fn settings(text: &str) -> ImapConfig {
    ImapConfig::from_sources(Some(text), |_| None).expect("valid settings").expect("an [imap] host")
}

/// A message with this subject, from Ann.
fn message(subject: &str) -> Vec<u8> {
    format!(
        "From: Ann Lee <ann@acme.example>\nTo: Sam <sam@example.org>\nSubject: {subject}\n\
         Message-ID: <{}@acme.example>\nDate: Tue, 24 Nov 2026 12:30:00 +0000\n\nAbout {subject}.\n",
        subject.replace(' ', "-")
    )
    .into_bytes()
}
