// Tasks: validation and SQL. Every query is scoped by the caller's user id, so
// another user's task is simply "not found".
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tudushka/app/users.hpp"
#include "tudushka/db/db.hpp"

namespace tudushka::app {

struct Task {
  std::int64_t id = 0;
  std::string title;
  std::string description;
  bool completed = false;
  std::optional<std::string> completed_at;
  int priority = 0;
  std::optional<std::string> due_date;   // YYYY-MM-DD
  std::optional<std::string> due_at;     // ISO 8601 UTC
  std::optional<std::string> remind_at;  // ISO 8601 UTC
  std::optional<std::string> recurrence;
  std::string tags_json = "[]";  // a JSON array, as PostgreSQL rendered it
  std::int64_t position = 0;
  std::string created_at;
  std::string updated_at;
};

// Fields of a POST or PATCH; unset members were not sent. For nullable
// fields an inner nullopt means "clear".
struct TaskInput {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<bool> completed;
  std::optional<int> priority;
  std::optional<std::optional<std::string>> due_date;
  std::optional<std::optional<std::string>> due_at;
  std::optional<std::optional<std::string>> remind_at;
  std::optional<std::optional<std::string>> recurrence;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::int64_t> position;
};

struct TaskQuery {
  std::optional<bool> completed;
  std::optional<std::string> q;
  std::optional<std::string> tag;
  std::optional<std::string> due_before;  // instant (ISO) or date (start of day, user's zone)
  std::optional<std::string> due_after;
  std::string ordering = "-created_at";
  std::int64_t limit = 50;
  std::int64_t offset = 0;
};

struct TaskPage {
  std::int64_t count = 0;
  std::vector<Task> results;
};

// Orderings accepted by ListTasks, in the form the API takes them.
const std::vector<std::string>& TaskOrderings();
const std::vector<const db::Statement*>& TaskStatements();

// The problems of the fields sent, each named (bad dates, both dues, bad RRULE ...), so a
// client hears about every bad field at once. Absent fields are not checked.
std::map<std::string, std::string> TaskInputErrors(const TaskInput& input);

// Completing a recurring task: moves its due (`due_date` or `due_at`, ISO text) to the
// next occurrence in `timezone`, `remind_at` by the same amount, and lowers a COUNT in
// `recurrence` by the occurrences used up. False when the task has no recurrence or due,
// or the series has ended (the task then simply completes).
bool AdvanceToNextOccurrence(std::optional<std::string>& recurrence,
                             std::optional<std::string>& due_date,
                             std::optional<std::string>& due_at,
                             std::optional<std::string>& remind_at, const std::string& timezone);

// Throws Invalid naming each bad field (title missing, due_date with due_at, bad RRULE ...).
Task CreateTask(db::Connection& db, const Caller& caller, const TaskInput& input);
Task GetTask(db::Connection& db, std::int64_t user_id, std::int64_t task_id);
// `precondition` (If-Match) sees the current task inside the transaction; returning
// false aborts with PreconditionFailed. Completing a recurring task moves its due
// (and reminder) to the next occurrence instead of closing it.
Task UpdateTask(db::Connection& db, const Caller& caller, std::int64_t task_id,
                const TaskInput& patch, const std::function<bool(const Task&)>& precondition);
void DeleteTask(db::Connection& db, std::int64_t user_id, std::int64_t task_id);
TaskPage ListTasks(db::Connection& db, const Caller& caller, const TaskQuery& query);

// Idempotency-Key bookkeeping, called inside the transaction that does the POST.
struct StoredResponse {
  int status = 0;
  std::string body;
  std::string location;
};
// Claims `key` for this request. Returns the stored answer of an earlier request with
// the same key (waiting for it if it is still running). Throws Conflict when the key
// was used with a different request.
std::optional<StoredResponse> ClaimIdempotencyKey(db::Connection& db, std::int64_t user_id,
                                                  const std::string& key,
                                                  const std::string& request_hash);
void StoreIdempotentResponse(db::Connection& db, std::int64_t user_id, const std::string& key,
                             const StoredResponse& response);

}  // namespace tudushka::app
