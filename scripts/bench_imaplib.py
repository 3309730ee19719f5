#!/usr/bin/env python3
"""The mailbox benchmark's reference: a bare IMAP fetch of the messages Tickler
reads, by Python's own imaplib (standard library only).

Usage: bench_imaplib.py HOST PORT USER [--folders INBOX,Sent] [--batch 100]
The password is read from the environment variable TICKLER_BENCH_IMAP_PASSWORD.

It logs in without TLS, EXAMINEs each folder and reads it the way Tickler's
`Inbox::fetch_after` does (crates/mail/src/imap/fetch.rs): batch after batch,
a `UID SEARCH` over a window of twice the batch's UIDs above the last one read
(open-ended, `low:*`, once the window reaches UIDNEXT), then one `UID FETCH`
of those UIDs for `(UID INTERNALDATE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.32768>)`.
The answers are taken as imaplib returns them (header and text bytes per
message, counted, not parsed further). Prints one JSON document: messages and
bytes read, seconds from connecting to logging out, messages per second.
"""

import imaplib
import json
import os
import platform
import re
import sys
import time

QUERY = "(UID INTERNALDATE BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.32768>)"


def option(args, name, default):
    return args[args.index(name) + 1] if name in args else default


def uid_set(uids):
    """Ascending UIDs as an IMAP set, runs joined: [1, 2, 3, 5] -> 1:3,5."""
    parts = []
    start = previous = uids[0]
    for uid in uids[1:] + [None]:
        if uid is not None and uid == previous + 1:
            previous = uid
            continue
        parts.append(str(start) if start == previous else f"{start}:{previous}")
        if uid is not None:
            start = previous = uid
    return ",".join(parts)


def read_folder(imap, folder, batch):
    """Every message of `folder`, `batch` at a time; returns (messages, bytes)."""
    typ, _ = imap.select(f'"{folder}"', readonly=True)
    if typ != "OK":
        raise SystemExit(f"EXAMINE {folder}: {typ}")
    uid_next = int(re.search(rb"\d+", imap.untagged_responses.get("UIDNEXT", [b"0"])[0]).group())
    messages = size = 0
    low = 1
    while True:
        high = low + 2 * batch - 1
        window = f"{low}:*" if high + 1 >= uid_next else f"{low}:{high}"
        typ, data = imap.uid("SEARCH", "UID", window)
        if typ != "OK":
            raise SystemExit(f"UID SEARCH {window}: {typ}")
        found = sorted(uid for uid in map(int, data[0].split()) if uid >= low)[:batch]
        if not found:
            break
        typ, data = imap.uid("FETCH", uid_set(found), QUERY)
        if typ != "OK":
            raise SystemExit(f"UID FETCH: {typ}")
        for item in data:
            if isinstance(item, tuple):
                size += len(item[1])
                if b"BODY[HEADER]" in item[0]:
                    messages += 1
        low = found[-1] + 1
        if len(found) < batch:
            break
    return messages, size


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        raise SystemExit(__doc__)
    host, port, user = args[0], int(args[1]), args[2]
    folders = option(args, "--folders", "INBOX,Sent").split(",")
    batch = int(option(args, "--batch", "100"))
    password = os.environ.get("TICKLER_BENCH_IMAP_PASSWORD", "")
    started = time.perf_counter()
    imap = imaplib.IMAP4(host, port)
    imap.login(user, password)
    counts = {}
    total = size = 0
    for folder in folders:
        messages, folder_bytes = read_folder(imap, folder, batch)
        counts[folder] = messages
        total += messages
        size += folder_bytes
    imap.logout()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "client": f"Python {platform.python_version()} imaplib",
                "messages": total,
                "folders": counts,
                "bytes": size,
                "batch": batch,
                "seconds": seconds,
                "messages_per_second": total / seconds if seconds > 0 else 0.0,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
