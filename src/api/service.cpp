#include "tudushka/api/service.hpp"

#include <chrono>

#include "handlers.hpp"
#include "tudushka/app/errors.hpp"
#include "tudushka/app/tasks.hpp"
#include "tudushka/core/crypto.hpp"
#include "tudushka/core/log.hpp"
#include "tudushka/http/fastcgi.hpp"

namespace tudushka::api {
namespace {

// Change notices ($2: a text array of "t:<user id>" and "a") on channel $1.
const db::Statement kAnnounce{"announce_changes",
                              "SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload"};

std::vector<const db::Statement*> AllStatements() {
  std::vector<const db::Statement*> all = app::UserStatements();
  for (const auto* s : app::TaskStatements()) all.push_back(s);
  all.push_back(&kAnnounce);
  return all;
}

bool IsJsonContentType(std::string_view type) {
  auto semi = type.find(';');
  std::string_view media = type.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return lower == "application/json" || (lower.size() > 5 && lower.ends_with("+json"));
}

http::HttpError Unauthorized(const std::string& message) {
  http::HttpError e(401, "unauthorized", message);
  e.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"tudushka\"");
  return e;
}

// Per-worker caches (see response_cache.hpp): rendered answers and checked tokens.
constexpr std::size_t kResponseCacheBytes = 3 << 20;
constexpr std::size_t kTokenCacheEntries = 8192;

// At most one batch of change notices per worker per this interval. Each batch is a
// transaction of its own that wakes every listening backend and worker: every 10 ms, the
// four workers' batches cost a burst of POSTs 10-20% of its rate (make bench, alternated
// runs). Only other machines wait for them (this one's counters are shared memory), and
// 50 ms is still well before a person could look there.
constexpr std::chrono::milliseconds kAnnounceEvery(50);

// Thrown inside a group's transaction when a member failed: roll back, answer each alone.
struct GroupRefused {};

constexpr const char* kCorsHeaders =
    "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key";

}  // namespace

const std::vector<std::string>& WorkerSessionSettings() {
  static const std::vector<std::string> settings = {"tudushka.client_announces=on"};
  return settings;
}

const app::Caller& Context::Caller() {
  if (caller) return *caller;
  std::string_view auth = req.Header("authorization");
  if (auth.empty())
    throw Unauthorized("authentication required: send Authorization: Bearer <token>");
  if (auth.size() < 8 || (auth.substr(0, 7) != "Bearer " && auth.substr(0, 7) != "bearer "))
    throw Unauthorized("the Authorization header must be 'Bearer <token>'");
  std::string token(auth.substr(7));
  auto now = TokenCache::Clock::now();
  std::uint64_t stamp = service.freshness().Accounts();
  const app::Caller* hit = service.tokens().Find(core::Sha256Hex(token), stamp, now);
  if (service.metrics()) service.metrics()->RecordCacheLookup(http::Metrics::kTokenCache, hit);
  if (hit) {
    caller = *hit;
  } else {
    caller = app::Authenticate(db, token);
    if (!caller) throw Unauthorized("the token is unknown or expired: sign in again");
    service.tokens().Store(*caller, stamp, now);
  }
  return *caller;
}

rapidjson::Document JsonBody(const Context& c) {
  if (!IsJsonContentType(c.req.Header("content-type")))
    throw http::HttpError(415, "unsupported_media_type",
                          "send the body as JSON with Content-Type: application/json");
  return json::ParseObject(c.req.body);
}

void ThrowIfInvalid(const json::FieldErrors& errors) {
  if (!errors.empty()) throw http::ValidationFailed(errors);
}

void Reply(Context& c, int status, std::string body) {
  c.res.status = status;
  c.res.body = std::move(body);
}

Service::Service(const core::Config& config, http::Metrics* metrics, Freshness* freshness)
    : config_(config),
      metrics_(metrics),
      own_freshness_(freshness ? nullptr : std::make_unique<Freshness>()),
      freshness_(freshness ? freshness : own_freshness_.get()),
      db_(config.database_url, AllStatements(), {Freshness::kChannel}, WorkerSessionSettings()),
      router_(Routes()),
      responses_(kResponseCacheBytes),
      tokens_(kTokenCacheEntries),
      on_notice_([this](std::string_view, std::string_view notice) { freshness_->Apply(notice); }) {
  try {
    db_.Connect();
  } catch (const db::Unavailable& e) {
    core::LogWarn("database unavailable at start; will retry on each request",
                  {{"error", e.what()}});
  }
}

Service::~Service() { SendNotices(true); }

void Service::Serve(FCGX_Request& first, const server::AcceptMore& more) {
  struct Held {  // where exchanges[i] came from, and since when
    FCGX_Request* fcgi;
    std::chrono::steady_clock::time_point start;
  };
  std::vector<Held> held;
  std::vector<Exchange> exchanges;
  exchanges.reserve(server::kMaxTogether);
  auto take = [&](FCGX_Request& request) {
    held.push_back({&request, std::chrono::steady_clock::now()});
    Exchange& x = exchanges.emplace_back();
    bool too_large = false;
    x.req = http::ReadRequest(request, config_.body_limit, too_large);
    if (!too_large) return;
    http::HttpError e(
        413, "too_large",
        "request body is over the limit of " + std::to_string(config_.body_limit) + " bytes");
    x.res.status = 413;
    x.res.body = http::ErrorBody(e, x.req.request_id);
    x.answered = true;
  };
  take(first);
  // Only a write that can share a commit waits for company; the requests already queued
  // behind it would wait for a worker anyway.
  if (GroupRoute(exchanges[0]) >= 0)
    while (FCGX_Request* next = more()) take(*next);
  HandleTogether(exchanges, [&](Exchange& x) {
    const Held& h = held[static_cast<std::size_t>(&x - exchanges.data())];
    http::WriteResponse(*h.fcgi, x.req, x.res);
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - h.start)
                      .count();
    if (metrics_)
      metrics_->RecordRequest(x.route, x.res.status, static_cast<std::uint64_t>(micros));
    if (core::LogEnabled(core::LogLevel::kInfo))
      core::LogInfo("request", {{"request_id", x.req.request_id},
                                {"method", x.req.method},
                                {"path", x.req.path},
                                {"status", std::to_string(x.res.status)},
                                {"duration_us", std::to_string(micros)},
                                {"user_id", x.user_id ? std::to_string(x.user_id) : "-"}});
  });
}

void Service::HandleTogether(std::vector<Exchange>& exchanges,
                             const std::function<void(Exchange&)>& answer) {
  auto done = [&](Exchange& x) {
    x.answered = true;
    if (answer) answer(x);
  };
  std::vector<Exchange*> group;
  for (auto& x : exchanges)
    if (x.answered)
      done(x);
    else if (GroupRoute(x) >= 0)
      group.push_back(&x);
  if (group.size() > 1 && CommitTogether(group))
    for (Exchange* x : group) done(*x);
  for (auto& x : exchanges) {
    if (x.answered) continue;
    Handle(x.req, x.res, &x.user_id, &x.route);
    done(x);
  }
}

int Service::GroupRoute(const Exchange& x) const {
  auto match = router_.Find(x.req.method, x.req.path);
  return match.route && match.route->handler.commit == Commit::kGroup ? match.index : -1;
}

bool Service::CommitTogether(std::vector<Exchange*>& group) {
  try {
    CatchUpOnChanges();  // once for the group, outside its transaction
    SendNotices(false);
    db_.InTransaction([&] {
      for (Exchange* x : group) {
        x->res = http::Response();
        Dispatch(x->req, x->res, &x->user_id, &x->route, true);
        // Whatever failed here (a statement the database refused, or a deadlock between
        // two groups' idempotency keys, answered 500 after its savepoint) is tried again
        // alone: a group never answers an error that the request alone would not.
        if (db_.TransactionFailed() || x->res.status >= 500) throw GroupRefused();
      }
    });
    if (metrics_) metrics_->RecordGroupCommit(group.size());
  } catch (const GroupRefused&) {
    return false;
  } catch (const db::Unavailable& e) {
    // Whether the commit went through is unknown: as for a lone write, 503 (below, the
    // writes are announced all the same).
    for (Exchange* x : group) x->res = UnavailableResponse(x->req, e);
  } catch (const db::Error&) {
    return false;  // the commit itself was refused: nothing was written
  }
  for (Exchange* x : group) Finish(x->req, x->res, x->user_id, x->route);
  return true;
}

http::Response Service::UnavailableResponse(const http::Request& req, const db::Unavailable& e) {
  if (metrics_) metrics_->RecordDbError();
  core::LogWarn("database unavailable", {{"request_id", req.request_id}, {"error", e.what()}});
  http::HttpError err(503, "unavailable", "the database is unavailable; try again in a moment");
  err.headers.emplace_back("Retry-After", "1");
  return http::ErrorResponse(err, req.request_id);
}

void Service::Handle(http::Request& req, http::Response& res, std::int64_t* user_id,
                     int* route_index) {
  std::int64_t ignored_user = 0;
  int ignored_route = -1;
  if (!user_id) user_id = &ignored_user;
  if (!route_index) route_index = &ignored_route;
  // A read that met a connection broken since the last request is retried once on a
  // fresh connection; writes are not (they may have been applied).
  bool safe = req.method == "GET" || req.method == "HEAD";
  for (int attempt = 0;; ++attempt) {
    http::Response fresh;
    try {
      Dispatch(req, fresh, user_id, route_index);
      res = std::move(fresh);
      break;
    } catch (const db::Unavailable& e) {
      if (safe && attempt == 0) continue;
      res = UnavailableResponse(req, e);
      break;
    }
  }
  Finish(req, res, *user_id, *route_index);
}

void Service::Finish(const http::Request& req, http::Response& res, std::int64_t user_id,
                     int route_index) {
  AnnounceWrite(route_index, user_id, res.status);  // the route's effect says if it wrote
  // CORS: only for configured origins; never a wildcard.
  std::string_view origin = req.Header("origin");
  if (!origin.empty()) {
    for (const auto& allowed : config_.cors_origins) {
      if (allowed != origin) continue;
      res.SetHeader("Access-Control-Allow-Origin", std::string(origin));
      res.SetHeader("Vary", "Origin");
      res.SetHeader("Access-Control-Expose-Headers", "ETag, Location, Retry-After");
    }
  }
}

void Service::CatchUpOnChanges() {
  db_.EnsureOpen(on_notice_);
  if (db_.sessions() != db_session_seen_) {
    responses_.Clear();
    tokens_.Clear();
    db_session_seen_ = db_.sessions();
  }
}

int Service::IdleMillis() const {
  bool unsent = !unsent_users_.empty() || unsent_accounts_;
  return unsent ? static_cast<int>(kAnnounceEvery.count()) : 1000;
}

void Service::Idle() {
  if (!db_.IsOpen()) return;  // reconnecting is left to the next request
  SendNotices(true);
  try {
    // After a burst of notices, keep reading while nothing else is waiting (the server
    // writes them as fast as we read, so wait a little for each next batch).
    if (db_.AwaitNotifications(0, on_notice_))
      for (int round = 0; round < 200 && db_.AwaitNotifications(5, on_notice_); ++round) {
      }
    CatchUpOnChanges();
  } catch (const std::exception& e) {
    core::LogWarn("database check while idle failed", {{"error", e.what()}});
  }
}

void Service::AnnounceWrite(int route_index, std::int64_t user_id, int status) {
  const auto& routes = router_.routes();
  if (route_index < 0 || route_index >= static_cast<int>(routes.size())) return;  // no route
  Effect effect = routes[route_index].handler.effect;
  if (effect != Effect::kTasks && effect != Effect::kAccounts) return;
  if (status >= 400 && status < 500) return;  // a client error changed nothing
  bool accounts = effect == Effect::kAccounts;
  // This machine: before the answer leaves, so the client's next read sees the write.
  if (user_id) freshness_->BumpUser(user_id);
  if (accounts) freshness_->BumpAccounts();
  // Every other machine: a notice (below).
  if (!user_id && !accounts) return;
  if (user_id) unsent_users_.insert(user_id);
  unsent_accounts_ = unsent_accounts_ || accounts;
  SendNotices(false);
}

// Notices go in a transaction of their own after the writes' commits. It writes no WAL
// but its commit record, so it never waits for the disk (a notice is lost only if
// PostgreSQL crashes, and then every worker forgets its caches on reconnecting; cached
// entries also age out, see response_cache.hpp).
void Service::SendNotices(bool now) {
  if (unsent_users_.empty() && !unsent_accounts_) return;
  auto at = std::chrono::steady_clock::now();
  if (!now && at - last_notice_ < kAnnounceEvery) return;
  if (!db_.IsOpen()) return;  // kept for when the connection is back
  std::string payloads = "{";
  for (std::int64_t user : unsent_users_) payloads += "t:" + std::to_string(user) + ",";
  if (unsent_accounts_) payloads += "a,";
  payloads.back() = '}';
  last_notice_ = at;
  try {
    db_.Exec(kAnnounce.name, {Freshness::kChannel, payloads});
    unsent_users_.clear();
    unsent_accounts_ = false;
  } catch (const std::exception& e) {
    // Kept, and sent again with the next batch.
    core::LogWarn("could not send change notices", {{"error", e.what()}});
  }
}

// What the layers below threw, as the API's error (called inside a catch block). This is
// the one place anything unexpected becomes a JSON 500: logged, and the worker serves on.
http::HttpError Service::CurrentError(const http::Request& req) {
  try {
    throw;
  } catch (const http::HttpError& e) {
    return e;
  } catch (const json::BadJson& e) {
    return http::HttpError(400, "bad_json", e.what());
  } catch (const app::Invalid& e) {
    return http::ValidationFailed(e.fields);
  } catch (const app::NotFound& e) {
    return http::NotFound(e.what());
  } catch (const app::Conflict& e) {
    return http::HttpError(409, "conflict", e.what());
  } catch (const app::Unauthorized& e) {
    return Unauthorized(e.what());
  } catch (const app::PreconditionFailed& e) {
    return http::HttpError(412, "precondition_failed", e.what());
  } catch (const db::UniqueViolation&) {
    return http::HttpError(409, "conflict", "that already exists");
  } catch (const std::exception& e) {
    core::LogError("unhandled error", {{"request_id", req.request_id}, {"error", e.what()}});
    if (metrics_ && dynamic_cast<const db::Error*>(&e)) metrics_->RecordDbError();
  } catch (...) {
    core::LogError("unhandled non-standard exception", {{"request_id", req.request_id}});
  }
  return http::HttpError(500, "internal_error", "something went wrong on our side; it is logged");
}

void Service::Dispatch(http::Request& req, http::Response& res, std::int64_t* user_id,
                       int* route_index, bool grouped) {
  Context c{req, res, db_, config_, *this, std::nullopt};
  try {
    auto match = router_.Find(req.method, req.path);
    *route_index = match.index;
    if (!match.route) {
      if (match.allow.empty()) throw http::NotFound("no such route: " + req.path);
      if (req.method == "OPTIONS") {
        res.status = 204;
        res.SetHeader("Allow", match.allow + ", OPTIONS");
        res.SetHeader("Access-Control-Allow-Methods", match.allow + ", OPTIONS");
        res.SetHeader("Access-Control-Allow-Headers", kCorsHeaders);
        res.SetHeader("Access-Control-Max-Age", "600");
        return;
      }
      http::HttpError e(405, "method_not_allowed",
                        req.method + " is not allowed here; use " + match.allow);
      e.headers.emplace_back("Allow", match.allow);
      throw e;
    }
    req.params = std::move(match.params);
    bool probe = match.route->handler.effect == Effect::kProbe;
    try {
      if (!grouped) {
        CatchUpOnChanges();
        SendNotices(false);
      }
    } catch (const db::Unavailable&) {
      if (!probe) throw;  // a probe reports the database in its own shape
    }
    match.route->handler.handle(c);
    *user_id = c.UserId();
    // Conditional GET: a strong ETag over the exact bytes we would send.
    if ((req.method == "GET" || req.method == "HEAD") && res.status == 200 &&
        res.content_type == "application/json" && !probe) {
      std::string etag;
      for (const auto& [name, value] : res.headers)
        if (name == "ETag") etag = value;
      if (etag.empty()) {
        etag = http::ETagFor(res.body);
        res.SetHeader("ETag", etag);
      }
      res.SetHeader("Cache-Control", "private, no-cache");
      std::string_view inm = req.Header("if-none-match");
      if (!inm.empty() && http::ETagListMatches(inm, etag)) {
        res.status = 304;
        res.body.clear();
      }
    }
    return;
  } catch (const db::Unavailable&) {
    throw;  // Handle() retries or answers 503
  } catch (...) {
    res = http::ErrorResponse(CurrentError(req), req.request_id);
  }
  *user_id = c.UserId();
}

}  // namespace tudushka::api
