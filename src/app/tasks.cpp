#include "tudushka/app/tasks.hpp"

#include <algorithm>
#include <map>

#include "tudushka/app/errors.hpp"
#include "tudushka/core/crypto.hpp"
#include "tudushka/core/rrule.hpp"
#include "tudushka/core/time.hpp"
#include "tudushka/json/json.hpp"

namespace tudushka::app {
namespace {

#define TASK_COLUMNS                                                                         \
  "id, title, description, completed, completed_at, priority, due_date, due_at, remind_at, " \
  "recurrence, array_to_json(tags)::text, position, created_at, updated_at"

const db::Statement kInsert{
    "task_insert",
    "INSERT INTO tasks (user_id, title, description, completed, completed_at, priority, due_date, "
    "due_at, remind_at, recurrence, tags, position) "
    "VALUES ($1, $2, $3, $4, CASE WHEN $4::boolean THEN now() END, $5, $6, $7, $8, $9, "
    "$10::text[], "
    // After the last position; at the top of the int range new tasks share it.
    "COALESCE($11, (SELECT LEAST(COALESCE(max(position), 0), 2147483646) + 1 FROM tasks "
    "WHERE user_id = $1))) "
    "RETURNING " TASK_COLUMNS};
const db::Statement kGet{"task_get",
                         "SELECT " TASK_COLUMNS " FROM tasks WHERE id = $1 AND user_id = $2"};
const db::Statement kGetForUpdate{"task_get_for_update",
                                  "SELECT " TASK_COLUMNS
                                  " FROM tasks WHERE id = $1 AND user_id = $2 FOR UPDATE"};
const db::Statement kUpdate{
    "task_update",
    "UPDATE tasks SET title = $3, description = $4, completed = $5, "
    "completed_at = CASE WHEN $5::boolean THEN COALESCE(completed_at, now()) END, priority = $6, "
    "due_date = $7, due_at = $8, remind_at = $9, recurrence = $10, "
    "tags = COALESCE($11::text[], tags), position = $12, updated_at = now() "
    "WHERE id = $1 AND user_id = $2 RETURNING " TASK_COLUMNS};
const db::Statement kDelete{"task_delete", "DELETE FROM tasks WHERE id = $1 AND user_id = $2"};
// The list filters: $1 user, $2 completed, $3 ILIKE pattern, $4 tag, $5 due before, $6 due
// after (a NULL skips the filter), $7 the user's zone for date-only tasks.
#define TASK_FILTER                                                                              \
  "user_id = $1 AND ($2::boolean IS NULL OR completed = $2)"                                     \
  " AND ($3::text IS NULL OR (title || ' ' || description) ILIKE $3)"                            \
  " AND ($4::text IS NULL OR tags @> ARRAY[$4::text])"                                           \
  " AND ($5::timestamptz IS NULL OR COALESCE(due_at, due_date::timestamp AT TIME ZONE $7) < $5)" \
  " AND ($6::timestamptz IS NULL OR COALESCE(due_at, due_date::timestamp AT TIME ZONE $7) >= $6)"

const db::Statement kCount{"task_count", "SELECT count(*) FROM tasks WHERE " TASK_FILTER};
const db::Statement kIdemDeleteExpired{
    "idem_delete_expired",
    "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 "
    "AND created_at < now() - interval '24 hours'"};
const db::Statement kIdemClaim{
    "idem_claim",
    "INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING RETURNING 1"};
const db::Statement kIdemGet{"idem_get",
                             "SELECT request_hash, status, body, location FROM idempotency_keys "
                             "WHERE user_id = $1 AND key = $2"};
const db::Statement kIdemStore{"idem_store",
                               "UPDATE idempotency_keys SET status = $3, body = $4, location = $5 "
                               "WHERE user_id = $1 AND key = $2"};

// One list statement per ordering; ties go by id, in the ordering's direction. The
// created_at and position orderings have an index to walk (sql/006_list_indexes.sql).
struct Ordering {
  const char* api;
  const char* sql;
};
constexpr Ordering kOrderings[] = {
    {"-created_at", "created_at DESC, id DESC"},
    {"created_at", "created_at, id"},
    {"due_at", "COALESCE(due_at, due_date::timestamp AT TIME ZONE $7) NULLS LAST, id"},
    {"-due_at", "COALESCE(due_at, due_date::timestamp AT TIME ZONE $7) DESC NULLS LAST, id DESC"},
    {"priority", "priority, id"},
    {"-priority", "priority DESC, id DESC"},
    {"position", "position, id"},
};

// The total is a scalar subquery, computed once: unlike count(*) OVER (), which buffers
// every matching row with all its columns (and spills to disk on a large account), it lets
// the page stop after LIMIT rows of an ordered index scan and counts without keeping rows.
std::string ListSql(const char* order_by) {
  return std::string("SELECT " TASK_COLUMNS ", (SELECT count(*) FROM tasks WHERE " TASK_FILTER
                     ") FROM tasks WHERE " TASK_FILTER " ORDER BY ") +
         order_by + " LIMIT $8 OFFSET $9";
}

struct ListStatements {
  std::vector<std::string> names, sqls;
  std::vector<db::Statement> by_user;
  ListStatements() {
    for (const auto& o : kOrderings) {
      names.push_back(std::string("task_list") + o.api);
      sqls.push_back(ListSql(o.sql));
    }
    for (size_t i = 0; i < names.size(); ++i)
      by_user.push_back({names[i].c_str(), sqls[i].c_str()});
  }
};

const ListStatements& Lists() {
  static const ListStatements lists;
  return lists;
}

Task ReadTask(const db::Result& r, int row) {
  Task t;
  t.id = r.GetInt(row, 0);
  t.title = r.Get(row, 1);
  t.description = r.Get(row, 2);
  t.completed = r.GetBool(row, 3);
  t.completed_at = r.GetTimestampOpt(row, 4);
  t.priority = static_cast<int>(r.GetInt(row, 5));
  t.due_date = r.GetOpt(row, 6);
  t.due_at = r.GetTimestampOpt(row, 7);
  t.remind_at = r.GetTimestampOpt(row, 8);
  t.recurrence = r.GetOpt(row, 9);
  t.tags_json = r.Get(row, 10);
  t.position = r.GetInt(row, 11);
  t.created_at = r.GetTimestamp(row, 12);
  t.updated_at = r.GetTimestamp(row, 13);
  return t;
}

// A PostgreSQL array literal: {"a","b \"c\""}.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::vector<std::string> CleanTags(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const auto& t : tags)
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  return out;
}

// The writable state of a task, validated as a whole (after a PATCH is merged).
struct State {
  std::string title, description;
  bool completed = false;
  int priority = 0;
  std::optional<std::string> due_date, due_at, remind_at, recurrence;
  std::optional<std::vector<std::string>> tags;  // nullopt: unchanged
  std::optional<std::int64_t> position;
};

// Normalises instants to UTC ISO and checks every rule; returns field -> reason.
std::map<std::string, std::string> CheckState(State& s) {
  std::map<std::string, std::string> bad;
  auto trimmed = s.title;
  trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
  if (trimmed.empty()) bad["title"] = "must not be empty";
  if (json::CountChars(s.title) > 500) bad["title"] = "must be at most 500 characters";
  if (json::CountChars(s.description) > 10000)
    bad["description"] = "must be at most 10000 characters";
  if (s.tags && s.tags->size() > 20) bad["tags"] = "must have at most 20 items";
  if (s.tags)
    for (const auto& tag : *s.tags)
      if (tag.empty() || json::CountChars(tag) > 50)
        bad["tags"] = "each item must be 1 to 50 characters";
  if (s.due_date && !core::ParseDate(*s.due_date))
    bad["due_date"] = "must be a date YYYY-MM-DD in the years 0001 to 9999";
  auto instant = [&](const char* name, std::optional<std::string>& v) {
    if (!v) return;
    auto t = core::ParseInstant(*v);
    if (!t) {
      bad[name] =
          "must be an ISO 8601 date-time with offset, e.g. 2026-12-25T18:00:00+03:00, in the "
          "years 0001 to 9999 (UTC)";
      return;
    }
    v = core::FormatInstant(*t);
  };
  instant("due_at", s.due_at);
  instant("remind_at", s.remind_at);
  if (s.due_date && s.due_at) bad["due_at"] = "cannot be set together with due_date";
  if (s.recurrence) {
    std::string why = rrule::Validate(*s.recurrence);
    if (!why.empty()) bad["recurrence"] = "is not a supported RRULE: " + why;
  }
  if (s.position && (*s.position < INT32_MIN || *s.position > INT32_MAX))
    bad["position"] = "is out of range";
  return bad;
}

void Validate(State& s) {
  auto bad = CheckState(s);
  if (!bad.empty()) throw Invalid(bad);
}

date::local_days Today(const date::time_zone* tz) {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return rrule::LocalDay(now, tz);
}

std::chrono::sys_seconds Seconds(const std::string& iso) {
  return std::chrono::floor<std::chrono::seconds>(*core::ParseInstant(iso));
}

std::optional<std::string> TagsParam(const std::optional<std::vector<std::string>>& tags) {
  if (!tags) return std::nullopt;
  return ArrayLiteral(*tags);
}

}  // namespace

const std::vector<std::string>& TaskOrderings() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (const auto& o : kOrderings) v.push_back(o.api);
    return v;
  }();
  return all;
}

const std::vector<const db::Statement*>& TaskStatements() {
  static const std::vector<const db::Statement*> all = [] {
    std::vector<const db::Statement*> v = {&kInsert,  &kGet,      &kGetForUpdate,      &kUpdate,
                                           &kDelete,  &kCount,    &kIdemDeleteExpired, &kIdemClaim,
                                           &kIdemGet, &kIdemStore};
    for (const auto& s : Lists().by_user) v.push_back(&s);
    return v;
  }();
  return all;
}

std::map<std::string, std::string> TaskInputErrors(const TaskInput& in) {
  State s;
  s.title = in.title.value_or("-");  // absent is not an error here (PATCH)
  s.description = in.description.value_or("");
  s.due_date = in.due_date.value_or(std::nullopt);
  s.due_at = in.due_at.value_or(std::nullopt);
  s.remind_at = in.remind_at.value_or(std::nullopt);
  s.recurrence = in.recurrence.value_or(std::nullopt);
  s.tags = in.tags;
  s.position = in.position;
  return CheckState(s);
}

bool AdvanceToNextOccurrence(std::optional<std::string>& recurrence,
                             std::optional<std::string>& due_date,
                             std::optional<std::string>& due_at,
                             std::optional<std::string>& remind_at, const std::string& timezone) {
  if (!recurrence || (!due_date && !due_at)) return false;
  const date::time_zone* tz = core::FindZone(timezone);
  std::optional<int> count_left;
  std::optional<std::chrono::sys_seconds> next_remind;
  if (due_date) {
    auto current = date::local_days(*core::ParseDate(*due_date));
    auto next = rrule::NextDate(*recurrence, current, Today(tz), tz, &count_left);
    if (!next || !core::InYearRange(date::year_month_day(*next))) return false;
    due_date = core::FormatDate(date::year_month_day(*next));
    // The reminder keeps its wall-clock time in the user's zone: whole local days later.
    if (remind_at) {
      next_remind =
          rrule::ToInstant(rrule::ToLocal(Seconds(*remind_at), tz) + (*next - current), tz);
    }
  } else {
    auto current = Seconds(*due_at);
    auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto next = rrule::NextInstant(*recurrence, current, now, tz, &count_left);
    if (!next || !core::InYearRange(core::Micros(*next))) return false;
    due_at = core::FormatInstant(*next);
    // NextInstant kept the due's wall-clock time; the reminder keeps its lead on the due.
    if (remind_at) next_remind = Seconds(*remind_at) + (*next - current);
  }
  // A reminder that would leave the years 0001-9999 is dropped rather than stored.
  if (next_remind)
    remind_at = core::InYearRange(core::Micros(*next_remind))
                    ? std::optional<std::string>(core::FormatInstant(*next_remind))
                    : std::nullopt;
  if (count_left) recurrence = rrule::WithCount(*recurrence, *count_left);
  return true;
}

Task CreateTask(db::Connection& db, const Caller& caller, const TaskInput& in) {
  if (!in.title) throw Invalid("title", "required");
  State s;
  s.title = *in.title;
  s.description = in.description.value_or("");
  s.completed = in.completed.value_or(false);
  s.priority = in.priority.value_or(0);
  s.due_date = in.due_date.value_or(std::nullopt);
  s.due_at = in.due_at.value_or(std::nullopt);
  s.remind_at = in.remind_at.value_or(std::nullopt);
  s.recurrence = in.recurrence.value_or(std::nullopt);
  s.tags = CleanTags(in.tags.value_or(std::vector<std::string>{}));
  s.position = in.position;
  Validate(s);
  auto r = db.Exec(kInsert.name,
                   {caller.user_id, s.title, s.description, s.completed, s.priority, s.due_date,
                    s.due_at, s.remind_at, s.recurrence, TagsParam(s.tags), s.position});
  return ReadTask(r, 0);
}

Task GetTask(db::Connection& db, std::int64_t user_id, std::int64_t task_id) {
  auto r = db.Exec(kGet.name, {task_id, user_id});
  if (r.Empty()) throw NotFound("no task with id " + std::to_string(task_id));
  return ReadTask(r, 0);
}

Task UpdateTask(db::Connection& db, const Caller& caller, std::int64_t task_id, const TaskInput& p,
                const std::function<bool(const Task&)>& precondition) {
  return db.InTransaction([&] {
    auto r = db.Exec(kGetForUpdate.name, {task_id, caller.user_id});
    if (r.Empty()) throw NotFound("no task with id " + std::to_string(task_id));
    Task current = ReadTask(r, 0);
    if (precondition && !precondition(current))
      throw PreconditionFailed("the task changed since you read it (If-Match does not match)");
    State s;
    s.title = p.title.value_or(current.title);
    s.description = p.description.value_or(current.description);
    s.completed = p.completed.value_or(current.completed);
    s.priority = p.priority.value_or(current.priority);
    s.due_date = p.due_date.value_or(current.due_date);
    s.due_at = p.due_at.value_or(current.due_at);
    // A task is due on a day or at a time: setting one clears the other unless both were sent.
    if (p.due_date && *p.due_date && !p.due_at) s.due_at.reset();
    if (p.due_at && *p.due_at && !p.due_date) s.due_date.reset();
    s.remind_at = p.remind_at.value_or(current.remind_at);
    s.recurrence = p.recurrence.value_or(current.recurrence);
    if (p.tags) s.tags = CleanTags(*p.tags);
    s.position = p.position.value_or(current.position);
    Validate(s);
    if (s.completed && !current.completed &&
        AdvanceToNextOccurrence(s.recurrence, s.due_date, s.due_at, s.remind_at, caller.timezone))
      s.completed = false;
    auto u = db.Exec(kUpdate.name, {task_id, caller.user_id, s.title, s.description, s.completed,
                                    s.priority, s.due_date, s.due_at, s.remind_at, s.recurrence,
                                    TagsParam(s.tags), *s.position});
    return ReadTask(u, 0);
  });
}

void DeleteTask(db::Connection& db, std::int64_t user_id, std::int64_t task_id) {
  if (db.Exec(kDelete.name, {task_id, user_id}).Affected() == 0)
    throw NotFound("no task with id " + std::to_string(task_id));
}

namespace {

// Checks the query and turns it into statement parameters $2..$6 (filters).
struct ListPlan {
  size_t ordering = 0;
  std::optional<std::string> pattern, before, after;
};

ListPlan PlanList(const TaskQuery& q, const date::time_zone* tz) {
  std::map<std::string, std::string> bad;
  ListPlan plan;
  bool known = false;
  for (size_t i = 0; i < std::size(kOrderings); ++i) {
    if (q.ordering == kOrderings[i].api) {
      plan.ordering = i;
      known = true;
    }
  }
  if (!known)
    bad["ordering"] =
        "must be one of created_at, -created_at, due_at, -due_at, priority, "
        "-priority, position";
  if (q.limit < 1 || q.limit > 500) bad["limit"] = "must be between 1 and 500";
  if (q.offset < 0) bad["offset"] = "must not be negative";
  auto bound = [&](const char* name,
                   const std::optional<std::string>& v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    std::optional<core::Micros> t = core::ParseInstant(*v);
    if (auto day = core::ParseDate(*v))  // the start of that day in the user's zone
      t = rrule::ToInstant(date::local_seconds(date::local_days(*day)), tz);
    if (t && core::InYearRange(*t)) return core::FormatInstant(*t);
    bad[name] =
        "must be a date YYYY-MM-DD or an ISO 8601 date-time with offset, in the years 0001 to "
        "9999 (UTC)";
    return std::nullopt;
  };
  plan.before = bound("due_before", q.due_before);
  plan.after = bound("due_after", q.due_after);
  if (!bad.empty()) throw Invalid(bad);
  if (q.q && !q.q->empty()) {
    std::string escaped;
    for (char c : *q.q) {
      if (c == '%' || c == '_' || c == '\\') escaped += '\\';
      escaped += c;
    }
    plan.pattern = "%" + escaped + "%";
  }
  return plan;
}

TaskPage ReadPage(const db::Result& r) {
  TaskPage page;
  page.results.reserve(r.Rows());
  for (int i = 0; i < r.Rows(); ++i) page.results.push_back(ReadTask(r, i));
  if (!r.Empty()) page.count = r.GetInt(0, 14);
  return page;
}

}  // namespace

TaskPage ListTasks(db::Connection& db, const Caller& caller, const TaskQuery& q) {
  ListPlan plan = PlanList(q, core::FindZone(caller.timezone));
  std::vector<db::Param> params = {caller.user_id,  q.completed, plan.pattern,
                                   q.tag,           plan.before, plan.after,
                                   caller.timezone, q.limit,     q.offset};
  // Planned for this user: a generic plan sorts all of a large account's tasks to find a
  // page that an ordered index scan reads at once.
  TaskPage page = ReadPage(db.ExecCustomPlan(Lists().by_user[plan.ordering].name, params));
  if (page.results.empty()) {
    params.erase(params.begin() + 7, params.end());
    page.count = db.Exec(kCount.name, params).GetInt(0, 0);
  }
  return page;
}

std::optional<StoredResponse> ClaimIdempotencyKey(db::Connection& db, std::int64_t user_id,
                                                  const std::string& key,
                                                  const std::string& request_hash) {
  db.Exec(kIdemDeleteExpired.name, {user_id, key});
  // A concurrent request with the same key makes this INSERT wait for its commit.
  if (!db.Exec(kIdemClaim.name, {user_id, key, request_hash}).Empty()) return std::nullopt;
  auto r = db.Exec(kIdemGet.name, {user_id, key});
  if (r.Empty() || r.IsNull(0, 1)) return std::nullopt;  // the other request rolled back
  if (r.Get(0, 0) != request_hash)
    throw Conflict("Idempotency-Key '" + key + "' was already used for a different request");
  StoredResponse s;
  s.status = static_cast<int>(r.GetInt(0, 1));
  s.body = r.Get(0, 2);
  s.location = r.Get(0, 3);
  return s;
}

void StoreIdempotentResponse(db::Connection& db, std::int64_t user_id, const std::string& key,
                             const StoredResponse& response) {
  db.Exec(kIdemStore.name, {user_id, key, response.status, response.body, response.location});
}

}  // namespace tudushka::app
