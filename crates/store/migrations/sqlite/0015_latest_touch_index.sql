-- Issue 15: PostgreSQL's touches_by_contact gains `id` so a contact's latest
-- touch (`ORDER BY at DESC, id DESC LIMIT 1`) is read from the index alone.
-- SQLite's indexes end with the rowid already: nothing changes here; the
-- migration keeps both backends' histories numbered alike.
SELECT 1;
