-- Tickler core schema (SQLite). Instants are INTEGER seconds since the Unix
-- epoch, UTC; civil dates are TEXT 'YYYY-MM-DD', wall times TEXT 'HH:MM:SS',
-- zones IANA names.

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    zone            TEXT    NOT NULL,
    pacing_gap_days INTEGER NOT NULL DEFAULT 2,
    work_start      TEXT    NOT NULL DEFAULT '09:00:00',
    work_end        TEXT    NOT NULL DEFAULT '17:00:00',
    work_days       TEXT    NOT NULL DEFAULT '1111100',
    created_at      INTEGER NOT NULL
);

CREATE TABLE contacts (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name              TEXT    NOT NULL,
    name_key          TEXT    NOT NULL,
    search_text       TEXT    NOT NULL,
    organisation      TEXT,
    zone              TEXT,
    birthday          TEXT,
    stage             TEXT,
    source            TEXT,
    referred_by       INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    preferred_channel TEXT,
    consent           TEXT    NOT NULL DEFAULT 'active',
    consent_until     TEXT,
    pacing_gap_days   INTEGER,
    notes             TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX contacts_by_account ON contacts (account_id, id);

CREATE TABLE contact_emails (
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    email      TEXT    NOT NULL,
    PRIMARY KEY (account_id, email)
);
CREATE INDEX contact_emails_by_contact ON contact_emails (contact_id, position);

CREATE TABLE contact_phones (
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    phone      TEXT    NOT NULL,
    PRIMARY KEY (contact_id, position)
);

CREATE TABLE contact_tags (
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL,
    PRIMARY KEY (contact_id, tag)
);
CREATE INDEX contact_tags_by_tag ON contact_tags (account_id, tag);

CREATE TABLE touches (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    channel    TEXT    NOT NULL,
    direction  TEXT    NOT NULL,
    summary    TEXT    NOT NULL,
    outcome    TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX touches_by_contact ON touches (contact_id, at);

CREATE TABLE follow_ups (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    due_date   TEXT    NOT NULL,
    due_time   TEXT,
    due_zone   TEXT    NOT NULL,
    due_at     INTEGER NOT NULL,
    channel    TEXT    NOT NULL,
    purpose    TEXT    NOT NULL,
    origin     TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    snoozes    INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER
);
CREATE INDEX follow_ups_open_by_due ON follow_ups (account_id, due_at) WHERE state = 'open';
CREATE INDEX follow_ups_by_contact ON follow_ups (contact_id, state);

CREATE TABLE follow_up_snoozes (
    id           INTEGER PRIMARY KEY,
    follow_up_id INTEGER NOT NULL REFERENCES follow_ups (id) ON DELETE CASCADE,
    from_date    TEXT    NOT NULL,
    from_time    TEXT,
    from_zone    TEXT    NOT NULL,
    to_date      TEXT    NOT NULL,
    to_time      TEXT,
    to_zone      TEXT    NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX follow_up_snoozes_by_follow_up ON follow_up_snoozes (follow_up_id);

CREATE TABLE promises (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    what       TEXT    NOT NULL,
    aim_at     INTEGER NOT NULL,
    told_at    INTEGER NOT NULL,
    zone       TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER
);
CREATE INDEX promises_by_account ON promises (account_id, state, told_at);
CREATE INDEX promises_by_contact ON promises (contact_id);

CREATE TABLE consent_changes (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL,
    until_date TEXT,
    reason     TEXT    NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX consent_changes_by_contact ON consent_changes (contact_id, at);
