"""Read an iCalendar feed on stdin with the `icalendar` package and print
what the Rust test checks, as JSON: the calendar's properties and, per
VEVENT, its UID, SEQUENCE, summary, categories and whether DTSTART/DTEND
are DATE (all-day) or DATE-TIME values. With `--expand FROM TO` (ISO
dates), each event also lists the days it occurs on in [FROM, TO) as
`recurring-ical-events` expands its recurrence rule, the way calendar apps do.

It fails (non-zero exit) when the feed does not parse or breaks a rule
icalendar knows (a VEVENT without UID or DTSTAMP, DTEND before DTSTART).
"""

import datetime
import json
import sys

import icalendar
import recurring_ical_events


def kind(value):
    if value is None:
        return None
    value = value.dt
    if isinstance(value, datetime.datetime):
        return "date-time" if value.tzinfo is not None else "floating"
    if isinstance(value, datetime.date):
        return "date"
    return type(value).__name__


def main():
    text = sys.stdin.buffer.read()
    calendar = icalendar.Calendar.from_ical(text)
    if calendar.name != "VCALENDAR":
        sys.exit(f"top component is {calendar.name}, not VCALENDAR")
    events = []
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            if required not in event:
                sys.exit(f"a VEVENT has no {required}: {event.to_ical()!r}")
        start, end = event.get("DTSTART"), event.get("DTEND")
        if end is not None and kind(start) != kind(end):
            sys.exit(f"DTSTART and DTEND differ in kind in {event['UID']}")
        if end is not None and end.dt <= start.dt:
            sys.exit(f"DTEND is not after DTSTART in {event['UID']}")
        categories = event.get("CATEGORIES")
        events.append({
            "uid": str(event["UID"]),
            "sequence": int(event.get("SEQUENCE", 0)),
            "summary": str(event.get("SUMMARY", "")),
            "categories": [str(c) for c in categories.cats] if categories is not None else [],
            "start_kind": kind(start),
            "start": start.dt.isoformat(),
            "end_kind": kind(end),
            "rrule": event.get("RRULE").to_ical().decode() if event.get("RRULE") is not None else None,
        })
    if len(sys.argv) == 4 and sys.argv[1] == "--expand":
        start, end = (datetime.date.fromisoformat(day) for day in sys.argv[2:4])
        days = {}
        for occurrence in recurring_ical_events.of(calendar).between(start, end):
            value = occurrence["DTSTART"].dt
            day = value.date() if isinstance(value, datetime.datetime) else value
            days.setdefault(str(occurrence["UID"]), []).append(day.isoformat())
        for event in events:
            event["occurs"] = sorted(days.get(event["uid"], []))
    print(json.dumps({
        "version": str(calendar.get("VERSION", "")),
        "prodid": str(calendar.get("PRODID", "")),
        "events": events,
    }))


if __name__ == "__main__":
    main()
