-- Issue 13: lists, newsletters and one-click unsubscribe.
--
-- A list of an account ("Monthly letter"); `public_key` names it in its
-- public sign-up form's address without giving away its id.
CREATE TABLE lists (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    public_key  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX lists_by_name ON lists (account_id, name_key);
CREATE UNIQUE INDEX lists_by_public_key ON lists (public_key);

-- A contact's membership of a list: its own consent, apart from the
-- contact's follow-up consent. `source` says how it came to its state
-- (user, import, sign-up, unsubscribe), `user_id` and `reason` who and why.
CREATE TABLE list_members (
    account_id INTEGER NOT NULL,
    list_id    INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    state      TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    reason     TEXT    NOT NULL DEFAULT '',
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (list_id, contact_id)
);
CREATE INDEX list_members_by_contact ON list_members (contact_id);

-- Secrets of the installation itself (not of an account): the key that signs
-- unsubscribe and confirmation links, made on first use.
CREATE TABLE installation_secrets (
    name       TEXT    PRIMARY KEY,
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- A newsletter to a list: Markdown, sent from `send_at` (NULL: a draft) at
-- most `per_minute` messages a minute, inside the account's sending hours.
-- state: draft, scheduled, paused, cancelled, done.
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    list_id    INTEGER NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    send_at    INTEGER,
    per_minute INTEGER NOT NULL,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX campaigns_by_account ON campaigns (account_id, id);

-- One row per (campaign, contact), written when sending starts: waiting,
-- sending, sent, failed or skipped (with why: do-not-contact, left, ...).
CREATE TABLE campaign_sends (
    account_id  INTEGER NOT NULL,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    state       TEXT    NOT NULL,
    reason      TEXT,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, contact_id)
);
CREATE INDEX campaign_sends_by_state ON campaign_sends (campaign_id, state, contact_id);

-- A newsletter's outbox row: its campaign, its HTML part beside the plain
-- text `body`, and its List-Unsubscribe header (RFC 8058).
ALTER TABLE outbox ADD COLUMN campaign_id INTEGER REFERENCES campaigns (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN html_body TEXT;
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
