-- Reply detection (SQLite): the inbound emails recorded as replies, one per
-- account and Message-ID so a message read twice is recorded once; and where
-- the poller stands in each watched mailbox (install-wide, like the IMAP
-- settings themselves), so a restart does not read the mailbox again.

CREATE TABLE inbound_emails (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL,
    message_id  TEXT    NOT NULL,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    touch_id    INTEGER REFERENCES touches (id) ON DELETE SET NULL,
    outbox_id   INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    subject     TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX inbound_emails_by_message ON inbound_emails (account_id, message_id);
CREATE INDEX inbound_emails_by_contact ON inbound_emails (contact_id);

CREATE TABLE mailbox_polls (
    mailbox      TEXT    PRIMARY KEY,
    uid_validity INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL,
    polled_at    INTEGER NOT NULL
);

-- A reply names the email it answers by Message-ID; a reply matched by its
-- sender alone looks the address up across accounts.
CREATE INDEX outbox_by_message_id ON outbox (message_id);
CREATE INDEX contact_emails_by_email ON contact_emails (email);
