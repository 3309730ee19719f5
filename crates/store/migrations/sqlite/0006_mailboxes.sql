-- Each user's own mailbox (SQLite): their SMTP identity and IMAP mailbox
-- (passwords sealed with the installation's secret key, never in clear);
-- the secrets of their private work addresses (log, remind); the mail synced
-- into touches, once per account, Message-ID, contact and direction; the
-- actions a message caused (a reminder, a follow-up), once each; what bounces
-- taught about an address; the people mailed who are not contacts yet; and
-- who sends a plan's emails.

CREATE TABLE mail_accounts (
    user_id        INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    smtp_host      TEXT,
    smtp_port      INTEGER,
    smtp_security  TEXT,
    smtp_username  TEXT,
    smtp_password  TEXT,
    from_name      TEXT    NOT NULL DEFAULT '',
    from_address   TEXT    NOT NULL DEFAULT '',
    imap_host      TEXT,
    imap_port      INTEGER,
    imap_security  TEXT,
    imap_username  TEXT,
    imap_password  TEXT,
    inbox_folder   TEXT    NOT NULL DEFAULT 'INBOX',
    sent_folder    TEXT,
    unknown_policy TEXT    NOT NULL DEFAULT 'ignore',
    updated_at     INTEGER NOT NULL
);
CREATE INDEX mail_accounts_by_account ON mail_accounts (account_id);

CREATE TABLE address_secrets (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
CREATE INDEX address_secrets_by_user ON address_secrets (user_id, id);

CREATE TABLE email_touches (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    message_id TEXT    NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    direction  TEXT    NOT NULL,
    touch_id   INTEGER REFERENCES touches (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX email_touches_once ON email_touches (account_id, message_id, contact_id, direction);
CREATE INDEX email_touches_by_contact ON email_touches (contact_id);

CREATE TABLE mail_actions (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    message_id TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX mail_actions_once ON mail_actions (account_id, message_id, action);

ALTER TABLE contact_emails ADD COLUMN undeliverable_at INTEGER;
ALTER TABLE contact_emails ADD COLUMN bounce_reason TEXT;
ALTER TABLE contact_emails ADD COLUMN soft_bounces INTEGER NOT NULL DEFAULT 0;

CREATE TABLE unknown_correspondents (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL,
    email        TEXT    NOT NULL,
    name         TEXT    NOT NULL DEFAULT '',
    sent         INTEGER NOT NULL DEFAULT 0,
    received     INTEGER NOT NULL DEFAULT 0,
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL,
    dismissed_at INTEGER,
    PRIMARY KEY (user_id, email)
);

-- A follow-up made from a reminder address is cancelled when the contact replies first.
ALTER TABLE follow_ups ADD COLUMN until_reply INTEGER NOT NULL DEFAULT 0;
ALTER TABLE follow_ups ADD COLUMN closed_reason TEXT;

-- Who sends a plan's emails: the user who enrolled the contact (NULL: the install-wide relay).
ALTER TABLE enrollments ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE outbox ADD COLUMN user_id INTEGER;

-- Per watched mailbox: whose it is, what was ignored, the last error.
ALTER TABLE mailbox_polls ADD COLUMN user_id INTEGER;
ALTER TABLE mailbox_polls ADD COLUMN ignored INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailbox_polls ADD COLUMN last_error TEXT;
