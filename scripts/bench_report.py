#!/usr/bin/env python3
"""Render the JSON results of scripts/bench as one table per benchmark.

Usage: bench_report.py RESULTS_DIR --markdown OUT.md [--mode full|quick]
                       [--command "scripts/bench"] [--seconds N]

Prints the tables (markdown, aligned for a terminal) on standard output and
writes them, with the machine notes and query plans, to OUT.md.
"""

import datetime
import json
import os
import platform
import subprocess
import sys

WHEN_TARGET = 1000.0  # Tickler phrases/s >= 1000x dateparser's
AGENDA_TARGET = 2.0  # today p99 <= 2x the bare query's p99
BULK_TARGET = 0.5  # import rows/s >= 0.5x the raw insert's
WEB_TARGET = 0.5  # agenda requests/s >= 0.5x the health endpoint's, with the response cache on
WEB_UNCACHED_TARGET = 0.3  # the same with the cache off (every request reads the database; issue 15)
RSS_TARGET_MB = 50.0  # tickler serve's resident memory, idle (after start and once the load is over)
IMPORT_TARGET = 0.5  # CSV import rows/s >= 0.5x the raw insert's
IMPORT_MEMORY_MB = 200.0  # the import process's peak resident memory
MAILBOX_TARGET = 0.5  # mailbox sync messages/s >= 0.5x a bare imaplib fetch's
MAILBOX_MEMORY_MB = 100.0  # `tickler mail check`'s peak resident memory on the same mailbox

BACKENDS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def load(directory, name):
    path = os.path.join(directory, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def number(value, digits=0):
    return f"{value:,.{digits}f}"


def verdict(met):
    return "met" if met else "**MISSED**"


def table(header, rows):
    """A markdown table padded so that it also reads well in a terminal."""
    cells = [header] + rows
    widths = [max(len(str(row[i])) for row in cells) for i in range(len(header))]

    def line(row):
        return "| " + " | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)) + " |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(header), separator] + [line(row) for row in rows])


def machine():
    def first(path, prefix):
        try:
            with open(path, encoding="utf-8") as file:
                for line in file:
                    if line.startswith(prefix):
                        return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip('"\n ')
        except OSError:
            pass
        return "unknown"

    memory = first("/proc/meminfo", "MemTotal")
    if memory != "unknown":
        memory = f"{int(memory.split()[0]) / 1024 / 1024:.0f} GiB"
    try:
        rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        rustc = "unknown"
    return {
        "cores": os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name"),
        "memory": memory,
        "os": first("/etc/os-release", "PRETTY_NAME="),
        "kernel": platform.release(),
        "rustc": rustc,
    }


def when_section(tickler, reference, chrono=None):
    if not tickler or not reference:
        return None, []
    ratio = tickler["phrases_per_second"] / reference["phrases_per_second"]
    peers = [(f"dateparser {reference['version']} (Python {reference['python']})", reference)]
    if chrono:
        peers.append((f"chrono-node {chrono['version']} (Node {chrono['node']})", chrono))
    rows = []
    for name, result in [("Tickler `when::resolve`", tickler)] + peers:
        rows.append([
            name,
            number(result["phrases_per_second"]),
            number(1e9 / result["phrases_per_second"]),
            f"{result['accuracy'] * 100:.1f}% ({result['correct']}/{result['phrases']})",
        ])
    text = [
        f"### 1. `when` parse rate and accuracy — {tickler['phrases']} corpus phrases",
        "",
        table(["parser", "phrases/s", "ns/phrase", "accuracy on the corpus"], rows),
        "",
        f"Tickler / dateparser: **{number(ratio)}×** (target ≥ {number(WHEN_TARGET)}×: {verdict(ratio >= WHEN_TARGET)}); "
        f"Tickler ≥ 1M phrases/s in process: {verdict(tickler['phrases_per_second'] >= 1e6)}",
    ]
    if tickler.get("categories"):
        by_name = [dict((c[0], c) for c in result.get("categories", [])) for _, result in peers]
        headers = ["category", "phrases", "Tickler"] + [name.split(" (")[0] for name, _ in peers]
        cat_rows = []
        for name, count, right in tickler["categories"]:
            row = [name, str(count), f"{right * 100 / count:.1f}%"]
            for peer in by_name:
                hit = peer.get(name)
                row.append(f"{hit[2] * 100 / hit[1]:.1f}%" if hit else "–")
            cat_rows.append(row)
        text += ["", "By category:", "", table(headers, cat_rows)]
    details = []
    for name, result in peers:
        if result["misses"]:
            details += [f"{name}'s first misses:", ""] + [f"- {miss}" for miss in result["misses"]] + [""]
    if tickler["misses"]:
        details += ["Tickler's first misses:", ""] + [f"- {miss}" for miss in tickler["misses"]] + [""]
    verdicts = [("when parse rate", ratio >= WHEN_TARGET), ("when >= 1M phrases/s", tickler["phrases_per_second"] >= 1e6)]
    return ("\n".join(text), verdicts), details


REPORTS_RATIO = 2.0  # each report's p99 <= 2x the bare SQL of its statements
REPORTS_MS = 300.0  # and under 300 ms


def reports_section(results):
    results = [result for result in results if result]
    if not results:
        return None, []
    first = results[0]
    rows = []
    met = []
    for result in results:
        for timing in result["reports"]:
            store, bare = timing["store"], timing["bare"]
            ok = timing["p99_ratio"] <= REPORTS_RATIO and store["p99_ms"] < REPORTS_MS
            met.append((f"report {timing['report']} on {BACKENDS[result['backend']]}", ok))
            rows.append(
                [
                    BACKENDS[result["backend"]],
                    timing["report"],
                    timing["rows"],
                    f"{store['median_ms']:.2f}",
                    f"{store['p99_ms']:.2f}",
                    f"{bare['median_ms']:.2f}",
                    f"{bare['p99_ms']:.2f}",
                    f"{timing['p99_ratio']:.2f}×",
                    verdict(ok),
                ]
            )
    text = [
        f"### 9. Reports — {number(first['contacts'])} contacts, {number(first['follow_ups'])} follow-ups, "
        f"{number(first['touches'])} touches; period {first['period']}; {first['reports'][0]['store']['runs']} runs each",
        "",
        table(
            [
                "backend",
                "report",
                "rows",
                "report median ms",
                "report p99 ms",
                "bare SQL median ms",
                "bare SQL p99 ms",
                "p99 ratio",
                f"target ≤ {REPORTS_RATIO:g}× and < {REPORTS_MS:g} ms",
            ],
            rows,
        ),
        "",
        "report = `app::reports::report` (period, weeks in the zone, the store's statements, figures decoded); "
        "bare SQL = the same statements through a native sqlx pool, `fetch_all`, no decoding; runs interleaved. "
        "The seeded book has no promises, plans or consent changes: those reports time their statements on empty tables.",
    ]
    return ("\n".join(text), met), []


def agenda_section(results):
    results = [result for result in results if result]
    if not results:
        return None, []
    first = results[0]
    rows = []
    met = []
    for result in results:
        store, bare = result["store"], result["bare"]
        ok = result["p99_ratio"] <= AGENDA_TARGET
        met.append((f"agenda on {BACKENDS[result['backend']]}", ok))
        rows.append(
            [
                BACKENDS[result["backend"]],
                result["rows_returned"],
                f"{store['median_ms']:.2f}",
                f"{store['p99_ms']:.2f}",
                f"{bare['median_ms']:.2f}",
                f"{bare['p99_ms']:.2f}",
                f"{result['p99_ratio']:.2f}×",
                verdict(ok),
            ]
        )
    text = [
        f"### 2. Agenda (`today`) — {number(first['contacts'])} contacts, {number(first['follow_ups'])} follow-ups "
        f"({number(first['open_follow_ups'])} open), {number(first['touches'])} touches; "
        f"{first['days']}-day window, limit {first['limit']}; {first['store']['runs']} runs each after warm-up",
        "",
        table(
            [
                "backend",
                "rows",
                "today median ms",
                "today p99 ms",
                "bare SQL median ms",
                "bare SQL p99 ms",
                "p99 ratio",
                f"target ≤ {AGENDA_TARGET:g}×",
            ],
            rows,
        ),
        "",
        "today = `Store::agenda` + `agenda::bucket` per row; bare SQL = the same query through a native sqlx pool, "
        "`fetch_all`, no decoding; runs interleaved.",
    ]
    details = []
    for result in results:
        details += [
            f"{BACKENDS[result['backend']]} ({result['database_version']}) plan for the agenda query:",
            "",
            "```",
            *result["plan"],
            "```",
            "",
        ]
    return ("\n".join(text), met), details


def bulk_section(results):
    results = [result for result in results if result]
    if not results:
        return None, []
    rows = []
    met = []
    notes = []
    for result in results:
        ok = result["ratio"] >= BULK_TARGET
        met.append((f"bulk on {BACKENDS[result['backend']]}", ok))
        placeholders = "`?`" if result["raw_placeholders"] == "anonymous" else "`$N`"
        rows.append(
            [
                BACKENDS[result["backend"]],
                number(result["rows"]),
                number(result["store_rows_per_second"]),
                f"{number(result['raw_rows_per_second'])} ({placeholders})",
                f"{result['ratio']:.2f}×",
                verdict(ok),
            ]
        )
        diagnosis = {run["path"]: run for run in result.get("diagnosis") or []}
        if {"raw-numbered", "any-anonymous", "raw"} <= diagnosis.keys():
            base = diagnosis["raw"]["rows_per_second"]
            notes.append(
                f"Why the store writes `?` on SQLite ({number(diagnosis['raw']['rows'])}-row sample): the raw insert "
                f"with `?` {number(base)} rows/s; the same with numbered `$N` placeholders "
                f"{number(diagnosis['raw-numbered']['rows_per_second'])} rows/s "
                f"({diagnosis['raw-numbered']['rows_per_second'] / base:.2f}×: SQLite looks each named "
                f"parameter up linearly); through the store's `Any` pool with `?` "
                f"{number(diagnosis['any-anonymous']['rows_per_second'])} rows/s "
                f"({diagnosis['any-anonymous']['rows_per_second'] / base:.2f}×)."
            )
    text = [
        f"### 3. Bulk creation — follow-ups in one transaction, {results[0]['batch']}-row multi-row INSERTs, "
        f"{number(results[0]['contacts'])} contacts",
        "",
        table(
            ["backend", "rows", "import_follow_ups rows/s", "raw insert rows/s", "ratio", f"target ≥ {BULK_TARGET:g}×"],
            rows,
        ),
        "",
        "raw insert = the same column values, prepared beforehand, through a native sqlx pool with the backend's "
        "natural placeholders; `follow_ups` emptied and the log checkpointed before each run.",
    ]
    if notes:
        text += [""] + notes
    details = []
    for result in results:
        runs = ", ".join(f"{run['path']} {number(run['rows_per_second'])}/s" for run in result["runs"])
        details.append(f"- {BACKENDS[result['backend']]} ({result['database_version']}) runs in order: {runs}")
    return ("\n".join(text), met), details + [""]


def import_section(results):
    results = [result for result in results if result]
    if not results:
        return None, []
    rows = []
    met = []
    for result in results:
        fast = result["ratio"] >= IMPORT_TARGET
        small = result["peak_rss_mb"] < IMPORT_MEMORY_MB
        met.append((f"import rate on {BACKENDS[result['backend']]}", fast))
        met.append((f"import memory on {BACKENDS[result['backend']]}", small))
        rows.append(
            [
                BACKENDS[result["backend"]],
                number(result["rows"]),
                number(result["import_rows_per_second"]),
                number(result["raw_rows_per_second"]),
                f"{result['ratio']:.2f}× ({verdict(fast)})",
                f"{result['peak_rss_mb']:.0f} MB ({verdict(small)})",
            ]
        )
    text = [
        f"### 7. CSV import — {number(results[0]['rows'])} contacts ({results[0]['csv_megabytes']:.0f} MB CSV) "
        "through `tickler import`",
        "",
        table(
            [
                "backend",
                "rows",
                "import rows/s",
                "raw insert rows/s",
                f"ratio (target ≥ {IMPORT_TARGET:g}×)",
                f"import peak memory (target < {IMPORT_MEMORY_MB:g} MB)",
            ],
            rows,
        ),
        "",
        "import = the `tickler import FILE` process end to end (read, check, match duplicates, write in transactions "
        "of 5,000 rows), its peak resident memory polled from /proc; raw insert = the same stored rows (contacts, "
        "emails, phones, tags), prepared beforehand, in one transaction through a native sqlx pool.",
    ]
    details = []
    for result in results:
        runs = ", ".join(f"{run['path']} {number(run['rows_per_second'])}/s" for run in result["runs"])
        details.append(f"- import on {BACKENDS[result['backend']]} ({result['database_version']}) runs in order: {runs}")
    return ("\n".join(text), met), details + [""]


def web_target(result):
    """The agenda's target ratio: uncached runs (cache_ms 0) are held to issue 15's."""
    return WEB_UNCACHED_TARGET if result.get("cache_ms", 1000) == 0 else WEB_TARGET


def sql_alone(result):
    """The agenda's SQL alone, and its ratio over /health, when the run measured it."""
    alone = result.get("sql_alone")
    if not alone:
        return "not measured"
    return f"{number(alone['queries_per_second'])} ({result['sql_alone_ratio']:.3f}×, {alone['clients']} clients)"


def web_section(results):
    results = [result for result in results if result]
    if not results:
        return None, []
    first = results[0]
    rows = []
    memory = []
    met = []
    for result in results:
        name = BACKENDS[result["backend"]]
        agenda, health = result["agenda"], result["health"]
        target = web_target(result)
        ok = result["ratio"] >= target
        met.append((f"web agenda throughput on {name}", ok))
        rows.append(
            [
                name,
                number(agenda["requests_per_second"]),
                f"{agenda['p50_ms']:.2f} / {agenda['p99_ms']:.2f}",
                number(health["requests_per_second"]),
                f"{health['p50_ms']:.2f} / {health['p99_ms']:.2f}",
                f"{result['ratio']:.3f}×",
                f"≥ {target:g}×: {verdict(ok)}",
                sql_alone(result),
            ]
        )
        idle, after = result["rss_idle_mb"], result["rss_after_load_mb"]
        memory_ok = idle < RSS_TARGET_MB
        met.append((f"web memory on {name}", memory_ok))
        memory.append([name, f"{idle:.1f}", f"{after:.1f}", f"{result['rss_peak_mb']:.1f}", verdict(memory_ok)])
    text = [
        f"### 4. Web — `GET {first['agenda_path']}` beside `GET /health`; {number(first['contacts'])} contacts, "
        f"{number(first['follow_ups'])} follow-ups ({number(first['open_follow_ups'])} open), "
        f"{number(first['touches'])} touches; {first['connections']} connections ({first['wrk_version']}, "
        f"{first['threads']} threads on the same machine), best of {first['rounds']} × {first['seconds']} s "
        "per endpoint",
        "",
        table(
            [
                "backend",
                "agenda req/s",
                "agenda p50 / p99 ms",
                "health req/s",
                "health p50 / p99 ms",
                "ratio",
                "target (cache on / off)",
                "the agenda's SQL alone /s (its ratio)",
            ],
            rows,
        ),
        "",
        table(
            [
                "backend",
                "RSS idle after start MiB",
                "RSS idle after the load MiB",
                "peak MiB",
                f"target < {RSS_TARGET_MB:g} MB idle",
            ],
            memory,
        ),
        "",
        f"Each agenda response: {first['rows_returned']} items, {number(first['agenda_bytes'])} bytes, bearer token "
        "(the server reuses a token lookup and an agenda response for up to cache_ms, 1 s by default, and drops them on any write); rounds alternate which endpoint "
        "goes first, after a warm-up of each. The agenda's SQL alone: the statement the server runs, for "
        "each account in turn, with no HTTP, JSON or token around it, on every core once the servers are gone "
        "(rusqlite on SQLite, `pgbench -M prepared` on PostgreSQL), its ratio over the same `/health`: "
        "no server on this machine can serve the agenda faster than its database answers it.",
    ]
    details = []
    for result in results:
        runs = ", ".join(
            f"{run['endpoint']} {number(run['requests_per_second'])}/s (p99 {run['p99_ms']:.2f} ms"
            + (f", {run['socket_errors']} socket errors" if run["socket_errors"] else "")
            + ")"
            for run in result["runs"]
        )
        details.append(f"- web on {BACKENDS[result['backend']]} ({result['database_version']}) runs in order: {runs}")
    return ("\n".join(text), met), details + [""]


def mailbox_section(results):
    results = [result for result in results if result]
    if not results:
        return None, []
    first = results[0]
    rows = []
    met = []
    for result in results:
        name = BACKENDS[result["backend"]]
        reference = result["reference"]
        fast = result["ratio"] >= MAILBOX_TARGET
        small = result["cli_peak_rss_mb"] < MAILBOX_MEMORY_MB
        met.append((f"mailbox sync rate on {name}", fast))
        met.append((f"mailbox check memory on {name}", small))
        rows.append(
            [
                name,
                number(result["messages"]),
                f"{result['tickler_seconds']:.2f}",
                number(result["tickler_per_second"]),
                f"{reference['seconds']:.2f}",
                number(reference["messages_per_second"]),
                f"{result['ratio']:.2f}× ({verdict(fast)})",
                number(result["touches"]),
                f"{result['again_seconds'] * 1000:.0f} ms ({result['again_read']} read)",
                f"{result['cli_peak_rss_mb']:.0f} MB ({verdict(small)})",
            ]
        )
    text = [
        f"### 8. Mailbox sync — {number(first['inbox'])} INBOX + {number(first['sent_folder'])} Sent messages "
        f"(about {number(first['message_bytes'] / 1024, 1)} KB each) from Dovecot, {number(first['contacts'])} "
        f"contacts, batches of {first['batch']}",
        "",
        table(
            [
                "backend",
                "messages",
                "Tickler sync s",
                "messages/s",
                "imaplib s",
                "messages/s",
                f"ratio (target ≥ {MAILBOX_TARGET:g}×)",
                "touches",
                "second sync (no new UIDs)",
                f"`mail check` peak memory (target < {MAILBOX_MEMORY_MB:g} MB)",
            ],
            rows,
        ),
        "",
        f"Tickler = `mailbox::sync` from the start: log in, both folders read past the saved UID (search, fetch "
        f"the header and the first 32 KiB of the text, parse), each message handled into the record (contacts "
        f"looked up, touches recorded, bounces marked, strangers noted for review), the place saved per batch. "
        f"imaplib = {first['reference']['client']} fetching the same items in the same batches, not parsing them "
        f"(the faster of a run before and one after Tickler's). The INBOX: {number(first['from_contacts'])} from "
        f"contacts, {number(first['from_strangers'])} from strangers, {number(first['newsletters'])} newsletters, "
        f"{number(first['auto_replies'])} auto-replies, {number(first['bounces'])} bounces. `mail check` = the "
        f"release `tickler mail check` reading the same mailbox into a new database, its peak resident memory "
        f"polled from /proc.",
    ]
    details = []
    for result in results:
        sync = result["sync"]
        details.append(
            f"- mailbox on {BACKENDS[result['backend']]} ({result['database_version']}): "
            f"{sync['received']} received and {sync['sent']} sent touches, {sync['bounces']} bounces, "
            f"{sync['automatic']} automatic, {sync['unknown']} strangers noted; imaplib runs "
            + ", ".join(f"{seconds:.2f} s" for seconds in result["reference_runs"])
            + f" (peak memory {result['reference']['peak_rss_mb']:.0f} MB); `tickler mail check` "
            f"{result['cli_seconds']:.2f} s ({number(result['cli_per_second'])} messages/s)"
        )
    return ("\n".join(text), met), details + [""]


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    directory = args[0]

    def option(name, default):
        return args[args.index(name) + 1] if name in args else default

    markdown_path = option("--markdown", os.path.join(directory, "bench-results.md"))
    mode = option("--mode", "full")
    command = option("--command", "scripts/bench")
    seconds = option("--seconds", None)

    sections = [
        when_section(load(directory, "when"), load(directory, "dateparser"), load(directory, "chrono")),
        agenda_section([load(directory, "agenda-sqlite"), load(directory, "agenda-postgres")]),
        bulk_section([load(directory, "bulk-sqlite"), load(directory, "bulk-postgres")]),
        web_section([load(directory, "web-sqlite"), load(directory, "web-postgres")]),
        import_section([load(directory, "import-sqlite"), load(directory, "import-postgres")]),
        mailbox_section([load(directory, "mailbox-sqlite"), load(directory, "mailbox-postgres")]),
        reports_section([load(directory, "reports-sqlite"), load(directory, "reports-postgres")]),
    ]
    tables = [section for section, _ in sections if section]
    host = machine()
    notes = (
        f"{host['cores']} cores ({host['cpu']}), {host['memory']} RAM, {host['os']}, Linux {host['kernel']}, "
        f"{host['rustc']}"
    )
    targets = [target for _, section_targets in tables for target in section_targets]
    missed = [name for name, met in targets if not met]
    summary = f"Targets met: {len(targets) - len(missed)} of {len(targets)}" + (
        f" (missed: {', '.join(missed)})" if missed else ""
    )
    printed = "\n\n".join(text for text, _ in tables)
    print(printed)
    print()
    print(summary)

    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = [
        f"# Tickler benchmark results ({mode})",
        "",
        f"`{command}` on {when}" + (f", {int(seconds) // 60} min {int(seconds) % 60} s in all" if seconds else "") + ".",
        "",
        f"Machine: {notes}. Every figure is beside its reference measured in the same run.",
        "",
    ]
    details = [line for _, lines in sections for line in lines]
    body = header + [printed, "", summary, ""]
    if details:
        body += ["## Details", ""] + details
    with open(markdown_path, "w", encoding="utf-8") as file:
        file.write("\n".join(body).rstrip() + "\n")


if __name__ == "__main__":
    main()
