//! Time-zone names: common abbreviations map to the IANA zone they usually
//! mean ("PST" is America/Los_Angeles, whose offset in July is PDT's), and
//! IANA names ("Europe/Paris") are looked up in jiff's bundled database.

use jiff::tz::TimeZone;

/// Abbreviation → IANA name. "Z", "UTC" and "GMT" are UTC.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("utc", "UTC"),
    ("gmt", "UTC"),
    ("z", "UTC"),
    ("pst", "America/Los_Angeles"),
    ("pdt", "America/Los_Angeles"),
    ("pt", "America/Los_Angeles"),
    ("mst", "America/Denver"),
    ("mdt", "America/Denver"),
    ("mt", "America/Denver"),
    ("cst", "America/Chicago"),
    ("cdt", "America/Chicago"),
    ("ct", "America/Chicago"),
    ("est", "America/New_York"),
    ("edt", "America/New_York"),
    ("et", "America/New_York"),
    ("akst", "America/Anchorage"),
    ("akdt", "America/Anchorage"),
    ("hst", "Pacific/Honolulu"),
    ("bst", "Europe/London"),
    ("wet", "Europe/Lisbon"),
    ("west", "Europe/Lisbon"),
    ("cet", "Europe/Paris"),
    ("cest", "Europe/Paris"),
    ("eet", "Europe/Athens"),
    ("eest", "Europe/Athens"),
    ("msk", "Europe/Moscow"),
    ("ist", "Asia/Kolkata"),
    ("sgt", "Asia/Singapore"),
    ("hkt", "Asia/Hong_Kong"),
    ("jst", "Asia/Tokyo"),
    ("kst", "Asia/Seoul"),
    ("awst", "Australia/Perth"),
    ("acst", "Australia/Adelaide"),
    ("acdt", "Australia/Adelaide"),
    ("aest", "Australia/Sydney"),
    ("aedt", "Australia/Sydney"),
    ("nzst", "Pacific/Auckland"),
    ("nzdt", "Pacific/Auckland"),
];

/// The UTC offset an abbreviation itself stands for, in seconds ("bst" =
/// +01:00), where it names one: summer-time names in winter (and winter
/// names in summer) are read as the place's time, and the reading says so.
const NOMINAL: &[(&str, i32)] = &[
    ("pst", -8 * 3600),
    ("pdt", -7 * 3600),
    ("mst", -7 * 3600),
    ("mdt", -6 * 3600),
    ("cst", -6 * 3600),
    ("cdt", -5 * 3600),
    ("est", -5 * 3600),
    ("edt", -4 * 3600),
    ("akst", -9 * 3600),
    ("akdt", -8 * 3600),
    ("bst", 3600),
    ("wet", 0),
    ("west", 3600),
    ("cet", 3600),
    ("cest", 2 * 3600),
    ("eet", 2 * 3600),
    ("eest", 3 * 3600),
    ("acst", 34200),
    ("acdt", 37800),
    ("aest", 10 * 3600),
    ("aedt", 11 * 3600),
    ("nzst", 12 * 3600),
    ("nzdt", 13 * 3600),
];

/// The abbreviation, its zone's name and the offset it stands for, by table index.
pub fn abbreviation_info(index: u8) -> Option<(&'static str, &'static str, Option<i32>)> {
    let (abbr, name) = ABBREVIATIONS.get(usize::from(index))?;
    let nominal = NOMINAL.iter().find(|(a, _)| a == abbr).map(|(_, secs)| *secs);
    Some((abbr, name, nominal))
}

/// The table index of a lowercased abbreviation.
pub fn abbreviation(word: &str) -> Option<u8> {
    ABBREVIATIONS.iter().position(|(abbr, _)| *abbr == word).and_then(|i| u8::try_from(i).ok())
}

/// The zone for a table index from [`abbreviation`].
pub fn abbreviation_zone(index: u8) -> Option<TimeZone> {
    let (_, name) = ABBREVIATIONS.get(usize::from(index))?;
    if *name == "UTC" {
        return Some(TimeZone::UTC);
    }
    TimeZone::get(name).ok()
}

/// An IANA zone by name (case-insensitive), e.g. "Europe/Paris".
pub fn named_zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_abbreviation_resolves() {
        for i in 0..ABBREVIATIONS.len() {
            let i = u8::try_from(i).unwrap();
            assert!(abbreviation_zone(i).is_some(), "{i}");
        }
        assert_eq!(abbreviation("pst"), Some(3));
        assert!(named_zone("europe/paris").is_some());
        assert!(named_zone("Mars/Olympus").is_none());
    }
}
