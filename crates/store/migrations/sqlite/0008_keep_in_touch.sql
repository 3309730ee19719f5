-- Issue 14: keep in touch, and what a new user ran into on the web.
--
-- A follow-up the contact asked for ("call me tomorrow"): the pacing gap
-- does not hold it back. NULL (older rows) and 0 are "not asked for".
ALTER TABLE follow_ups ADD COLUMN agreed INTEGER;

-- Postal addresses, several per contact each with a label: a JSON array of
-- {"label", "street", "locality", "region", "postcode", "country"}; NULL is none.
ALTER TABLE contacts ADD COLUMN postal_addresses TEXT;

-- The keep-in-touch cadence of a contact ("30 days", "3 months"); NULL: from
-- its tags, else none.
ALTER TABLE contacts ADD COLUMN cadence TEXT;

-- The reconnect reminder of a contact snoozed until this instant (seconds); NULL: not snoozed.
ALTER TABLE contacts ADD COLUMN reconnect_after INTEGER;

-- The keep-in-touch cadence of everyone with a tag.
CREATE TABLE tag_cadences (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL,
    cadence    TEXT    NOT NULL,
    PRIMARY KEY (account_id, tag)
);
