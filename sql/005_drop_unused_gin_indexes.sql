-- Search (q) and tag filters run inside one user's tasks: every list query is planned once
-- per connection as a generic plan led by a user_id index, and filters that user's rows.
-- The two GIN indexes over the whole table were never chosen (EXPLAIN EXECUTE shows the
-- user_id index scan with the ILIKE and @> as filters), yet every insert and update paid
-- for them: about a fifth of PostgreSQL's time per task insert.
DROP INDEX IF EXISTS tasks_search;
DROP INDEX IF EXISTS tasks_tags;
