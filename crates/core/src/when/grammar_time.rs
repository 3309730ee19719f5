//! Clock-time phrases: "3pm", "15:30", "3:30 p.m.", "at 9", "3 o'clock",
//! "half past three", "a quarter to noon", "ten to five", "noon", "midnight",
//! "this morning", "tonight", "8 in the evening".

use super::grammar::{GrammarError, PResult, Parser, PeriodSpec, TimeSpec};
use super::lexer::Kind;
use super::words::{Kw, Period, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meridiem {
    Am,
    Pm,
}

/// Hours 1–7 without am/pm are afternoon (13–19), 8–11 morning, 12 noon,
/// 0 and 13–23 as written.
pub fn bare_hour(hour: u64) -> Option<u32> {
    let h = u32::try_from(hour).ok()?;
    match h {
        1..=7 => Some(h + 12),
        0 | 8..=23 => Some(h),
        _ => None,
    }
}

fn with_meridiem(hour: u64, m: Meridiem) -> Option<u32> {
    let h = u32::try_from(hour).ok().filter(|h| (1..=12).contains(h))?;
    Some(match (m, h) {
        (Meridiem::Am, 12) => 0,
        (Meridiem::Am, h) => h,
        (Meridiem::Pm, 12) => 12,
        (Meridiem::Pm, h) => h + 12,
    })
}

impl Parser<'_, '_> {
    fn meridiem(&mut self) -> Option<Meridiem> {
        let m = match (self.kw(0), self.kw(1)) {
            (Some(Kw::Am), _) => (Meridiem::Am, 1),
            (Some(Kw::Pm), _) => (Meridiem::Pm, 1),
            (Some(Kw::A), Some(Kw::M)) => (Meridiem::Am, 2),
            (Some(Kw::P), Some(Kw::M)) => (Meridiem::Pm, 2),
            (Some(Kw::P), _) => (Meridiem::Pm, 1),
            (Some(Kw::In), Some(Kw::Period(Period::Morning))) => (Meridiem::Am, 2),
            (Some(Kw::In), Some(Kw::Period(_))) => (Meridiem::Pm, 2),
            (Some(Kw::At), Some(Kw::Period(Period::Night))) => (Meridiem::Pm, 2),
            _ => return None,
        };
        self.pos += m.1;
        Some(m.0)
    }

    /// A clock time, a named time or a part of the day.
    pub(super) fn time(&mut self) -> PResult<bool> {
        let from = self.pos;
        // "after 3pm", "before noon": read as the time itself, like "at".
        let after = matches!(self.kw(0), Some(Kw::After | Kw::Before))
            && (self.clock_follows(1) || matches!(self.kind(1), Some(Kind::Time { .. })));
        if after {
            self.pos += 1;
        }
        let at = after || self.eat(Kw::At);
        let period = match (self.kw(0), self.kw(1)) {
            (Some(Kw::Tonight), _) => Some((Period::Night, true, 1)),
            (Some(Kw::This), Some(Kw::Period(p))) => Some((p, true, 2)),
            (Some(Kw::In), Some(Kw::Period(p))) => Some((p, false, 2)),
            (Some(Kw::Period(p)), _) => Some((p, false, 1)),
            // "tomorrow am", "monday pm", "in the am", "this pm": a part of the day.
            (Some(Kw::This), Some(Kw::Am)) => Some((Period::Morning, true, 2)),
            (Some(Kw::This), Some(Kw::Pm)) => Some((Period::Afternoon, true, 2)),
            (Some(Kw::In), Some(Kw::Am)) | (Some(Kw::Am), _) => {
                Some((Period::Morning, false, 1 + usize::from(self.is(0, Kw::In))))
            }
            (Some(Kw::In), Some(Kw::Pm)) | (Some(Kw::Pm), _) => {
                Some((Period::Afternoon, false, 1 + usize::from(self.is(0, Kw::In))))
            }
            (Some(Kw::After), Some(Kw::Lunch)) => Some((Period::Afternoon, false, 2)),
            _ => None,
        };
        if let Some((period, today, used)) = period {
            self.pos += used;
            return self.set_period(PeriodSpec { period, today }, from);
        }
        if self.is(0, Kw::Lunch) {
            self.pos += 1;
            return self.set_time(TimeSpec::Clock { minutes: 12 * 60, second: 0, bare: false }, from);
        }
        match self.clock(at, from)? {
            Some(spec) => self.set_time(spec, from),
            None => {
                self.pos = from;
                Ok(false)
            }
        }
    }

    fn clock(&mut self, at: bool, from: usize) -> PResult<Option<TimeSpec>> {
        let start = self.pos;
        let fixed = |minutes: u32| Some(TimeSpec::Clock { minutes, second: 0, bare: false });
        let twelve = matches!(self.kind(0), Some(Kind::Num { value: 12, .. } | Kind::Word(Kw::Number(12))));
        match (self.kind(0), self.kw(1)) {
            (Some(Kind::Time { hour, minute, second, lead_zero }), _) => {
                self.pos += 1;
                let m = self.meridiem();
                let h = match m {
                    Some(m) => with_meridiem(hour, m),
                    None if lead_zero || hour >= 12 => u32::try_from(hour).ok(),
                    None => bare_hour(hour),
                };
                self.eat(Kw::Oclock);
                self.eat(Kw::Ish);
                let bare = m.is_none() && !lead_zero && (1..=12).contains(&hour);
                match (h, u32::try_from(minute), u8::try_from(second)) {
                    (Some(h), Ok(min), Ok(sec)) if h < 24 && min < 60 && sec < 60 => {
                        Ok(Some(TimeSpec::Clock { minutes: h * 60 + min, second: sec, bare }))
                    }
                    _ => self.invalid(start, "time"),
                }
            }
            (Some(Kind::Word(Kw::Noon)), _) => {
                self.pos += 1;
                Ok(fixed(12 * 60))
            }
            (Some(Kind::Word(Kw::Midnight)), _) => {
                self.pos += 1;
                Ok(fixed(24 * 60))
            }
            // "twelve noon", "12 midnight".
            (_, Some(Kw::Noon)) if twelve => {
                self.pos += 2;
                Ok(fixed(12 * 60))
            }
            (_, Some(Kw::Midnight)) if twelve => {
                self.pos += 2;
                Ok(fixed(24 * 60))
            }
            _ => {
                if let Some(minutes) = self.minutes_to_or_past()? {
                    return Ok(Some(TimeSpec::Clock { minutes: minutes.0, second: 0, bare: minutes.1 }));
                }
                self.pos = start;
                self.hour_only(at, from)
            }
        }
    }

    /// Whether a day or a part of the day comes next ("10 tomorrow", "7 this evening").
    fn day_follows(&self) -> bool {
        matches!(
            (self.kw(0), self.kw(1)),
            (Some(Kw::Today | Kw::Tomorrow | Kw::Tonight | Kw::Weekday(_) | Kw::Period(_)), _)
                | (Some(Kw::This | Kw::Next | Kw::Coming), Some(Kw::Weekday(_) | Kw::Period(_)))
        )
    }

    /// "3pm", "3 o'clock", "at 9", "three pm", "8a", "16h45", "at 11 45",
    /// "445 p.m.", "eleven fifteen am", "4ish", "10 tomorrow".
    fn hour_only(&mut self, at: bool, from: usize) -> PResult<Option<TimeSpec>> {
        let start = self.pos;
        // "at 0730", "1630": four digits are a 24-hour time as written.
        let military = matches!(self.kind(0), Some(Kind::Num { digits: 4, .. }));
        let (hour, packed, word) = match self.kind(0) {
            Some(Kind::Num { value, digits }) if digits <= 2 => (value, None, false),
            // "9.30am", "at 9.30": a dotted clock time.
            Some(Kind::Decimal { num, den: 100 }) if num % 100 < 60 => (num / 100, Some(num % 100), false),
            Some(Kind::Num { value, digits: 3 | 4 }) => (value / 100, Some(value % 100), false),
            Some(Kind::Word(Kw::Number(n))) if n <= 12 => (u64::from(n), None, true),
            _ => return Ok(None),
        };
        self.pos += 1;
        let mut minute = packed;
        let h_mark = packed.is_none() && self.eat(Kw::H);
        if minute.is_none() {
            minute = match (self.kind(0), self.kw(1)) {
                (Some(Kind::Num { value, digits: 2 }), _) if !word && value < 60 => Some(value),
                (Some(Kind::Word(Kw::Number(t))), Some(Kw::Number(u)))
                    if word && (20..=50).contains(&t) && t % 10 == 0 && (1..10).contains(&u) =>
                {
                    self.pos += 1;
                    Some(u64::from(t + u))
                }
                (Some(Kind::Word(Kw::Number(t))), _) if word && (10..60).contains(&t) => Some(u64::from(t)),
                _ => None,
            };
            if minute.is_some() {
                self.pos += 1;
            }
        }
        let m = self.meridiem();
        let oclock = self.eat(Kw::Oclock);
        let ish = self.eat(Kw::Ish);
        let context = self.out.date.is_some() || self.out.period.is_some() || self.day_follows();
        let sure = m.is_some() || at || oclock || ish || h_mark;
        // A bare number is an hour only where a time is expected; a packed
        // "1630" only with am/pm or "at".
        let plain_hour = (1..=12).contains(&hour) || word;
        if !(sure || context && plain_hour && packed.is_none()) {
            self.pos = start;
            return Ok(None);
        }
        let h = match m {
            Some(m) => with_meridiem(hour, m),
            None if h_mark || military || hour == 0 => u32::try_from(hour).ok(),
            None => bare_hour(hour),
        };
        let bare = m.is_none() && !h_mark && !military && (1..=12).contains(&hour);
        let minute = minute.unwrap_or(0);
        match h {
            Some(h) if h < 24 && minute < 60 => {
                Ok(Some(TimeSpec::Clock { minutes: h * 60 + minute as u32, second: 0, bare }))
            }
            _ => self.invalid(from, "time"),
        }
    }

    /// "half past three", "quarter to noon", "ten to five", "5 past 3",
    /// "half four" (half past four). The minutes and whether the hour was bare.
    fn minutes_to_or_past(&mut self) -> PResult<Option<(u32, bool)>> {
        let start = self.pos;
        let minutes = match (self.kind(0), self.kw(1)) {
            (Some(Kind::Word(Kw::Half)), _) => 30,
            (Some(Kind::Word(Kw::A)), Some(Kw::Quarter)) => {
                self.pos += 1;
                15
            }
            (Some(Kind::Word(Kw::Quarter)), _) => 15,
            (Some(Kind::Num { value, digits }), _) if digits <= 2 && value < 60 => value as u32,
            (Some(Kind::Word(Kw::Number(t))), Some(Kw::Number(u)))
                if (20..=50).contains(&t) && t % 10 == 0 && u < 10 =>
            {
                self.pos += 1;
                t + u
            }
            (Some(Kind::Word(Kw::Number(n))), _) if n < 60 => n,
            _ => return Ok(None),
        };
        let half = self.is(0, Kw::Half);
        self.pos += 1;
        self.eat(Kw::Unit(Unit::Minute));
        let sign: i64 = match self.kw(0) {
            Some(Kw::Past | Kw::After) => 1,
            Some(Kw::To | Kw::Before) => -1,
            // "half four": British for half past four.
            _ if half && self.clock_hour_next() => {
                self.pos -= 1;
                0
            }
            _ => {
                self.pos = start;
                return Ok(None);
            }
        };
        self.pos += 1;
        let sign = if sign == 0 { 1 } else { sign };
        let hour_at = self.pos;
        let (base, named) = match self.kind(0) {
            Some(Kind::Word(Kw::Noon)) => (12, true),
            Some(Kind::Word(Kw::Midnight)) => (24, true),
            Some(Kind::Num { value, digits }) if digits <= 2 => (value, false),
            Some(Kind::Word(Kw::Number(n))) if n <= 12 => (u64::from(n), false),
            _ => return Err(GrammarError::Unexpected(self.pos)),
        };
        self.pos += 1;
        let m = if named { None } else { self.meridiem() };
        let hour = match (named, m) {
            (true, _) => u32::try_from(base).ok(),
            (false, Some(m)) => with_meridiem(base, m),
            (false, None) => bare_hour(base),
        };
        let Some(hour) = hour else {
            return self.invalid(hour_at, "hour");
        };
        let bare = !named && m.is_none() && (1..=12).contains(&base);
        let total = i64::from(hour) * 60 + sign * i64::from(minutes);
        match u32::try_from(total) {
            Ok(total) => Ok(Some((total, bare))),
            Err(_) => self.invalid(start, "time"),
        }
    }

    /// Whether the next token is an hour (1–12) not followed by a unit.
    fn clock_hour_next(&self) -> bool {
        let hour = match self.kind(0) {
            Some(Kind::Num { value, digits }) => digits <= 2 && (1..=12).contains(&value),
            Some(Kind::Word(Kw::Number(n))) => (1..=12).contains(&n),
            _ => false,
        };
        hour && !matches!(self.kw(1), Some(Kw::Unit(_) | Kw::H))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hour_rules() {
        assert_eq!(bare_hour(3), Some(15));
        assert_eq!(bare_hour(9), Some(9));
        assert_eq!(bare_hour(12), Some(12));
        assert_eq!(bare_hour(24), None);
        assert_eq!(with_meridiem(12, Meridiem::Am), Some(0));
        assert_eq!(with_meridiem(12, Meridiem::Pm), Some(12));
        assert_eq!(with_meridiem(13, Meridiem::Pm), None);
    }
}
