-- Issue 13: a library of things worth sending.
--
-- An item: a title, a web address or a text (or both), a summary, a kind
-- (article, tool, event, offer, note) and tags.
CREATE TABLE library_items (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title      TEXT    NOT NULL,
    url        TEXT,
    body       TEXT,
    summary    TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX library_items_by_account ON library_items (account_id, created_at);

CREATE TABLE library_item_tags (
    account_id INTEGER NOT NULL,
    item_id    INTEGER NOT NULL REFERENCES library_items (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL,
    PRIMARY KEY (item_id, tag)
);

-- Which item went to which contact: at most once (`{{ library.next }}` writes
-- the row in the transaction that claims the plan step; "share" when it queues
-- the email). `via` is "plan" or "share"; `outbox_id` the plan email, if any.
CREATE TABLE library_sends (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    item_id    INTEGER NOT NULL REFERENCES library_items (id) ON DELETE CASCADE,
    via        TEXT    NOT NULL,
    sent_at    INTEGER NOT NULL,
    UNIQUE (contact_id, item_id)
);
CREATE INDEX library_sends_by_item ON library_sends (item_id);
