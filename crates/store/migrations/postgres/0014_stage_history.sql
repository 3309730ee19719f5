-- Issue 14: contacts by stage over time. Each contact's stage changes are
-- kept, written by triggers so every path that adds a contact or moves its
-- stage (forms, API, import, merge, restore) is counted: a row when a contact
-- is added (from_stage NULL) and one per change of stage ('none': no stage).
-- Contacts added before this migration count from their creation with the
-- stage they have now: their earlier changes were never kept.
CREATE TABLE contact_stage_changes (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    from_stage TEXT,
    to_stage   TEXT   NOT NULL
);
CREATE INDEX contact_stage_changes_by_account_at ON contact_stage_changes (account_id, at, from_stage, to_stage);
CREATE INDEX contact_stage_changes_by_contact ON contact_stage_changes (contact_id);

INSERT INTO contact_stage_changes (account_id, contact_id, at, from_stage, to_stage)
    SELECT account_id, id, created_at, NULL, COALESCE(stage, 'none') FROM contacts;

CREATE FUNCTION tickler_stage_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO contact_stage_changes (account_id, contact_id, at, from_stage, to_stage)
            VALUES (NEW.account_id, NEW.id, NEW.created_at, NULL, COALESCE(NEW.stage, 'none'));
    ELSIF COALESCE(OLD.stage, 'none') <> COALESCE(NEW.stage, 'none') THEN
        INSERT INTO contact_stage_changes (account_id, contact_id, at, from_stage, to_stage)
            VALUES (NEW.account_id, NEW.id, NEW.updated_at, COALESCE(OLD.stage, 'none'), COALESCE(NEW.stage, 'none'));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER contacts_stage_added AFTER INSERT ON contacts FOR EACH ROW EXECUTE FUNCTION tickler_stage_changed();
CREATE TRIGGER contacts_stage_changed AFTER UPDATE OF stage ON contacts FOR EACH ROW EXECUTE FUNCTION tickler_stage_changed();
