-- Imports match a duplicate by email, then by phone. Phones are stored as
-- written, so the index is on the number without its punctuation; the
-- expression must stay identical to PHONE_KEY_SQL in src/import.rs.
CREATE INDEX contact_phones_by_key ON contact_phones
    ((replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''), '.', '')));

-- Deleting a contact clears the referred_by of those it referred; without
-- this index each delete scans every contact (a restore or large cleanup).
CREATE INDEX contacts_by_referrer ON contacts (referred_by);
