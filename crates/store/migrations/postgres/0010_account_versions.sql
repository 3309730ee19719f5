-- Issue 15: response caches that are right across instances.
--
-- Every account has a version that moves whenever data a cached read depends
-- on changes (the API token's holder, the agenda). A server keeps a cached
-- response only while the account's version is the one it was read at, so a
-- change committed through any process (another server, the CLI, the worker)
-- is seen by the next read anywhere. The version moves in the committing
-- transaction itself: a deferred trigger runs at commit, once per account per
-- transaction, and holds the version row's lock only for the commit. It also
-- notifies `tickler_changes` with the account id, so every server drops that
-- account's entries at once.
CREATE TABLE account_versions (
    account_id BIGINT PRIMARY KEY,
    version    BIGINT NOT NULL
);
INSERT INTO account_versions (account_id, version) SELECT id, 1 FROM accounts;

CREATE FUNCTION tickler_account_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    account BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'accounts' THEN
        IF TG_OP = 'DELETE' THEN account := OLD.id; ELSE account := NEW.id; END IF;
    ELSE
        IF TG_OP = 'DELETE' THEN account := OLD.account_id; ELSE account := NEW.account_id; END IF;
    END IF;
    -- Once per account per transaction: the rest of a bulk write's rows skip it
    -- (one setting, local to the transaction, holding the account last moved).
    IF current_setting('tickler.changed_account', true) IS DISTINCT FROM account::text THEN
        PERFORM set_config('tickler.changed_account', account::text, true);
        INSERT INTO account_versions (account_id, version) VALUES (account, 1)
            ON CONFLICT (account_id) DO UPDATE SET version = account_versions.version + 1;
        PERFORM pg_notify('tickler_changes', account::text);
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE ON accounts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickler_account_changed();
CREATE CONSTRAINT TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE ON users
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickler_account_changed();
-- A token's last use is written as it is used: only a revocation or a removal changes who it lets in.
CREATE CONSTRAINT TRIGGER api_tokens_changed AFTER UPDATE OF revoked_at OR DELETE ON api_tokens
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickler_account_changed();
CREATE CONSTRAINT TRIGGER contacts_changed AFTER INSERT OR UPDATE OR DELETE ON contacts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickler_account_changed();
CREATE CONSTRAINT TRIGGER contact_emails_changed AFTER INSERT OR UPDATE OR DELETE ON contact_emails
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickler_account_changed();
CREATE CONSTRAINT TRIGGER touches_changed AFTER INSERT OR UPDATE OR DELETE ON touches
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickler_account_changed();
CREATE CONSTRAINT TRIGGER follow_ups_changed AFTER INSERT OR UPDATE OR DELETE ON follow_ups
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tickler_account_changed();
