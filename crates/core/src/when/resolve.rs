//! Resolution: turns a [`Parsed`] phrase into a day or a moment against the
//! context's clock, zone and work week.

use jiff::civil::{Date, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Span, ZonedDateTime};

use super::grammar::{DateSpec, EndPeriod, MonthRef, Parsed, TimeSpec, WeekdayMode, ZoneSpec};
use super::holiday;
use super::words::{Period, Unit};
use super::zone;
use super::{Context, Resolved};
use crate::work_week::WorkWeek;

/// Why a parsed phrase names no day or moment (the text after "cannot read …: ").
pub type Reason = String;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Most business days counted one by one.
const MAX_BUSINESS_DAYS: i64 = 10_000;

fn out_of_range() -> Reason {
    "the date is out of range".into()
}

/// `date` plus `days` calendar days, or an out-of-range reason.
pub fn add_days(date: Date, days: i64) -> Result<Date, Reason> {
    Span::new().try_days(days).and_then(|s| date.checked_add(s)).map_err(|_| out_of_range())
}

fn add_months(date: Date, months: i64) -> Result<Date, Reason> {
    Span::new().try_months(months).and_then(|s| date.checked_add(s)).map_err(|_| out_of_range())
}

fn ymd(year: i64, month: i64, day: i64) -> Option<Date> {
    Date::new(year.try_into().ok()?, month.try_into().ok()?, day.try_into().ok()?).ok()
}

/// Monday = 0 … Sunday = 6.
fn weekday_index(date: Date) -> i64 {
    i64::from(date.weekday().to_monday_zero_offset())
}

/// `date` at `minutes` (may exceed a day: 1440 = next midnight) and `second`, in `tz`.
/// Gaps resolve forward and folds to the earlier time (jiff's "compatible").
pub fn at(date: Date, minutes: u32, second: u8, tz: &TimeZone) -> Result<ZonedDateTime, Reason> {
    let date = add_days(date, i64::from(minutes / 1440))?;
    let m = minutes % 1440;
    let time = Time::new((m / 60) as i8, (m % 60) as i8, second as i8, 0).map_err(|e| e.to_string())?;
    date.to_datetime(time).to_zoned_datetime(tz.clone()).map_err(|_| out_of_range())
}

fn clock_of(time: TimeSpec, ctx: &Context) -> (u32, u8) {
    match time {
        TimeSpec::Clock { minutes, second } => (minutes, second),
        TimeSpec::Period { period, .. } => {
            let hour = match period {
                Period::Morning => 9,
                Period::Afternoon => 14,
                Period::Evening => 18,
                Period::Night => 20,
            };
            (hour * 60, 0)
        }
        TimeSpec::WorkEnd => {
            let end = ctx.work_week.end;
            let minutes = end.hour() as u32 * 60 + end.minute() as u32;
            (minutes, end.second() as u8)
        }
    }
}

/// Resolves a parsed phrase.
pub fn resolve(p: &Parsed<'_>, ctx: &Context) -> Result<Resolved, Reason> {
    let now = &ctx.now;
    if let Some(special) = p.special {
        if p.zone.is_some() {
            return Err("a time zone needs a clock time".into());
        }
        return match special {
            None => Ok(Resolved::Moment(now.clone())),
            Some((period, offset)) => end_of(period, offset, ctx).map(Resolved::Moment),
        };
    }
    if let Some(shift) = p.shift {
        if p.zone.is_some() {
            return Err("a time zone needs a clock time".into());
        }
        let moment = now.checked_add(SignedDuration::from_secs(shift)).map_err(|_| out_of_range())?;
        return Ok(Resolved::Moment(moment));
    }
    let (zone, offset) = match p.zone {
        None => (now.time_zone().clone(), None),
        Some(ZoneSpec::Abbrev(i)) => (zone::abbreviation_zone(i).ok_or("unknown time zone")?, None),
        Some(ZoneSpec::Name(name)) => match zone::named_zone(name) {
            Some(tz) => (tz, None),
            None => return Err(format!("unknown time zone \"{name}\"")),
        },
        Some(ZoneSpec::Offset(secs)) => {
            let off = Offset::from_seconds(secs).map_err(|_| "invalid UTC offset")?;
            (TimeZone::fixed(off), Some(off))
        }
    };
    let date = match p.date {
        Some(spec) => Some(date_of(spec, ctx)?),
        None => None,
    };
    let moment = match (date, p.time) {
        (Some(date), None) if p.zone.is_none() => return Ok(Resolved::Day(date)),
        (_, None) => return Err("a time zone needs a clock time".into()),
        (Some(date), Some(time)) => {
            let (minutes, second) = clock_of(time, ctx);
            at(date, minutes, second, &zone)?
        }
        (None, Some(time)) => time_alone(time, &zone, ctx)?,
    };
    // A glued offset that agrees with the context zone reads as that zone.
    if let Some(off) = offset {
        let home = now.time_zone();
        if home.to_offset(moment.timestamp()) == off {
            return Ok(Resolved::Moment(moment.with_time_zone(home.clone())));
        }
    }
    Ok(Resolved::Moment(moment))
}

/// A clock time with no day: today if still ahead, else tomorrow ("end of
/// day": else the next work day; "this morning"/"tonight": today regardless).
fn time_alone(time: TimeSpec, tz: &TimeZone, ctx: &Context) -> Result<ZonedDateTime, Reason> {
    let today = ctx.now.with_time_zone(tz.clone()).date();
    let (minutes, second) = clock_of(time, ctx);
    let candidate = at(today, minutes, second, tz)?;
    if matches!(time, TimeSpec::Period { today: true, .. }) || candidate > ctx.now {
        return Ok(candidate);
    }
    let next = match time {
        TimeSpec::WorkEnd => step_work_day(&ctx.work_week, today, true)?,
        _ => add_days(today, 1)?,
    };
    at(next, minutes, second, tz)
}

/// "end of week/month/quarter/year" (offset 0 rolls forward once it has passed).
fn end_of(period: EndPeriod, offset: i32, ctx: &Context) -> Result<ZonedDateTime, Reason> {
    let today = ctx.now.date();
    let (minutes, second) = clock_of(TimeSpec::WorkEnd, ctx);
    let tz = ctx.now.time_zone();
    let day_for = |off: i64| -> Result<Date, Reason> {
        match period {
            EndPeriod::Week => {
                let monday = add_days(today, 7 * off - weekday_index(today))?;
                let mut last = add_days(monday, 6)?;
                for i in (0..7).rev() {
                    let d = add_days(monday, i)?;
                    if ctx.work_week.is_work_day(d) {
                        last = d;
                        break;
                    }
                }
                Ok(last)
            }
            EndPeriod::Month => Ok(add_months(today.first_of_month(), off)?.last_of_month()),
            EndPeriod::Quarter => {
                let first = quarter_start(today, off)?;
                add_days(add_months(first, 3)?, -1)
            }
            EndPeriod::Year => ymd(i64::from(today.year()) + off, 12, 31).ok_or_else(out_of_range),
        }
    };
    let off = i64::from(offset);
    let end = at(day_for(off)?, minutes, second, tz)?;
    if offset == 0 && end <= ctx.now {
        return at(day_for(1)?, minutes, second, tz);
    }
    Ok(end)
}

fn quarter_start(today: Date, offset: i64) -> Result<Date, Reason> {
    let index = i64::from(today.year()) * 4 + i64::from(today.month() - 1) / 3 + offset;
    ymd(index.div_euclid(4), index.rem_euclid(4) * 3 + 1, 1).ok_or_else(out_of_range)
}

fn invalid_date(month: u64, day: u64) -> Reason {
    let name = usize::try_from(month).ok().and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match name {
        Some(name) => format!("{name} {day} is not a valid date"),
        None => format!("month {month} is not a valid month"),
    }
}

/// The day a date phrase names.
pub fn date_of(spec: DateSpec, ctx: &Context) -> Result<Date, Reason> {
    let today = ctx.now.date();
    let wd = weekday_index(today);
    let ww = &ctx.work_week;
    match spec {
        DateSpec::Offset(n) => add_days(today, n),
        DateSpec::Weekday { day, mode } => {
            let d = i64::from(day);
            let ahead = match mode {
                WeekdayMode::Bare => (d - wd - 1).rem_euclid(7) + 1,
                WeekdayMode::This => (d - wd).rem_euclid(7),
                WeekdayMode::Last => -((wd - d - 1).rem_euclid(7) + 1),
                WeekdayMode::AfterNext => (d - wd - 1).rem_euclid(7) + 8,
                WeekdayMode::OfWeek(k) => d - wd + 7 * i64::from(k),
            };
            add_days(today, ahead)
        }
        DateSpec::WeekStart(k) => add_days(today, 7 * i64::from(k) - wd),
        DateSpec::EarlyNextWeek => add_days(today, 7 - wd),
        DateSpec::MonthStart(k) => add_months(today.first_of_month(), i64::from(k)),
        DateSpec::YearStart(k) => ymd(i64::from(today.year()) + i64::from(k), 1, 1).ok_or_else(out_of_range),
        DateSpec::QuarterStart(k) => quarter_start(today, i64::from(k)),
        DateSpec::Quarter { q, year } => {
            let month = i64::from(q) * 3 - 2;
            next_or_in_year(today, year, |y| ymd(y, month, 1)).ok_or_else(out_of_range)
        }
        DateSpec::Ymd { year, month, day } => {
            if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
                return Err(invalid_date(month, day));
            }
            let (m, d) = (month as i64, day as i64);
            match year {
                Some(y) => ymd(y.into(), m, d).ok_or_else(|| invalid_date(month, day)),
                // Feb 29 may be up to 8 years away.
                None => (0..9)
                    .filter_map(|k| ymd(i64::from(today.year()) + k, m, d))
                    .find(|date| *date >= today)
                    .ok_or_else(|| invalid_date(month, day)),
            }
        }
        DateSpec::DayOfMonth(n) => {
            if !(1..=31).contains(&n) {
                return Err(format!("day {n} is not a valid day of the month"));
            }
            (0..12)
                .filter_map(|k| add_months(today.first_of_month(), k).ok())
                .filter_map(|first| ymd(first.year().into(), first.month().into(), n as i64))
                .find(|date| *date >= today)
                .ok_or_else(out_of_range)
        }
        DateSpec::DayOf { day, month } => {
            in_month(month, today, |first| ymd(first.year().into(), first.month().into(), i64::try_from(day).ok()?))
                .ok_or_else(|| format!("that month has no day {day}"))
        }
        DateSpec::NthWeekday { nth, day, month } => {
            let weekday = jiff::civil::Weekday::from_monday_zero_offset(day as i8).map_err(|e| e.to_string())?;
            in_month(month, today, |first| first.nth_weekday_of_month(nth, weekday).ok())
                .ok_or_else(|| format!("that month has no such {weekday:?}"))
        }
        DateSpec::LastDay(month) => {
            in_month(month, today, |first| Some(first.last_of_month())).ok_or_else(out_of_range)
        }
        DateSpec::Relative { amount, unit } => relative(today, amount, unit, ctx),
        DateSpec::Holiday { holiday, year } => {
            next_or_in_year(today, year, |y| holiday::date_in(holiday, y.try_into().ok()?)).ok_or_else(out_of_range)
        }
        DateSpec::LaterThisWeek => {
            let monday = add_days(today, -wd)?;
            let last_work =
                (0..7).rev().filter_map(|i| add_days(monday, i).ok()).find(|d| ww.is_work_day(*d)).unwrap_or(monday);
            let tomorrow = add_days(today, 1)?;
            Ok(add_days(today, 2)?.min(last_work).max(tomorrow))
        }
        DateSpec::NextBusinessDay => step_work_day(ww, today, true),
    }
}

/// With a year: that year's date; without: this year's if not past, else next year's.
fn next_or_in_year(today: Date, year: Option<i16>, f: impl Fn(i64) -> Option<Date>) -> Option<Date> {
    match year {
        Some(y) => f(y.into()),
        None => {
            let y = i64::from(today.year());
            f(y).filter(|d| *d >= today).or_else(|| f(y + 1))
        }
    }
}

/// Applies `f` to the first day of the referenced month; "the month" and bare
/// month names roll forward (a month / a year) when the result is past.
fn in_month(month: MonthRef, today: Date, f: impl Fn(Date) -> Option<Date>) -> Option<Date> {
    let first = today.first_of_month();
    match month {
        MonthRef::Current => f(first).filter(|d| *d >= today).or_else(|| f(add_months(first, 1).ok()?)),
        MonthRef::Offset(k) => f(add_months(first, k.into()).ok()?),
        MonthRef::Named { month, year } => next_or_in_year(today, year, |y| f(ymd(y, month.into(), 1)?)),
    }
}

fn relative(today: Date, amount: i64, unit: Unit, ctx: &Context) -> Result<Date, Reason> {
    let span = match unit {
        Unit::Day => Span::new().try_days(amount),
        Unit::Week => Span::new().try_weeks(amount),
        Unit::Fortnight => Span::new().try_weeks(amount.saturating_mul(2)),
        Unit::Month => Span::new().try_months(amount),
        Unit::Year => Span::new().try_years(amount),
        Unit::BusinessDay => {
            if amount.abs() > MAX_BUSINESS_DAYS {
                return Err(out_of_range());
            }
            let mut day = today;
            for _ in 0..amount.abs() {
                day = step_work_day(&ctx.work_week, day, amount > 0)?;
            }
            return Ok(day);
        }
        Unit::Second | Unit::Minute | Unit::Hour => return Err("not a calendar unit".into()),
    };
    span.and_then(|s| today.checked_add(s)).map_err(|_| out_of_range())
}

/// The next (or previous) work day, checked against the calendar's ends.
/// With no work days at all, `date` itself (as `WorkWeek::next_work_day`).
pub fn step_work_day(ww: &WorkWeek, date: Date, forward: bool) -> Result<Date, Reason> {
    if !ww.days.iter().any(|d| *d) {
        return Ok(date);
    }
    let step = if forward { 1 } else { -1 };
    let mut d = date;
    for _ in 0..7 {
        d = add_days(d, step)?;
        if ww.is_work_day(d) {
            break;
        }
    }
    Ok(d)
}
