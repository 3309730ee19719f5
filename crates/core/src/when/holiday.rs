//! Holidays (US-centric, plus Boxing Day): fixed dates, nth-weekday rules
//! and Easter (Western, computed with the anonymous Gregorian algorithm).

use jiff::civil::{Date, Weekday};

/// A holiday the grammar knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holiday {
    NewYear,
    NewYearsEve,
    Valentines,
    Easter,
    MothersDay,
    MemorialDay,
    FathersDay,
    IndependenceDay,
    LaborDay,
    Halloween,
    Thanksgiving,
    ChristmasEve,
    Christmas,
    BoxingDay,
}

/// The date of `holiday` in `year`, if representable.
pub fn date_in(holiday: Holiday, year: i16) -> Option<Date> {
    use Holiday::*;
    let fixed = |m: i8, d: i8| Date::new(year, m, d).ok();
    let nth = |m: i8, n: i8, w: Weekday| Date::new(year, m, 1).ok()?.nth_weekday_of_month(n, w).ok();
    match holiday {
        NewYear => fixed(1, 1),
        NewYearsEve => fixed(12, 31),
        Valentines => fixed(2, 14),
        Easter => easter(year),
        MothersDay => nth(5, 2, Weekday::Sunday),
        MemorialDay => nth(5, -1, Weekday::Monday),
        FathersDay => nth(6, 3, Weekday::Sunday),
        IndependenceDay => fixed(7, 4),
        LaborDay => nth(9, 1, Weekday::Monday),
        Halloween => fixed(10, 31),
        Thanksgiving => nth(11, 4, Weekday::Thursday),
        ChristmasEve => fixed(12, 24),
        Christmas => fixed(12, 25),
        BoxingDay => fixed(12, 26),
    }
}

/// Western Easter Sunday (anonymous Gregorian algorithm).
fn easter(year: i16) -> Option<Date> {
    let y = i32::from(year);
    if y < 1 {
        return None;
    }
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_dates() {
        assert_eq!(easter(2024), Some(date(2024, 3, 31)));
        assert_eq!(easter(2025), Some(date(2025, 4, 20)));
        assert_eq!(easter(2026), Some(date(2026, 4, 5)));
        assert_eq!(easter(2027), Some(date(2027, 3, 28)));
        assert_eq!(easter(2028), Some(date(2028, 4, 16)));
    }

    #[test]
    fn rule_based_holidays() {
        assert_eq!(date_in(Holiday::Thanksgiving, 2026), Some(date(2026, 11, 26)));
        assert_eq!(date_in(Holiday::MemorialDay, 2026), Some(date(2026, 5, 25)));
        assert_eq!(date_in(Holiday::LaborDay, 2026), Some(date(2026, 9, 7)));
        assert_eq!(date_in(Holiday::MothersDay, 2026), Some(date(2026, 5, 10)));
        assert_eq!(date_in(Holiday::FathersDay, 2026), Some(date(2026, 6, 21)));
    }
}
