//! Tickler's domain: every decision (what is due, may we contact, what does
//! "next Tuesday" mean) lives here, free of I/O, with time passed in explicitly.

pub mod account;
pub mod agenda;
pub mod cadence;
pub mod campaign;
pub mod consent;
pub mod contact;
pub mod digest;
pub mod error;
pub mod focus;
pub mod follow_up;
pub mod ids;
pub mod import;
pub mod intake;
pub mod library;
pub mod list;
mod names;
pub mod pacing;
pub mod plan;
pub mod promise;
pub mod reminder;
pub mod reply;
pub mod report;
pub mod review;
pub mod running_late;
pub mod send_window;
pub mod template;
pub mod timeline;
pub mod tone;
pub mod touch;
pub mod user;
pub mod when;
pub mod work_address;
pub mod work_week;

pub use error::{Error, Result};
