-- Imports match a duplicate by email, then by phone. Phones are stored as
-- written, so the index is on the number without its punctuation; the
-- expression must stay identical to PHONE_KEY_SQL in src/import.rs.
CREATE INDEX contact_phones_by_key ON contact_phones
    ((replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')));
