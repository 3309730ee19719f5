//! Day phrases: "tomorrow", weekdays with this/next/last, "next month",
//! absolute dates (ISO, US numeric, "March 3rd, 2015", "3 March"),
//! ordinals ("first tuesday of october", "the 20th of next month"),
//! quarters, holidays and business phrases ("next business day").

use super::grammar::{DateSpec, MonthRef, PResult, Parser, PeriodSpec, WeekdayMode};
use super::holiday::Holiday;
use super::lexer::Kind;
use super::words::{Kw, Period, Unit};

impl Parser<'_, '_> {
    /// A day phrase, recorded as the date part.
    pub(super) fn date(&mut self) -> PResult<bool> {
        let from = self.pos;
        if self.is(0, Kw::Last) && self.is(1, Kw::Period(Period::Night)) {
            self.pos += 2;
            self.set_date(DateSpec::Offset(-1), from)?;
            return self.set_period(PeriodSpec { period: Period::Night, today: false }, from);
        }
        match self.date_spec()? {
            Some(spec) => self.set_date(spec, from),
            None => {
                self.pos = from;
                Ok(false)
            }
        }
    }

    fn date_spec(&mut self) -> PResult<Option<DateSpec>> {
        let (k0, k1, k2) = (self.kw(0), self.kw(1), self.kw(2));
        let day = Some(Kw::Unit(Unit::Day));
        let (spec, used) = match (k0, k1, k2) {
            (Some(Kw::Today), ..) => (DateSpec::Offset(0), 1),
            // "tomorrow week" (British): a week after tomorrow.
            (Some(Kw::Tomorrow), Some(Kw::Unit(Unit::Week)), _) => (DateSpec::Offset(8), 2),
            (Some(Kw::Tomorrow), ..) => (DateSpec::Offset(1), 1),
            (Some(Kw::Yesterday), ..) => (DateSpec::Offset(-1), 1),
            (d, Some(Kw::After), Some(Kw::Tomorrow)) if d == day => (DateSpec::Offset(2), 3),
            (d, Some(Kw::Before), Some(Kw::Yesterday)) if d == day => (DateSpec::Offset(-2), 3),
            (Some(Kw::Weekday(day)), ..) => {
                self.pos += 1;
                return self.after_weekday(day);
            }
            (Some(Kw::This | Kw::Next | Kw::Last | Kw::Coming), ..) => return Ok(self.qualified()),
            (Some(Kw::Early), Some(Kw::Next), Some(Kw::Unit(Unit::Week))) => (DateSpec::EarlyNextWeek, 3),
            (Some(Kw::Weekend), Some(Kw::After), Some(Kw::Next)) => (DateSpec::Weekend(2), 3),
            (Some(Kw::Weekend), ..) => (DateSpec::Weekend(0), 1),
            (Some(Kw::Midweek), ..) => (DateSpec::Weekday { day: 2, mode: WeekdayMode::OfWeek(0) }, 1),
            (Some(Kw::Mid), ..) => return Ok(self.part_of_period(PeriodPart::Middle)),
            (Some(Kw::Early | Kw::Beginning), ..) => return Ok(self.part_of_period(PeriodPart::Start)),
            (Some(Kw::Late), ..) => return Ok(self.part_of_period(PeriodPart::Late)),
            (Some(Kw::Unit(Unit::Week)), Some(Kw::After), Some(Kw::Next)) => (DateSpec::WeekStart(2), 3),
            (Some(Kw::Unit(Unit::Month)), Some(Kw::After), Some(Kw::Next)) => (DateSpec::MonthStart(2), 3),
            (Some(Kw::Later), Some(Kw::This), Some(Kw::Unit(Unit::Week))) => (DateSpec::LaterThisWeek, 3),
            (Some(Kw::Season(season)), ..) => (DateSpec::Season { season, offset: 0 }, 1),
            (Some(Kw::In), Some(Kw::Season(season)), _) => (DateSpec::Season { season, offset: 0 }, 2),
            // "in january", "in march 2027": its first day (today while in it).
            (Some(Kw::In), Some(Kw::Month(month)), _)
                if !matches!(self.kind(2), Some(Kind::Num { digits: 1 | 2, .. })) =>
            {
                self.pos += 2;
                let year = self.year();
                return Ok(Some(DateSpec::InMonth { month: month as i8, year, skip_current: false }));
            }
            // "the week of the 14th", "week of dec 14": the Monday of that week.
            (Some(Kw::Unit(Unit::Week)), Some(Kw::Of | Kw::Commencing | Kw::Beginning), _) if !self.out.week_of => {
                self.pos += 2;
                self.out.week_of = true;
                return self.date_spec();
            }
            (Some(Kw::Q), ..) => {
                let q = match self.kind(1) {
                    Some(Kind::Num { value: q @ 1..=4, .. }) => q as u8,
                    _ => return Ok(None),
                };
                self.pos += 2;
                let year = self.year();
                return Ok(Some(DateSpec::Quarter { q, year }));
            }
            _ => {
                if let Some(holiday) = self.holiday() {
                    let year = self.year();
                    return Ok(Some(DateSpec::Holiday { holiday, year }));
                }
                if let Some(spec) = self.ordinal_led()? {
                    return Ok(Some(spec));
                }
                // "Friday 13": after a weekday, a number past 12 is the day of the month.
                if let (
                    Some(DateSpec::Weekday { mode: WeekdayMode::Bare, .. }),
                    Some(Kind::Num { value: 13..=31, digits: 2 }),
                ) = (self.out.date, self.kind(0))
                    && !matches!(self.kw(1), Some(Kw::Am | Kw::Pm | Kw::H | Kw::Month(_) | Kw::Of))
                {
                    let day = match self.kind(0) {
                        Some(Kind::Num { value, .. }) => value,
                        _ => 0,
                    };
                    self.pos += 1;
                    return Ok(Some(DateSpec::DayOfMonth(day)));
                }
                return self.absolute();
            }
        };
        self.pos += used;
        Ok(Some(spec))
    }

    /// A part of a week or a month: "mid next week", "middle of this week",
    /// "mid march", "mid next month" (Wednesday, the 15th); "early next
    /// month", "beginning of march" (Monday, the 1st); "late next week",
    /// "late march" (Friday, the 25th).
    fn part_of_period(&mut self, part: PeriodPart) -> Option<DateSpec> {
        let (weekday, day_of_month) = match part {
            PeriodPart::Start => (0, 1),
            PeriodPart::Middle => (2, 15),
            PeriodPart::Late => (4, 25),
        };
        self.pos += 1;
        self.eat(Kw::Of);
        let offset = match self.kw(0) {
            Some(Kw::This) => Some(0),
            Some(Kw::Next) => Some(1),
            Some(Kw::Last) => Some(-1),
            _ => None,
        };
        let at = usize::from(offset.is_some());
        match (self.kw(at), self.kind(at + 1)) {
            // "start of next quarter", "beginning of Q2".
            (Some(Kw::Quarter), _) if matches!(part, PeriodPart::Start) => {
                self.pos += at + 1;
                Some(DateSpec::QuarterStart(offset.unwrap_or(0)))
            }
            (Some(Kw::Q), Some(Kind::Num { value: q @ 1..=4, .. }))
                if offset.is_none() && matches!(part, PeriodPart::Start) =>
            {
                self.pos += 2;
                let year = self.year();
                Some(DateSpec::Quarter { q: q as u8, year })
            }
            (Some(Kw::Unit(Unit::Week)), _) => {
                self.pos += at + 1;
                Some(DateSpec::Weekday { day: weekday, mode: WeekdayMode::OfWeek(offset.unwrap_or(0)) })
            }
            _ => {
                let month = self.month_ref()?;
                Some(match month {
                    MonthRef::Named { month, year } => DateSpec::Ymd { year, month: month as u64, day: day_of_month },
                    month => DateSpec::DayOf { day: day_of_month, month },
                })
            }
        }
    }

    /// After a weekday name: "after next", "of next week", "from last week".
    fn after_weekday(&mut self, day: u8) -> PResult<Option<DateSpec>> {
        if self.is(0, Kw::After) && self.is(1, Kw::Next) {
            self.pos += 2;
            return Ok(Some(DateSpec::Weekday { day, mode: WeekdayMode::AfterNext }));
        }
        let of = usize::from(self.is(0, Kw::Of) || self.is(0, Kw::From) || self.is(0, Kw::In));
        let week = match self.kw(of) {
            Some(Kw::This) => Some(0),
            Some(Kw::Next) => Some(1),
            Some(Kw::Last) => Some(-1),
            _ => None,
        };
        if let Some(week) = week.filter(|_| self.is(of + 1, Kw::Unit(Unit::Week))) {
            self.pos += of + 2;
            return Ok(Some(DateSpec::Weekday { day, mode: WeekdayMode::OfWeek(week) }));
        }
        // "monday week" (British): a week after the coming Monday; "tuesday next": next Tuesday.
        if of == 0
            && self.is(0, Kw::Unit(Unit::Week))
            && !matches!(self.kw(1), Some(Kw::Ago | Kw::After | Kw::Before | Kw::From | Kw::Of | Kw::Hence))
        {
            self.pos += 1;
            return Ok(Some(DateSpec::Weekday { day, mode: WeekdayMode::AfterNext }));
        }
        if of == 0 && self.is(0, Kw::Next) && !matches!(self.kw(1), Some(Kw::Unit(_) | Kw::Weekend)) {
            self.pos += 1;
            return Ok(Some(DateSpec::Weekday { day, mode: WeekdayMode::OfWeek(1) }));
        }
        Ok(Some(DateSpec::Weekday { day, mode: WeekdayMode::Bare }))
    }

    /// this/next/last/coming + weekday, week, month, year, quarter, business day.
    fn qualified(&mut self) -> Option<DateSpec> {
        let q = self.kw(0)?;
        let mut next = 1;
        if q == Kw::This && self.is(1, Kw::Coming) {
            next = 2;
        }
        let offset = match q {
            Kw::Next => 1,
            Kw::Last => -1,
            _ => 0,
        };
        let spec = match (self.kw(next)?, q) {
            (Kw::Weekday(day), _) => {
                let mode = match q {
                    Kw::This if next == 1 => WeekdayMode::This,
                    Kw::Next => WeekdayMode::OfWeek(1),
                    Kw::Last => WeekdayMode::Last,
                    _ => WeekdayMode::Bare,
                };
                DateSpec::Weekday { day, mode }
            }
            // "last week of december": its last Monday.
            (Kw::Unit(Unit::Week), Kw::Last) if self.is(next + 1, Kw::Of) || self.is(next + 1, Kw::In) => {
                let at = self.pos;
                self.pos += next + 2;
                match self.month_ref() {
                    Some(month) => return Some(DateSpec::NthWeekday { nth: -1, day: 0, month }),
                    None => {
                        self.pos = at;
                        DateSpec::WeekStart(offset)
                    }
                }
            }
            (Kw::Unit(Unit::Week), Kw::Next | Kw::Last) => DateSpec::WeekStart(offset),
            (Kw::Unit(Unit::Week), Kw::This) => DateSpec::ThisWeek,
            (Kw::Weekend, _) => DateSpec::Weekend(offset),
            (Kw::Unit(Unit::Month), Kw::Next | Kw::Last) => DateSpec::MonthStart(offset),
            (Kw::Unit(Unit::Year), Kw::Next | Kw::Last) => DateSpec::YearStart(offset),
            (Kw::Quarter, Kw::Next | Kw::Last | Kw::This) => DateSpec::QuarterStart(offset),
            (Kw::Unit(Unit::Day), Kw::Next) => DateSpec::Offset(1),
            (Kw::Unit(Unit::BusinessDay), Kw::Next) => DateSpec::NextBusinessDay,
            (Kw::Business, Kw::Next) if self.is(next + 1, Kw::Unit(Unit::Day)) => {
                next += 1;
                DateSpec::NextBusinessDay
            }
            (Kw::Unit(Unit::Day), Kw::Last) if self.is(next + 1, Kw::Of) || self.is(next + 1, Kw::In) => {
                self.pos += next + 2;
                return self.month_ref().map(DateSpec::LastDay);
            }
            (Kw::Season(season), _) => DateSpec::Season { season, offset },
            (Kw::Month(month), Kw::This | Kw::Next | Kw::Coming) => {
                self.pos += next + 1;
                let year = self.year();
                return Some(DateSpec::InMonth { month: month as i8, year, skip_current: q == Kw::Next });
            }
            (Kw::Unit(Unit::BusinessDay) | Kw::Business, Kw::Last) => {
                self.pos += next;
                return self.business_day_of(-1);
            }
            _ => return None,
        };
        if let (Kw::Last, DateSpec::Weekday { day, .. }) = (q, spec)
            && (self.is(next + 1, Kw::Of) || self.is(next + 1, Kw::In))
        {
            self.pos += next + 2;
            let month = self.month_ref()?;
            return Some(DateSpec::NthWeekday { nth: -1, day, month });
        }
        self.pos += next + 1;
        Some(spec)
    }

    /// "the month", "this month", "next month", "last month", "october", "october 2027".
    fn month_ref(&mut self) -> Option<MonthRef> {
        let (r, used) = match (self.kw(0), self.kw(1)) {
            (Some(Kw::Unit(Unit::Month)), _) => (MonthRef::Current, 1),
            (Some(Kw::This), Some(Kw::Unit(Unit::Month))) => (MonthRef::This, 2),
            (Some(Kw::Next), Some(Kw::Unit(Unit::Month))) => (MonthRef::Offset(1), 2),
            (Some(Kw::Last), Some(Kw::Unit(Unit::Month))) => (MonthRef::Offset(-1), 2),
            (Some(Kw::Month(m)), _) => {
                self.pos += 1;
                let year = self.year();
                return Some(MonthRef::Named { month: m as i8, year });
            }
            _ => return None,
        };
        self.pos += used;
        Some(r)
    }

    /// A four-digit year.
    fn year(&mut self) -> Option<i16> {
        match self.kind(0) {
            Some(Kind::Num { value, digits: 4 }) => {
                self.pos += 1;
                i16::try_from(value).ok()
            }
            _ => None,
        }
    }

    /// An ordinal: "3rd", "third", "twenty first".
    fn ordinal(&mut self) -> Option<u64> {
        let (n, used) = match (self.kind(0), self.kw(1)) {
            (Some(Kind::Ordinal(n)), _) => (n, 1),
            (Some(Kind::Word(Kw::Ordinal(n))), _) => (u64::from(n), 1),
            (Some(Kind::Word(Kw::Number(t @ (20 | 30)))), Some(Kw::Ordinal(u))) if u < 10 => (u64::from(t + u), 2),
            _ => return None,
        };
        self.pos += used;
        Some(n)
    }

    /// "business day of next month", "working day in march", "workday of the
    /// month" after an ordinal or "last": the `nth` work day of that month.
    fn business_day_of(&mut self, nth: i8) -> Option<DateSpec> {
        let word = match (self.kw(0), self.kw(1)) {
            (Some(Kw::Unit(Unit::BusinessDay)), _) => 1,
            (Some(Kw::Business), Some(Kw::Unit(Unit::Day))) => 2,
            _ => return None,
        };
        if !(self.is(word, Kw::Of) || self.is(word, Kw::In)) {
            return None;
        }
        self.pos += word + 1;
        let month = self.month_ref()?;
        Some(DateSpec::NthBusinessDay { nth, month })
    }

    /// Phrases led by an ordinal: "first tuesday of october", "1st day of next month",
    /// "3rd of March", "the 20th of next month", "the 20th".
    fn ordinal_led(&mut self) -> PResult<Option<DateSpec>> {
        let Some(n) = self.ordinal() else {
            return Ok(None);
        };
        // "the first week of january", "second week of next month": its Nth Monday.
        if self.is(0, Kw::Unit(Unit::Week)) && (self.is(1, Kw::Of) || self.is(1, Kw::In)) {
            let at = self.pos;
            self.pos += 2;
            let Some(month) = self.month_ref() else {
                return Err(super::grammar::GrammarError::Unexpected(at));
            };
            if n == 0 || n > 5 {
                return self.invalid(at - 1, "week of a month");
            }
            return Ok(Some(DateSpec::NthWeekday { nth: n as i8, day: 0, month }));
        }
        if matches!(self.kw(0), Some(Kw::Unit(Unit::BusinessDay) | Kw::Business)) {
            let at = self.pos;
            let Some(spec) = self.business_day_of(i8::try_from(n).unwrap_or(i8::MAX)) else {
                return Err(super::grammar::GrammarError::Unexpected(at));
            };
            if n == 0 || n > 23 {
                return self.invalid(at - 1, "work day of a month (there are at most 23)");
            }
            return Ok(Some(spec));
        }
        if let Some(Kw::Weekday(day)) = self.kw(0) {
            if !(self.is(1, Kw::Of) || self.is(1, Kw::In)) || n > 5 {
                return Err(super::grammar::GrammarError::Unexpected(self.pos));
            }
            self.pos += 2;
            return match self.month_ref() {
                Some(month) => Ok(Some(DateSpec::NthWeekday { nth: n as i8, day, month })),
                None => Err(super::grammar::GrammarError::Unexpected(self.pos)),
            };
        }
        let of_day = self.is(0, Kw::Unit(Unit::Day)) && self.is(1, Kw::Of);
        let of = if of_day {
            self.pos += 2;
            true
        } else {
            self.eat(Kw::Of)
        };
        let here = self.pos;
        match self.month_ref() {
            Some(MonthRef::Named { month, year }) if !of_day => {
                Ok(Some(DateSpec::Ymd { year, month: month as u64, day: n }))
            }
            Some(month) => Ok(Some(DateSpec::DayOf { day: n, month })),
            None if of => Err(super::grammar::GrammarError::Unexpected(here)),
            None => Ok(Some(DateSpec::DayOfMonth(n))),
        }
    }

    /// Absolute dates: ISO, US numeric, "March 3 2015", "3 March", "March 2027".
    fn absolute(&mut self) -> PResult<Option<DateSpec>> {
        let start = self.pos;
        match self.kind(0) {
            Some(Kind::IsoDate { year, month, day }) => {
                self.pos += 1;
                let Ok(year) = i16::try_from(year) else {
                    return self.invalid(start, "date");
                };
                Ok(Some(DateSpec::Ymd { year: Some(year), month, day }))
            }
            Some(Kind::Slash { a, b, c }) => {
                self.pos += 1;
                if matches!(c, Some((_, digits)) if digits != 2 && digits != 4) {
                    return self.invalid(start, "date");
                }
                Ok(Some(DateSpec::Numeric { a, b, c }))
            }
            Some(Kind::Word(Kw::Month(m))) => {
                self.pos += 1;
                let day = match self.kind(0) {
                    Some(Kind::Num { value, digits: 1 | 2 }) => {
                        self.pos += 1;
                        Some(value)
                    }
                    _ => self.ordinal(),
                };
                let year = self.year();
                match (day, year) {
                    (Some(day), _) => Ok(Some(DateSpec::Ymd { year, month: m.into(), day })),
                    (None, Some(_)) => Ok(Some(DateSpec::Ymd { year, month: m.into(), day: 1 })),
                    (None, None) => Ok(None),
                }
            }
            Some(Kind::Num { value, digits: 1 | 2 }) => {
                self.pos += 1;
                let of = self.eat(Kw::Of);
                if let Some(Kw::Month(m)) = self.kw(0) {
                    self.pos += 1;
                    let year = self.year();
                    return Ok(Some(DateSpec::Ymd { year, month: m.into(), day: value }));
                }
                // "the 15 of next month".
                match self.month_ref() {
                    Some(month) if of => Ok(Some(DateSpec::DayOf { day: value, month })),
                    _ => Ok(None),
                }
            }
            _ => Ok(None),
        }
    }

    /// A holiday name.
    fn holiday(&mut self) -> Option<Holiday> {
        use Holiday::*;
        let day = |p: &Self, i| p.is(i, Kw::Unit(Unit::Day));
        let (h, used) = match (self.kw(0)?, self.kw(1)) {
            (Kw::Christmas, Some(Kw::Eve)) => (ChristmasEve, 2),
            (Kw::Christmas, _) => (Christmas, 1 + usize::from(day(self, 1))),
            (Kw::New, Some(Kw::Unit(Unit::Year))) if self.is(2, Kw::Eve) => (NewYearsEve, 3),
            (Kw::New, Some(Kw::Unit(Unit::Year))) => (NewYear, 2 + usize::from(day(self, 2))),
            (Kw::Thanksgiving, _) => (Thanksgiving, 1 + usize::from(day(self, 1))),
            (Kw::Easter, Some(Kw::Weekday(6))) => (Easter, 2),
            (Kw::Easter, Some(Kw::Weekday(0))) => (EasterMonday, 2),
            (Kw::Good, Some(Kw::Weekday(4))) => (GoodFriday, 2),
            (Kw::Juneteenth, _) => (Juneteenth, 1),
            (Kw::Cinco, Some(Kw::De)) if self.is(2, Kw::Mayo) => (CincoDeMayo, 3),
            // "st patrick's day", "saint patrick's day", "st paddy's day".
            (Kw::Saint, Some(Kw::Patrick)) => (StPatricks, 2 + usize::from(day(self, 2))),
            (Kw::Patrick, _) => (StPatricks, 1 + usize::from(day(self, 1))),
            (Kw::Martin, Some(Kw::Luther)) if self.is(2, Kw::King) => {
                let jr = usize::from(self.is(3, Kw::Jr));
                (MlkDay, 3 + jr + usize::from(day(self, 3 + jr)))
            }
            (Kw::Black, Some(Kw::Weekday(4))) => (BlackFriday, 2),
            (Kw::Cyber, Some(Kw::Weekday(0))) => (CyberMonday, 2),
            (Kw::Easter, _) => (Easter, 1),
            (Kw::Halloween, _) => (Halloween, 1),
            (Kw::Valentines, _) => (Valentines, 1 + usize::from(day(self, 1))),
            (kw, _) if day(self, 1) => {
                let h = match kw {
                    Kw::Labor => LaborDay,
                    Kw::Memorial => MemorialDay,
                    Kw::Independence => IndependenceDay,
                    Kw::Boxing => BoxingDay,
                    Kw::Mothers => MothersDay,
                    Kw::Fathers => FathersDay,
                    Kw::Mlk => MlkDay,
                    Kw::Presidents => PresidentsDay,
                    Kw::Columbus => ColumbusDay,
                    Kw::Veterans => VeteransDay,
                    _ => return None,
                };
                (h, 2)
            }
            _ => return None,
        };
        self.pos += used;
        Some(h)
    }
}

/// Which part of a week or a month a phrase names.
#[derive(Debug, Clone, Copy)]
enum PeriodPart {
    Start,
    Middle,
    Late,
}
