//! The grammar: turns tokens into a [`Parsed`] description (a date part, a
//! time part, a zone, an exact shift or a whole-phrase special) without
//! looking at the clock. Date phrases live in `grammar_date.rs`.

use super::holiday::Holiday;
use super::lexer::{Kind, Tok};
use super::words::{Kw, Period, Unit};

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
}

/// A month named relative to now or by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthRef {
    /// "the month", "this month" (rolls forward if the result is past).
    Current,
    /// "next month" (1), "last month" (-1).
    Offset(i32),
    /// "october" (next occurrence), "october 2027".
    Named { month: i8, year: Option<i16> },
}

/// The day part of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    Offset(i64),
    Weekday { day: u8, mode: WeekdayMode },
    WeekStart(i32),
    MonthStart(i32),
    YearStart(i32),
    QuarterStart(i32),
    Quarter { q: u8, year: Option<i16> },
    Ymd { year: Option<i16>, month: u64, day: u64 },
    DayOfMonth(u64),
    DayOf { day: u64, month: MonthRef },
    NthWeekday { nth: i8, day: u8, month: MonthRef },
    LastDay(MonthRef),
    Relative { amount: i64, unit: Unit },
    Holiday { holiday: Holiday, year: Option<i16> },
    EarlyNextWeek,
    LaterThisWeek,
    NextBusinessDay,
}

/// The clock part of a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// Minutes after the start of the day (1440 = midnight at the day's end) and seconds.
    Clock { minutes: u32, second: u8 },
    /// "morning"; `today` when forced to today ("this morning", "tonight").
    Period { period: Period, today: bool },
    /// "end of day", "eod", "close of business": the work week's end time.
    WorkEnd,
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

/// A parsed phrase, not yet resolved against a clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Parsed<'a> {
    pub date: Option<DateSpec>,
    pub time: Option<TimeSpec>,
    pub zone: Option<ZoneSpec<'a>>,
    /// Exact elapsed seconds ("in 3 hours", "2 minutes ago").
    pub shift: Option<i64>,
    /// "now" (None) or "end of week/month/…" (Some((period, offset))).
    pub special: Option<Option<(EndPeriod, i32)>>,
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
        if p.kw(0) == Some(Kw::At) && p.pos + 1 < toks.len() {
            p.pos += 1; // "at" before something that is not a clock time
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

    /// Records the date part; a second date is an error.
    pub fn set_date(&mut self, date: DateSpec, from: usize) -> PResult<bool> {
        if self.out.date.is_some() || self.out.shift.is_some() || self.out.special.is_some() {
            return Err(GrammarError::Invalid(format!("\"{}\" names a second day", self.text_since(from))));
        }
        self.out.date = Some(date);
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

    fn set_special(&mut self, special: Option<(EndPeriod, i32)>, from: usize) -> PResult<bool> {
        let p = &self.out;
        if p.date.is_some() || p.time.is_some() || p.shift.is_some() || p.special.is_some() {
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
            Some(Kw::Eod) => {
                self.pos += 1;
                self.set_time(TimeSpec::WorkEnd, from)
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
                let period = match self.kw(0) {
                    Some(Kw::Unit(Unit::Week)) => EndPeriod::Week,
                    Some(Kw::Unit(Unit::Month)) => EndPeriod::Month,
                    Some(Kw::Quarter) => EndPeriod::Quarter,
                    Some(Kw::Unit(Unit::Year)) => EndPeriod::Year,
                    Some(Kw::Unit(Unit::Day) | Kw::Today) if offset.is_none() => {
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

    /// A quantity: "3", "1.5", "twenty five", "a", "a couple of", "a few", "half a".
    /// Returns (numerator, denominator).
    pub fn quantity(&mut self) -> Option<(u64, u64)> {
        let q = match (self.kind(0), self.kw(1)) {
            (Some(Kind::Num { value, .. }), _) => (value, 1, 1),
            (Some(Kind::Decimal { num, den }), _) => (num, den, 1),
            (Some(Kind::Word(Kw::Number(t))), Some(Kw::Number(u)))
                if t >= 20 && t % 10 == 0 && (1..10).contains(&u) =>
            {
                (u64::from(t + u), 1, 2)
            }
            (Some(Kind::Word(Kw::Number(n))), _) => (u64::from(n), 1, 1),
            (Some(Kind::Word(Kw::A)), Some(Kw::Couple)) if self.is(2, Kw::Of) => (2, 1, 3),
            (Some(Kind::Word(Kw::A)), Some(Kw::Couple)) => (2, 1, 2),
            (Some(Kind::Word(Kw::Couple)), Some(Kw::Of)) => (2, 1, 2),
            (Some(Kind::Word(Kw::Couple)), _) => (2, 1, 1),
            (Some(Kind::Word(Kw::A)), Some(Kw::Few)) => (3, 1, 2),
            (Some(Kind::Word(Kw::A)), Some(Kw::Dozen)) => (12, 1, 2),
            (Some(Kind::Word(Kw::Half)), Some(Kw::A)) => (1, 2, 2),
            (Some(Kind::Word(Kw::A)), _) => (1, 1, 1),
            _ => return None,
        };
        self.pos += q.2;
        Some((q.0, q.1))
    }

    /// A unit word: "days", "second", "business days", "work days".
    pub fn unit(&mut self) -> Option<Unit> {
        let unit = match (self.kw(0), self.kw(1)) {
            (Some(Kw::Business), Some(Kw::Unit(Unit::Day))) => {
                self.pos += 1;
                Unit::BusinessDay
            }
            (Some(Kw::Unit(u)), _) => u,
            (Some(Kw::Ordinal(2)), _) => Unit::Second,
            _ => return None,
        };
        self.pos += 1;
        Some(unit)
    }

    /// "in 3 days", "2 hours ago", "a week from now", "in an hour and a half", "3 days later".
    fn relative(&mut self) -> PResult<bool> {
        let from = self.pos;
        let leading_in = self.eat(Kw::In);
        let Some((mut num, mut den)) = self.quantity() else {
            self.pos = from;
            return Ok(false);
        };
        let Some(unit) = self.unit() else {
            self.pos = from;
            return Ok(false);
        };
        if self.is(0, Kw::And) && self.is(1, Kw::A) && self.is(2, Kw::Half) {
            self.pos += 3;
            num = num.saturating_mul(2).saturating_add(den);
            den = den.saturating_mul(2);
        }
        let sign = if leading_in {
            1
        } else {
            match (self.kw(0), self.kw(1)) {
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
                // "10 minutes past 3" is a clock time, not an offset.
                (Some(Kw::Past | Kw::To | Kw::After | Kw::Before), _) => {
                    self.pos = from;
                    return Ok(false);
                }
                // A bare "3 days" means from now.
                _ => 1,
            }
        };
        let secs = match unit {
            Unit::Second => Some(1),
            Unit::Minute => Some(60),
            Unit::Hour => Some(3600),
            _ => None,
        };
        if let Some(secs) = secs {
            let total = u128::from(num) * secs / u128::from(den.max(1));
            let total = i64::try_from(total).ok().filter(|t| *t <= 3600 * MAX_AMOUNT as i64);
            let Some(total) = total else {
                return self.invalid(from, "distance (too far)");
            };
            if self.out.date.is_some() || self.out.time.is_some() || self.out.shift.is_some() {
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
        self.set_date(DateSpec::Relative { amount, unit }, from)
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
