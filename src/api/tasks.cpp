#include "tudushka/app/tasks.hpp"

#include <algorithm>
#include <chrono>

#include "handlers.hpp"
#include "tudushka/app/errors.hpp"
#include "tudushka/core/crypto.hpp"
#include "tudushka/core/time.hpp"
#include "tudushka/parser/quick_add.hpp"
#include "views.hpp"

namespace tudushka::api {

constexpr std::size_t kMaxTitle = 500, kMaxDescription = 10000, kMaxTags = 20, kMaxTag = 50;

app::TaskInput ReadTaskInput(const rapidjson::Document& body) {
  json::FieldErrors errors;
  json::ObjectReader in(body, errors);
  app::TaskInput t;
  auto title = in.String("title", 1, kMaxTitle);
  if (title.present) t.title = title.value;
  auto description = in.String("description", 0, kMaxDescription, true);
  if (description.present) t.description = description.null ? "" : description.value;
  auto completed = in.Bool("completed");
  if (completed.present) t.completed = completed.value;
  auto priority = in.Int("priority", 0, 3);
  if (priority.present) t.priority = static_cast<int>(priority.value);
  t.due_date = json::AsPatch(in.String("due_date", 1, 10, true));
  t.due_at = json::AsPatch(in.String("due_at", 1, 40, true));
  t.remind_at = json::AsPatch(in.String("remind_at", 1, 40, true));
  t.recurrence = json::AsPatch(in.String("recurrence", 1, 500, true));
  auto tags = in.StringArray("tags", kMaxTags, kMaxTag);
  if (tags.present) t.tags = tags.value;
  auto position = in.Int("position", INT32_MIN, INT32_MAX);
  if (position.present) t.position = position.value;
  for (auto& [field, reason] : app::TaskInputErrors(t)) errors.emplace(field, reason);
  ThrowIfInvalid(errors);
  return t;
}

namespace {

std::int64_t TaskId(const Context& c) { return std::stoll(c.req.params.at("id")); }

// Runs `create` (which fills c.res) under the request's Idempotency-Key, if any:
// a retry with the same key gets the first answer and creates nothing.
template <class F>
void Idempotent(Context& c, F&& create) {
  std::string key(c.req.Header("idempotency-key"));
  if (key.empty()) {
    create();
    return;
  }
  bool printable =
      std::all_of(key.begin(), key.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; });
  if (key.size() > 255 || !printable)
    throw http::HttpError(
        422, "validation_failed",
        "Idempotency-Key must be 1 to 255 printable ASCII characters (a UUID will do)",
        {{"Idempotency-Key", key.size() > 255 ? "too long" : "not printable ASCII"}});
  std::int64_t user = c.Caller().user_id;
  std::string hash = core::Sha256Hex(c.req.path + "\n" + c.req.body);
  c.db.InTransaction([&] {
    if (auto prior = app::ClaimIdempotencyKey(c.db, user, key, hash)) {
      c.res.status = prior->status;
      c.res.body = prior->body;
      if (!prior->location.empty()) c.res.SetHeader("Location", prior->location);
      c.res.SetHeader("Idempotent-Replayed", "true");
      return;
    }
    create();
    std::string location;
    for (const auto& [name, value] : c.res.headers)
      if (name == "Location") location = value;
    app::StoreIdempotentResponse(c.db, user, key, {c.res.status, c.res.body, location});
  });
}

void Created(Context& c, const app::Task& task) {
  Reply(c, 201, TaskJson(task));
  c.res.SetHeader("Location", "/api/tasks/" + std::to_string(task.id));
}

std::optional<bool> BoolParam(const std::map<std::string, std::string>& q, const char* name,
                              json::FieldErrors& errors) {
  auto it = q.find(name);
  if (it == q.end() || it->second.empty()) return std::nullopt;
  if (it->second == "true" || it->second == "1") return true;
  if (it->second == "false" || it->second == "0") return false;
  errors[name] = "must be true or false";
  return std::nullopt;
}

std::int64_t IntParam(const std::map<std::string, std::string>& q, const char* name,
                      std::int64_t fallback, json::FieldErrors& errors) {
  auto it = q.find(name);
  if (it == q.end() || it->second.empty()) return fallback;
  const std::string& v = it->second;
  if (v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
    errors[name] = "must be a non-negative integer";
    return fallback;
  }
  return std::stoll(v);
}

std::string PageUrl(std::map<std::string, std::string> q, std::int64_t limit, std::int64_t offset) {
  q["limit"] = std::to_string(limit);
  q["offset"] = std::to_string(offset);
  std::string url = "/api/tasks/?";
  bool first = true;
  for (const auto& [k, v] : q) {
    if (!first) url += '&';
    first = false;
    url += http::UrlEncode(k) + "=" + http::UrlEncode(v);
  }
  return url;
}

// Reads {text, tz?} and parses it in `tz` (default: the caller's zone) and language.
parser::QuickAdd ParseText(Context& c) {
  const app::Caller& caller = c.Caller();
  auto body = JsonBody(c);
  json::FieldErrors errors;
  json::ObjectReader in(body, errors);
  auto text = in.String("text", 1, 2000);
  in.Require("text", text);
  auto tz_name = in.String("tz", 1, 64);
  const date::time_zone* tz = core::FindZone(tz_name.present ? tz_name.value : caller.timezone);
  if (tz_name.present && !tz) in.Fail("tz", "is not an IANA time zone (e.g. Europe/Moscow)");
  ThrowIfInvalid(errors);
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return parser::Parse(text.value, tz, now, caller.language);
}

// A 200 from this worker's cache for `key` when it is still at `stamp` (the caller's
// change counter read before any query); true when it answered.
bool ReplyFromCache(Context& c, const std::string& key, std::uint64_t stamp) {
  const ResponseCache::Entry* hit = c.service.responses().Find(key, stamp, CacheClock::now());
  if (auto* m = c.service.metrics()) m->RecordCacheLookup(http::Metrics::kResponseCache, hit);
  if (!hit) return false;
  Reply(c, 200, hit->body);
  c.res.SetHeader("ETag", hit->etag);
  return true;
}

// A 200 with `body` and its ETag, kept for the next request with the same key.
void ReplyAndCache(Context& c, const std::string& key, std::uint64_t stamp, std::string body) {
  std::string etag = http::ETagFor(body);
  c.service.responses().Store(key, {stamp, body, etag, CacheClock::now()});
  Reply(c, 200, std::move(body));
  c.res.SetHeader("ETag", etag);
}

std::optional<std::string> Instant(const std::optional<std::chrono::sys_seconds>& t) {
  if (!t) return std::nullopt;
  return core::FormatInstant(*t);
}

}  // namespace

void ListTasks(Context& c) {
  auto q = c.req.Query();
  json::FieldErrors errors;
  app::TaskQuery query;
  query.completed = BoolParam(q, "completed", errors);
  if (q.count("q")) query.q = q["q"];
  if (q.count("tag") && !q["tag"].empty()) query.tag = q["tag"];
  if (q.count("due_before") && !q["due_before"].empty()) query.due_before = q["due_before"];
  if (q.count("due_after") && !q["due_after"].empty()) query.due_after = q["due_after"];
  if (q.count("ordering") && !q["ordering"].empty()) query.ordering = q["ordering"];
  query.limit = IntParam(q, "limit", 50, errors);
  query.offset = IntParam(q, "offset", 0, errors);
  ThrowIfInvalid(errors);

  const app::Caller& caller = c.Caller();
  std::uint64_t stamp = c.service.freshness().User(caller.user_id);
  std::string key = "list\n" + std::to_string(caller.user_id) + "\n" + caller.timezone + "\n";
  // Encoded, so a value holding '&' or '=' cannot pass for other parameters.
  for (const auto& [k, v] : q) key += http::UrlEncode(k) + "=" + http::UrlEncode(v) + "&";
  if (ReplyFromCache(c, key, stamp)) return;

  app::TaskPage page = app::ListTasks(c.db, caller, query);
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("count");
  w.Int64(page.count);
  w.Key("next");
  if (query.offset + query.limit < page.count)
    json::String(w, PageUrl(q, query.limit, query.offset + query.limit));
  else
    w.Null();
  w.Key("previous");
  if (query.offset > 0)
    json::String(w, PageUrl(q, query.limit, std::max<std::int64_t>(0, query.offset - query.limit)));
  else
    w.Null();
  w.Key("results");
  w.StartArray();
  for (const auto& t : page.results) WriteTask(w, t);
  w.EndArray();
  w.EndObject();
  ReplyAndCache(c, key, stamp, buf.GetString());
}

void CreateTask(Context& c) {
  const app::Caller& caller = c.Caller();
  auto input = ReadTaskInput(JsonBody(c));
  Idempotent(c, [&] { Created(c, app::CreateTask(c.db, caller, input)); });
}

void GetTask(Context& c) {
  const app::Caller& caller = c.Caller();
  std::uint64_t stamp = c.service.freshness().User(caller.user_id);
  std::string key = "task\n" + std::to_string(caller.user_id) + "\n" + c.req.params.at("id");
  if (ReplyFromCache(c, key, stamp)) return;
  ReplyAndCache(c, key, stamp, TaskJson(app::GetTask(c.db, caller.user_id, TaskId(c))));
}

void PatchTask(Context& c) {
  const app::Caller& caller = c.Caller();
  auto input = ReadTaskInput(JsonBody(c));
  std::string if_match(c.req.Header("if-match"));
  auto precondition = [&](const app::Task& current) {
    return if_match.empty() || http::ETagListMatches(if_match, http::ETagFor(TaskJson(current)));
  };
  std::string body = TaskJson(app::UpdateTask(c.db, caller, TaskId(c), input, precondition));
  c.res.SetHeader("ETag", http::ETagFor(body));  // the next If-Match needs no GET first
  Reply(c, 200, std::move(body));
}

void DeleteTask(Context& c) {
  app::DeleteTask(c.db, c.Caller().user_id, TaskId(c));
  c.res.status = 204;
}

void ParseTask(Context& c) {
  parser::QuickAdd p = ParseText(c);
  json::Buffer buf;
  json::Writer w(buf);
  w.StartObject();
  w.Key("title");
  json::String(w, p.title);
  w.Key("due_date");
  json::NullableString(w, p.due_date);
  w.Key("due_at");
  json::NullableString(w, Instant(p.due_at));
  w.Key("remind_at");
  json::NullableString(w, Instant(p.remind_at));
  w.Key("priority");
  w.Int(p.priority);
  w.Key("tags");
  w.StartArray();
  for (const auto& t : p.tags) json::String(w, t);
  w.EndArray();
  w.Key("recurrence");
  json::NullableString(w, p.recurrence);
  w.Key("spans");
  w.StartArray();
  for (const auto& s : p.spans) {
    w.StartObject();
    w.Key("start");
    w.Int(s.start);
    w.Key("end");
    w.Int(s.end);
    w.Key("kind");
    json::String(w, s.kind);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  Reply(c, 200, buf.GetString());
}

void QuickAddTask(Context& c) {
  const app::Caller& caller = c.Caller();
  parser::QuickAdd p = ParseText(c);
  if (p.title.empty())
    throw http::HttpError(422, "validation_failed",
                          "text has no title left after the date, tags and priority were read",
                          {{"text", "needs a title besides the date, tags and priority"}});
  app::TaskInput input;
  input.title = p.title;
  input.priority = p.priority;
  input.due_date = p.due_date;
  input.due_at = Instant(p.due_at);
  input.remind_at = Instant(p.remind_at);
  input.recurrence = p.recurrence;
  input.tags = p.tags;
  Idempotent(c, [&] { Created(c, app::CreateTask(c.db, caller, input)); });
}

}  // namespace tudushka::api
