// The HTTP API as a worker app: route table, authentication, the single place
// where every escaping error becomes a JSON answer, ETags, CORS and the
// per-request log line.
#pragma once

#include <memory>
#include <optional>

#include "tudushka/app/users.hpp"
#include "tudushka/core/config.hpp"
#include "tudushka/db/db.hpp"
#include "tudushka/http/http.hpp"
#include "tudushka/http/metrics.hpp"
#include "tudushka/http/router.hpp"
#include "tudushka/server/pool.hpp"

namespace tudushka::api {

class Service;
class ListCache;

// What a handler gets: the request, the response to fill, the database and the
// caller (authenticated on first use).
struct Context {
  const http::Request& req;
  http::Response& res;
  db::Connection& db;
  const core::Config& config;
  Service& service;

  // The authenticated caller; throws 401 without a valid bearer token.
  const app::Caller& Caller();
  // SHA-256 of the bearer token, or "" when there is none (no database access).
  std::string TokenHash() const;

  std::optional<app::Caller> caller;
  std::int64_t user_id = 0;  // for the log line, however the caller was identified
};

using Handler = void (*)(Context&);
using Router = http::Router<Handler>;

class Service : public server::WorkerApp {
 public:
  // Connects to the database (a failure is logged, not fatal: requests get 503
  // until PostgreSQL is reachable).
  Service(const core::Config& config, http::Metrics* metrics);
  ~Service() override;

  void Serve(FCGX_Request& request) override;
  // Routes and answers one request; never throws.
  void Handle(http::Request& req, http::Response& res, std::int64_t* user_id = nullptr,
              int* route_index = nullptr);

  http::Metrics* metrics() const { return metrics_; }
  ListCache& list_cache() { return *list_cache_; }
  const Router& router() const { return router_; }

 private:
  void Dispatch(http::Request& req, http::Response& res, std::int64_t* user_id, int* route_index);
  http::HttpError CurrentError(const http::Request& req);

  core::Config config_;
  http::Metrics* metrics_;
  db::Connection db_;
  Router router_;
  std::unique_ptr<ListCache> list_cache_;
};

// The route table (exposed for the API root's endpoint map and tests).
const std::vector<Router::Route>& Routes();

}  // namespace tudushka::api
