// The HTTP API as a worker app: route table, authentication, the single place
// where every escaping error becomes a JSON answer, ETags, CORS and the
// per-request log line.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/fwd.h>

#include "tudushka/api/freshness.hpp"
#include "tudushka/api/response_cache.hpp"
#include "tudushka/app/tasks.hpp"
#include "tudushka/app/users.hpp"
#include "tudushka/core/config.hpp"
#include "tudushka/db/db.hpp"
#include "tudushka/http/http.hpp"
#include "tudushka/http/metrics.hpp"
#include "tudushka/http/router.hpp"
#include "tudushka/server/pool.hpp"

namespace tudushka::api {

class Service;

// Server settings of a worker's database session ("name=value"): the triggers of
// sql/004 leave announcing these sessions' writes to Service::AnnounceWrite.
const std::vector<std::string>& WorkerSessionSettings();

// What a handler gets: the request, the response to fill, the database and the
// caller (authenticated on first use).
struct Context {
  const http::Request& req;
  http::Response& res;
  db::Connection& db;
  const core::Config& config;
  Service& service;

  // The authenticated caller (from this worker's token cache while nothing about
  // accounts changed); throws 401 without a valid bearer token.
  const app::Caller& Caller();

  std::optional<app::Caller> caller;
  // The caller's id once authenticated, else 0 (for the log line and AnnounceWrite).
  std::int64_t UserId() const { return caller ? caller->user_id : 0; }
};

// What a route does to the state workers cache (see Service::AnnounceWrite).
enum class Effect {
  kNone,      // reads, and writes that change nothing cached (sign-up, login, parse)
  kTasks,     // changes the caller's tasks
  kAccounts,  // changes the caller's profile or sessions: also what cached tokens stand for
  kProbe,     // health: reports an unreachable database in its own shape; never an ETag
};

// A route's handler and its effect: the route table says both (routes.cpp). A route that
// joins a group commit has its writes share one transaction with those of the other
// requests of its group (see Service::HandleTogether): its handler must make its writes
// with db::Connection::InTransaction or single statements, and touch nothing outside the
// database but the answer.
enum class Commit { kAlone, kGroup };
struct Endpoint {
  void (*handle)(Context&);
  Effect effect = Effect::kNone;
  Commit commit = Commit::kAlone;
};
using Router = http::Router<Endpoint>;

// The task fields of a JSON body, read and checked as POST /api/tasks/ and PATCH read
// them; throws http::HttpError 422 naming each bad field. Public for bench-db-insert,
// which inserts what the bench's POST sends.
app::TaskInput ReadTaskInput(const rapidjson::Document& body);

// One request and its answer, as a worker handles it.
struct Exchange {
  http::Request req;
  http::Response res;
  std::int64_t user_id = 0;  // the authenticated caller, else 0
  int route = -1;            // index in Routes(), else -1
  bool answered = false;     // `res` is final (HandleTogether only hands it to `answer`)
};

class Service : public server::WorkerApp {
 public:
  // Connects to the database (a failure is logged, not fatal: requests get 503
  // until PostgreSQL is reachable). `freshness` is the pool's shared change counters;
  // without it the service keeps its own (one process).
  Service(const core::Config& config, http::Metrics* metrics, Freshness* freshness = nullptr);
  ~Service() override;

  // Reads `request`; when its route joins a group commit, takes the requests already
  // waiting (up to server::kMaxTogether) and answers them all with HandleTogether.
  void Serve(FCGX_Request& request, const server::AcceptMore& more) override;
  // Sends pending change notices and reads incoming ones while idle, so PostgreSQL
  // never has to hold them for us.
  void Idle() override;
  int IdleMillis() const override;
  // Routes and answers one request; never throws.
  void Handle(http::Request& req, http::Response& res, std::int64_t* user_id = nullptr,
              int* route_index = nullptr);
  // Answers requests that arrived together; never throws. Those whose route joins a group
  // commit run in one transaction, so their writes cost one commit and one flush to disk
  // between them instead of one each. If any of them fails on the database (or answers
  // 5xx), the transaction is rolled back and each is answered alone, as Handle does; if
  // the connection breaks, all get 503 (as a lone write would). The others are handled
  // one by one, after the group's commit. `answer`, if given, is called for each exchange
  // as soon as its answer is final: first those answered already, then the group's right
  // after their commit, then each of the others once handled.
  void HandleTogether(std::vector<Exchange>& exchanges,
                      const std::function<void(Exchange&)>& answer = {});

  http::Metrics* metrics() const { return metrics_; }
  Freshness& freshness() { return *freshness_; }
  ResponseCache& responses() { return responses_; }
  TokenCache& tokens() { return tokens_; }
  const Router& router() const { return router_; }

 private:
  // `grouped`: inside HandleTogether's transaction, which has caught up on changes already.
  void Dispatch(http::Request& req, http::Response& res, std::int64_t* user_id, int* route_index,
                bool grouped = false);
  // After a request's writes committed: announces them, and adds the CORS headers.
  void Finish(const http::Request& req, http::Response& res, std::int64_t user_id, int route_index);
  // The route of a request that would join a group commit, else -1.
  int GroupRoute(const Exchange& x) const;
  // HandleTogether's transaction; false when it was rolled back (answer each alone).
  bool CommitTogether(std::vector<Exchange*>& group);
  // 503 for a request the database could not serve (counted and logged).
  http::Response UnavailableResponse(const http::Request& req, const db::Unavailable& e);
  // Reads change notices that arrived; forgets every cached answer after a reconnect
  // (notices sent while disconnected are lost).
  void CatchUpOnChanges();
  // After every request (before its answer goes out), for routes whose Effect writes:
  // bumps this machine's counters and tells the other machines, so no worker anywhere
  // keeps serving what it changed.
  void AnnounceWrite(int route_index, std::int64_t user_id, int status);
  // Sends the notices not yet sent: at once when `now` is true, else only if none went
  // out in the last kAnnounceEvery (a burst of writes shares one notice per user).
  void SendNotices(bool now);
  http::HttpError CurrentError(const http::Request& req);

  core::Config config_;
  http::Metrics* metrics_;
  std::unique_ptr<Freshness> own_freshness_;
  Freshness* freshness_;
  db::Connection db_;
  Router router_;
  ResponseCache responses_;
  TokenCache tokens_;
  db::Connection::NotifyHandler on_notice_;  // a change notice: bump its counter
  std::uint64_t db_session_seen_ = 0;
  std::set<std::int64_t> unsent_users_;  // users whose task changes await a notice
  bool unsent_accounts_ = false;
  std::chrono::steady_clock::time_point last_notice_{};
};

// The route table (exposed for the API root's endpoint map and tests).
const std::vector<Router::Route>& Routes();

}  // namespace tudushka::api
