-- Issue 14, reports: each report reads one account's rows in a period of
-- time, so each table it counts is indexed by account and that instant; the
-- two large ones (follow-ups, touches) with the columns counted too, so the
-- report reads the index alone.
CREATE INDEX follow_ups_by_closed ON follow_ups (account_id, closed_at, state, due_at, due_time) WHERE closed_at IS NOT NULL;
CREATE INDEX touches_by_account_at ON touches (account_id, at, channel, direction);
CREATE INDEX promises_by_told ON promises (account_id, told_at);
CREATE INDEX outbox_sent_by_account ON outbox (account_id, sent_at) WHERE state = 'sent';
CREATE INDEX inbound_emails_by_outbox ON inbound_emails (outbox_id) WHERE outbox_id IS NOT NULL;
CREATE INDEX enrollments_stopped ON enrollments (account_id, updated_at) WHERE state = 'stopped';
CREATE INDEX consent_changes_by_account_at ON consent_changes (account_id, at, state);
CREATE INDEX contacts_by_created ON contacts (account_id, created_at, stage);

-- The weekly review email: the day it goes out (monday … sunday; NULL: none)
-- and the hour, in the account's zone.
ALTER TABLE mail_settings ADD COLUMN review_day TEXT;
ALTER TABLE mail_settings ADD COLUMN review_hour INTEGER NOT NULL DEFAULT 16;
