//! The grammar: turns tokens into a [`Parsed`] description (a date part, a
//! time part, a zone, an exact shift or a whole-phrase special) without
//! looking at the clock. Date phrases live in `grammar_date.rs`.

use super::holiday::Holiday;
use super::lexer::{Kind, Tok};
use super::words::{Kw, Period, Season, Unit};

/// How a weekday name is qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekdayMode {
    /// "friday", "coming friday": 1–7 days ahead.
    Bare,
    /// "this friday": 0–6 days ahead.
    This,
    /// "last friday": 1–7 days back.
    Last,
    /// "friday after next": bare + 7 days.
    AfterNext,
    /// "friday of next week", "next friday": that weekday in the week `n` weeks from this one.
    OfWeek(i32),
    /// "3 mondays from now" (3), "two fridays ago" (-2).
    Counted(i32),
}

/// A month named relative to now or by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthRef {
    /// "the month" (rolls forward if the result is past).
    Current,
    /// "this month", said outright: stays in this month even if the day has passed.
    This,
    /// "next month" (1), "last month" (-1).
    Offset(i32),
    /// "october" (next occurrence), "october 2027".
    Named { month: i8, year: Option<i16> },
}

/// The day part of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    Offset(i64),
    Weekday {
        day: u8,
        mode: WeekdayMode,
    },
    WeekStart(i32),
    /// "this week": the last work day of this week.
    ThisWeek,
    /// "this weekend" (0), "next weekend" (1), "last weekend" (-1): its Saturday.
    Weekend(i32),
    MonthStart(i32),
    YearStart(i32),
    QuarterStart(i32),
    Quarter {
        q: u8,
        year: Option<i16>,
    },
    Ymd {
        year: Option<i16>,
        month: u64,
        day: u64,
    },
    /// "3/4", "3/4/2027", "15.03.2026": read in the account's date order.
    Numeric {
        a: u64,
        b: u64,
        c: Option<(u64, u8)>,
    },
    DayOfMonth(u64),
    DayOf {
        day: u64,
        month: MonthRef,
    },
    NthWeekday {
        nth: i8,
        day: u8,
        month: MonthRef,
    },
    LastDay(MonthRef),
    Relative {
        amount: i64,
        unit: Unit,
    },
    Holiday {
        holiday: Holiday,
        year: Option<i16>,
    },
    EarlyNextWeek,
    LaterThisWeek,
    NextBusinessDay,
    /// "first business day of next month" (nth 1), "last working day of the month" (nth -1).
    NthBusinessDay {
        nth: i8,
        month: MonthRef,
    },
    /// "in january", "this january" (today while it is January), "next
    /// january" (`skip_current`: next year's while it is January): the 1st.
    InMonth {
        month: i8,
        year: Option<i16>,
        skip_current: bool,
    },
    /// "spring", "this summer" (0), "next fall" (1), "last winter" (-1): the season's first day.
    Season {
        season: Season,
        offset: i32,
    },
}

/// The clock part of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// Minutes after the start of the day (1440 = midnight at the day's end)
    /// and seconds; `bare` when the hour (1–12) came without am/pm, so a part
    /// of the day may still choose morning or afternoon.
    Clock { minutes: u32, second: u8, bare: bool },
    /// "end of day", "eod", "close of business": the work week's end time.
    WorkEnd,
    /// "first thing": the work week's start time.
    WorkStart,
    /// "this time tomorrow", "this time next week": the clock time it is now.
    Now,
}

/// A part of the day; `today` when forced to today ("this morning", "tonight").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodSpec {
    pub period: Period,
    pub today: bool,
}

/// An offset counted from what the rest of the phrase names ("2 days after
/// thanksgiving", "20 minutes from 2pm", "a week from tomorrow").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Exact elapsed seconds.
    Exact(i64),
    /// Calendar units (days, weeks, months, years, work days).
    Calendar(i64, Unit),
    /// "the monday after thanksgiving" (forward), "the friday before
    /// christmas": the first such weekday (Monday = 0) past the day named.
    Weekday { day: u8, forward: bool },
}

/// What "end of …" names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndPeriod {
    Week,
    Month,
    Quarter,
    Year,
}

/// A zone named in the phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneSpec<'a> {
    Abbrev(u8),
    Name(&'a str),
    Offset(i32),
}

/// A parsed phrase, not yet resolved against a clock: the constraints it
/// names, each at most once, in whatever order they were written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parsed<'a> {
    pub date: Option<DateSpec>,
    /// A weekday written beside a date ("Fri, Jul 18"): it must agree.
    pub weekday: Option<u8>,
    pub time: Option<TimeSpec>,
    pub period: Option<PeriodSpec>,
    pub zone: Option<ZoneSpec<'a>>,
    /// Exact elapsed seconds from now ("in 3 hours", "2 minutes ago").
    pub shift: Option<i64>,
    /// An offset from the day or moment the rest of the phrase names.
    pub step: Option<Step>,
    /// "now" (None) or "end of week/month/…" (Some((period, offset))).
    pub special: Option<Option<(EndPeriod, i32)>>,
    /// "the week of the 14th": the Monday of the week the day falls in (not before today).
    pub week_of: bool,
}

/// Why tokens do not form a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrammarError {
    /// The token at this index was not expected.
    Unexpected(usize),
    /// Parsed, but meaningless (e.g. "25:00"); the reason.
    Invalid(String),
}

/// A grammar step's result.
pub(super) type PResult<T> = Result<T, GrammarError>;

/// Seconds in one exact unit; `None` for calendar units.
fn exact_seconds(unit: Unit) -> Option<u128> {
    match unit {
        Unit::Second => Some(1),
        Unit::Minute => Some(60),
        Unit::Hour => Some(3600),
        _ => None,
    }
}

/// How far ahead "later today" is: three hours.
const LATER_TODAY_SECONDS: i64 = 3 * 3600;

/// Biggest amount accepted in "in N units".
const MAX_AMOUNT: u64 = 1_000_000;

/// A cursor over a phrase's tokens, collecting what it reads into `out`.
pub(super) struct Parser<'t, 'a> {
    pub toks: &'t [Tok<'a>],
    pub text: &'a str,
    pub pos: usize,
    pub out: Parsed<'a>,
}

/// Parses a phrase's tokens.
pub fn parse<'a>(toks: &[Tok<'a>], text: &'a str) -> PResult<Parsed<'a>> {
    let mut p = Parser { toks, text, pos: 0, out: Parsed::default() };
    while p.pos < toks.len() {
        if p.special()? || p.relative()? || p.date()? || p.time()? || p.zone()? {
            continue;
        }
        // Hedges that change nothing here: "at"/"around" before a day, a
        // trailing "roughly" or "ish".
        // "in 2 weeks time", "in two weeks' time": "time" after a unit.
        let after_unit = p.pos > 0 && matches!(toks[p.pos - 1].kind, Kind::Word(Kw::Unit(_)));
        if (matches!(p.kw(0), Some(Kw::At | Kw::Ish | Kw::Oclock)) || (after_unit && p.is(0, Kw::Time)))
            && !p.dangling_at()
        {
            p.pos += 1;
            continue;
        }
        return Err(GrammarError::Unexpected(p.pos));
    }
    if p.out == Parsed::default() {
        return Err(GrammarError::Unexpected(0));
    }
    Ok(p.out)
}

impl<'a> Parser<'_, 'a> {
    /// A final "at" or "@" with nothing after it: the time is missing.
    fn dangling_at(&self) -> bool {
        let Some(tok) = self.toks.get(self.pos) else {
            return false;
        };
        let word = self.text.get(tok.start..tok.end).unwrap_or("");
        self.pos + 1 == self.toks.len() && (word.eq_ignore_ascii_case("at") || word == "@")
    }

    /// The token kind `ahead` tokens from the cursor.
    pub fn kind(&self, ahead: usize) -> Option<Kind<'a>> {
        self.toks.get(self.pos + ahead).map(|t| t.kind)
    }

    /// The keyword `ahead` tokens from the cursor, if that token is one.
    pub fn kw(&self, ahead: usize) -> Option<Kw> {
        match self.kind(ahead) {
            Some(Kind::Word(kw)) => Some(kw),
            _ => None,
        }
    }

    /// Whether the token `ahead` of the cursor is `kw`.
    pub fn is(&self, ahead: usize, kw: Kw) -> bool {
        self.kw(ahead) == Some(kw)
    }

    /// Consumes `kw` if it is next.
    pub fn eat(&mut self, kw: Kw) -> bool {
        let hit = self.is(0, kw);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// The source text of tokens `from..self.pos`.
    pub fn text_since(&self, from: usize) -> &'a str {
        let start = self.toks.get(from).map_or(0, |t| t.start);
        let end = self.pos.checked_sub(1).and_then(|i| self.toks.get(i)).map_or(start, |t| t.end);
        self.text.get(start..end).unwrap_or("")
    }

    /// An error saying the text read since token `from` is not a valid `what`.
    pub fn invalid<T>(&self, from: usize, what: &str) -> PResult<T> {
        Err(GrammarError::Invalid(format!("\"{}\" is not a valid {what}", self.text_since(from))))
    }

    /// Records the date part. A bare weekday beside a date is kept as a
    /// check on it ("Fri, Jul 18"); any other second date is an error.
    pub fn set_date(&mut self, date: DateSpec, from: usize) -> PResult<bool> {
        let second = || GrammarError::Invalid(format!("\"{}\" names a second day", self.text_since(from)));
        if self.out.special.is_some() || self.out.weekday.is_some() && matches!(date, DateSpec::Weekday { .. }) {
            return Err(second());
        }
        match (self.out.date, date) {
            (None, _) => self.out.date = Some(date),
            // "next week tuesday", "in two weeks on monday": that weekday of that week.
            (Some(DateSpec::WeekStart(week)), DateSpec::Weekday { day, mode: WeekdayMode::Bare }) => {
                self.out.date = Some(DateSpec::Weekday { day, mode: WeekdayMode::OfWeek(week) });
            }
            (
                Some(DateSpec::Relative { amount, unit: Unit::Week }),
                DateSpec::Weekday { day, mode: WeekdayMode::Bare },
            ) if i32::try_from(amount).is_ok() => {
                let week = i32::try_from(amount).unwrap_or(0);
                self.out.date = Some(DateSpec::Weekday { day, mode: WeekdayMode::OfWeek(week) });
            }
            // "next month on the 5th": that day of that month.
            (Some(DateSpec::MonthStart(month)), DateSpec::DayOfMonth(day)) => {
                self.out.date = Some(DateSpec::DayOf { day, month: MonthRef::Offset(month) });
            }
            // "a week today", "a week tomorrow": counted from that day.
            (
                Some(DateSpec::Relative {
                    amount,
                    unit: unit @ (Unit::Week | Unit::Fortnight | Unit::Month | Unit::Year),
                }),
                DateSpec::Offset(_),
            ) if self.out.step.is_none() && self.out.shift.is_none() => {
                self.out.date = Some(date);
                self.out.step = Some(Step::Calendar(amount, unit));
            }
            (Some(DateSpec::Weekday { day, mode: WeekdayMode::Bare }), other)
                if !matches!(other, DateSpec::Weekday { .. } | DateSpec::Relative { .. }) =>
            {
                self.out.weekday = Some(day);
                self.out.date = Some(other);
            }
            (Some(existing), DateSpec::Weekday { day, mode: WeekdayMode::Bare })
                if !matches!(existing, DateSpec::Weekday { .. } | DateSpec::Relative { .. }) =>
            {
                self.out.weekday = Some(day);
            }
            _ => return Err(second()),
        }
        Ok(true)
    }

    /// Records the clock part; a second time is an error.
    pub fn set_time(&mut self, time: TimeSpec, from: usize) -> PResult<bool> {
        if self.out.time.is_some() || self.out.shift.is_some() || self.out.special.is_some() {
            return Err(GrammarError::Invalid(format!("\"{}\" names a second time of day", self.text_since(from))));
        }
        self.out.time = Some(time);
        Ok(true)
    }

    /// Records the part of the day; a second one is an error.
    pub fn set_period(&mut self, period: PeriodSpec, from: usize) -> PResult<bool> {
        if self.out.period.is_some() || self.out.shift.is_some() || self.out.special.is_some() {
            return Err(GrammarError::Invalid(format!("\"{}\" names a second part of the day", self.text_since(from))));
        }
        self.out.period = Some(period);
        Ok(true)
    }

    fn set_special(&mut self, special: Option<(EndPeriod, i32)>, from: usize) -> PResult<bool> {
        let p = &self.out;
        if p.date.is_some() || p.time.is_some() || p.period.is_some() || p.shift.is_some() || p.special.is_some() {
            return Err(GrammarError::Invalid(format!(
                "\"{}\" cannot be combined with another date or time",
                self.text_since(from)
            )));
        }
        self.out.special = Some(special);
        Ok(true)
    }

    /// "now", "eod", "end of day", "close of business", "end of next week", "eom".
    fn special(&mut self) -> PResult<bool> {
        let from = self.pos;
        let ends = |kw| match kw {
            Kw::Eow => Some(EndPeriod::Week),
            Kw::Eom => Some(EndPeriod::Month),
            Kw::Eoq => Some(EndPeriod::Quarter),
            Kw::Eoy => Some(EndPeriod::Year),
            _ => None,
        };
        match self.kw(0) {
            Some(Kw::Now) => {
                self.pos += 1;
                self.set_special(None, from)
            }
            // "this time tomorrow": the clock time it is now, on the day the rest names.
            Some(Kw::This | Kw::Same) if self.is(1, Kw::Time) => {
                self.pos += 2;
                self.set_time(TimeSpec::Now, from)?;
                // "this time next week / month / year": that long from now, not the period's start.
                if let (Some(Kw::Next), Some(Kw::Unit(unit @ (Unit::Week | Unit::Month | Unit::Year)))) =
                    (self.kw(0), self.kw(1))
                {
                    let at = self.pos;
                    self.pos += 2;
                    self.set_date(DateSpec::Relative { amount: 1, unit }, at)?;
                }
                Ok(true)
            }
            // "first thing": the start of the working day.
            Some(Kw::Ordinal(1)) if self.is(1, Kw::Thing) => {
                self.pos += 2;
                self.set_time(TimeSpec::WorkStart, from)
            }
            // "straight away", "right away", "right now".
            Some(Kw::Straight) if matches!(self.kw(1), Some(Kw::Away | Kw::Now)) => {
                self.pos += 2;
                self.set_special(None, from)
            }
            Some(Kw::Eod) => {
                self.pos += 1;
                self.set_time(TimeSpec::WorkEnd, from)
            }
            // "later today": a few hours from now, and still today.
            Some(Kw::Later) if self.is(1, Kw::Today) => {
                self.pos += 2;
                if self.out.time.is_some() || self.out.period.is_some() || self.out.shift.is_some() {
                    return self.invalid(from, "addition to a date or time");
                }
                self.set_date(DateSpec::Offset(0), from)?;
                self.out.shift = Some(LATER_TODAY_SECONDS);
                Ok(true)
            }
            Some(kw) if ends(kw).is_some() => {
                self.pos += 1;
                self.set_special(ends(kw).map(|p| (p, 0)), from)
            }
            Some(Kw::Close) if self.is(1, Kw::Of) && self.is(2, Kw::Business) => {
                self.pos += 3;
                self.eat(Kw::Unit(Unit::Day));
                self.set_time(TimeSpec::WorkEnd, from)
            }
            Some(Kw::End) => {
                self.pos += 1;
                self.eat(Kw::Of);
                let offset = match self.kw(0) {
                    Some(Kw::This) => Some(0),
                    Some(Kw::Next) => Some(1),
                    Some(Kw::Last) => Some(-1),
                    _ => None,
                };
                if offset.is_some() {
                    self.pos += 1;
                }
                // "end of january": the month's last day, at the end of the working day.
                if let (None, Some(Kw::Month(month))) = (offset, self.kw(0)) {
                    self.pos += 1;
                    let year = match self.kind(0) {
                        Some(Kind::Num { value, digits: 4 }) => {
                            self.pos += 1;
                            i16::try_from(value).ok()
                        }
                        _ => None,
                    };
                    self.set_date(DateSpec::LastDay(MonthRef::Named { month: month as i8, year }), from)?;
                    return self.set_time(TimeSpec::WorkEnd, from);
                }
                // "end of Q1": the quarter's last day, at the end of the working day.
                if let (None, Some(Kw::Q), Some(Kind::Num { value: q @ 1..=4, .. })) =
                    (offset, self.kw(0), self.kind(1))
                {
                    self.pos += 2;
                    let year = match self.kind(0) {
                        Some(Kind::Num { value, digits: 4 }) => {
                            self.pos += 1;
                            i16::try_from(value).ok()
                        }
                        _ => None,
                    };
                    let month = MonthRef::Named { month: q as i8 * 3, year };
                    self.set_date(DateSpec::LastDay(month), from)?;
                    return self.set_time(TimeSpec::WorkEnd, from);
                }
                let period = match self.kw(0) {
                    Some(Kw::Unit(Unit::Week)) => EndPeriod::Week,
                    Some(Kw::Unit(Unit::Month)) => EndPeriod::Month,
                    Some(Kw::Quarter) => EndPeriod::Quarter,
                    Some(Kw::Unit(Unit::Year)) => EndPeriod::Year,
                    Some(Kw::Unit(Unit::Day) | Kw::Today) if offset.is_none() => {
                        self.pos += 1;
                        return self.set_time(TimeSpec::WorkEnd, from);
                    }
                    Some(Kw::Play) if offset.is_none() => {
                        self.pos += 1;
                        return self.set_time(TimeSpec::WorkEnd, from);
                    }
                    Some(Kw::Business) if offset.is_none() => {
                        self.pos += 1;
                        self.eat(Kw::Unit(Unit::Day));
                        return self.set_time(TimeSpec::WorkEnd, from);
                    }
                    _ => return Err(GrammarError::Unexpected(self.pos)),
                };
                self.pos += 1;
                self.set_special(Some((period, offset.unwrap_or(0))), from)
            }
            _ => Ok(false),
        }
    }

    /// A quantity: "3", "1.5", "1/2", "twenty five", "a", "a couple of", "a few",
    /// "few", "half a", "a quarter of an", "three quarters of an", "two and a half".
    /// Returns (numerator, denominator).
    pub fn quantity(&mut self) -> Option<(u64, u64)> {
        let q = match (self.kind(0), self.kw(1)) {
            (Some(Kind::Num { value, .. }), _) => (value, 1, 1),
            (Some(Kind::Decimal { num, den }), _) => (num, den, 1),
            (Some(Kind::Slash { a, b, c: None }), Some(Kw::A)) if b > 0 && a < b => (a, b, 2),
            (Some(Kind::Slash { a, b, c: None }), _) if b > 0 && a < b => (a, b, 1),
            (Some(Kind::Word(Kw::Number(t))), Some(Kw::Number(u)))
                if t >= 20 && t % 10 == 0 && (1..10).contains(&u) =>
            {
                (u64::from(t + u), 1, 2)
            }
            (Some(Kind::Word(Kw::Number(n))), Some(Kw::Quarter)) => {
                self.pos += 2;
                self.eat(Kw::Of);
                self.eat(Kw::A);
                return Some((u64::from(n), 4));
            }
            (Some(Kind::Word(Kw::Number(n))), _) => (u64::from(n), 1, 1),
            (Some(Kind::Word(Kw::A)), Some(Kw::Couple)) if self.is(2, Kw::Of) => (2, 1, 3),
            (Some(Kind::Word(Kw::A)), Some(Kw::Couple)) => (2, 1, 2),
            (Some(Kind::Word(Kw::Couple)), Some(Kw::Of)) => (2, 1, 2),
            (Some(Kind::Word(Kw::Couple)), _) => (2, 1, 1),
            (Some(Kind::Word(Kw::A)), Some(Kw::Few)) => (3, 1, 2),
            (Some(Kind::Word(Kw::Few)), _) => (3, 1, 1),
            (Some(Kind::Word(Kw::A)), Some(Kw::Dozen)) => (12, 1, 2),
            (Some(Kind::Word(Kw::Half)), Some(Kw::A)) => (1, 2, 2),
            (Some(Kind::Word(Kw::A)), Some(Kw::Half)) => (1, 2, 2),
            (Some(Kind::Word(Kw::Half)), Some(Kw::Unit(_))) => (1, 2, 1),
            (Some(Kind::Word(Kw::A) | Kind::Word(Kw::Quarter)), _)
                if self.is(0, Kw::Quarter) || self.is(1, Kw::Quarter) =>
            {
                self.pos += 1 + usize::from(self.is(0, Kw::A));
                let of = self.eat(Kw::Of);
                if of {
                    self.eat(Kw::A);
                }
                return Some((1, 4));
            }
            (Some(Kind::Word(Kw::A)), _) => (1, 1, 1),
            _ => return None,
        };
        self.pos += q.2;
        let (mut num, mut den) = (q.0, q.1);
        // "two and a half hours", "1 and a half days".
        if self.is(0, Kw::And) && self.is(1, Kw::A) && self.is(2, Kw::Half) && matches!(self.kw(3), Some(Kw::Unit(_))) {
            self.pos += 3;
            num = num.saturating_mul(2).saturating_add(den);
            den = den.saturating_mul(2);
        }
        Some((num, den))
    }

    /// A unit word: "days", "second", "business days", "work days".
    pub fn unit(&mut self) -> Option<Unit> {
        let unit = match (self.kw(0), self.kw(1)) {
            (Some(Kw::Business), Some(Kw::Unit(Unit::Day))) => {
                self.pos += 1;
                Unit::BusinessDay
            }
            (Some(Kw::Unit(u)), _) => u,
            (Some(Kw::H), _) => Unit::Hour,
            (Some(Kw::M), _) => Unit::Minute,
            (Some(Kw::Ordinal(2)), _) => Unit::Second,
            _ => return None,
        };
        self.pos += 1;
        Some(unit)
    }

    /// "in 3 days", "2 hours ago", "a week from now", "in an hour and a half",
    /// "3 days later", "3 mondays from now", and offsets from an anchor:
    /// "2 days after thanksgiving", "20 minutes from 2pm", "the day before friday".
    fn relative(&mut self) -> PResult<bool> {
        let from = self.pos;
        if self.after_day()? {
            return Ok(true);
        }
        // "the day after christmas", "the day before friday".
        if self.is(0, Kw::Unit(Unit::Day))
            && matches!(self.kw(1), Some(Kw::After | Kw::Before))
            && !matches!(self.kw(2), Some(Kw::Tomorrow | Kw::Yesterday | Kw::Next) | None)
        {
            let sign = if self.is(1, Kw::After) { 1 } else { -1 };
            self.pos += 2;
            return self.set_step(Step::Calendar(sign, Unit::Day), from);
        }
        let leading_in = self.eat(Kw::In);
        let Some((num, den)) = self.quantity() else {
            self.pos = from;
            return Ok(false);
        };
        if let (false, Some(Kw::Weekday(day) | Kw::Weekdays(day))) = (leading_in, self.kw(0)) {
            return self.counted_weekday(day, num, den, from);
        }
        let glued_hour = self.is(0, Kw::H);
        let Some(unit) = self.unit() else {
            self.pos = from;
            return Ok(false);
        };
        // "16h45" is a clock time.
        if glued_hour && matches!(self.kind(0), Some(Kind::Num { digits: 2, .. })) {
            self.pos = from;
            return Ok(false);
        }
        let (mut num, mut den) = (num, den);
        if self.is(0, Kw::And) && self.is(1, Kw::A) && self.is(2, Kw::Half) {
            self.pos += 3;
            num = num.saturating_mul(2).saturating_add(den);
            den = den.saturating_mul(2);
        }
        let secs = exact_seconds(unit);
        let mut total = secs.map(|s| u128::from(num) * s * 1000 / u128::from(den.max(1)));
        // "1 hour 30 minutes", "2 hours and 15 minutes".
        while let Some(sum) = total {
            let here = self.pos;
            self.eat(Kw::And);
            let more = self.quantity().and_then(|(n, d)| Some((n, d, self.unit()?)));
            match more.and_then(|(n, d, u)| Some(u128::from(n) * exact_seconds(u)? * 1000 / u128::from(d.max(1)))) {
                Some(extra) => total = Some(sum + extra),
                None => {
                    self.pos = here;
                    break;
                }
            }
        }
        let more = self.kind(1).is_some();
        let (sign, anchored) = if leading_in {
            // "in 5 minutes from now".
            if self.is(0, Kw::From) && matches!(self.kw(1), Some(Kw::Now | Kw::Today)) {
                self.pos += 2;
            }
            (1, false)
        } else {
            match (self.kw(0), self.kw(1)) {
                (Some(Kw::From), Some(Kw::Now | Kw::Today)) => {
                    self.pos += 2;
                    (1, false)
                }
                (Some(Kw::Hence | Kw::Later), _) => {
                    self.pos += 1;
                    (1, false)
                }
                (Some(Kw::Ago), _) => {
                    self.pos += 1;
                    (-1, false)
                }
                // "10 minutes past 3", "10 to 5" are clock times.
                (Some(Kw::Past | Kw::To), _) => {
                    self.pos = from;
                    return Ok(false);
                }
                // "10 minutes after 3" is the clock time 3:10 (and read as one).
                (Some(Kw::After | Kw::Before), _)
                    if matches!(unit, Unit::Minute) && num < 60 * den && self.clock_follows(1) =>
                {
                    self.pos = from;
                    return Ok(false);
                }
                (Some(Kw::From | Kw::After), _) if more => {
                    self.pos += 1;
                    (1, true)
                }
                (Some(Kw::Before), _) if more => {
                    self.pos += 1;
                    (-1, true)
                }
                // A bare "3 days" means from now.
                _ => (1, false),
            }
        };
        if let Some(total) = total {
            let total = i64::try_from(total / 1000).ok().filter(|t| *t <= 3600 * MAX_AMOUNT as i64);
            let Some(total) = total else {
                return self.invalid(from, "distance (too far)");
            };
            if anchored {
                return self.set_step(Step::Exact(sign * total), from);
            }
            if self.out.time.is_some()
                || self.out.period.is_some()
                || self.out.shift.is_some()
                || self.out.step.is_some()
            {
                return self.invalid(from, "addition to a date or time");
            }
            self.out.shift = Some(sign * total);
            return Ok(true);
        }
        if den == 0 || num % den != 0 {
            return self.invalid(from, "distance (use whole days, weeks, months or years)");
        }
        let amount = num / den;
        if amount > MAX_AMOUNT {
            return self.invalid(from, "distance (too far)");
        }
        let amount = sign * amount as i64;
        if anchored {
            return self.set_step(Step::Calendar(amount, unit), from);
        }
        self.set_date(DateSpec::Relative { amount, unit }, from)
    }

    /// "after thanksgiving", "after friday", "after the 15th": the next work
    /// day after that day ("before christmas": the last work day before it); "after the holidays", "after new year", "in the
    /// new year": the first work day after New Year's Day.
    fn after_day(&mut self) -> PResult<bool> {
        let from = self.pos;
        let new_year = |p: &Self, at: usize| p.is(at, Kw::New) && p.is(at + 1, Kw::Unit(Unit::Year));
        let holidays = match (self.kw(0), self.kw(1)) {
            (Some(Kw::After), Some(Kw::Holidays)) => Some(2),
            (Some(Kw::In), Some(Kw::New)) if new_year(self, 1) && !self.is(3, Kw::Eve) => Some(3),
            _ => None,
        };
        if let Some(used) = holidays {
            self.pos += used;
            self.set_date(DateSpec::Holiday { holiday: super::holiday::Holiday::NewYear, year: None }, from)?;
            return self.set_next_work_day(from);
        }
        let forward = self.is(0, Kw::After);
        // "the monday after thanksgiving": a bare weekday before "after"/"before" counts from the day named.
        let weekday = match self.out.date {
            Some(DateSpec::Weekday { day, mode: WeekdayMode::Bare }) if self.out.weekday.is_none() => Some(day),
            _ => None,
        };
        if !(forward || self.is(0, Kw::Before)) || (self.out.date.is_some() && weekday.is_none()) {
            return Ok(false);
        }
        // "before the end of the week", "before eom": by then, the end itself.
        if !forward && matches!(self.kw(1), Some(Kw::End | Kw::Eod | Kw::Eow | Kw::Eom | Kw::Eoq | Kw::Eoy)) {
            self.pos += 1;
            return Ok(true);
        }
        let kept = self.out.date.take();
        self.pos += 1;
        let read = self.date()?;
        let day_like = matches!(
            self.out.date,
            Some(
                DateSpec::Holiday { .. }
                    | DateSpec::Weekday { mode: WeekdayMode::Bare | WeekdayMode::This | WeekdayMode::OfWeek(_), .. }
                    | DateSpec::Ymd { .. }
                    | DateSpec::Numeric { .. }
                    | DateSpec::DayOfMonth(_)
                    | DateSpec::DayOf { .. }
                    | DateSpec::Offset(_)
                    | DateSpec::Weekend(_)
                    | DateSpec::WeekStart(_)
                    | DateSpec::MonthStart(_)
            )
        );
        if !read || !day_like || matches!(self.out.date, Some(DateSpec::Weekday { .. })) && weekday.is_some() {
            self.pos = from;
            self.out.date = kept;
            self.out.weekday = None;
            return Ok(false);
        }
        // "after next week", "after next month": the one after it begins.
        match (forward, self.out.date) {
            (true, Some(DateSpec::WeekStart(week))) => {
                self.out.date = Some(DateSpec::WeekStart(week + 1));
                return Ok(true);
            }
            (true, Some(DateSpec::MonthStart(month))) => {
                self.out.date = Some(DateSpec::MonthStart(month + 1));
                return Ok(true);
            }
            _ => {}
        }
        if let Some(day) = weekday {
            if self.out.step.is_some() || self.out.shift.is_some() || self.out.special.is_some() {
                return self.invalid(from, "second offset");
            }
            self.out.step = Some(Step::Weekday { day, forward });
            return Ok(true);
        }
        if !forward {
            if self.out.step.is_some() || self.out.shift.is_some() || self.out.special.is_some() {
                return self.invalid(from, "second offset");
            }
            self.out.step = Some(Step::Calendar(-1, Unit::BusinessDay));
            return Ok(true);
        }
        self.set_next_work_day(from)
    }

    /// The step of "after X": one work day on.
    fn set_next_work_day(&mut self, from: usize) -> PResult<bool> {
        if self.out.step.is_some() || self.out.shift.is_some() || self.out.special.is_some() {
            return self.invalid(from, "second offset");
        }
        self.out.step = Some(Step::Calendar(1, Unit::BusinessDay));
        Ok(true)
    }

    /// Whether a clock hour ("3", "3pm", "noon") starts `ahead` tokens on.
    pub(super) fn clock_follows(&self, ahead: usize) -> bool {
        match self.toks.get(self.pos + ahead).map(|t| t.kind) {
            Some(Kind::Num { digits, .. }) => digits <= 2,
            Some(Kind::Word(Kw::Number(n))) => n <= 12,
            Some(Kind::Word(Kw::Noon | Kw::Midnight)) => true,
            _ => false,
        }
    }

    /// "3 mondays from now", "two fridays ago", "the 2nd friday from now".
    fn counted_weekday(&mut self, day: u8, num: u64, den: u64, from: usize) -> PResult<bool> {
        self.pos += 1;
        let sign = match (self.kw(0), self.kw(1)) {
            (Some(Kw::From), Some(Kw::Now | Kw::Today)) => {
                self.pos += 2;
                1
            }
            (Some(Kw::Hence | Kw::Later), _) => {
                self.pos += 1;
                1
            }
            (Some(Kw::Ago), _) => {
                self.pos += 1;
                -1
            }
            _ => {
                self.pos = from;
                return Ok(false);
            }
        };
        if den != 1 || num == 0 || num > 1000 {
            return self.invalid(from, "count of weeks");
        }
        self.set_date(DateSpec::Weekday { day, mode: WeekdayMode::Counted(sign * num as i32) }, from)
    }

    fn set_step(&mut self, step: Step, from: usize) -> PResult<bool> {
        if self.pos >= self.toks.len() {
            return Err(GrammarError::Unexpected(self.pos));
        }
        if self.out.step.is_some() || self.out.shift.is_some() || self.out.special.is_some() {
            return self.invalid(from, "second offset");
        }
        self.out.step = Some(step);
        Ok(true)
    }

    /// A zone name, abbreviation or glued UTC offset.
    fn zone(&mut self) -> PResult<bool> {
        let zone = match self.kind(0) {
            Some(Kind::Word(Kw::Zone(i))) => ZoneSpec::Abbrev(i),
            Some(Kind::ZoneName(name)) => ZoneSpec::Name(name),
            Some(Kind::Offset(secs)) => ZoneSpec::Offset(secs),
            _ => return Ok(false),
        };
        if self.out.zone.is_some() {
            return Err(GrammarError::Invalid("two time zones given".into()));
        }
        self.pos += 1;
        self.out.zone = Some(zone);
        Ok(true)
    }
}
