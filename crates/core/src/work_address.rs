//! Work addresses: a user's private plus-addresses that make mail do
//! something. Mail servers deliver `local+detail@domain` to `local@domain`
//! and record the address used in `Delivered-To`/`X-Original-To`, even for a
//! BCC, so the detail survives to the watched mailbox. Two forms:
//!
//! - on the user's own mailbox: `ann+tickler-log@acme.example`,
//!   `ann+tickler-3days@acme.example` (the detail starts with [`OWN_TAG`]
//!   and `-` or `.`);
//! - on the installation's inbound mailbox, with the user's secret:
//!   `followup+k7f2m4qx.log@example.org`, `followup+k7f2m4qx.next-tuesday@example.org`
//!   (the secret, `.`, then the work).
//!
//! The work is `log` (log the message as a touch) or a date phrase (remind),
//! read with `-` and `.` as spaces by `when` in the user's zone. Pure: which
//! addresses belong to whom is passed in.

use serde::Serialize;

/// The tag that marks a work address on the user's own mailbox.
pub const OWN_TAG: &str = "tickler";
/// Characters of a new address secret.
pub const SECRET_CHARS: usize = 8;
/// The alphabet of address secrets: lower-case letters and digits that cannot
/// be mistaken for one another when read aloud or copied by hand.
pub const SECRET_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// What mail sent to a work address asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "when", rename_all = "kebab-case")]
pub enum Work {
    /// Log the message as a touch on the contacts among its correspondents.
    Log,
    /// Remind at this time (the phrase as typed, `-` and `.` read as spaces).
    Remind(String),
}

impl Work {
    /// Read the work part of a detail: `log`, else a date phrase; `None` when empty.
    pub fn read(part: &str) -> Option<Work> {
        let phrase: String = part
            .chars()
            .map(|c| if c == '-' || c == '.' || c == '_' { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        match phrase.to_ascii_lowercase().as_str() {
            "" => None,
            "log" | "bcc" | "cc" => Some(Work::Log),
            _ => Some(Work::Remind(phrase.to_ascii_lowercase())),
        }
    }
}

/// An address split at its plus: `local`, `detail` and `domain`, lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlusAddress {
    pub local: String,
    pub detail: String,
    pub domain: String,
}

impl PlusAddress {
    /// Split `local+detail@domain`; `None` without a `+` or an `@`.
    pub fn split(address: &str) -> Option<PlusAddress> {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>').to_lowercase();
        let (local_part, domain) = address.rsplit_once('@')?;
        let (local, detail) = local_part.split_once('+')?;
        if local.is_empty() || detail.is_empty() || domain.is_empty() {
            return None;
        }
        Some(PlusAddress { local: local.to_string(), detail: detail.to_string(), domain: domain.to_string() })
    }

    /// The address without its detail.
    pub fn base(&self) -> String {
        format!("{}@{}", self.local, self.domain)
    }
}

/// A work address found among a message's delivery addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The address as delivered to.
    pub address: String,
    /// The secret it carried (the installation's inbound form), to find its user by.
    pub secret: Option<String>,
    pub work: Work,
}

/// The first work address among `delivered_to`: on one of `own` (the user's
/// own addresses) with the [`OWN_TAG`] detail, or on `inbound` (the
/// installation's inbound address) with a secret. Other plus-addresses
/// (`ann+newsletters@…`) are not work addresses.
pub fn find(delivered_to: &[String], own: &[String], inbound: Option<&str>) -> Option<Found> {
    let inbound = inbound.map(|address| address.trim().to_lowercase());
    delivered_to.iter().find_map(|address| {
        let plus = PlusAddress::split(address)?;
        let base = plus.base();
        if own.iter().any(|mine| mine.eq_ignore_ascii_case(&base)) {
            let rest = plus.detail.strip_prefix(OWN_TAG)?;
            let rest = rest.strip_prefix(['-', '.'])?;
            let work = Work::read(rest)?;
            return Some(Found { address: address.trim().to_lowercase(), secret: None, work });
        }
        if inbound.as_deref() == Some(base.as_str()) {
            let (secret, rest) = plus.detail.split_once('.')?;
            if secret.is_empty() {
                return None;
            }
            let work = Work::read(rest)?;
            return Some(Found { address: address.trim().to_lowercase(), secret: Some(secret.to_string()), work });
        }
        None
    })
}

/// The work addresses a user has, with an example of each, for showing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Addresses {
    /// Log: BCC or forward here.
    pub log: String,
    /// Remind: the pattern, with `WHEN` where the date goes.
    pub remind: String,
    /// Examples of remind addresses that work.
    pub examples: Vec<String>,
}

/// A user's work addresses on their own mailbox (`ann@acme.example`).
pub fn on_own_mailbox(own: &str) -> Option<Addresses> {
    let (local, domain) = own.trim().to_lowercase().rsplit_once('@').map(|(l, d)| (l.to_string(), d.to_string()))?;
    let at = |work: &str| format!("{local}+{OWN_TAG}-{work}@{domain}");
    Some(Addresses {
        log: at("log"),
        remind: at("WHEN"),
        examples: EXAMPLES.iter().map(|example| at(example)).collect(),
    })
}

/// A user's work addresses on the installation's inbound mailbox, with their secret.
pub fn on_inbound_mailbox(inbound: &str, secret: &str) -> Option<Addresses> {
    let (local, domain) =
        inbound.trim().to_lowercase().rsplit_once('@').map(|(l, d)| (l.to_string(), d.to_string()))?;
    let at = |work: &str| format!("{local}+{secret}.{work}@{domain}");
    Some(Addresses {
        log: at("log"),
        remind: at("WHEN"),
        examples: EXAMPLES.iter().map(|example| at(example)).collect(),
    })
}

/// Remind addresses that read well, shown as examples and in the reply to an unreadable one.
pub const EXAMPLES: [&str; 5] = ["3days", "tomorrow-9am", "next-tuesday", "monday-3pm", "in-2-weeks"];

/// A new secret from `random` bytes (one character per byte).
pub fn secret_from(random: &[u8]) -> String {
    random
        .iter()
        .take(SECRET_CHARS)
        .map(|byte| SECRET_ALPHABET[usize::from(*byte) % SECRET_ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(addresses: &[&str]) -> Vec<String> {
        addresses.iter().map(|address| address.to_string()).collect()
    }

    #[test]
    fn own_mailbox_addresses_are_read() {
        let own = list(&["ann@acme.example"]);
        let found = find(&list(&["Ann+Tickler-Log@Acme.example"]), &own, None).unwrap();
        assert_eq!(found.work, Work::Log);
        assert_eq!(found.secret, None);
        let found = find(&list(&["ann+tickler-tomorrow-9am@acme.example"]), &own, None).unwrap();
        assert_eq!(found.work, Work::Remind("tomorrow 9am".into()));
        let found = find(&list(&["ann+tickler.next.tuesday@acme.example"]), &own, None).unwrap();
        assert_eq!(found.work, Work::Remind("next tuesday".into()));
    }

    #[test]
    fn other_plus_addresses_are_not_work() {
        let own = list(&["ann@acme.example"]);
        assert_eq!(find(&list(&["ann+newsletters@acme.example"]), &own, None), None);
        assert_eq!(find(&list(&["ann+tickler@acme.example"]), &own, None), None);
        assert_eq!(find(&list(&["ann+ticklerlog@acme.example"]), &own, None), None);
        assert_eq!(find(&list(&["bob+tickler-log@acme.example"]), &own, None), None);
        assert_eq!(find(&list(&["ann@acme.example"]), &own, None), None);
        assert_eq!(find(&list(&["ann+tickler-@acme.example"]), &own, None), None);
    }

    #[test]
    fn inbound_addresses_carry_the_secret() {
        let inbound = Some("followup@example.org");
        let found = find(&list(&["x@y.z", "followup+k7f2m4qx.log@example.org"]), &[], inbound).unwrap();
        assert_eq!(found.secret.as_deref(), Some("k7f2m4qx"));
        assert_eq!(found.work, Work::Log);
        let found = find(&list(&["followup+k7f2m4qx.monday-3pm@example.org"]), &[], inbound).unwrap();
        assert_eq!(found.work, Work::Remind("monday 3pm".into()));
        assert_eq!(find(&list(&["followup+k7f2m4qx@example.org"]), &[], inbound), None);
        assert_eq!(find(&list(&["followup+.log@example.org"]), &[], inbound), None);
        assert_eq!(find(&list(&["followup+k7f2m4qx.log@other.org"]), &[], inbound), None);
    }

    #[test]
    fn addresses_are_shown_with_examples() {
        let own = on_own_mailbox("Ann@Acme.example").unwrap();
        assert_eq!(own.log, "ann+tickler-log@acme.example");
        assert!(own.examples.contains(&"ann+tickler-3days@acme.example".to_string()));
        // Every example reads back as the work it shows.
        for example in &own.examples {
            let found = find(std::slice::from_ref(example), &list(&["ann@acme.example"]), None).unwrap();
            assert!(matches!(found.work, Work::Remind(_)), "{example}");
        }
        let inbound = on_inbound_mailbox("followup@example.org", "k7f2m4qx").unwrap();
        assert_eq!(inbound.log, "followup+k7f2m4qx.log@example.org");
        let found = find(&list(&[&inbound.examples[1]]), &[], Some("followup@example.org")).unwrap();
        assert_eq!(found.work, Work::Remind("tomorrow 9am".into()));
    }

    #[test]
    fn every_example_reads_as_a_date() {
        let now: jiff::Timestamp = "2026-12-01T14:00:00Z".parse().unwrap();
        let context = crate::when::Context::new(now.to_zoned_datetime(jiff::tz::TimeZone::UTC));
        for example in EXAMPLES {
            let Some(Work::Remind(phrase)) = Work::read(example) else { panic!("{example} is not a reminder") };
            let resolved = crate::when::resolve(&phrase, &context);
            assert!(resolved.is_ok(), "{example} → {phrase}: {resolved:?}");
        }
    }

    #[test]
    fn secrets_use_the_unambiguous_alphabet() {
        let secret = secret_from(&[0, 1, 2, 3, 250, 251, 252, 255, 9]);
        assert_eq!(secret.chars().count(), SECRET_CHARS);
        assert!(secret.bytes().all(|byte| SECRET_ALPHABET.contains(&byte)));
    }

    proptest::proptest! {
        #[test]
        fn any_address_reads_without_panic(address in "\\PC{0,60}", own in "\\PC{0,30}") {
            let _ = find(std::slice::from_ref(&address), std::slice::from_ref(&own), Some(own.as_str()));
            let _ = PlusAddress::split(&address);
            let _ = Work::read(&address);
        }
    }
}
