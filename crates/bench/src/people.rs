//! The people of the import benchmark: one deterministic person per row,
//! written as a CSV line for the importer and as the stored rows the raw
//! reference inserts (the values the store itself writes for that line).

use std::io::Write;

use crate::rows::{Binder, Insertable, Query};
use crate::seed::Random;
use tickler_core::ids::{AccountId, ContactId};

const FIRST: [&str; 12] =
    ["Ann", "Bob", "Chen", "Dana", "Élodie", "Fatima", "Greg", "Hana", "Ivan", "Jo", "Kofi", "Zoë"];
const LAST: [&str; 10] =
    ["Lee", "Okafor", "Müller", "Nakamura", "Smith", "García", "Ivanova", "O'Brien", "Dubois", "Rossi"];
const ORGANISATIONS: [&str; 6] = ["Acme Corp", "Globex", "Initech", "Umbrella, Inc.", "Stark Industries", "Wayne & Co"];
const TAGS: [&str; 5] = ["client", "prospect", "conference-2026", "vip", "newsletter"];

/// The CSV header the benchmark file starts with (a Google-like export's essentials).
pub const HEADER: &str = "Name,E-mail 1 - Value,Phone 1 - Value,Organization Name,Labels,Birthday,Notes\r\n";

/// One person of the benchmark file.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub organisation: Option<&'static str>,
    pub tags: Vec<&'static str>,
    pub birthday: Option<String>,
    pub notes: String,
}

/// The `index`th person (0-based); every email and phone is unique up to 10 million people.
pub fn person(index: usize, random: &mut Random) -> Person {
    let first = random.pick(&FIRST);
    let last = random.pick(&LAST);
    let mut tags = vec![*random.pick(&TAGS)];
    if random.chance(0.4) {
        let second = *random.pick(&TAGS);
        if second != tags[0] {
            tags.push(second);
            tags.sort();
        }
    }
    Person {
        name: format!("{first} {last} {index}"),
        email: format!("{}.{}{index}@example{}.com", first.to_lowercase(), last.to_lowercase(), index % 97)
            .replace(['\'', 'é', 'ë', 'ü', 'í'], "e"),
        phone: format!("+1 {:03} 555 {:04}", 200 + index / 10_000 % 800, index % 10_000),
        organisation: random.chance(0.7).then(|| *random.pick(&ORGANISATIONS)),
        tags,
        birthday: random.chance(0.3).then(|| {
            format!("19{:02}-{:02}-{:02}", random.between(40, 99), random.between(1, 12), random.between(1, 28))
        }),
        notes: if random.chance(0.2) {
            "Met at the fair, said \"call in spring\".\nPrefers mornings.".to_string()
        } else {
            String::new()
        },
    }
}

impl Person {
    /// The person as one CSV record.
    pub fn write_csv(&self, out: &mut impl Write) -> std::io::Result<()> {
        let quoted = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
        writeln!(
            out,
            "{},{},{},{},{},{},{}\r",
            quoted(&self.name),
            self.email,
            self.phone,
            self.organisation.map(quoted).unwrap_or_default(),
            self.tags.join(" ::: "),
            self.birthday.as_deref().unwrap_or(""),
            if self.notes.is_empty() { String::new() } else { quoted(&self.notes) }
        )
    }

    /// The contact's stored row, as the store writes it.
    pub fn contact(&self, id: i64, account_id: AccountId, now: i64) -> ContactImport {
        let key = self.name.to_lowercase();
        let mut search = key.clone();
        if let Some(organisation) = self.organisation {
            search.push(' ');
            search.push_str(&organisation.to_lowercase());
        }
        search.push(' ');
        search.push_str(&self.email);
        ContactImport {
            id,
            account_id,
            name: self.name.clone(),
            name_key: key,
            search_text: search,
            organisation: self.organisation,
            birthday: self.birthday.clone(),
            notes: self.notes.clone(),
            now,
        }
    }
}

/// A contact's columns as `Store::begin_import` writes them.
#[derive(Debug, Clone)]
pub struct ContactImport {
    pub id: i64,
    pub account_id: AccountId,
    pub name: String,
    pub name_key: String,
    pub search_text: String,
    pub organisation: Option<&'static str>,
    pub birthday: Option<String>,
    pub notes: String,
    pub now: i64,
}

impl Insertable for ContactImport {
    const HEAD: &'static str = "INSERT INTO contacts (id, account_id, name, name_key, search_text, organisation, zone, \
         birthday, stage, source, referred_by, preferred_channel, consent, pacing_gap_days, notes, created_at, \
         updated_at) VALUES ";
    const COLUMNS: usize = 17;

    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB> {
        let query = DB::int(query, self.id);
        let query = DB::int(query, self.account_id.get());
        let query = DB::text(query, &self.name);
        let query = DB::text(query, &self.name_key);
        let query = DB::text(query, &self.search_text);
        let query = DB::optional_text(query, self.organisation);
        let query = DB::optional_text(query, None);
        let query = DB::optional_text(query, self.birthday.as_deref());
        let query = DB::optional_text(query, None);
        let query = DB::optional_text(query, None);
        let query = DB::optional_int(query, None);
        let query = DB::optional_text(query, None);
        let query = DB::text(query, "active");
        let query = DB::optional_int(query, None);
        let query = DB::text(query, &self.notes);
        let query = DB::int(query, self.now);
        DB::int(query, self.now)
    }
}

/// A contact's email row.
#[derive(Debug, Clone)]
pub struct EmailRow {
    pub account_id: AccountId,
    pub contact_id: ContactId,
    pub email: String,
}

impl Insertable for EmailRow {
    const HEAD: &'static str = "INSERT INTO contact_emails (account_id, contact_id, position, email) VALUES ";
    const COLUMNS: usize = 4;

    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB> {
        let query = DB::int(query, self.account_id.get());
        let query = DB::int(query, self.contact_id.get());
        let query = DB::int(query, 0);
        DB::text(query, &self.email)
    }
}

/// A contact's phone row.
#[derive(Debug, Clone)]
pub struct PhoneRow {
    pub contact_id: ContactId,
    pub phone: String,
}

impl Insertable for PhoneRow {
    const HEAD: &'static str = "INSERT INTO contact_phones (contact_id, position, phone) VALUES ";
    const COLUMNS: usize = 3;

    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB> {
        let query = DB::int(query, self.contact_id.get());
        let query = DB::int(query, 0);
        DB::text(query, &self.phone)
    }
}

/// A contact's tag row.
#[derive(Debug, Clone)]
pub struct TagRow {
    pub account_id: AccountId,
    pub contact_id: ContactId,
    pub tag: &'static str,
}

impl Insertable for TagRow {
    const HEAD: &'static str = "INSERT INTO contact_tags (account_id, contact_id, tag) VALUES ";
    const COLUMNS: usize = 3;

    fn bind<'q, DB: Binder>(&self, query: Query<'q, DB>) -> Query<'q, DB> {
        let query = DB::int(query, self.account_id.get());
        let query = DB::int(query, self.contact_id.get());
        DB::text(query, self.tag)
    }
}
