//! Resolution: turns a [`Parsed`] phrase into a day or a moment against the
//! context's clock, zone and work week.

use jiff::civil::{Date, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Span, ZonedDateTime};

use super::grammar::{DateSpec, EndPeriod, MonthRef, Parsed, PeriodSpec, Step, TimeSpec, WeekdayMode, ZoneSpec};
use super::holiday;
use super::locale::DateOrder;
use super::words::{Period, Season, Unit};
use super::zone;
use super::{Alternative, Context, Resolved};
use crate::work_week::WorkWeek;

/// What a reading says about itself, collected only when asked for
/// ([`super::explain`]); `resolve` passes an empty one and pays nothing.
#[derive(Debug, Default)]
pub struct Notes {
    /// Sentences for a person, in the order the choices were made.
    pub lines: Option<Vec<String>>,
    /// Other readings of an ambiguous phrase.
    pub alternatives: Vec<Alternative>,
}

impl Notes {
    /// Notes that are kept.
    pub fn kept() -> Notes {
        Notes { lines: Some(Vec::new()), alternatives: Vec::new() }
    }

    fn on(&self) -> bool {
        self.lines.is_some()
    }

    fn add(&mut self, line: impl FnOnce() -> String) {
        if let Some(lines) = &mut self.lines {
            lines.push(line());
        }
    }
}

/// "Fri 11 Dec", with the year when it is not this year's.
pub fn day_name(date: Date, today: Date) -> String {
    if date.year() == today.year() {
        date.strftime("%a %-d %b").to_string()
    } else {
        date.strftime("%a %-d %b %Y").to_string()
    }
}

fn weekday_name(day: u8) -> &'static str {
    ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        .get(usize::from(day))
        .copied()
        .unwrap_or("")
}

fn clock_name(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
}

fn period_name(period: Period) -> &'static str {
    match period {
        Period::Morning => "morning",
        Period::Afternoon => "afternoon",
        Period::Evening => "evening",
        Period::Night => "night",
    }
}

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

fn work_end(ctx: &Context) -> (u32, u8) {
    let end = ctx.work_week.end;
    (end.hour() as u32 * 60 + end.minute() as u32, end.second() as u8)
}

/// The default hour of a part of the day.
fn period_hour(period: Period) -> u32 {
    match period {
        Period::Morning => 9,
        Period::Afternoon => 14,
        Period::Evening => 18,
        Period::Night => 20,
    }
}

/// The clock time the phrase's time and part of the day intersect to
/// (minutes may pass 1440 for "tonight at 1"), or a reason they do not.
fn clock_of(p: &Parsed<'_>, ctx: &Context, notes: &mut Notes) -> Result<Option<(u32, u8)>, Reason> {
    match (p.time, p.period) {
        (None, None) => Ok(None),
        (None, Some(PeriodSpec { period, .. })) => Ok(Some((period_hour(period) * 60, 0))),
        (Some(TimeSpec::WorkEnd), None) => Ok(Some(work_end(ctx))),
        // "first thing monday morning": the working day starts in the morning.
        (Some(TimeSpec::WorkStart), None | Some(PeriodSpec { period: Period::Morning, .. })) => {
            let start = ctx.work_week.start;
            Ok(Some((start.hour() as u32 * 60 + start.minute() as u32, start.second() as u8)))
        }
        (Some(TimeSpec::Now), None) => {
            let now = &ctx.now;
            Ok(Some((now.hour() as u32 * 60 + now.minute() as u32, now.second() as u8)))
        }
        (Some(TimeSpec::Now), Some(PeriodSpec { period, .. })) => {
            Err(format!("\"this time\" cannot also be in the {}", period_name(period)))
        }
        (Some(TimeSpec::WorkEnd | TimeSpec::WorkStart), Some(PeriodSpec { period, .. })) => {
            Err(format!("the start or end of the working day cannot also be in the {}", period_name(period)))
        }
        (Some(TimeSpec::Clock { minutes, second, bare }), None) => {
            if bare && (13 * 60..20 * 60).contains(&minutes) && notes.on() {
                let written = minutes / 60 - 12;
                notes.add(|| {
                    format!(
                        "{written} without am/pm read as {} (1 to 7 o'clock are afternoon); say {written}am for {}",
                        clock_name(minutes),
                        clock_name(minutes - 12 * 60)
                    )
                });
            }
            Ok(Some((minutes, second)))
        }
        (Some(TimeSpec::Clock { minutes, second, bare }), Some(PeriodSpec { period, .. })) => {
            in_period(minutes, bare, period).map(|m| Some((m, second)))
        }
    }
}

/// A clock time within a part of the day: a bare hour takes the part's
/// am/pm ("tonight at 9" = 21:00); a time with am/pm must fall in it.
fn in_period(minutes: u32, bare: bool, period: Period) -> Result<u32, Reason> {
    let (hour, minute) = (minutes / 60, minutes % 60);
    if bare {
        let written = if hour > 12 { hour - 12 } else { hour };
        let h = match (period, written) {
            (Period::Morning | Period::Afternoon, 12) => 12,
            (Period::Morning, w) => w,
            (Period::Afternoon, w) => w + 12,
            (Period::Evening | Period::Night, 12) => 24,
            (Period::Night, w @ 1..=5) => 24 + w,
            (Period::Evening | Period::Night, w) => w + 12,
        };
        return Ok(h * 60 + minute);
    }
    let fits = match period {
        Period::Morning => minutes <= 12 * 60,
        Period::Afternoon => (11 * 60..=20 * 60).contains(&minutes),
        Period::Evening => (15 * 60..=24 * 60).contains(&minutes),
        Period::Night => !(6 * 60..18 * 60).contains(&minutes),
    };
    if !fits {
        return Err(format!("{} is not in the {}", clock_name(minutes), period_name(period)));
    }
    Ok(if period == Period::Night && minutes < 6 * 60 { minutes + 24 * 60 } else { minutes })
}

/// Resolves a parsed phrase.
pub fn resolve(p: &Parsed<'_>, ctx: &Context, notes: &mut Notes) -> Result<Resolved, Reason> {
    let now = &ctx.now;
    if let Some(special) = p.special {
        if p.zone.is_some() {
            return Err("a time zone needs a clock time".into());
        }
        if p.step.is_some() {
            return Err("an offset cannot be counted from that".into());
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
        if let Some(spec) = p.date {
            let day = date_of(spec, ctx, notes)?;
            let today = now.date();
            if day != today && day != moment.date() {
                return Err(format!("that time from now is not on {}", day_name(day, today)));
            }
        }
        return Ok(Resolved::Moment(moment));
    }
    let base = anchor(p, ctx, notes)?;
    match p.step {
        None => Ok(base),
        Some(step) => apply_step(base, step, ctx, notes),
    }
}

/// An offset counted from the day or moment the rest of the phrase names.
fn apply_step(base: Resolved, step: Step, ctx: &Context, notes: &mut Notes) -> Result<Resolved, Reason> {
    match (base, step) {
        (Resolved::Day(day), Step::Calendar(amount, unit)) => {
            relative(day, amount, unit, ctx, notes).map(Resolved::Day)
        }
        (Resolved::Moment(moment), Step::Calendar(amount, unit)) => {
            let day = relative(moment.date(), amount, unit, ctx, notes)?;
            let minutes = moment.hour() as u32 * 60 + moment.minute() as u32;
            at(day, minutes, moment.second() as u8, moment.time_zone()).map(Resolved::Moment)
        }
        (Resolved::Moment(moment), Step::Exact(secs)) => {
            moment.checked_add(SignedDuration::from_secs(secs)).map(Resolved::Moment).map_err(|_| out_of_range())
        }
        (Resolved::Day(day), Step::Weekday { day: weekday, forward }) => {
            let step = if forward { 1 } else { -1 };
            let mut date = add_days(day, step)?;
            while weekday_index(date) != i64::from(weekday) {
                date = add_days(date, step)?;
            }
            Ok(Resolved::Day(date))
        }
        (Resolved::Moment(_), Step::Weekday { .. }) => {
            Err("a weekday after or before a time of day cannot be read; name the day, e.g. \"the monday after thanksgiving\"".into())
        }
        (Resolved::Day(_), Step::Exact(_)) => {
            Err("hours and minutes need a time to count from, e.g. \"2 hours after 3pm\"".into())
        }
    }
}

/// The day or moment named by the date, time, part of the day and zone.
fn anchor(p: &Parsed<'_>, ctx: &Context, notes: &mut Notes) -> Result<Resolved, Reason> {
    let now = &ctx.now;
    let mut zone_note = None;
    let (zone, offset) = match p.zone {
        None => (now.time_zone().clone(), None),
        Some(ZoneSpec::Abbrev(i)) => {
            zone_note = zone::abbreviation_info(i);
            (zone::abbreviation_zone(i).ok_or("unknown time zone")?, None)
        }
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
        Some(spec) => Some(date_of(spec, ctx, notes)?),
        None => None,
    };
    // "the week of the 14th": the Monday of that week, or today once that Monday has passed.
    let date = match date {
        Some(day) if p.week_of => {
            let monday = add_days(day, -weekday_index(day))?;
            notes.add(|| format!("the week of {}, from its Monday", day_name(day, now.date())));
            Some(monday.max(now.date()))
        }
        date => date,
    };
    let date = match (date, p.weekday) {
        (Some(day), Some(weekday)) => Some(agree(day, weekday, p.date, ctx, notes)?),
        (None, Some(weekday)) => {
            Some(date_of(DateSpec::Weekday { day: weekday, mode: WeekdayMode::Bare }, ctx, notes)?)
        }
        (date, None) => date,
    };
    let clock = clock_of(p, ctx, notes)?;
    let moment = match (date, clock) {
        (Some(date), None) if p.zone.is_none() => return Ok(Resolved::Day(date)),
        (None, None) if p.step.is_some() => return Err("an offset needs a day or a time to count from".into()),
        (_, None) => return Err("a time zone needs a clock time".into()),
        (Some(date), Some((minutes, second))) => at(date, minutes, second, &zone)?,
        (None, Some((minutes, second))) => {
            let today_only = p.period.is_some_and(|period| period.today);
            time_alone(minutes, second, today_only, p.time == Some(TimeSpec::WorkEnd), &zone, ctx, notes)?
        }
    };
    if let Some((abbr, place, Some(nominal))) = zone_note {
        let actual = moment.offset().seconds();
        if actual != nominal && notes.on() {
            let city = place.rsplit('/').next().unwrap_or(place).replace('_', " ");
            let day = day_name(moment.date(), now.date());
            notes.add(|| {
                format!(
                    "{} is not in use on {day}: {city} is on {} then, so read as {city} time, {}",
                    abbr.to_uppercase(),
                    nominal_offset_other(abbr).unwrap_or("its other time"),
                    offset_text(actual)
                )
            });
        }
    }
    // A glued offset that agrees with the context zone reads as that zone.
    if let Some(off) = offset {
        let home = now.time_zone();
        if home.to_offset(moment.timestamp()) == off {
            return Ok(Resolved::Moment(moment.with_time_zone(home.clone())));
        }
    }
    Ok(Resolved::Moment(moment))
}

/// The abbreviation of the same place's other season ("bst" → "gmt").
fn nominal_offset_other(abbr: &str) -> Option<&'static str> {
    let pairs = [
        ("bst", "GMT"),
        ("pst", "PDT"),
        ("pdt", "PST"),
        ("mst", "MDT"),
        ("mdt", "MST"),
        ("cst", "CDT"),
        ("cdt", "CST"),
        ("est", "EDT"),
        ("edt", "EST"),
        ("akst", "AKDT"),
        ("akdt", "AKST"),
        ("wet", "WEST"),
        ("west", "WET"),
        ("cet", "CEST"),
        ("cest", "CET"),
        ("eet", "EEST"),
        ("eest", "EET"),
        ("acst", "ACDT"),
        ("acdt", "ACST"),
        ("aest", "AEDT"),
        ("aedt", "AEST"),
        ("nzst", "NZDT"),
        ("nzdt", "NZST"),
    ];
    pairs.iter().find(|(a, _)| *a == abbr).map(|(_, other)| *other)
}

fn offset_text(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
}

/// A weekday written beside a date must agree with it. Beside "the 22nd"
/// it picks the next month whose 22nd is that weekday.
fn agree(day: Date, weekday: u8, spec: Option<DateSpec>, ctx: &Context, notes: &mut Notes) -> Result<Date, Reason> {
    let today = ctx.now.date();
    if weekday_index(day) == i64::from(weekday) {
        return Ok(day);
    }
    if let Some(DateSpec::DayOfMonth(n)) = spec {
        let found = (0..28)
            .filter_map(|k| add_months(today.first_of_month(), k).ok())
            .filter_map(|first| ymd(first.year().into(), first.month().into(), n as i64))
            .find(|date| *date >= today && weekday_index(*date) == i64::from(weekday));
        if let Some(found) = found {
            notes.add(|| {
                format!(
                    "the next {n}{} that is a {}: {}",
                    ordinal_suffix(n),
                    weekday_name(weekday),
                    day_name(found, today)
                )
            });
            return Ok(found);
        }
    }
    Err(format!(
        "{} is a {}, not a {}",
        day.strftime("%-d %B %Y"),
        weekday_name(day.weekday().to_monday_zero_offset() as u8),
        weekday_name(weekday)
    ))
}

fn ordinal_suffix(n: u64) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

/// A clock time with no day: today if still ahead, else tomorrow ("end of
/// day": else the next work day; "this morning"/"tonight": today regardless).
fn time_alone(
    minutes: u32,
    second: u8,
    today_only: bool,
    work_end: bool,
    tz: &TimeZone,
    ctx: &Context,
    notes: &mut Notes,
) -> Result<ZonedDateTime, Reason> {
    let today = ctx.now.with_time_zone(tz.clone()).date();
    let candidate = at(today, minutes, second, tz)?;
    if today_only || candidate > ctx.now {
        return Ok(candidate);
    }
    let next = if work_end { step_business_day(ctx, today, true, notes)? } else { add_days(today, 1)? };
    notes.add(|| format!("{} has passed today, so {}", clock_name(minutes), day_name(next, today)));
    at(next, minutes, second, tz)
}

/// Whether `date` is worked: a work day of the week and not a day off.
fn works(ctx: &Context, date: Date) -> bool {
    ctx.work_week.is_work_day(date) && ctx.days_off.name_of(date).is_none()
}

/// The next (or previous) work day that is not a day off, noting the days off skipped.
pub fn step_business_day(ctx: &Context, date: Date, forward: bool, notes: &mut Notes) -> Result<Date, Reason> {
    if !ctx.work_week.days.iter().any(|d| *d) {
        return Ok(date);
    }
    let step = if forward { 1 } else { -1 };
    let mut d = date;
    for _ in 0..40 {
        d = add_days(d, step)?;
        if ctx.work_week.is_work_day(d) {
            match ctx.days_off.name_of(d) {
                None => break,
                Some(name) => notes.add(|| format!("skipped {} ({name}), a day off", day_name(d, ctx.now.date()))),
            }
        }
    }
    Ok(d)
}

/// "end of week/month/quarter/year" (offset 0 rolls forward once it has passed).
fn end_of(period: EndPeriod, offset: i32, ctx: &Context) -> Result<ZonedDateTime, Reason> {
    let today = ctx.now.date();
    let (minutes, second) = work_end(ctx);
    let tz = ctx.now.time_zone();
    let day_for = |off: i64| -> Result<Date, Reason> {
        match period {
            EndPeriod::Week => {
                let monday = add_days(today, 7 * off - weekday_index(today))?;
                last_work_day(ctx, monday)
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

/// The last worked day of the week starting on `monday` (Sunday if none).
fn last_work_day(ctx: &Context, monday: Date) -> Result<Date, Reason> {
    for i in (0..7).rev() {
        let d = add_days(monday, i)?;
        if works(ctx, d) {
            return Ok(d);
        }
    }
    add_days(monday, 6)
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

/// A numeric date read in the context's order; when both orders name a
/// real day, the other reading is noted as an alternative.
fn numeric(a: u64, b: u64, c: Option<(u64, u8)>, ctx: &Context, notes: &mut Notes) -> Result<Date, Reason> {
    let year_of =
        |(y, digits): (u64, u8)| if digits == 2 { 2000 + y as i16 } else { i16::try_from(y).unwrap_or(i16::MAX) };
    // "2026/3/15" is year first whatever the order.
    if a >= 1000 {
        let Some((day, _)) = c else {
            return Err(format!("\"{a}/{b}\" is not a date"));
        };
        let year = i16::try_from(a).map_err(|_| out_of_range())?;
        return date_of(DateSpec::Ymd { year: Some(year), month: b, day }, ctx, notes);
    }
    let order = ctx.date_order;
    let (year, first, second) = match (order, c) {
        (DateOrder::Ymd, Some((day, 1 | 2))) => (Some(2000 + a as i16), (b, day), (day, b)),
        (DateOrder::Dmy, c) => (c.map(year_of), (b, a), (a, b)),
        (_, c) => (c.map(year_of), (a, b), (b, a)),
    };
    let read = |(month, day): (u64, u64), notes: &mut Notes| date_of(DateSpec::Ymd { year, month, day }, ctx, notes);
    let mut quiet = Notes::default();
    match read(first, notes) {
        Ok(date) => {
            if first != second
                && notes.on()
                && let Ok(other) = read(second, &mut quiet)
            {
                {
                    let today = ctx.now.date();
                    let other_order = if order == DateOrder::Dmy { DateOrder::Mdy } else { DateOrder::Dmy };
                    notes.add(|| {
                        format!(
                            "read {} ({}); {} it would be {}",
                            day_name(date, today),
                            order.describe(),
                            other_order.describe(),
                            day_name(other, today)
                        )
                    });
                    notes.alternatives.push(Alternative { reading: other_order.describe().to_string(), date: other });
                }
            }
            Ok(date)
        }
        Err(reason) => match read(second, &mut quiet) {
            Ok(date) if first.0 > 12 => {
                notes.add(|| format!("{} cannot be a month, so read {}", first.0, day_name(date, ctx.now.date())));
                Ok(date)
            }
            _ => Err(reason),
        },
    }
}

/// The day a date phrase names.
pub fn date_of(spec: DateSpec, ctx: &Context, notes: &mut Notes) -> Result<Date, Reason> {
    let today = ctx.now.date();
    let wd = weekday_index(today);
    match spec {
        DateSpec::Offset(n) => add_days(today, n),
        DateSpec::Weekday { day, mode } => {
            let d = i64::from(day);
            let bare = (d - wd - 1).rem_euclid(7) + 1;
            let ahead = match mode {
                WeekdayMode::Bare => bare,
                WeekdayMode::This => (d - wd).rem_euclid(7),
                WeekdayMode::Last => -((wd - d - 1).rem_euclid(7) + 1),
                WeekdayMode::AfterNext => bare + 7,
                WeekdayMode::OfWeek(k) => d - wd + 7 * i64::from(k),
                WeekdayMode::Counted(n) if n > 0 => bare + 7 * (i64::from(n) - 1),
                WeekdayMode::Counted(n) => -((wd - d - 1).rem_euclid(7) + 1) - 7 * (i64::from(-n) - 1),
            };
            let date = add_days(today, ahead)?;
            if notes.on() {
                let name = weekday_name(day).to_lowercase();
                let this = add_days(today, (d - wd).rem_euclid(7))?;
                let next_week = add_days(today, d - wd + 7)?;
                match mode {
                    WeekdayMode::OfWeek(1) if this != date => notes.add(|| {
                        format!(
                            "the {} of next week; say 'this {name}' for {}",
                            weekday_name(day),
                            day_name(this, today)
                        )
                    }),
                    WeekdayMode::Bare if next_week != date => notes.add(|| {
                        format!(
                            "the first {} after today; say 'next {name}' for {}, the {} of next week",
                            weekday_name(day),
                            day_name(next_week, today),
                            weekday_name(day)
                        )
                    }),
                    WeekdayMode::Bare if ahead == 7 => notes.add(|| {
                        format!("today is a {}, so a week from today; say 'today' for today", weekday_name(day))
                    }),
                    _ => {}
                }
            }
            Ok(date)
        }
        DateSpec::WeekStart(k) => add_days(today, 7 * i64::from(k) - wd),
        DateSpec::ThisWeek => {
            let last = last_work_day(ctx, add_days(today, -wd)?)?;
            let date = last.max(today);
            notes.add(|| format!("the last work day of this week, {}", day_name(date, today)));
            Ok(date)
        }
        DateSpec::Weekend(k) => {
            let saturday = add_days(today, 7 * i64::from(k) - wd + 5)?;
            // On the weekend itself, "this weekend" is today.
            Ok(if k == 0 && wd >= 5 { today } else { saturday })
        }
        DateSpec::EarlyNextWeek => add_days(today, 7 - wd),
        DateSpec::MonthStart(k) => add_months(today.first_of_month(), i64::from(k)),
        DateSpec::YearStart(k) => ymd(i64::from(today.year()) + i64::from(k), 1, 1).ok_or_else(out_of_range),
        DateSpec::QuarterStart(k) => quarter_start(today, i64::from(k)),
        DateSpec::Quarter { q, year } => {
            let month = i64::from(q) * 3 - 2;
            next_or_in_year(today, year, |y| ymd(y, month, 1)).ok_or_else(out_of_range)
        }
        DateSpec::Numeric { a, b, c } => numeric(a, b, c, ctx, notes),
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
        DateSpec::DayOf { day, month } => in_month(month, ctx, notes, |first| {
            ymd(first.year().into(), first.month().into(), i64::try_from(day).ok()?)
        })
        .ok_or_else(|| format!("that month has no day {day}")),
        DateSpec::NthWeekday { nth, day, month } => {
            let weekday = jiff::civil::Weekday::from_monday_zero_offset(day as i8).map_err(|e| e.to_string())?;
            in_month(month, ctx, notes, |first| first.nth_weekday_of_month(nth, weekday).ok())
                .ok_or_else(|| format!("that month has no such {weekday:?}"))
        }
        DateSpec::LastDay(month) => {
            in_month(month, ctx, notes, |first| Some(first.last_of_month())).ok_or_else(out_of_range)
        }
        DateSpec::Relative { amount, unit } => relative(today, amount, unit, ctx, notes),
        DateSpec::Holiday { holiday, year } => {
            next_or_in_year(today, year, |y| holiday::date_in(holiday, y.try_into().ok()?)).ok_or_else(out_of_range)
        }
        DateSpec::LaterThisWeek => {
            let monday = add_days(today, -wd)?;
            let last_work = last_work_day(ctx, monday)?;
            let tomorrow = add_days(today, 1)?;
            Ok(add_days(today, 2)?.min(last_work).max(tomorrow))
        }
        DateSpec::NextBusinessDay => step_business_day(ctx, today, true, notes),
        DateSpec::NthBusinessDay { nth, month } => in_month(month, ctx, notes, |first| nth_work_day(ctx, first, nth))
            .ok_or_else(|| {
                if nth < 0 {
                    "that month has no work day".to_string()
                } else {
                    format!("that month has no work day {nth}")
                }
            }),
        DateSpec::Season { season, offset } => season_start(season, offset, ctx, notes),
        DateSpec::InMonth { month, year, skip_current } => {
            let current = today.month() == month && year.is_none_or(|y| y == today.year());
            if current && !skip_current {
                notes.add(|| format!("it is {} now, so today", today.strftime("%B")));
                return Ok(today);
            }
            let month = i64::from(month);
            let first = match year {
                Some(y) => ymd(i64::from(y), month, 1),
                None => (0..3).filter_map(|k| ymd(i64::from(today.year()) + k, month, 1)).find(|d| *d > today),
            };
            first.ok_or_else(out_of_range)
        }
    }
}

/// The `nth` work day (from the end when negative) of the month starting on `first`.
fn nth_work_day(ctx: &Context, first: Date, nth: i8) -> Option<Date> {
    let days = first.days_in_month();
    let mut worked = (0..days).filter_map(|k| add_days(first, i64::from(k)).ok()).filter(|d| works(ctx, *d));
    match nth {
        n if n > 0 => worked.nth(usize::try_from(n - 1).ok()?),
        n => worked.rev().nth(usize::try_from(-i64::from(n) - 1).ok()?),
    }
}

/// The first day of a season (by month: spring is March to May north of the
/// equator, September to November south of it). "spring" and "this spring"
/// are the coming one, or today while it is spring; "next spring" the first
/// that has not begun; "last spring" the last that has ended.
fn season_start(season: Season, offset: i32, ctx: &Context, notes: &mut Notes) -> Result<Date, Reason> {
    let today = ctx.now.date();
    let zone = ctx.now.time_zone().iana_name().unwrap_or("UTC");
    let southern = super::locale::is_southern(zone);
    let month = match (season, southern) {
        (Season::Spring, false) | (Season::Autumn, true) => 3,
        (Season::Summer, false) | (Season::Winter, true) => 6,
        (Season::Autumn, false) | (Season::Spring, true) => 9,
        (Season::Winter, false) | (Season::Summer, true) => 12,
    };
    let year = i64::from(today.year());
    let starts: Vec<Date> = (year - 2..=year + 2).filter_map(|y| ymd(y, month, 1)).collect();
    let ends = |start: Date| add_months(start, 3);
    let current = starts.iter().copied().find(|start| *start <= today && ends(*start).is_ok_and(|end| today < end));
    let coming = starts.iter().copied().find(|start| *start > today).ok_or_else(out_of_range)?;
    let name = season_name(season);
    let hemisphere = if southern { "south" } else { "north" };
    let date = match (offset, current) {
        (0, Some(_)) => {
            notes.add(|| format!("it is {name} now, so today; say 'next {name}' for {}", day_name(coming, today)));
            today
        }
        (0 | 1, _) => coming,
        (_, _) => starts
            .iter()
            .copied()
            .rev()
            .find(|start| ends(*start).is_ok_and(|end| end <= today))
            .ok_or_else(out_of_range)?,
    };
    if date != today {
        notes.add(|| format!("the first day of {name} ({} of the equator), {}", hemisphere, day_name(date, today)));
    }
    Ok(date)
}

/// A season's name in a sentence.
fn season_name(season: Season) -> &'static str {
    match season {
        Season::Spring => "spring",
        Season::Summer => "summer",
        Season::Autumn => "autumn",
        Season::Winter => "winter",
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
/// month names roll forward (a month / a year) when the result is past;
/// "this month", said outright, stays (and the reading says it has passed).
fn in_month(month: MonthRef, ctx: &Context, notes: &mut Notes, f: impl Fn(Date) -> Option<Date>) -> Option<Date> {
    let today = ctx.now.date();
    let first = today.first_of_month();
    match month {
        MonthRef::Current => {
            let this = f(first);
            match this.filter(|d| *d >= today) {
                Some(d) => Some(d),
                None => {
                    let next = f(add_months(first, 1).ok()?)?;
                    if let Some(passed) = this {
                        notes.add(|| {
                            format!(
                                "{} has passed, so next month's: {}",
                                day_name(passed, today),
                                day_name(next, today)
                            )
                        });
                    }
                    Some(next)
                }
            }
        }
        MonthRef::This => {
            let day = f(first)?;
            if day < today {
                let next = add_months(first, 1).ok().and_then(&f);
                notes.add(|| match next {
                    Some(next) => format!(
                        "{} has passed: kept in this month as written; say 'next month' for {}",
                        day_name(day, today),
                        day_name(next, today)
                    ),
                    None => format!("{} has passed: kept in this month as written", day_name(day, today)),
                });
            }
            Some(day)
        }
        MonthRef::Offset(k) => f(add_months(first, k.into()).ok()?),
        MonthRef::Named { month, year } => next_or_in_year(today, year, |y| f(ymd(y, month.into(), 1)?)),
    }
}

fn relative(today: Date, amount: i64, unit: Unit, ctx: &Context, notes: &mut Notes) -> Result<Date, Reason> {
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
                day = step_business_day(ctx, day, amount > 0, notes)?;
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
