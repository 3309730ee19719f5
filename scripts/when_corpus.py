#!/usr/bin/env python3
"""Writes the categorised sections of crates/core/tests/data/when_corpus.tsv.

The phrases are written here by hand, as people put dates in emails and
notes to themselves; where one phrase is said several ways (with "at",
"around", "@", reordered, misspelt), each way is listed. The expected answer
of every line is computed here from the rules written at the top of
crates/core/src/when/mod.rs, with Python's own calendar and zone database,
not by running Tickler, so the corpus checks the code against the rules.

Usage: scripts/when_corpus.py > /tmp/sections.tsv   (then replace the
sections after "# === categories ===" in the corpus with the output).
"""

import datetime as dt
from zoneinfo import ZoneInfo

NY = "2026-11-24T10:15:00-05:00[America/New_York]"  # Tuesday morning, EST
LA = "2026-07-17T19:30:00-07:00[America/Los_Angeles]"  # Friday evening, PDT
CHI = "2026-05-06T15:40:00-05:00[America/Chicago]"  # Wednesday afternoon, CDT
LON = "2027-01-14T08:30:00+00:00[Europe/London]"  # Thursday morning in January, GMT
BER = "2026-06-13T11:00:00+02:00[Europe/Berlin]"  # Saturday late morning, CEST
SYD = "2026-10-02T09:05:00+10:00[Australia/Sydney]"  # Friday morning, AEST (DST from 4 Oct)
NOWS = [NY, LA, CHI, LON, BER, SYD]

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SHORT = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve"]

out = []


def now_of(now):
    stamp, zone = now.rstrip("]").split("[")
    return dt.datetime.fromisoformat(stamp).astimezone(ZoneInfo(zone)), ZoneInfo(zone)


def day(d):
    return d.strftime("%Y-%m-%d")


def moment(d):
    off = d.utcoffset()
    secs = int(off.total_seconds())
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{secs // 3600:02}:{secs % 3600 // 60:02}"


def at(date, minutes, zone):
    """`date` at `minutes` past its midnight (may pass 1440): a time in a
    spring-forward gap moves forward, a time in a fold is the earlier one."""
    date = date + dt.timedelta(days=minutes // 1440)
    minutes %= 1440
    naive = dt.datetime(date.year, date.month, date.day, minutes // 60, minutes % 60, tzinfo=zone)
    return naive.astimezone(dt.timezone.utc).astimezone(zone)


def time_alone(now, minutes, today_only=False):
    n, zone = now_of(now)
    candidate = at(n.date(), minutes, zone)
    if today_only or candidate > n:
        return candidate
    return at(n.date() + dt.timedelta(days=1), minutes, zone)


def weekday_bare(today, wd):
    return today + dt.timedelta(days=(wd - today.weekday() - 1) % 7 + 1)


def weekday_this(today, wd):
    return today + dt.timedelta(days=(wd - today.weekday()) % 7)


def weekday_of_week(today, wd, k):
    return today + dt.timedelta(days=wd - today.weekday() + 7 * k)


def weekday_last(today, wd):
    return today - dt.timedelta(days=(today.weekday() - wd - 1) % 7 + 1)


def add(case_now, phrase, expected):
    out.append(f"{case_now}\t{phrase}\t{expected}")


def category(name, about):
    out.append("")
    out.append(f"# category: {name} — {about}")


def bare_hour(h):
    return h + 12 if 1 <= h <= 7 else h


def in_period(h, period):
    """Hour as written (1-12, no am/pm) within a part of the day, in minutes."""
    if period in ("morning",):
        return (12 if h == 12 else h) * 60
    if period == "afternoon":
        return (12 if h == 12 else h + 12) * 60
    if period == "evening":
        return (24 if h == 12 else h + 12) * 60
    # night
    if h == 12:
        return 24 * 60
    if 1 <= h <= 5:
        return (24 + h) * 60
    return (h + 12) * 60


# --- fillers and hedges -----------------------------------------------------------------
category("fillers", "hedges and fillers around a clock time change nothing")
for now in [NY, LA, CHI, LON]:
    for h, text in [(16, "4pm"), (9, "9am"), (17, "5 pm"), (11, "11am"), (15, "3:00pm")]:
        expected = moment(time_alone(now, h * 60))
        for form in ["{t}", "at {t}", "around {t}", "about {t}", "at about {t}", "at around {t}", "@ {t}",
                     "@{t}", "for {t}", "{t} roughly", "roughly {t}", "approximately {t}", "approx {t}",
                     "{t}-ish", "sometime around {t}", "circa {t}", "{t} or so", "say {t}"]:
            add(now, form.format(t=text), expected)
    for h in [4, 5, 6, 9, 10]:
        expected = moment(time_alone(now, bare_hour(h) * 60))
        for form in ["around {h}", "about {h}", "at {h}", "{h}ish", "{h}-ish", "at {h}ish", "@ {h}", "around {h} o'clock",
                     "{h} o'clock"]:
            add(now, form.format(h=h), expected)

# --- part of the day with a clock time ----------------------------------------------------
category("part-of-day", "a part of the day and a bare hour choose am/pm together, in either order")
for now in [NY, LA, CHI, LON, SYD]:
    n, zone = now_of(now)
    today = n.date()
    tomorrow = today + dt.timedelta(days=1)
    for period, hours in [("morning", [7, 8, 10, 11]), ("afternoon", [1, 2, 3, 4]), ("evening", [6, 7, 8, 9]),
                          ("night", [9, 10, 11])]:
        for h in hours:
            m = in_period(h, period)
            exp = moment(at(tomorrow, m, zone))
            add(now, f"tomorrow {period} at {h}", exp)
            add(now, f"tomorrow {period} {h}", exp)
            add(now, f"{h} tomorrow {period}", exp)
            add(now, f"at {h} tomorrow {period}", exp)
            add(now, f"tomorrow at {h} in the {period}", exp)
            add(now, f"around {h} tomorrow {period}", exp)
            this = "tonight" if period == "night" else f"this {period}"
            exp_today = moment(at(today, m, zone))
            add(now, f"{this} at {h}", exp_today)
            add(now, f"{h} {this}", exp_today)
            add(now, f"at {h} {this}", exp_today)
    for wd in [0, 2, 4, 6]:
        name = WEEKDAYS[wd]
        d = weekday_bare(today, wd)
        for period, h in [("morning", 10), ("afternoon", 3), ("evening", 7)]:
            m = in_period(h, period)
            exp = moment(at(d, m, zone))
            add(now, f"{name} {period} at {h}", exp)
            add(now, f"{h} on {name} {period}", exp)
            add(now, f"on {name} at {h} in the {period}", exp)
            add(now, f"{name.capitalize()} {period}, {h}ish", exp)
    add(now, "tomorrow morning at 3pm", "error")
    add(now, "this evening at 9am", "error")
    add(now, "tonight at 2pm", "error")
    add(now, "tomorrow afternoon at 8am", "error")
    add(now, "tomorrow morning at 11am", moment(at(tomorrow, 11 * 60, zone)))
    add(now, "tomorrow evening at 8pm", moment(at(tomorrow, 20 * 60, zone)))
    add(now, "tonight at 12", moment(at(today, 24 * 60, zone)))
    add(now, "tonight at 1am", moment(at(today, 25 * 60, zone)))
    add(now, "tomorrow night at 2", moment(at(tomorrow, 26 * 60, zone)))
    add(now, "tomorrow morning", moment(at(tomorrow, 9 * 60, zone)))
    add(now, "tomorrow evening", moment(at(tomorrow, 18 * 60, zone)))

# --- clock notations --------------------------------------------------------------------
category("clock-notation", "ways of writing a clock time: 8a, 4:45p, 16h45, at 11 45, 445 p.m., eleven fifteen am, half four")
notations = [
    ("8a", 8 * 60), ("8p", 20 * 60), ("8 a", None), ("4:45p", 16 * 60 + 45), ("4:45a", 4 * 60 + 45),
    ("11:30a", 11 * 60 + 30), ("16h45", 16 * 60 + 45), ("9h30", 9 * 60 + 30), ("at 16h", 16 * 60),
    ("at 11 45", 11 * 60 + 45), ("at 9 15", 9 * 60 + 15), ("445 p.m.", 16 * 60 + 45), ("445pm", 16 * 60 + 45),
    ("1130 am", 11 * 60 + 30), ("at 1630", 16 * 60 + 30), ("at 0930", 9 * 60 + 30), ("4:45 p m", 16 * 60 + 45),
    ("4:45 p.m.", 16 * 60 + 45), ("4:45 P.M.", 16 * 60 + 45), ("4.45pm", 16 * 60 + 45), ("at 9.30", 9 * 60 + 30),
    ("eleven fifteen am", 11 * 60 + 15), ("six forty p.m.", 18 * 60 + 40), ("six forty five pm", 18 * 60 + 45),
    ("nine thirty am", 9 * 60 + 30), ("two twenty pm", 14 * 60 + 20), ("at ten thirty", 10 * 60 + 30),
    ("half four", 16 * 60 + 30), ("half 9", 9 * 60 + 30), ("half past four", 16 * 60 + 30),
    ("quarter past 10", 10 * 60 + 15), ("a quarter to five", 16 * 60 + 45), ("ten to six", 17 * 60 + 50),
    ("twenty past nine", 9 * 60 + 20), ("5 past 8", 8 * 60 + 5), ("twelve noon", 12 * 60), ("12 noon", 12 * 60),
    ("noon", 12 * 60), ("midday", 12 * 60), ("12 midnight", 24 * 60), ("3 o'clock", 15 * 60),
    ("three o'clock", 15 * 60), ("8 oclock", 8 * 60), ("at 7", 19 * 60), ("at 8", 8 * 60), ("at 12", 12 * 60),
    ("9 in the morning", 9 * 60), ("3 in the afternoon", 15 * 60), ("8 in the evening", 20 * 60),
    ("10 at night", 22 * 60), ("7am", 7 * 60), ("7 AM", 7 * 60), ("19:00", 19 * 60), ("07:30", 7 * 60 + 30),
    ("7:30", 19 * 60 + 30), ("0800", None), ("25:00", None), ("13pm", None), ("at 11 75", None), ("16h75", None),
]
for now in [NY, CHI, LON]:
    n, zone = now_of(now)
    tomorrow = n.date() + dt.timedelta(days=1)
    for text, minutes in notations:
        if minutes is None:
            add(now, text, "error")
            add(now, f"tomorrow {text}", "error")
            continue
        add(now, text, moment(time_alone(now, minutes)))
        add(now, f"tomorrow {text}", moment(at(tomorrow, minutes, zone)))
        add(now, f"{text} tomorrow", moment(at(tomorrow, minutes, zone)))

# --- short units and fractions ----------------------------------------------------------------
category("short-units", "fractions, short units and spoken amounts of time from now")
spans = [
    ("in 1/2 hr", 30), ("in 1/2 an hour", 30), ("in half an hour", 30), ("in half hour", 30), ("in a half hour", 30),
    ("in quarter of an hour", 15), ("in a quarter of an hour", 15), ("in a quarter hour", 15),
    ("in three quarters of an hour", 45), ("in 3/4 hr", 45), ("in 2h", 120), ("in 2 h", 120), ("in 2hrs", 120),
    ("in 2 hrs", 120), ("in 90 mins", 90), ("in 90min", 90), ("in 45m", 45), ("in 10 min", 10), ("in few minutes", 3),
    ("in a few minutes", 3), ("in a couple of hours", 120), ("in a couple hours", 120), ("in couple of minutes", 2),
    ("two and a half hours", 150), ("in two and a half hours", 150), ("in 2 and a half hours", 150),
    ("an hour and a half", 90), ("in an hour and a half", 90), ("in 1.5 hours", 90), ("in 2.5 hrs", 150),
    ("1 hour 30 minutes", 90), ("in 1 hour and 30 minutes", 90), ("in 2 hours 15 minutes", 135),
    ("in 5 more minutes", 5), ("in 20 more mins", 20), ("10 minutes from now", 10), ("an hour from now", 60),
    ("in an hour", 60), ("in 1 hour", 60), ("in one hour", 60), ("in twenty minutes", 20),
    ("in twenty five minutes", 25), ("in 5 minutes from now", 5), ("half an hour from now", 30),
    ("straight away", 0), ("right away", 0), ("right now", 0), ("now", 0), ("asap", 0), ("immediately", 0),
    ("in 30 seconds", 0.5), ("3 hours ago", -180), ("half an hour ago", -30), ("an hour ago", -60),
]
for now in [NY, LA, LON, SYD]:
    n, zone = now_of(now)
    for text, minutes in spans:
        add(now, text, moment((n.astimezone(dt.timezone.utc) + dt.timedelta(minutes=minutes)).astimezone(zone)))
    today = n.date()
    for k in [1, 2, 3, 10]:
        add(now, f"in {k} more days", day(today + dt.timedelta(days=k)))
        add(now, f"in {k}d", day(today + dt.timedelta(days=k)))
        add(now, f"{k} days from today", day(today + dt.timedelta(days=k)))
    add(now, "in 2.5 days", "error")
    add(now, "in 1/2 day", "error")
    add(now, "in few", "error")
    add(now, "in a", "error")

# --- counted weekdays ---------------------------------------------------------------------------
category("counted-weekdays", "the Nth weekday from now or ago")
for now in [NY, LA, CHI, BER]:
    n, _ = now_of(now)
    today = n.date()
    for wd in range(7):
        name = WEEKDAYS[wd]
        for k, word in [(1, "one"), (2, "two"), (3, "3"), (4, "four")]:
            plural = name + "s" if k > 1 else name
            ahead = weekday_bare(today, wd) + dt.timedelta(days=7 * (k - 1))
            back = weekday_last(today, wd) - dt.timedelta(days=7 * (k - 1))
            add(now, f"{word} {plural} from now", day(ahead))
            add(now, f"{word} {plural} ago", day(back))
        add(now, f"2 {name}s from today", day(weekday_bare(today, wd) + dt.timedelta(days=7)))
    add(now, "0 mondays from now", "error")
    add(now, "2 fridays", "error")

# --- ordinal weekdays of a month -------------------------------------------------------------------
category("month-ordinals", "the nth weekday of this/the/next month: 'this month' stays even when passed")


def nth_weekday(year, month, n, wd):
    if n > 0:
        first = dt.date(year, month, 1)
        d = first + dt.timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
        return d if d.month == month else None
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - wd) % 7)


def month_add(d, k):
    index = d.year * 12 + d.month - 1 + k
    return index // 12, index % 12 + 1


for now in [NY, LA, CHI, LON, BER, SYD]:
    n, _ = now_of(now)
    today = n.date()
    for nth, word in [(1, "first"), (2, "second"), (3, "third"), (-1, "last")]:
        for wd in [0, 2, 4]:
            name = WEEKDAYS[wd]
            this = nth_weekday(today.year, today.month, nth, wd)
            add(now, f"the {word} {name} of this month", day(this))
            add(now, f"{word} {name} in this month", day(this))
            rolled = this if this >= today else nth_weekday(*month_add(today, 1), nth, wd)
            add(now, f"the {word} {name} of the month", day(rolled))
            add(now, f"{word} {name} of next month", day(nth_weekday(*month_add(today, 1), nth, wd)))
            add(now, f"the {word} {name} of last month", day(nth_weekday(*month_add(today, -1), nth, wd)))
    y, m = month_add(today, 1)
    add(now, "the 15 of next month", day(dt.date(y, m, 15)))
    add(now, "the 15th of next month", day(dt.date(y, m, 15)))
    add(now, "15th of next month", day(dt.date(y, m, 15)))
    add(now, "the 1st of next month", day(dt.date(y, m, 1)))
    add(now, "last day of next month", day(dt.date(*month_add(today, 2), 1) - dt.timedelta(days=1)))
    add(now, "last day in march 2027", "2027-03-31")
    add(now, "the last day of february 2028", "2028-02-29")
    add(now, "fifth monday of february 2027", "error")

# --- weekday beside a date -----------------------------------------------------------------------
category("weekday-and-date", "a weekday written beside a date must agree with it")
for now in [NY, LA, LON, BER]:
    n, _ = now_of(now)
    today = n.date()
    for offset in [3, 9, 20, 40, 75]:
        d = today + dt.timedelta(days=offset)
        wd = d.weekday()
        mon = d.strftime("%b")
        wrong = (wd + 2) % 7
        add(now, f"{WEEKDAYS[wd].capitalize()} {mon} {d.day}", day(d))
        add(now, f"{SHORT[wd].capitalize()}, {mon} {d.day}", day(d))
        add(now, f"{mon} {d.day}, {SHORT[wd].capitalize()}", day(d))
        add(now, f"{WEEKDAYS[wd]} {d.day} {MONTHS[d.month - 1]}", day(d))
        add(now, f"{WEEKDAYS[wd]} the {d.day}{'th' if 10 <= d.day % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(d.day % 10, 'th')} of {MONTHS[d.month - 1]}", day(d))
        add(now, f"{WEEKDAYS[wrong]} {mon} {d.day}", "error")
        add(now, f"{mon} {d.day}, {SHORT[wrong]}", "error")
        add(now, f"{WEEKDAYS[wd]} {mon} {d.day} at 3pm", moment(at(d, 15 * 60, now_of(now)[1])))
    # "Friday the 22nd": the next 22nd that is a Friday.
    for wd, dom in [(4, 22), (4, 13), (0, 1), (2, 15)]:
        d = today
        while not (d.day == dom and d.weekday() == wd):
            d += dt.timedelta(days=1)
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(dom % 10, "th") if not 10 <= dom <= 20 else "th"
        add(now, f"{WEEKDAYS[wd].capitalize()} the {dom}{suffix}", day(d))
    tomorrow = today + dt.timedelta(days=1)
    add(now, f"tomorrow, {WEEKDAYS[tomorrow.weekday()]}", day(tomorrow))
    add(now, f"tomorrow {WEEKDAYS[(tomorrow.weekday() + 1) % 7]}", "error")

# --- anchors ---------------------------------------------------------------------------------------------
category("anchors", "offsets counted from a named day or time")


def thanksgiving(year):
    return nth_weekday(year, 11, 4, 3)


for now in [NY, LA, CHI, LON]:
    n, zone = now_of(now)
    today = n.date()
    tg = thanksgiving(today.year)
    if tg < today:
        tg = thanksgiving(today.year + 1)
    xmas = dt.date(today.year, 12, 25)
    if xmas < today:
        xmas = dt.date(today.year + 1, 12, 25)
    for k, word in [(1, "one"), (2, "two"), (3, "3")]:
        add(now, f"{word} days after thanksgiving", day(tg + dt.timedelta(days=k)))
        add(now, f"{word} days before christmas", day(xmas - dt.timedelta(days=k)))
        add(now, f"{word} weeks after christmas", day(xmas + dt.timedelta(days=7 * k)))
    add(now, "the day after thanksgiving", day(tg + dt.timedelta(days=1)))
    add(now, "the day before christmas", day(xmas - dt.timedelta(days=1)))
    tomorrow = today + dt.timedelta(days=1)
    add(now, "a week from tomorrow", day(tomorrow + dt.timedelta(days=7)))
    add(now, "two weeks from tomorrow", day(tomorrow + dt.timedelta(days=14)))
    add(now, "3 days from tomorrow", day(tomorrow + dt.timedelta(days=3)))
    for wd in [0, 4]:
        base = weekday_bare(today, wd)
        add(now, f"a week from {WEEKDAYS[wd]}", day(base + dt.timedelta(days=7)))
        add(now, f"2 days after {WEEKDAYS[wd]}", day(base + dt.timedelta(days=2)))
        add(now, f"the day before {WEEKDAYS[wd]}", day(base - dt.timedelta(days=1)))
    for base_text, minutes in [("2pm", 14 * 60), ("noon", 12 * 60), ("9am", 9 * 60), ("3:30pm", 15 * 60 + 30)]:
        base = time_alone(now, minutes)
        for k, text in [(20, "20 minutes"), (90, "90 minutes"), (60, "an hour"), (120, "2 hours"), (30, "half an hour")]:
            add(now, f"{text} from {base_text}", moment((base.astimezone(dt.timezone.utc) + dt.timedelta(minutes=k)).astimezone(zone)))
            if "minutes" in text and k < 60 and ":" not in base_text:
                # "20 minutes before 2pm" is the clock time 13:40, read as any time alone.
                add(now, f"{text} after {base_text}", moment(time_alone(now, minutes + k)))
                add(now, f"{text} before {base_text}", moment(time_alone(now, minutes - k)))
            else:
                add(now, f"{text} after {base_text}", moment((base.astimezone(dt.timezone.utc) + dt.timedelta(minutes=k)).astimezone(zone)))
                add(now, f"{text} before {base_text}", moment((base.astimezone(dt.timezone.utc) - dt.timedelta(minutes=k)).astimezone(zone)))
    tomorrow_noon = at(tomorrow, 12 * 60, zone)
    add(now, "2 hours before noon tomorrow", moment((tomorrow_noon.astimezone(dt.timezone.utc) - dt.timedelta(hours=2)).astimezone(zone)))
    add(now, "today in two hours", moment((n.astimezone(dt.timezone.utc) + dt.timedelta(hours=2)).astimezone(zone)))
    add(now, "today in 30 minutes", moment((n.astimezone(dt.timezone.utc) + dt.timedelta(minutes=30)).astimezone(zone)))
    add(now, "tomorrow in two hours", "error")
    last_week_monday = today - dt.timedelta(days=today.weekday() + 7)
    add(now, "monday from last week", day(last_week_monday))
    add(now, "friday from next week", day(today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=11)))
    add(now, "wednesday of next week", day(today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=9)))
    add(now, "2 hours after tomorrow", "error")
    add(now, "3 days after", "error")

# --- zones ------------------------------------------------------------------------------------------------
category("zone-abbreviations", "an abbreviation names a place; out of season it is read as that place's time")
for now in [NY, LON, LA]:
    n, zone = now_of(now)
    tomorrow = n.date() + dt.timedelta(days=1)
    for abbr, place in [("BST", "Europe/London"), ("GMT", "UTC"), ("EST", "America/New_York"),
                        ("EDT", "America/New_York"), ("PST", "America/Los_Angeles"), ("PDT", "America/Los_Angeles"),
                        ("CET", "Europe/Paris"), ("CEST", "Europe/Paris"), ("AEST", "Australia/Sydney"), ("UTC", "UTC")]:
        tz = ZoneInfo(place)
        for text, minutes in [("10 am", 600), ("3pm", 900), ("9:30", 570)]:
            when = at(tomorrow, minutes, tz)
            add(now, f"tomorrow {text} {abbr}", moment(when))
            add(now, f"{text} {abbr} tomorrow", moment(when))

# --- weeks and weekends -------------------------------------------------------------------------------------
category("weeks-and-weekends", "this week, next weekend, mid next week, early next week")
for now in [NY, LA, CHI, LON, BER, SYD]:
    n, _ = now_of(now)
    today = n.date()
    monday = today - dt.timedelta(days=today.weekday())
    friday = monday + dt.timedelta(days=4)
    add(now, "this week", day(max(friday, today)))
    add(now, "sometime this week", day(max(friday, today)))
    add(now, "next week", day(monday + dt.timedelta(days=7)))
    add(now, "early next week", day(monday + dt.timedelta(days=7)))
    add(now, "mid next week", day(monday + dt.timedelta(days=9)))
    add(now, "middle of next week", day(monday + dt.timedelta(days=9)))
    add(now, "mid-next week", day(monday + dt.timedelta(days=9)))
    add(now, "midweek", day(monday + dt.timedelta(days=2)))
    add(now, "mid week", day(monday + dt.timedelta(days=2)))
    saturday = monday + dt.timedelta(days=5)
    this_weekend = today if today.weekday() >= 5 else saturday
    add(now, "this weekend", day(this_weekend))
    add(now, "the weekend", day(this_weekend))
    add(now, "weekend", day(this_weekend))
    add(now, "next weekend", day(saturday + dt.timedelta(days=7)))
    add(now, "last weekend", day(saturday - dt.timedelta(days=7)))
    add(now, "a week from today", day(today + dt.timedelta(days=7)))
    add(now, "mid next month", day(dt.date(*month_add(today, 1), 15)))
    add(now, "mid march", day(dt.date(today.year + (today > dt.date(today.year, 3, 15)), 3, 15)))
    add(now, "next weekend at 10am", moment(at(saturday + dt.timedelta(days=7), 600, now_of(now)[1])))

# --- numeric dates in the account's order -----------------------------------------------------------------------
category("numeric-order", "numeric dates read month first in the US, day first in Europe and Australia")


def next_md(today, month, dom):
    for y in range(today.year, today.year + 9):
        try:
            d = dt.date(y, month, dom)
        except ValueError:
            continue
        if d >= today:
            return d
    return None


for now in [NY, LA, LON, BER, SYD]:
    n, _ = now_of(now)
    today = n.date()
    day_first = now in (LON, BER, SYD)
    for a, b in [(3, 4), (4, 3), (1, 2), (11, 12), (5, 6), (10, 2), (7, 8), (12, 1)]:
        month, dom = (b, a) if day_first else (a, b)
        add(now, f"{a}/{b}", day(next_md(today, month, dom)))
        add(now, f"{a}/{b}/2027", day(dt.date(2027, month, dom)))
        add(now, f"{a}/{b}/27", day(dt.date(2027, month, dom)))
        add(now, f"on {a}/{b}/2028", day(dt.date(2028, month, dom)))
        add(now, f"{a:02}.{b:02}.2027", day(dt.date(2027, month, dom)))
        add(now, f"{a:02}-{b:02}-2027", day(dt.date(2027, month, dom)))
    for a, b in [(13, 4), (25, 12), (31, 1)]:
        add(now, f"{a}/{b}/2027", day(dt.date(2027, b, a)))
        add(now, f"{b}/{a}/2027", day(dt.date(2027, b, a)))
    add(now, "2027/03/15", "2027-03-15")
    add(now, "2027-03-15", "2027-03-15")
    add(now, "13/13/2027", "error")
    add(now, "31/31", "error")
    add(now, "0/5/2027", "error")

# --- days off in business-day arithmetic ------------------------------------------------------------------------
category("days-off", "public holidays of the zone's country are skipped when counting work days")
for now, rows in [
    ("2026-11-25T09:00:00-05:00[America/New_York]", [("next business day", "2026-11-27"), ("in 1 business day", "2026-11-27"),
                                                    ("in 2 business days", "2026-11-30"), ("in 5 working days", "2026-12-03"),
                                                    ("3 business days ago", "2026-11-20"), ("eod", "2026-11-25T17:00:00-05:00")]),
    ("2026-12-24T18:00:00-05:00[America/New_York]", [("next business day", "2026-12-28"), ("eod", "2026-12-28T17:00:00-05:00"),
                                                    ("end of day", "2026-12-28T17:00:00-05:00"), ("in 2 business days", "2026-12-29")]),
    ("2026-07-02T12:00:00-07:00[America/Los_Angeles]", [("next business day", "2026-07-06"), ("in 3 business days", "2026-07-08")]),
    ("2027-01-15T10:00:00-06:00[America/Chicago]", [("next business day", "2027-01-19"), ("in 2 workdays", "2027-01-20")]),
    ("2026-04-02T10:00:00+01:00[Europe/London]", [("next business day", "2026-04-07"), ("in 2 business days", "2026-04-08"),
                                               ("end of week", "2026-04-02T17:00:00+01:00")]),
    ("2026-12-24T10:00:00+00:00[Europe/London]", [("next business day", "2026-12-29"), ("in 3 working days", "2026-12-31")]),
    ("2026-08-28T10:00:00+01:00[Europe/London]", [("next business day", "2026-09-01")]),
    ("2026-11-25T09:00:00+01:00[Europe/Berlin]", [("next business day", "2026-11-26"), ("in 2 business days", "2026-11-27")]),
    ("2026-12-24T10:00:00+01:00[Europe/Berlin]", [("next business day", "2026-12-25")]),
]:
    for phrase, expected in rows:
        add(now, phrase, expected)

# --- misspellings -------------------------------------------------------------------------------------------------
category("typos", "misspelt and shorthand words read as the word they misspell; words of their own are not guessed")
for now in [NY, LA, LON]:
    n, zone = now_of(now)
    today = n.date()
    tomorrow = today + dt.timedelta(days=1)
    for typo in ["tomorow", "tommorow", "tommorrow", "tomorrrow", "tmrw", "tmr", "2morrow", "2moro", "tomrrow", "tomorro"]:
        add(now, typo, day(tomorrow))
        add(now, f"{typo} at 3pm", moment(at(tomorrow, 900, zone)))
    for wd, typos in [(2, ["wendesday", "wensday", "wedensday", "wednsday"]), (3, ["thrusday", "thursay", "thurdsay", "thurday"]),
                      (1, ["teusday", "tuesdy", "tusday"]), (4, ["firday", "fridy", "friady"]), (5, ["saturady", "satruday", "saterday"]),
                      (6, ["sundy", "sundya"]), (0, ["mondya", "monady"])]:
        for typo in typos:
            add(now, typo, day(weekday_bare(today, wd)))
            add(now, f"next {typo}", day(weekday_of_week(today, wd, 1)))
            add(now, f"nxt {typo}", day(weekday_of_week(today, wd, 1)))
    add(now, "nxt week", day(today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)))
    add(now, "in 3 weeeks", day(today + dt.timedelta(days=21)))
    add(now, "in 2 mintues", moment((n.astimezone(dt.timezone.utc) + dt.timedelta(minutes=2)).astimezone(zone)))
    add(now, "in 2 huors", moment((n.astimezone(dt.timezone.utc) + dt.timedelta(hours=2)).astimezone(zone)))
    add(now, "2day", day(today))
    add(now, "tonite at 9", moment(at(today, 21 * 60, zone)))
    for word in ["monkey", "jane", "late", "mondale", "thirsty", "sunday's", "tomorrows", "fry", "wedding", "marching"]:
        add(now, word, "error")
    add(now, "next monkey", "error")
    add(now, "see you jane 4", "error")

# --- errors that say why ------------------------------------------------------------------------------------------
category("errors", "phrases that cannot be read, each refused with a reason")
for now in [NY, LON]:
    for phrase in ["at", "tomorrow at", "@", "around", "in", "in days", "days", "next", "last", "this", "the",
                   "half past", "quarter to", "monday tuesday", "tomorrow yesterday", "3pm 4pm", "morning evening",
                   "in 3 days ago", "friday at 25", "at 13pm", "0am", "32nd", "february 30", "april 31 2027",
                   "in 3 fortnights and", "next blursday", "in 2 weeks 3 days", "tomorrow EST", "5pm Mars/Base",
                   "end of next day", "eod now", "now tomorrow", "3 days 4 days", "noon midnight", "q5", "in -2 days",
                   "!!!", "4 score and 7 years", "soon", "later", "whenever", "someday", "asap tomorrow",
                   "2 hours after friday", "the day after", "two fridays", "3 mondays", "in 2 mondays"]:
        add(now, phrase, "error")

print("\n".join(out))
