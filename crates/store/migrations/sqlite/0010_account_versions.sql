-- Issue 15: response caches that are right across instances.
--
-- Every account has a version that moves whenever data a cached read depends
-- on changes (the API token's holder, the agenda). A server keeps a cached
-- response only while the account's version is the one it was read at, so a
-- change committed through any process (another server, the CLI, the worker)
-- is seen by the next read anywhere. SQLite has one writer: the triggers move
-- the version inside the writing transaction.
CREATE TABLE account_versions (
    account_id INTEGER PRIMARY KEY,
    version    INTEGER NOT NULL
);
INSERT INTO account_versions (account_id, version) SELECT id, 1 FROM accounts;

CREATE TRIGGER accounts_inserted AFTER INSERT ON accounts BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER accounts_updated AFTER UPDATE ON accounts BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER accounts_deleted AFTER DELETE ON accounts BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (OLD.id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER users_inserted AFTER INSERT ON users BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER users_updated AFTER UPDATE ON users BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER users_deleted AFTER DELETE ON users BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (OLD.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
-- A token's last use is written as it is used: only a revocation or a removal changes who it lets in.
CREATE TRIGGER api_tokens_revoked AFTER UPDATE OF revoked_at ON api_tokens BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER api_tokens_deleted AFTER DELETE ON api_tokens BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (OLD.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contacts_inserted AFTER INSERT ON contacts BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contacts_updated AFTER UPDATE ON contacts BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contacts_deleted AFTER DELETE ON contacts BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (OLD.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contact_emails_inserted AFTER INSERT ON contact_emails BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contact_emails_updated AFTER UPDATE ON contact_emails BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER contact_emails_deleted AFTER DELETE ON contact_emails BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (OLD.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER touches_inserted AFTER INSERT ON touches BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER touches_updated AFTER UPDATE ON touches BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER touches_deleted AFTER DELETE ON touches BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (OLD.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER follow_ups_inserted AFTER INSERT ON follow_ups BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER follow_ups_updated AFTER UPDATE ON follow_ups BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER follow_ups_deleted AFTER DELETE ON follow_ups BEGIN
    INSERT INTO account_versions (account_id, version) VALUES (OLD.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = version + 1;
END;
