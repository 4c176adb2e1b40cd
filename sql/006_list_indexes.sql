-- Task lists count apart from the page (src/app/tasks.cpp), so the orderings with an index
-- led by user_id (-created_at, created_at, position) can read one page of it. The others sort
-- the user's matching rows in memory (top-N): due_at's key depends on the user's zone, so
-- no index can hold it, and tasks_user_due was never chosen; the priority orderings, which
-- no client of ours asks for, are not worth an index that every task write pays for (each
-- costs a POST about a tenth of its rate, measured with make bench).
DROP INDEX IF EXISTS tasks_user_due;
DROP INDEX IF EXISTS tasks_user_priority;
