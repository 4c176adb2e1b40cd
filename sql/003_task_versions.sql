-- Every task row carries a version from one sequence, renewed on each update, so the
-- state of a user's whole list has a cheap fingerprint (count, sum and max of versions,
-- read from an index). The API uses it to validate cached list answers: a sequence
-- never blocks, so concurrent writers of one user never wait on each other for it.
CREATE SEQUENCE task_version_seq;
ALTER TABLE tasks ADD COLUMN version bigint NOT NULL DEFAULT nextval('task_version_seq');

CREATE FUNCTION tasks_renew_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := nextval('task_version_seq');
    RETURN NEW;
END
$$;
CREATE TRIGGER tasks_renew_version BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_renew_version();

CREATE INDEX tasks_user_version ON tasks (user_id, version);
