// PostgreSQL over libpq: RAII connection and result, statements prepared once
// per connection, SQLSTATE-typed errors, transactions and migrations.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tudushka::db {

// Any database failure; `sqlstate` is empty when the server sent none.
class Error : public std::runtime_error {
 public:
  Error(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// 23505: a unique constraint said no (username taken, ...).
class UniqueViolation : public Error {
 public:
  using Error::Error;
};

// The server is unreachable or the connection broke (08xxx, 57P0x, no answer).
// The connection reconnects on next use; callers answer 503.
class Unavailable : public Error {
 public:
  using Error::Error;
};

// A statement parameter: text, or SQL NULL.
class Param {
 public:
  Param(std::nullopt_t) : null_(true) {}
  Param(std::string v) : value_(std::move(v)) {}
  Param(std::string_view v) : value_(v) {}
  Param(const char* v) : value_(v) {}
  Param(std::int64_t v) : value_(std::to_string(v)) {}
  Param(int v) : value_(std::to_string(v)) {}
  Param(bool v) : value_(v ? "t" : "f") {}
  template <class T>
  Param(const std::optional<T>& v) : null_(!v) {
    if (v) value_ = Param(*v).value_;
  }
  const char* c_str() const { return null_ ? nullptr : value_.c_str(); }

 private:
  bool null_ = false;
  std::string value_;
};

// One query result (text format). Never outlives the Connection's next call in spirit,
// but owns its PGresult, so it is safe to keep.
class Result {
 public:
  explicit Result(PGresult* r) : res_(r, &PQclear) {}
  int Rows() const { return PQntuples(res_.get()); }
  bool Empty() const { return Rows() == 0; }
  bool IsNull(int row, int col) const { return PQgetisnull(res_.get(), row, col); }
  std::string_view Get(int row, int col) const {
    return {PQgetvalue(res_.get(), row, col),
            static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
  }
  std::optional<std::string> GetOpt(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return std::string(Get(row, col));
  }
  // A timestamptz as ISO 8601 UTC with whole seconds, "2026-11-27T15:00:00Z" (the
  // connection runs with TimeZone=UTC, so the server sends "2026-11-27 15:00:00.123+00").
  std::string GetTimestamp(int row, int col) const;
  std::optional<std::string> GetTimestampOpt(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return GetTimestamp(row, col);
  }
  std::int64_t GetInt(int row, int col) const;
  bool GetBool(int row, int col) const { return Get(row, col) == "t"; }
  // Affected rows of INSERT/UPDATE/DELETE.
  std::int64_t Affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> res_;
};

// A named statement, prepared on every (re)connect.
struct Statement {
  const char* name;
  const char* sql;
};

class Connection {
 public:
  // Receives one NOTIFY: channel and payload.
  using NotifyHandler = std::function<void(std::string_view channel, std::string_view payload)>;

  // `statements` must outlive the connection (static tables in practice). The
  // connection LISTENs on `channels` from every (re)connect on; `settings` are extra
  // server settings for the session ("name=value").
  Connection(std::string url, std::vector<const Statement*> statements = {},
             std::vector<std::string> channels = {}, std::vector<std::string> settings = {});
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects (or reconnects) and prepares every statement. Throws Unavailable, or Error
  // when a statement or LISTEN fails; either way the connection is then closed.
  // TUDUSHKA_DATABASE_URL's own settings (connect_timeout, application_name, options) win
  // over our defaults; its "options" are kept, followed by the server settings we need.
  void Connect();
  // Cheap liveness check before a request: notices a server-side close (one
  // poll(2), no round trip) and reconnects; hands every notification that arrived
  // since the last call to `on_notify` (there is no default: a dropped notice would leave
  // a cache stale). Throws Unavailable if it cannot connect.
  void EnsureOpen(const NotifyHandler& on_notify);
  bool IsOpen() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }
  // Waits up to `timeout_ms` for notifications and hands them to `on_notify`; false when
  // none came or the connection is not usable (EnsureOpen then reconnects).
  bool AwaitNotifications(int timeout_ms, const NotifyHandler& on_notify);
  // Successful connects so far: a change means notifications may have been missed.
  std::uint64_t sessions() const { return sessions_; }

  // Runs a prepared statement. Throws UniqueViolation, Unavailable or Error.
  Result Exec(const char* statement, std::initializer_list<Param> params = {});
  Result Exec(const char* statement, const std::vector<Param>& params);
  // Runs a prepared statement with a plan made for these parameter values instead of the
  // session's generic plan: for a statement whose best plan depends on them, such as a
  // task list, whose user may hold 20 tasks or 20 000. Costs a plan per call, no extra
  // round trip. Throws as Exec does.
  Result ExecCustomPlan(const char* statement, const std::vector<Param>& params);
  // Runs plain SQL (may hold several statements; migrations, BEGIN/COMMIT). SQL with no
  // statement in it (empty, or only comments) does nothing and returns an empty Result.
  Result Run(const std::string& sql);

  // Runs `body` inside BEGIN/COMMIT; rolls back if it throws. Inside a transaction already
  // open (requests answered as a group, see api::Service::Serve) it runs in a savepoint
  // instead, so a failing body undoes only its own work.
  template <class F>
  auto InTransaction(F&& body) -> decltype(body()) {
    bool nested = InTransactionBlock();
    Run(nested ? "SAVEPOINT nested" : "BEGIN");
    try {
      if constexpr (std::is_void_v<decltype(body())>) {
        body();
        Run(nested ? "RELEASE SAVEPOINT nested" : "COMMIT");
      } else {
        auto result = body();
        Run(nested ? "RELEASE SAVEPOINT nested" : "COMMIT");
        return result;
      }
    } catch (...) {
      if (nested)
        RollbackToSavepoint();
      else
        Rollback();
      throw;
    }
  }
  // A transaction is open on this connection (BEGIN without COMMIT or ROLLBACK yet).
  bool InTransactionBlock() const;
  // The open transaction met an error: until it rolls back, every statement fails.
  bool TransactionFailed() const;

 private:
  Result Check(PGresult* r);
  void Rollback() noexcept;
  void RollbackToSavepoint() noexcept;

  void Drain(const NotifyHandler& on_notify);

  std::string url_;
  std::vector<const Statement*> statements_;
  std::vector<std::string> channels_;
  std::string SessionOptions() const;

  std::string default_options_;   // server settings the URL's "options" may override
  std::string required_options_;  // server settings that win over the URL's
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
  std::uint64_t sessions_ = 0;
};

// Applies sql/NNN_name.sql files not yet in schema_migrations, each in its own
// transaction, under an advisory lock (safe from two processes at once).
// Returns the number applied; prints progress through `progress`.
int Migrate(Connection& conn, const std::string& dir, void (*progress)(const std::string&));

}  // namespace tudushka::db
