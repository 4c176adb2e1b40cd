-- API workers cache checked tokens and rendered answers (src/api/response_cache.hpp).
-- Every change a cached answer could depend on is announced on the channel
-- "tudushka_changes" when its transaction commits, whoever made it (an API worker
-- on any machine, the bot, psql): "t:<user id>" when that user's tasks changed,
-- "a" when a session or a user row changed. NOTIFY folds duplicates within one
-- transaction, so a bulk change sends one notice per user.
CREATE FUNCTION announce_task_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
    PERFORM pg_notify('tudushka_changes', 'a');
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
