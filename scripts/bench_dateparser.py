#!/usr/bin/env python3
"""The reference for `bench-when`: Python's dateparser on the same phrase corpus.

Usage: bench_dateparser.py CORPUS [--min-seconds 1.0]

Each phrase is parsed relative to its line's `now` (naive local time) in the
line's zone, preferring future dates, answers returned zone-aware in that
zone. One `DateDataParser` per distinct (now, zone) is built before the clock
starts, with languages=['en'] (the corpus is English): both spare dateparser
work that `dateparser.parse(phrase, settings=...)` would redo on each call.

Accuracy rule (the same for every line):
  * expected `error`: right when dateparser returns nothing;
  * expected `YYYY-MM-DD` (a day): right when the answer falls on that date in
    the line's zone;
  * expected `YYYY-MM-DDTHH:MM:SS+HH:MM` (a moment): right when the answer,
    seen at the expected offset, shows the same local date and time to the
    minute (i.e. the same instant to the minute).

Prints one JSON document on standard output.
"""

import datetime
import json
import sys
import time
import warnings

import dateparser
from dateparser.date import DateDataParser

warnings.filterwarnings("ignore")


def read_corpus(path):
    cases = []
    category = "core"
    with open(path, encoding="utf-8") as corpus:
        for number, line in enumerate(corpus, start=1):
            line = line.rstrip("\n")
            if line.startswith("# category: "):
                category = line[len("# category: "):].split(" — ")[0].strip()
                continue
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != 3:
                raise SystemExit(f"corpus line {number}: need 3 tab-separated fields: {line!r}")
            now, phrase, expected = fields
            stamp, zone = now.rstrip("]").split("[")
            local = datetime.datetime.fromisoformat(stamp).replace(tzinfo=None)
            cases.append({"line": number, "local": local, "zone": zone, "phrase": phrase, "expected": expected,
                          "category": category})
    return cases


def parser_for(local, zone):
    settings = {
        "RELATIVE_BASE": local,
        "TIMEZONE": zone,
        "TO_TIMEZONE": zone,
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    return DateDataParser(languages=["en"], settings=settings)


def parse(parser, phrase):
    try:
        return parser.get_date_data(phrase).date_obj
    except Exception:  # dateparser raises on some inputs; that is "no answer"
        return None


def is_right(answer, case):
    expected = case["expected"]
    if expected == "error":
        return answer is None
    if answer is None:
        return False
    if answer.tzinfo is None:  # not expected with RETURN_AS_TIMEZONE_AWARE, but be safe
        from zoneinfo import ZoneInfo

        answer = answer.replace(tzinfo=ZoneInfo(case["zone"]))
    if "T" not in expected:
        return answer.date().isoformat() == expected
    want = datetime.datetime.fromisoformat(expected)
    seen = answer.astimezone(want.tzinfo)
    return seen.replace(second=0, microsecond=0, tzinfo=None) == want.replace(second=0, microsecond=0, tzinfo=None)


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    path = args[0]
    min_seconds = float(args[args.index("--min-seconds") + 1]) if "--min-seconds" in args else 1.0
    cases = read_corpus(path)
    parsers = {}
    for case in cases:
        key = (case["local"], case["zone"])
        if key not in parsers:
            parsers[key] = parser_for(*key)
    work = [(parsers[(case["local"], case["zone"])], case["phrase"]) for case in cases]

    # The accuracy pass doubles as the warm-up (dateparser loads its data lazily).
    correct = 0
    misses = []
    categories = []
    for case, (parser, phrase) in zip(cases, work):
        answer = parse(parser, phrase)
        if not categories or categories[-1][0] != case["category"]:
            categories.append([case["category"], 0, 0])
        categories[-1][1] += 1
        if is_right(answer, case):
            categories[-1][2] += 1
            correct += 1
        elif len(misses) < 10:
            shown = answer.isoformat() if answer is not None else "nothing"
            misses.append(f"line {case['line']}: {phrase!r}: expected {case['expected']}, got {shown}")
    print(f"  [bench] dateparser: {len(cases)} phrases, {correct} right by the accuracy rule", file=sys.stderr)

    passes = 0
    started = time.perf_counter()
    while passes == 0 or time.perf_counter() - started < min_seconds:
        for parser, phrase in work:
            parse(parser, phrase)
        passes += 1
    seconds = time.perf_counter() - started
    rate = passes * len(work) / seconds
    print(f"  [bench] dateparser: {rate:.0f} phrases/s over {passes} passes", file=sys.stderr)
    report = {
        "benchmark": "dateparser",
        "version": dateparser.__version__,
        "python": sys.version.split()[0],
        "phrases": len(cases),
        "passes": passes,
        "seconds": seconds,
        "phrases_per_second": rate,
        "correct": correct,
        "accuracy": correct / len(cases),
        "categories": categories,
        "misses": misses,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
