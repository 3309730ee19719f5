//! Clock-time phrases: "3pm", "15:30", "3:30 p.m.", "at 9", "3 o'clock",
//! "half past three", "a quarter to noon", "ten to five", "noon", "midnight",
//! "this morning", "tonight", "8 in the evening".

use super::grammar::{GrammarError, PResult, Parser, TimeSpec};
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
        let at = self.eat(Kw::At);
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
        let spec = |minutes: u32| Some(TimeSpec::Clock { minutes, second: 0 });
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
                match (h, u32::try_from(minute), u8::try_from(second)) {
                    (Some(h), Ok(min), Ok(sec)) if h < 24 && min < 60 && sec < 60 => {
                        Ok(Some(TimeSpec::Clock { minutes: h * 60 + min, second: sec }))
                    }
                    _ => self.invalid(start, "time"),
                }
            }
            (Some(Kind::Word(Kw::Noon)), _) => {
                self.pos += 1;
                Ok(spec(12 * 60))
            }
            (Some(Kind::Word(Kw::Midnight)), _) => {
                self.pos += 1;
                Ok(spec(24 * 60))
            }
            (Some(Kind::Word(Kw::Tonight)), _) => {
                self.pos += 1;
                Ok(Some(TimeSpec::Period { period: Period::Night, today: true }))
            }
            (Some(Kind::Word(Kw::This)), Some(Kw::Period(period))) => {
                self.pos += 2;
                Ok(Some(TimeSpec::Period { period, today: true }))
            }
            (Some(Kind::Word(Kw::In)), Some(Kw::Period(period))) => {
                self.pos += 2;
                Ok(Some(TimeSpec::Period { period, today: false }))
            }
            (Some(Kind::Word(Kw::Period(period))), _) => {
                self.pos += 1;
                Ok(Some(TimeSpec::Period { period, today: false }))
            }
            _ => {
                if let Some(minutes) = self.minutes_to_or_past()? {
                    return Ok(spec(minutes));
                }
                self.pos = start;
                self.hour_only(at, from)
            }
        }
    }

    /// "3pm", "3 o'clock", "at 9", "three pm".
    fn hour_only(&mut self, at: bool, from: usize) -> PResult<Option<TimeSpec>> {
        let hour = match self.kind(0) {
            Some(Kind::Num { value, digits }) if digits <= 2 => value,
            Some(Kind::Word(Kw::Number(n))) if n <= 12 => u64::from(n),
            _ => return Ok(None),
        };
        self.pos += 1;
        let h = match self.meridiem() {
            Some(m) => with_meridiem(hour, m),
            None if self.eat(Kw::Oclock) || at => bare_hour(hour),
            None => return Ok(None),
        };
        self.eat(Kw::Oclock);
        match h {
            Some(h) => Ok(Some(TimeSpec::Clock { minutes: h * 60, second: 0 })),
            None => self.invalid(from, "time"),
        }
    }

    /// "half past three", "quarter to noon", "ten to five", "5 past 3".
    fn minutes_to_or_past(&mut self) -> PResult<Option<u32>> {
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
        self.pos += 1;
        self.eat(Kw::Unit(Unit::Minute));
        let sign: i64 = match self.kw(0) {
            Some(Kw::Past | Kw::After) => 1,
            Some(Kw::To | Kw::Before) => -1,
            _ => {
                self.pos = start;
                return Ok(None);
            }
        };
        self.pos += 1;
        let hour_at = self.pos;
        let (base, named) = match self.kind(0) {
            Some(Kind::Word(Kw::Noon)) => (12, true),
            Some(Kind::Word(Kw::Midnight)) => (24, true),
            Some(Kind::Num { value, digits }) if digits <= 2 => (value, false),
            Some(Kind::Word(Kw::Number(n))) if n <= 12 => (u64::from(n), false),
            _ => return Err(GrammarError::Unexpected(self.pos)),
        };
        self.pos += 1;
        let hour = if named {
            u32::try_from(base).ok()
        } else {
            match self.meridiem() {
                Some(m) => with_meridiem(base, m),
                None => bare_hour(base),
            }
        };
        let Some(hour) = hour else {
            return self.invalid(hour_at, "hour");
        };
        let total = i64::from(hour) * 60 + sign * i64::from(minutes);
        match u32::try_from(total) {
            Ok(total) => Ok(Some(total)),
            Err(_) => self.invalid(start, "time"),
        }
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
