-- Issue 15: the agenda finds each contact's latest touch by
-- `ORDER BY at DESC, id DESC LIMIT 1`. With `id` in the index PostgreSQL reads
-- that touch backward from the index alone instead of sorting the contact's
-- touches for each agenda item (about 20% of the agenda's execution in
-- EXPLAIN ANALYZE over 100 accounts). The new index serves every query the
-- old one did.
CREATE INDEX touches_by_contact_latest ON touches (contact_id, at, id);
DROP INDEX touches_by_contact;
