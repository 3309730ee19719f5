//! The reading habits of a place: the order of day, month and year in a
//! numeric date ("3/4" is March 4 in New York, 3 April in London), and the
//! country whose public holidays are days off. Both default from the
//! account's zone through a small table of zones and their countries.

use serde::{Deserialize, Serialize};

/// The order of the parts of a numeric date such as "3/4/2027".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Month, day, year: the United States, Canada, the Philippines.
    #[default]
    Mdy,
    /// Day, month, year: most of the world.
    Dmy,
    /// Year, month, day: China, Japan, Korea, Hungary, Lithuania.
    Ymd,
}

impl DateOrder {
    /// "mdy", "dmy" or "ymd".
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Mdy => "mdy",
            DateOrder::Dmy => "dmy",
            DateOrder::Ymd => "ymd",
        }
    }

    /// Reads "mdy", "dmy" or "ymd" (any case, surrounding blanks ignored).
    pub fn parse(text: &str) -> Result<DateOrder, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "mdy" => Ok(DateOrder::Mdy),
            "dmy" => Ok(DateOrder::Dmy),
            "ymd" => Ok(DateOrder::Ymd),
            _ => Err(format!("\"{}\" is not a date order; use mdy, dmy or ymd", text.trim())),
        }
    }

    /// The order people in the zone's country write numeric dates in;
    /// month first where the country is not known (UTC, "Etc/…").
    pub fn for_zone(zone: &str) -> DateOrder {
        match country_of(zone) {
            Some("US" | "CA" | "PH") | None => DateOrder::Mdy,
            Some("CN" | "JP" | "KR" | "TW" | "HU" | "LT" | "MN" | "KP") => DateOrder::Ymd,
            Some(_) => DateOrder::Dmy,
        }
    }

    /// How a person would name the order: "month first".
    pub fn describe(self) -> &'static str {
        match self {
            DateOrder::Mdy => "month first",
            DateOrder::Dmy => "day first",
            DateOrder::Ymd => "year first",
        }
    }
}

impl std::fmt::Display for DateOrder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Zones (or zone prefixes ending in '/') and the country they are in, for
/// the zones whose country decides something here. A prefix covers every
/// zone under it not listed before it.
const COUNTRIES: &[(&str, &str)] = &[
    ("America/New_York", "US"),
    ("America/Chicago", "US"),
    ("America/Denver", "US"),
    ("America/Los_Angeles", "US"),
    ("America/Phoenix", "US"),
    ("America/Anchorage", "US"),
    ("America/Adak", "US"),
    ("America/Boise", "US"),
    ("America/Detroit", "US"),
    ("America/Juneau", "US"),
    ("America/Sitka", "US"),
    ("America/Nome", "US"),
    ("America/Yakutat", "US"),
    ("America/Metlakatla", "US"),
    ("America/Menominee", "US"),
    ("America/Indiana/", "US"),
    ("America/Kentucky/", "US"),
    ("America/North_Dakota/", "US"),
    ("America/Puerto_Rico", "US"),
    ("Pacific/Honolulu", "US"),
    ("US/", "US"),
    ("America/Toronto", "CA"),
    ("America/Vancouver", "CA"),
    ("America/Edmonton", "CA"),
    ("America/Winnipeg", "CA"),
    ("America/Halifax", "CA"),
    ("America/St_Johns", "CA"),
    ("America/Regina", "CA"),
    ("Canada/", "CA"),
    ("Asia/Manila", "PH"),
    ("Europe/London", "GB"),
    ("Europe/Belfast", "GB"),
    ("GB", "GB"),
    ("Asia/Shanghai", "CN"),
    ("Asia/Chongqing", "CN"),
    ("Asia/Urumqi", "CN"),
    ("Asia/Tokyo", "JP"),
    ("Japan", "JP"),
    ("Asia/Seoul", "KR"),
    ("Asia/Pyongyang", "KP"),
    ("Asia/Taipei", "TW"),
    ("Asia/Ulaanbaatar", "MN"),
    ("Europe/Budapest", "HU"),
    ("Europe/Vilnius", "LT"),
    // Elsewhere: day first; the country itself does not matter here.
    ("Europe/", "EU"),
    ("Africa/", "AF"),
    ("Asia/", "AS"),
    ("Australia/", "AU"),
    ("Pacific/", "OC"),
    ("Atlantic/", "AT"),
    ("Indian/", "IN"),
    ("America/", "LA"),
];

/// Zones (or prefixes ending in '/') south of the equator, where spring
/// starts in September: "next spring" in Sydney is 1 September.
const SOUTHERN: &[&str] = &[
    "Australia/",
    "Antarctica/",
    "NZ",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Fiji",
    "Pacific/Noumea",
    "Pacific/Tahiti",
    "Pacific/Port_Moresby",
    "America/Argentina/",
    "America/Buenos_Aires",
    "America/Santiago",
    "America/Montevideo",
    "America/Asuncion",
    "America/Sao_Paulo",
    "America/La_Paz",
    "America/Lima",
    "Africa/Johannesburg",
    "Africa/Maputo",
    "Africa/Harare",
    "Africa/Windhoek",
    "Africa/Lusaka",
    "Africa/Gaborone",
    "Indian/Mauritius",
    "Indian/Antananarivo",
    "Indian/Reunion",
];

/// Whether an IANA zone is south of the equator (its seasons are the other way round).
pub fn is_southern(zone: &str) -> bool {
    SOUTHERN.iter().any(|name| if name.ends_with('/') { zone.starts_with(name) } else { zone == *name })
}

/// The country (ISO code, or a region placeholder) an IANA zone is in, if known.
pub fn country_of(zone: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(name, _)| if name.ends_with('/') { zone.starts_with(name) } else { zone == *name })
        .map(|(_, country)| *country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_follow_the_zone_country() {
        assert_eq!(DateOrder::for_zone("Europe/London"), DateOrder::Dmy);
        assert_eq!(DateOrder::for_zone("America/New_York"), DateOrder::Mdy);
        assert_eq!(DateOrder::for_zone("America/Indiana/Indianapolis"), DateOrder::Mdy);
        assert_eq!(DateOrder::for_zone("America/Sao_Paulo"), DateOrder::Dmy);
        assert_eq!(DateOrder::for_zone("Asia/Tokyo"), DateOrder::Ymd);
        assert_eq!(DateOrder::for_zone("Asia/Kolkata"), DateOrder::Dmy);
        assert_eq!(DateOrder::for_zone("UTC"), DateOrder::Mdy);
    }

    #[test]
    fn orders_read_and_name_themselves() {
        for order in [DateOrder::Mdy, DateOrder::Dmy, DateOrder::Ymd] {
            assert_eq!(DateOrder::parse(order.as_str()), Ok(order));
        }
        assert_eq!(DateOrder::parse(" DMY "), Ok(DateOrder::Dmy));
        assert!(DateOrder::parse("dym").unwrap_err().contains("mdy, dmy or ymd"));
    }
}
