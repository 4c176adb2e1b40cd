-- API workers cache checked tokens and rendered answers (src/api/response_cache.hpp).
-- Every change a cached answer could depend on is announced on the channel
-- "tudushka_changes": "t:<user id>" when that user's tasks changed, "a" when a session
-- or a user row changed. These triggers announce the changes of the bot, psql and any
-- other writer when their transaction commits (NOTIFY folds duplicates, so a bulk
-- change sends one notice per user).
--
-- The API announces its own writes right after their commit, outside the writing
-- transaction, and its sessions set tudushka.client_announces = on so the triggers skip
-- them: a NOTIFY inside the transaction would hold PostgreSQL's notify lock through the
-- commit's flush to disk, serializing every task write of the whole cluster.
CREATE FUNCTION announce_task_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('tudushka.client_announces', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('tudushka_changes', 't:' || OLD.user_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('tudushka_changes', 't:' || NEW.user_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tasks_announce AFTER INSERT OR UPDATE OR DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION announce_task_change();

CREATE FUNCTION announce_account_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('tudushka.client_announces', true) IS DISTINCT FROM 'on' THEN
        PERFORM pg_notify('tudushka_changes', 'a');
    END IF;
    RETURN NULL;
END
$$;
-- A new session changes nothing cached; ending or altering one does.
CREATE TRIGGER sessions_announce AFTER UPDATE OR DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION announce_account_change();
CREATE TRIGGER users_announce AFTER UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION announce_account_change();

-- The per-row versions of 003 fingerprinted a user's tasks for the list cache on every
-- request; the notices above replace them, and inserts no longer pay for their index.
DROP TRIGGER tasks_renew_version ON tasks;
DROP FUNCTION tasks_renew_version();
DROP INDEX tasks_user_version;
ALTER TABLE tasks DROP COLUMN version;
DROP SEQUENCE task_version_seq;
