-- Action plans, their enrollments, the jobs table the worker claims from,
-- the outbox of automatic emails, and each account's sender settings (SQLite).

CREATE TABLE plans (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    nurture     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX plans_by_name ON plans (account_id, name_key);

CREATE TABLE plan_steps (
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    delay    TEXT    NOT NULL,
    channel  TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    subject  TEXT    NOT NULL DEFAULT '',
    body     TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, position)
);

CREATE TABLE enrollments (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL,
    plan_id     INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    state       TEXT    NOT NULL,
    next_step   INTEGER NOT NULL DEFAULT 0,
    next_run_at INTEGER,
    waiting     TEXT,
    stop_reason TEXT,
    started_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX enrollments_live ON enrollments (plan_id, contact_id) WHERE state IN ('active', 'paused');
CREATE INDEX enrollments_by_contact ON enrollments (contact_id, state);

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    account_id  INTEGER NOT NULL,
    payload     TEXT    NOT NULL,
    dedupe_key  TEXT    NOT NULL,
    run_at      INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'pending',
    lease_owner TEXT,
    lease_until INTEGER,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE UNIQUE INDEX jobs_by_key ON jobs (dedupe_key);
CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'pending';

CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL,
    contact_id    INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
    enrollment_id INTEGER REFERENCES enrollments (id) ON DELETE CASCADE,
    step          INTEGER,
    dedupe_key    TEXT    NOT NULL,
    message_id    TEXT    NOT NULL,
    in_reply_to   TEXT,
    refs          TEXT    NOT NULL DEFAULT '',
    to_address    TEXT    NOT NULL,
    subject       TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    server_reply  TEXT,
    created_at    INTEGER NOT NULL,
    sent_at       INTEGER
);
CREATE UNIQUE INDEX outbox_by_key ON outbox (dedupe_key);
CREATE UNIQUE INDEX outbox_by_step ON outbox (enrollment_id, step);
CREATE INDEX outbox_by_contact ON outbox (contact_id, state);

CREATE TABLE mail_settings (
    account_id     INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    from_name      TEXT    NOT NULL DEFAULT '',
    from_address   TEXT    NOT NULL DEFAULT '',
    signature      TEXT    NOT NULL DEFAULT '',
    digest_hour    INTEGER NOT NULL DEFAULT 8,
    digest_enabled INTEGER NOT NULL DEFAULT 1
);
