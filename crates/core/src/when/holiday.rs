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
    /// The day after Thanksgiving.
    BlackFriday,
    /// Martin Luther King Jr. Day: the third Monday of January.
    MlkDay,
    /// Presidents' Day (Washington's Birthday): the third Monday of February.
    PresidentsDay,
    /// St Patrick's Day, 17 March.
    StPatricks,
    /// The Friday before Easter.
    GoodFriday,
    /// The Monday after Easter.
    EasterMonday,
    /// Cinco de Mayo, 5 May.
    CincoDeMayo,
    /// Juneteenth, 19 June.
    Juneteenth,
    /// Columbus Day: the second Monday of October.
    ColumbusDay,
    /// Veterans Day, 11 November.
    VeteransDay,
    /// The Monday after Thanksgiving.
    CyberMonday,
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
        BlackFriday => nth(11, 4, Weekday::Thursday)?.tomorrow().ok(),
        MlkDay => nth(1, 3, Weekday::Monday),
        PresidentsDay => nth(2, 3, Weekday::Monday),
        StPatricks => fixed(3, 17),
        GoodFriday => easter(year)?.checked_sub(jiff::Span::new().days(2)).ok(),
        EasterMonday => easter(year)?.tomorrow().ok(),
        CincoDeMayo => fixed(5, 5),
        Juneteenth => fixed(6, 19),
        ColumbusDay => nth(10, 2, Weekday::Monday),
        VeteransDay => fixed(11, 11),
        CyberMonday => nth(11, 4, Weekday::Thursday)?.checked_add(jiff::Span::new().days(4)).ok(),
        ChristmasEve => fixed(12, 24),
        Christmas => fixed(12, 25),
        BoxingDay => fixed(12, 26),
    }
}

/// Which public holidays are days off in business-day arithmetic: those
/// of the country the account's zone is in (the United States and England
/// so far; elsewhere none are assumed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DaysOff {
    /// No public holidays: only the work week decides.
    #[default]
    None,
    /// US federal holidays, moved to Friday or Monday when they fall on a weekend.
    UnitedStates,
    /// Bank holidays in England and Wales, with their substitute days.
    England,
}

impl DaysOff {
    /// The days off of the country an IANA zone is in.
    pub fn for_zone(zone: &str) -> DaysOff {
        match super::locale::country_of(zone) {
            Some("US") => DaysOff::UnitedStates,
            Some("GB") => DaysOff::England,
            _ => DaysOff::None,
        }
    }

    /// The holiday's name when `date` is a day off.
    pub fn name_of(self, date: Date) -> Option<&'static str> {
        match self {
            DaysOff::None => None,
            DaysOff::UnitedStates => us_federal(date),
            DaysOff::England => england(date),
        }
    }
}

/// A fixed-date holiday moved off the weekend: Saturday to Friday, Sunday to Monday.
fn observed(date: Date) -> Option<Date> {
    match date.weekday() {
        Weekday::Saturday => date.yesterday().ok(),
        Weekday::Sunday => date.tomorrow().ok(),
        _ => Some(date),
    }
}

fn us_federal(date: Date) -> Option<&'static str> {
    let year = date.year();
    let nth = |m: i8, n: i8, w: Weekday| Date::new(year, m, 1).ok()?.nth_weekday_of_month(n, w).ok();
    let fixed = |y: i16, m: i8, d: i8| Date::new(y, m, d).ok().and_then(observed);
    let days: [(&'static str, Option<Date>); 12] = [
        ("New Year's Day", fixed(year, 1, 1)),
        ("New Year's Day", year.checked_add(1).and_then(|y| fixed(y, 1, 1))),
        ("Martin Luther King Jr. Day", nth(1, 3, Weekday::Monday)),
        ("Washington's Birthday", nth(2, 3, Weekday::Monday)),
        ("Memorial Day", nth(5, -1, Weekday::Monday)),
        ("Juneteenth", fixed(year, 6, 19)),
        ("Independence Day", fixed(year, 7, 4)),
        ("Labor Day", nth(9, 1, Weekday::Monday)),
        ("Columbus Day", nth(10, 2, Weekday::Monday)),
        ("Veterans Day", fixed(year, 11, 11)),
        ("Thanksgiving", nth(11, 4, Weekday::Thursday)),
        ("Christmas Day", fixed(year, 12, 25)),
    ];
    days.iter().find(|(_, day)| *day == Some(date)).map(|(name, _)| *name)
}

fn england(date: Date) -> Option<&'static str> {
    let year = date.year();
    let nth = |m: i8, n: i8, w: Weekday| Date::new(year, m, 1).ok()?.nth_weekday_of_month(n, w).ok();
    let new_year = Date::new(year, 1, 1).ok().map(|d| match d.weekday() {
        Weekday::Saturday => d.checked_add(jiff::Span::new().days(2)).unwrap_or(d),
        Weekday::Sunday => d.tomorrow().unwrap_or(d),
        _ => d,
    });
    let easter = easter(year);
    let shift = |d: Option<Date>, days: i64| d.and_then(|d| d.checked_add(jiff::Span::new().days(days)).ok());
    // Christmas and Boxing Day, with substitutes when either falls on a weekend.
    let christmas = Date::new(year, 12, 25).ok();
    let (xmas, boxing) = match christmas.map(|d| d.weekday()) {
        Some(Weekday::Friday) => (christmas, shift(christmas, 3)),
        Some(Weekday::Saturday) => (shift(christmas, 2), shift(christmas, 3)),
        Some(Weekday::Sunday) => (shift(christmas, 2), shift(christmas, 1)),
        _ => (christmas, shift(christmas, 1)),
    };
    let days: [(&'static str, Option<Date>); 8] = [
        ("New Year's Day", new_year),
        ("Good Friday", shift(easter, -2)),
        ("Easter Monday", shift(easter, 1)),
        ("Early May bank holiday", nth(5, 1, Weekday::Monday)),
        ("Spring bank holiday", nth(5, -1, Weekday::Monday)),
        ("Summer bank holiday", nth(8, -1, Weekday::Monday)),
        ("Christmas Day", xmas),
        ("Boxing Day", boxing),
    ];
    days.iter().find(|(_, day)| *day == Some(date)).map(|(name, _)| *name)
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
    fn days_off_move_off_the_weekend() {
        let us = DaysOff::UnitedStates;
        assert_eq!(us.name_of(date(2026, 11, 26)), Some("Thanksgiving"));
        assert_eq!(us.name_of(date(2026, 7, 3)), Some("Independence Day"));
        assert_eq!(us.name_of(date(2027, 12, 31)), Some("New Year's Day"));
        assert_eq!(us.name_of(date(2026, 11, 27)), None);
        let england = DaysOff::England;
        assert_eq!(england.name_of(date(2026, 4, 3)), Some("Good Friday"));
        assert_eq!(england.name_of(date(2026, 12, 28)), Some("Boxing Day"));
        assert_eq!(england.name_of(date(2027, 12, 27)), Some("Christmas Day"));
        assert_eq!(england.name_of(date(2027, 12, 28)), Some("Boxing Day"));
        assert_eq!(DaysOff::None.name_of(date(2026, 12, 25)), None);
    }

    #[test]
    fn rule_based_holidays() {
        assert_eq!(date_in(Holiday::Thanksgiving, 2026), Some(date(2026, 11, 26)));
        assert_eq!(date_in(Holiday::BlackFriday, 2026), Some(date(2026, 11, 27)));
        assert_eq!(date_in(Holiday::CyberMonday, 2026), Some(date(2026, 11, 30)));
        assert_eq!(date_in(Holiday::BlackFriday, 2027), Some(date(2027, 11, 26)));
        assert_eq!(date_in(Holiday::MlkDay, 2027), Some(date(2027, 1, 18)));
        assert_eq!(date_in(Holiday::PresidentsDay, 2027), Some(date(2027, 2, 15)));
        assert_eq!(date_in(Holiday::GoodFriday, 2027), Some(date(2027, 3, 26)));
        assert_eq!(date_in(Holiday::EasterMonday, 2027), Some(date(2027, 3, 29)));
        assert_eq!(date_in(Holiday::ColumbusDay, 2027), Some(date(2027, 10, 11)));
        assert_eq!(date_in(Holiday::MemorialDay, 2026), Some(date(2026, 5, 25)));
        assert_eq!(date_in(Holiday::LaborDay, 2026), Some(date(2026, 9, 7)));
        assert_eq!(date_in(Holiday::MothersDay, 2026), Some(date(2026, 5, 10)));
        assert_eq!(date_in(Holiday::FathersDay, 2026), Some(date(2026, 6, 21)));
    }
}
