-- Every list ordering but due_at walks an index led by user_id, so a page reads LIMIT rows
-- however many tasks the user has. "-priority" now breaks ties by id DESC, so one index
-- serves both priority orderings (walked backwards for "-priority").
--
-- due_at orders by COALESCE(due_at, due_date in the user's zone): the key depends on the
-- zone, so no index can hold it, and tasks_user_due was never chosen. Dropping it saves
-- every task write an index update.
DROP INDEX IF EXISTS tasks_user_due;
DROP INDEX IF EXISTS tasks_user_priority;
CREATE INDEX tasks_user_priority ON tasks (user_id, priority, id);
