//! Natural-language dates: "next tuesday", "in 3 days", "tomorrow evening at 6",
//! "end of day", "first tuesday of october", "4pm Europe/Paris".
//!
//! [`resolve`] reads a phrase against a [`Context`] (the current moment, its
//! zone, the work week, the date order and the days off) and names either a
//! whole day ([`Resolved::Day`]) or a moment ([`Resolved::Moment`]);
//! [`explain`] says how it was read. Matching is case-insensitive.
//!
//! # How a phrase is read
//!
//! A phrase is a set of constraints, each named at most once and in any
//! order: a **day** ("friday", "the 15th of next month"), a **weekday** that
//! must agree with that day ("Fri, Jul 18"), a **part of the day**
//! ("evening", "tonight"), a **clock time** ("6", "4:45p"), a **zone**
//! ("BST", "Europe/Paris"), an **offset** from now ("in 2 hours") or from
//! what the rest names ("2 days after thanksgiving", "20 minutes from 2pm").
//! They intersect to one answer or fail with the reason ("15:00 is not in
//! the morning", "1 August 2027 is a Sunday, not a Saturday"). Fillers and
//! hedges are skipped wherever they stand: "on", "by", "the", "due",
//! "please", "for", "more", "sometime", "say", "or so", and "at", "around",
//! "about", "approximately", "roughly", "circa", "@", "-ish" (these last
//! also mark a following or preceding bare number as a clock hour).
//! Commas and periods are ignored.
//!
//! # Rules for ambiguous phrases
//!
//! * **Weekdays.** A bare weekday ("friday", "coming friday") is the next one
//!   strictly after today: on a Friday, "friday" is 7 days later. "this friday"
//!   is today if today is Friday, else the coming one. "next friday" is the
//!   Friday of next week (weeks start on Monday), the same as "friday of next
//!   week" / "friday next week" / "friday from next week"; "last friday" is the
//!   most recent Friday before today; "friday after next" is the bare Friday
//!   plus 7 days, as is the British "friday week"; "tuesday next" is
//!   "next tuesday". "3 mondays from now" is the bare Monday plus 2 weeks; "two
//!   fridays ago" is last Friday minus a week.
//! * **Periods.** "next week" / "early next week" = Monday of next week;
//!   "this week" = the last work day of this week (today once that has
//!   passed); "mid next week" / "midweek" = Wednesday of that week; "this
//!   weekend" / "the weekend" = the coming Saturday (today on a weekend day),
//!   "next weekend" = Saturday of next week; "next month" = the 1st of next
//!   month; "mid next month" / "mid march" = the 15th; "next year" = January
//!   1; "next quarter" / "this quarter" = the first day of that quarter; "Q3"
//!   = July 1, this year's if not past, else next year's ("start of next
//!   quarter", "beginning of Q2" alike); "end of Q1" = its last day at the
//!   work week's end time. "later this week" =
//!   two days from today, capped at this week's last work day, never before
//!   tomorrow. The start, middle and end of a week or a month: "early",
//!   "beginning of", "start of" = its Monday / its 1st; "mid", "middle of" =
//!   Wednesday / the 15th; "late" = Friday / the 25th ("late next week",
//!   "early january", "late march 2027"). "the week after next" = Monday of
//!   the week after next week; "the month after next" = its 1st.
//! * **Dates without a year** ("March 3", "3/3", "the 20th", holidays,
//!   "first tuesday of october") are the next occurrence, today included.
//!   "the month" in ordinal phrases rolls to next month when the day named
//!   has passed ("last friday of the month"); "this month", said outright,
//!   stays in this month even when the day has passed, and the reading says
//!   so. A weekday beside a date must agree with it; beside a bare day of the
//!   month ("Friday the 13th") it picks the next month where it does.
//! * **Numeric dates** are read in the account's `date_order` (default from
//!   the zone's country: month first in the US, Canada and the Philippines
//!   and where no country is known, such as UTC; year first in China, Japan,
//!   Korea, Taiwan, Hungary, Lithuania; day first elsewhere). When both
//!   orders name a real day, [`explain`] gives the other as an
//!   [`Alternative`]; when only the other order does ("31/12" month first),
//!   that one is taken. "2027/3/15" is always year first; "15.03.2027" and
//!   "15-03-2027" read as "15/03/2027"; two-digit years are 20xx.
//! * **Times.** Hours without am/pm: 1–7 are afternoon (3 o'clock = 15:00),
//!   8–11 morning, 12 noon; "08:00" with a leading zero, four digits ("at
//!   1630") and 13–23 are as written, as is "16h45". A part of the day picks
//!   am/pm for a bare hour: "tonight at 9" = 21:00, "this morning at 11" =
//!   11:00, "tonight at 12" = midnight, "tonight at 1" = 01:00 after it; a time
//!   with am/pm must fall in the part named. A bare number is an hour only
//!   where a time is expected: after "at"/"around", before or after am/pm,
//!   "o'clock", "-ish", a day or a part of the day ("10 tomorrow", "tomorrow
//!   10"); after a weekday a number 13–31 is the day of the month ("friday
//!   13"). "half four" is 4:30. A time alone ("3pm", "noon", "morning") is
//!   today if still ahead, else tomorrow. "midnight" is the end of the day:
//!   alone, the coming 00:00; "tomorrow midnight" = 00:00 after tomorrow.
//!   Morning = 09:00, afternoon = 14:00, evening = 18:00, night/tonight =
//!   20:00; "this morning" and "tonight" are today even once past. "first
//!   thing" is the work week's start time. "am" and "pm" without a number are
//!   the morning and the afternoon ("tomorrow am", "monday pm", "in the am",
//!   "this pm"); "lunch" / "lunchtime" is 12:00 and "after lunch" the
//!   afternoon. "this time" is the clock time it is now, on the day the rest
//!   names ("this time tomorrow"); "this time next week / month / year" is
//!   a week, month or year from now.
//! * **Offsets.** "in N days/weeks/months" is calendar arithmetic (a day);
//!   "in N hours/minutes/seconds" (also "2h", "30m", "1/2 hr", "quarter of an
//!   hour", "two and a half hours", "1 hour 30 minutes") is exact elapsed time
//!   from now; "today in two hours" is the same, and fails if that is not
//!   today. "N units after/before/from X" counts from X: a day ("a week from
//!   tomorrow", "2 days after thanksgiving") or a moment ("20 minutes from
//!   2pm"); fewer than 60 minutes after/before a plain hour is a clock time
//!   ("10 minutes after 3" = 15:10). "straight away", "right away", "asap" are
//!   now.
//! * **Business.** "end of day"/"eod"/"cob"/"close of business" = today at
//!   the work week's end time, or the next work day's end once past; "end of
//!   week"/"eow" = the last work day of this week at end time (next week's
//!   once past); "end of month"/"eom", "end of the quarter", "end of year" =
//!   that period's last calendar day at end time. All are moments.
//!   "next business day", "in 3 business days" count work days, skipping the
//!   public holidays of the account's country ([`DaysOff`]: US federal
//!   holidays, England's bank holidays, each moved off the weekend as
//!   observed); the reading names the days skipped.
//! * **Holidays** by name (US): New Year's Day, Valentine's Day, Easter,
//!   Mother's Day, Memorial Day, Father's Day, Independence Day, Labor Day,
//!   Halloween, Thanksgiving (4th Thursday of November), Black Friday (the
//!   day after), Cyber Monday (the Monday after), Christmas Eve, Christmas,
//!   Boxing Day, New Year's Eve, Martin Luther King Jr. Day, Presidents' Day,
//!   St Patrick's Day, Good Friday, Easter Monday, Cinco de Mayo,
//!   Juneteenth, Columbus Day, Veterans Day; "christmas 2027" for a given year.
//! * **Weeks of a month.** "the week of the 14th" ("week commencing 4
//!   january", "week beginning jan 11") = the Monday of that
//!   week (today once it has passed); "the first week of january" = its
//!   first Monday, "the second week of next month" its second, "the last
//!   week of december" its last. "next week tuesday", "in 2 weeks on friday"
//!   = that weekday of that week; "next month on the 5th" = that day of it;
//!   "a week today", "a week tomorrow", "tomorrow week" count a week on.
//!   "the monday after thanksgiving", "the friday before christmas" = the
//!   first such weekday after (before) that day.
//! * **A month alone.** "in january", "this january" = its 1st, or today
//!   while it is January; "next january" = the 1st of the next January not
//!   under way; "end of january" = its last day at the work week's end time.
//! * **After a day.** "after thanksgiving", "after friday", "after the 15th"
//!   = the next work day after that day ("before christmas" the last work
//!   day before it); "after the holidays", "after new
//!   year", "in the new year" = the first work day after New Year's Day.
//!   "after 3pm", "after 9:30", "before noon" are that time, read as "at".
//!   "over the weekend" is "the weekend"; "end of play"/"eop" is end of day.
//!   "before the weekend", "before next week" = the last work day before it
//!   begins, "after the weekend" the first after it; "after next week",
//!   "after next month" = the start of the one after; "before the end of
//!   the week" = the end of the week. "same time tomorrow" = "this time
//!   tomorrow"; "a month today" = a month from today.
//! * **Work days of a month.** "first business day of next month", "last
//!   working day of the month", "3rd workday of march": counted over the
//!   month's work days, days off skipped (at most the 23rd).
//! * **Seasons** by month: spring is March to May, summer June to August,
//!   autumn ("fall") September to November, winter December to February,
//!   the other way round south of the equator (the zone says which). "next
//!   spring", "in the fall", "this summer" = the first day of the coming
//!   one, or today while it is that season ("this"/bare only); "last
//!   winter" = the first day of the last one that has ended.
//! * **Later today** = 3 hours from now, and it must still be today. Vague
//!   words that name no day ("soon", "someday", "whenever") are refused.
//! * **Zones.** "Thursday 8:00 PST": the day is read in the context zone, the
//!   clock time in the named zone, and the moment is expressed in the named
//!   zone. Abbreviations name a place ("PST" = America/Los_Angeles, so PST in
//!   July is PDT; "BST" in January is London on GMT, +00:00), and the reading
//!   says which offset was used when the abbreviation is out of season. A
//!   time alone with a zone is that zone's next such time.
//! * **Misspellings.** A word outside the vocabulary is read as the word it
//!   misspells ("tomorow", "wendesday", "thrusday") or the shorthand it is
//!   ("nxt", "2morrow", "tmrw"), and the reading says so ("read 'tomorow' as
//!   'tomorrow'"): the first letter must match, the edit distance be 1 (4–6
//!   letters) or 2 (7 or more), the nearest word unique in meaning, and the
//!   word not an English word of its own ("monkey" stays unknown).
//! * **Daylight saving.** Local times in a gap move forward (02:30 on the
//!   spring-forward day in New York = 03:30 EDT); in a fold the earlier one
//!   is taken.

mod delay;
mod grammar;
mod grammar_date;
mod grammar_time;
mod holiday;
mod lexer;
mod locale;
mod resolve;
mod typo;
mod words;
mod yearly;
mod zone;

pub use delay::{Delay, parse_delay};
pub use holiday::DaysOff;
pub use locale::DateOrder;
pub use yearly::{YearlyDate, parse_yearly};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

use crate::work_week::WorkWeek;
use lexer::Kind;

/// What a phrase is read against: the current moment (and its zone), the
/// work week, the order of numeric dates and the public holidays taken off.
#[derive(Debug, Clone)]
pub struct Context {
    /// The current moment, in the user's zone.
    pub now: ZonedDateTime,
    /// Work days and hours for business phrases and "end of day".
    pub work_week: WorkWeek,
    /// How "3/4/2027" is read.
    pub date_order: DateOrder,
    /// Public holidays skipped when counting work days.
    pub days_off: DaysOff,
}

impl Context {
    /// A context at `now` with the default work week (Mon–Fri 09:00–17:00)
    /// and the date order and days off of the zone's country.
    pub fn new(now: ZonedDateTime) -> Self {
        let zone = now.time_zone().iana_name().unwrap_or("UTC");
        let date_order = DateOrder::for_zone(zone);
        let days_off = DaysOff::for_zone(zone);
        Context { now, work_week: WorkWeek::default(), date_order, days_off }
    }
}

/// A phrase's answer and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The day or moment.
    pub resolved: Resolved,
    /// For a person: the corrections made ("read 'tomorow' as 'tomorrow'")
    /// and the choices behind the answer ("the Friday of next week; say
    /// 'this friday' for Fri 4 Dec"). Empty when the phrase admits one reading.
    pub notes: Vec<String>,
    /// Other days the phrase could mean (a numeric date in the other order).
    pub alternatives: Vec<Alternative>,
}

/// Another reading of an ambiguous phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// How it is read this way, e.g. "month first".
    pub reading: String,
    /// The day it names read this way.
    pub date: Date,
}

/// What a phrase names: a whole day or a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A calendar day ("next tuesday", "in 3 days").
    Day(Date),
    /// A moment in a zone ("tomorrow 3pm", "in 2 hours", "eod").
    Moment(ZonedDateTime),
}

impl Resolved {
    /// "YYYY-MM-DD" for Day, "YYYY-MM-DDTHH:MM:SS±HH:MM" (local time in the zone, with its offset) for Moment.
    pub fn to_canonical_string(&self) -> String {
        match self {
            Resolved::Day(d) => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            Resolved::Moment(z) => {
                let secs = z.offset().seconds();
                let sign = if secs < 0 { '-' } else { '+' };
                let abs = secs.unsigned_abs();
                format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
                    z.year(),
                    z.month(),
                    z.day(),
                    z.hour(),
                    z.minute(),
                    z.second(),
                    abs / 3600,
                    abs % 3600 / 60
                )
            }
        }
    }

    /// The instant this names: Moment as is; Day = start of that day in `zone`.
    pub fn start_instant(&self, zone: &TimeZone) -> Timestamp {
        match self {
            Resolved::Moment(z) => z.timestamp(),
            Resolved::Day(d) => d.to_zoned_datetime(zone.clone()).map(|z| z.timestamp()).unwrap_or(if d.year() < 0 {
                Timestamp::MIN
            } else {
                Timestamp::MAX
            }),
        }
    }
}

/// Why a phrase could not be read; every message quotes the phrase and suggests what works.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    /// The phrase was empty or blank.
    #[error("no date given; try e.g. \"next tuesday\", \"in 3 days\", \"tomorrow 3pm\"")]
    Empty,
    /// The phrase is longer than any date phrase needs to be.
    #[error("cannot read \"{phrase}\": too long; try e.g. \"next tuesday\", \"in 3 days\", \"tomorrow 3pm\"")]
    TooLong {
        /// The phrase as given.
        phrase: String,
    },
    /// A word outside the vocabulary.
    #[error(
        "cannot read \"{phrase}\": unknown word \"{word}\"; try e.g. \"next tuesday\", \"in 3 days\", \"tomorrow 3pm\""
    )]
    UnknownWord {
        /// The phrase as given.
        phrase: String,
        /// The word not understood.
        word: String,
    },
    /// Known words in an order the grammar does not read.
    #[error(
        "cannot read \"{phrase}\": did not understand \"{near}\"; try e.g. \"next tuesday\", \"in 3 days\", \"tomorrow 3pm\""
    )]
    Unexpected {
        /// The phrase as given.
        phrase: String,
        /// The part of the phrase where reading stopped.
        near: String,
    },
    /// Read, but it names no real day or time (e.g. "February 30", "25:00").
    #[error("cannot read \"{phrase}\": {reason}; try e.g. \"next tuesday\", \"in 3 days\", \"tomorrow 3pm\"")]
    Invalid {
        /// The phrase as given.
        phrase: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Reads `phrase` against `context` and names the day or moment it means.
pub fn resolve(phrase: &str, context: &Context) -> Result<Resolved, WhenError> {
    let tokens = tokens(phrase)?;
    let parsed = parse(phrase, tokens.as_slice())?;
    resolve::resolve(&parsed, context, &mut resolve::Notes::default())
        .map_err(|reason| WhenError::Invalid { phrase: phrase.to_string(), reason })
}

/// Reads `phrase` as [`resolve`] does and says how: the corrections made,
/// the choices behind the answer, and the other readings of an ambiguous date.
pub fn explain(phrase: &str, context: &Context) -> Result<Reading, WhenError> {
    let tokens = tokens(phrase)?;
    let toks = tokens.as_slice();
    let parsed = parse(phrase, toks)?;
    let mut notes = resolve::Notes::kept();
    let resolved = resolve::resolve(&parsed, context, &mut notes)
        .map_err(|reason| WhenError::Invalid { phrase: phrase.to_string(), reason })?;
    let mut lines: Vec<String> =
        toks.iter().filter_map(|t| Some(format!("read '{}' as '{}'", phrase.get(t.start..t.end)?, t.fix?))).collect();
    lines.extend(notes.lines.unwrap_or_default());
    Ok(Reading { resolved, notes: lines, alternatives: notes.alternatives })
}

fn tokens(phrase: &str) -> Result<lexer::Tokens<'_>, WhenError> {
    if phrase.trim().is_empty() {
        return Err(WhenError::Empty);
    }
    lexer::lex(phrase).map_err(|_| WhenError::TooLong { phrase: phrase.to_string() })
}

/// Parses a phrase's tokens, mapping failures to [`WhenError`].
fn parse<'a>(phrase: &'a str, toks: &[lexer::Tok<'a>]) -> Result<grammar::Parsed<'a>, WhenError> {
    let owned = || phrase.to_string();
    if toks.is_empty() {
        return Err(WhenError::Unexpected { phrase: owned(), near: phrase.trim().to_string() });
    }
    if let Some(word) = toks.iter().find_map(|t| match t.kind {
        Kind::Unknown(w) => Some(w),
        _ => None,
    }) {
        return Err(WhenError::UnknownWord { phrase: owned(), word: word.to_string() });
    }
    grammar::parse(toks, phrase).map_err(|e| match e {
        grammar::GrammarError::Unexpected(i) => {
            // A stray symbol ("in -3 days") is the likeliest culprit.
            let symbol = toks.iter().find(|t| matches!(t.kind, Kind::Dash | Kind::Symbol));
            match symbol.or_else(|| toks.get(i)) {
                Some(t) => WhenError::Unexpected {
                    phrase: owned(),
                    near: phrase.get(t.start..).unwrap_or("").trim_end().to_string(),
                },
                None => WhenError::Invalid { phrase: owned(), reason: "it ends too early".into() },
            }
        }
        grammar::GrammarError::Invalid(reason) => WhenError::Invalid { phrase: owned(), reason },
    })
}

#[cfg(test)]
mod tests;
