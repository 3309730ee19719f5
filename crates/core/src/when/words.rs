//! The vocabulary: every word the grammar knows, classified once by the lexer
//! so the parser compares small enums instead of strings.

/// A unit of a relative offset ("3 days", "2 business days").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    BusinessDay,
    Week,
    Fortnight,
    Month,
    Year,
}

/// A part of the day ("morning", "tonight").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Morning,
    Afternoon,
    Evening,
    Night,
}

/// A season of the year, as a person names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Season {
    Spring,
    Summer,
    Autumn,
    Winter,
}

/// A known word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    /// Monday = 0 … Sunday = 6.
    Weekday(u8),
    /// "mondays", "fridays": counted weekdays ("3 mondays from now").
    Weekdays(u8),
    /// January = 1 … December = 12.
    Month(u8),
    Unit(Unit),
    /// Cardinal number words: one … ninety.
    Number(u32),
    /// Ordinal words: first … thirtieth ("second" is also the unit).
    Ordinal(u32),
    Period(Period),
    /// Index into the zone abbreviation table.
    Zone(u8),
    Today,
    Tomorrow,
    Yesterday,
    Tonight,
    Now,
    This,
    Next,
    Last,
    Coming,
    In,
    From,
    Ago,
    Hence,
    Later,
    After,
    Before,
    Of,
    And,
    A,
    Half,
    Quarter,
    Past,
    To,
    At,
    Couple,
    Few,
    Dozen,
    Am,
    Pm,
    Oclock,
    Noon,
    Midnight,
    Early,
    End,
    Close,
    Business,
    Eod,
    Eow,
    Eom,
    Eoq,
    Eoy,
    Q,
    Same,
    Christmas,
    Eve,
    New,
    Thanksgiving,
    Easter,
    Labor,
    Memorial,
    Independence,
    Halloween,
    Valentines,
    Boxing,
    Mothers,
    Fathers,
    /// "black" in "black friday".
    Black,
    /// "cyber" in "cyber monday".
    Cyber,
    /// "holidays": the end-of-year holidays ("after the holidays").
    Holidays,
    /// Words of holiday names: "mlk", "martin luther king", "presidents",
    /// "juneteenth", "columbus", "veterans", "patrick", "good" (friday),
    /// "cinco de mayo".
    Mlk,
    Martin,
    Luther,
    King,
    Presidents,
    Juneteenth,
    Columbus,
    Veterans,
    Patrick,
    Good,
    Cinco,
    /// "play" in the British "end of play": the end of the working day.
    Play,
    /// "commencing", "starting": "week commencing 4 january".
    Commencing,
    De,
    Mayo,
    Jr,
    Saint,
    /// A season of the year ("next spring", "in the fall").
    Season(Season),
    /// "weekend".
    Weekend,
    /// "mid", "middle", "midweek" is `Mid` then a week.
    Mid,
    /// "late" (and "end", "beginning" in "beginning of march") before a week or a month.
    Late,
    /// "beginning", "start": the early part of a week or a month.
    Beginning,
    /// "lunch", "lunchtime": noon; "after lunch": the afternoon.
    Lunch,
    /// "time": "this time tomorrow", "in 2 weeks time".
    Time,
    /// "midweek" / "mid-week".
    Midweek,
    /// "4ish": the number before it is a clock hour.
    Ish,
    /// "p" in "4:45 p m" or glued "8p".
    P,
    /// "m" in "4:45 p m"; glued ("30m") a minute.
    M,
    /// "h" glued to a number: "16h45", "in 2h".
    H,
    /// "straight away", "right away".
    Straight,
    Away,
    /// "first thing (tomorrow)": the start of the working day.
    Thing,
}

/// Words dropped wherever they appear: they never change the meaning.
pub fn is_filler(word: &str) -> bool {
    matches!(
        word,
        "on" | "by"
            | "the"
            | "due"
            | "please"
            | "for"
            | "more"
            | "sometime"
            | "just"
            | "say"
            | "or"
            | "so"
            | "over"
            | "towards"
            | "toward"
    )
}

/// Classifies a lowercased word with apostrophes and inner dots removed.
pub fn keyword(word: &str) -> Option<Kw> {
    use Kw::*;
    let kw = match word {
        "mondays" => Weekdays(0),
        "tuesdays" => Weekdays(1),
        "wednesdays" => Weekdays(2),
        "thursdays" => Weekdays(3),
        "fridays" => Weekdays(4),
        "saturdays" => Weekdays(5),
        "sundays" => Weekdays(6),
        "weekend" | "weekends" => Weekend,
        "mid" | "middle" => Mid,
        "late" => Late,
        "beginning" | "start" => Beginning,
        "lunch" | "lunchtime" => Lunch,
        "time" => Time,
        "midweek" => Midweek,
        "ish" => Ish,
        "p" => P,
        "m" => M,
        "h" => H,
        "straight" | "right" => Straight,
        "away" => Away,
        "thing" => Thing,
        "asap" | "immediately" => Now,
        "monday" | "mon" => Weekday(0),
        "tuesday" | "tue" | "tues" => Weekday(1),
        "wednesday" | "wed" | "weds" => Weekday(2),
        "thursday" | "thu" | "thur" | "thurs" => Weekday(3),
        "friday" | "fri" => Weekday(4),
        "saturday" | "sat" => Weekday(5),
        "sunday" | "sun" => Weekday(6),
        "january" | "jan" => Month(1),
        "february" | "feb" => Month(2),
        "march" | "mar" => Month(3),
        "april" | "apr" => Month(4),
        "may" => Month(5),
        "june" | "jun" => Month(6),
        "july" | "jul" => Month(7),
        "august" | "aug" => Month(8),
        "september" | "sep" | "sept" => Month(9),
        "october" | "oct" => Month(10),
        "november" | "nov" => Month(11),
        "december" | "dec" => Month(12),
        "seconds" | "sec" | "secs" => Unit(self::Unit::Second),
        "minute" | "minutes" | "min" | "mins" => Unit(self::Unit::Minute),
        "hour" | "hours" | "hr" | "hrs" | "hs" => Unit(self::Unit::Hour),
        "day" | "days" => Unit(self::Unit::Day),
        "workday" | "workdays" | "weekday" | "weekdays" => Unit(self::Unit::BusinessDay),
        "week" | "weeks" | "wk" | "wks" => Unit(self::Unit::Week),
        "fortnight" | "fortnights" => Unit(self::Unit::Fortnight),
        "month" | "months" => Unit(self::Unit::Month),
        "year" | "years" | "yr" | "yrs" => Unit(self::Unit::Year),
        "morning" => Period(self::Period::Morning),
        "afternoon" => Period(self::Period::Afternoon),
        "evening" => Period(self::Period::Evening),
        "night" => Period(self::Period::Night),
        "tonight" | "tonite" => Tonight,
        "today" => Today,
        "tomorrow" => Tomorrow,
        "yesterday" => Yesterday,
        "now" => Now,
        "this" => This,
        "next" | "following" => Next,
        "last" | "previous" => Last,
        "coming" | "upcoming" => Coming,
        "in" | "within" => In,
        "from" => From,
        "ago" => Ago,
        "hence" => Hence,
        "later" => Later,
        "after" => After,
        "before" => Before,
        "of" => Of,
        "and" => And,
        "a" | "an" => A,
        "half" => Half,
        "quarter" | "quarters" => Quarter,
        "past" => Past,
        "to" | "till" | "til" => To,
        "at" | "around" | "about" | "approximately" | "approx" | "roughly" | "circa" | "ca" => At,
        "couple" => Couple,
        "few" => Few,
        "dozen" => Dozen,
        "am" => Am,
        "pm" => Pm,
        "oclock" => Oclock,
        "noon" | "midday" => Noon,
        "midnight" => Midnight,
        "early" => Early,
        "end" => End,
        "close" => Close,
        "business" | "working" | "work" => Business,
        "eod" | "cob" | "eob" | "eop" => Eod,
        "play" => Play,
        "commencing" | "starting" => Commencing,
        "eow" => Eow,
        "eom" => Eom,
        "eoq" => Eoq,
        "eoy" => Eoy,
        "q" => Q,
        "same" => Same,
        "christmas" | "xmas" => Christmas,
        "eve" => Eve,
        "new" => New,
        "thanksgiving" => Thanksgiving,
        "easter" => Easter,
        "labor" | "labour" => Labor,
        "memorial" => Memorial,
        "independence" => Independence,
        "halloween" => Halloween,
        "valentine" | "valentines" => Valentines,
        "boxing" => Boxing,
        "mothers" => Mothers,
        "fathers" => Fathers,
        "black" => Black,
        "cyber" => Cyber,
        "holidays" => Holidays,
        "mlk" => Mlk,
        "martin" => Martin,
        "luther" => Luther,
        "king" | "kings" => King,
        "presidents" | "president" => Presidents,
        "juneteenth" => Juneteenth,
        "columbus" => Columbus,
        "veterans" | "veteran" => Veterans,
        "patrick" | "patricks" | "paddys" => Patrick,
        "good" => Good,
        "cinco" => Cinco,
        "de" => De,
        "mayo" => Mayo,
        "jr" | "junior" => Jr,
        "st" | "saint" => Saint,
        "spring" => Season(self::Season::Spring),
        "summer" => Season(self::Season::Summer),
        "fall" | "autumn" => Season(self::Season::Autumn),
        "winter" => Season(self::Season::Winter),
        _ => return number_word(word).or_else(|| super::zone::abbreviation(word).map(Zone)),
    };
    Some(kw)
}

fn number_word(word: &str) -> Option<Kw> {
    let n = match word {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return ordinal_word(word).map(Kw::Ordinal),
    };
    Some(Kw::Number(n))
}

fn ordinal_word(word: &str) -> Option<u32> {
    let n = match word {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => return None,
    };
    Some(n)
}
