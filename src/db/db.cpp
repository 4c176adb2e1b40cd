#include "tudushka/db/db.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace tudushka::db {
namespace {

bool IsConnectionState(const std::string& state) {
  // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

// libpq's parameter array: each value's text, or null for SQL NULL.
std::vector<const char*> Values(const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p.c_str());
  return values;
}

std::string Trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string ReadMigration(const std::filesystem::path& file) {
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  std::string sql;
  char buffer[8192];
  while (in && (in.read(buffer, sizeof buffer) || in.gcount() > 0)) sql.append(buffer, in.gcount());
  if (!in.is_open() || in.bad())
    throw Error("cannot read " + file.string() + ": " + std::strerror(errno != 0 ? errno : EIO),
                "");
  return sql;
}

}  // namespace

std::string Result::GetTimestamp(int row, int col) const {
  std::string_view pg = Get(row, col);
  if (pg.size() < 19) return std::string(pg);
  std::string out(pg.substr(0, 19));
  out[10] = 'T';
  return out + 'Z';
}

std::int64_t Result::GetInt(int row, int col) const {
  return std::strtoll(PQgetvalue(res_.get(), row, col), nullptr, 10);
}

std::int64_t Result::Affected() const {
  const char* n = PQcmdTuples(res_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

Connection::Connection(std::string url, std::vector<const Statement*> statements,
                       std::vector<std::string> channels, std::vector<std::string> settings)
    : url_(std::move(url)),
      statements_(std::move(statements)),
      channels_(std::move(channels)),
      // Generic plans: our statements are planned once per connection instead of on every
      // call (their "$n IS NULL OR ..." filters make custom plans look cheaper, so the
      // planner would otherwise re-plan each execution; ExecCustomPlan asks for that where it
      // pays). Defaults: the URL may change them.
      default_options_("-c plan_cache_mode=force_generic_plan -c client_min_messages=warning"),
      // Timestamps come back in UTC ISO form whatever the server's defaults are (Result
      // reads them so): these, and the caller's settings, win over the URL's.
      required_options_("-c TimeZone=UTC -c DateStyle=ISO"),
      conn_(nullptr, &PQfinish) {
  for (const std::string& s : settings) required_options_ += " -c " + s;
}

// libpq's "options" for the session: our defaults, then the URL's own (else PGOPTIONS, as
// libpq would use), then the settings we need. The server applies them in order, so for a
// setting named twice the later one wins.
std::string Connection::SessionOptions() const {
  std::string theirs;
  char* error = nullptr;
  if (PQconninfoOption* parsed = PQconninfoParse(url_.c_str(), &error)) {
    for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o)
      if (std::string_view(o->keyword) == "options" && o->val != nullptr) theirs = o->val;
    PQconninfoFree(parsed);
  }
  PQfreemem(error);  // a plain database name is no connection string: no options of its own
  if (theirs.empty() && std::getenv("PGOPTIONS") != nullptr) theirs = std::getenv("PGOPTIONS");
  return default_options_ + (theirs.empty() ? "" : " " + theirs) + " " + required_options_;
}

void Connection::Connect() {
  conn_.reset();
  // libpq takes the last value of a keyword, and the URL's fields (dbname is expanded) sit
  // where dbname is: our defaults come before it so that the URL's settings win, the
  // merged options after it so that neither side's are lost.
  std::string options = SessionOptions();
  const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname", "options",
                        nullptr};
  const char* values[] = {"3", "tudushka", url_.c_str(), options.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  conn_.reset(c);
  if (!c || PQstatus(c) != CONNECTION_OK)
    throw Unavailable(
        "cannot connect to PostgreSQL: " + Trimmed(c ? PQerrorMessage(c) : "out of memory"), "");
  try {
    for (const Statement* s : statements_) {
      Check(PQprepare(c, s->name, s->sql, 0, nullptr));
    }
    for (const std::string& channel : channels_) {
      std::unique_ptr<char, void (*)(void*)> quoted(
          PQescapeIdentifier(c, channel.c_str(), channel.size()), &PQfreemem);
      if (!quoted) throw Error("cannot quote channel name " + channel, "");
      Check(PQexec(c, ("LISTEN " + std::string(quoted.get())).c_str()));
    }
  } catch (...) {
    // Not half-prepared forever: closed, so that the next EnsureOpen connects again.
    conn_.reset();
    throw;
  }
  ++sessions_;
}

void Connection::EnsureOpen(const NotifyHandler& on_notify) {
  if (IsOpen()) {
    // A server that restarted or was stopped closes our socket: poll sees it readable,
    // as it does while notifications are waiting. Those are read until none is left
    // (the server sends more as the socket empties), so none waits in the server.
    for (int round = 0; round < 1000; ++round) {
      pollfd p{PQsocket(conn_.get()), POLLIN, 0};
      if (poll(&p, 1, 0) == 0) break;
      if (PQconsumeInput(conn_.get()) != 1 || PQstatus(conn_.get()) != CONNECTION_OK) {
        Connect();
        return;
      }
      Drain(on_notify);
    }
    Drain(on_notify);  // also the ones libpq read along with the last query's answer
    return;
  }
  Connect();
}

bool Connection::AwaitNotifications(int timeout_ms, const NotifyHandler& on_notify) {
  if (!IsOpen()) return false;
  pollfd p{PQsocket(conn_.get()), POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return false;
  if (PQconsumeInput(conn_.get()) != 1 || PQstatus(conn_.get()) != CONNECTION_OK) return false;
  Drain(on_notify);
  return true;
}

void Connection::Drain(const NotifyHandler& on_notify) {
  while (PGnotify* n = PQnotifies(conn_.get())) {
    std::unique_ptr<PGnotify, void (*)(void*)> owned(n, &PQfreemem);
    if (on_notify) on_notify(n->relname ? n->relname : "", n->extra ? n->extra : "");
  }
}

Result Connection::Check(PGresult* r) {
  Result result(r);
  ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  std::string state;
  std::string message;
  if (r) {
    const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    state = s ? s : "";
    message = Trimmed(PQresultErrorMessage(r));
  }
  if (message.empty() && conn_) message = Trimmed(PQerrorMessage(conn_.get()));
  if (message.empty()) message = std::string("unexpected result ") + PQresStatus(status);
  if (!r || !conn_ || PQstatus(conn_.get()) != CONNECTION_OK || IsConnectionState(state))
    throw Unavailable("database connection lost: " + message, state);
  if (state == "23505") throw UniqueViolation(message, state);
  throw Error(message, state);
}

Result Connection::Exec(const char* statement, std::initializer_list<Param> params) {
  const char* values[32];
  int n = 0;
  for (const Param& p : params) {
    if (n == 32) throw Error("too many statement parameters", "");
    values[n++] = p.c_str();
  }
  if (!IsOpen()) throw Unavailable("database connection is closed", "");
  return Check(PQexecPrepared(conn_.get(), statement, n, values, nullptr, nullptr, 0));
}

Result Connection::Exec(const char* statement, const std::vector<Param>& params) {
  std::vector<const char*> values = Values(params);
  if (!IsOpen()) throw Unavailable("database connection is closed", "");
  return Check(PQexecPrepared(conn_.get(), statement, static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0));
}

Result Connection::ExecCustomPlan(const char* statement, const std::vector<Param>& params) {
  std::vector<const char*> values = Values(params);
  if (!IsOpen()) throw Unavailable("database connection is closed", "");
  PGconn* c = conn_.get();
  // SET, the statement and RESET in one pipeline, one round trip. They run in one implicit
  // transaction (or in the caller's), so an error rolls the SET back along with the rest.
  auto send_sql = [c](const char* sql) {
    return PQsendQueryParams(c, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  };
  bool sent = PQenterPipelineMode(c) == 1 && send_sql("SET plan_cache_mode = force_custom_plan") &&
              PQsendQueryPrepared(c, statement, static_cast<int>(values.size()), values.data(),
                                  nullptr, nullptr, 0) == 1 &&
              send_sql("RESET plan_cache_mode") && PQpipelineSync(c) == 1;
  std::unique_ptr<PGresult, void (*)(PGresult*)> got[3] = {
      {nullptr, &PQclear}, {nullptr, &PQclear}, {nullptr, &PQclear}};
  if (sent) {
    for (auto& result : got) {  // each query's result, then a null that ends it
      result.reset(PQgetResult(c));
      while (PGresult* extra = PQgetResult(c)) PQclear(extra);
    }
    PQclear(PQgetResult(c));  // the sync
  }
  if (!sent || PQexitPipelineMode(c) != 1) {
    std::string why = Trimmed(PQerrorMessage(c));
    conn_.reset();  // in an unknown state: the next EnsureOpen connects afresh
    throw Unavailable("database connection lost: " + why, "");
  }
  // In order: a failed SET leaves the others "aborted", so its error is the one to report.
  Check(got[0].release());
  Result result = Check(got[1].release());
  Check(got[2].release());
  return result;
}

Result Connection::Run(const std::string& sql) {
  if (!IsOpen()) throw Unavailable("database connection is closed", "");
  PGresult* r = PQexec(conn_.get(), sql.c_str());
  if (r && PQresultStatus(r) == PGRES_EMPTY_QUERY) return Result(r);  // nothing to run
  return Check(r);
}

void Connection::Rollback() noexcept {
  if (!IsOpen()) return;
  PGresult* r = PQexec(conn_.get(), "ROLLBACK");
  PQclear(r);
}

void Connection::RollbackToSavepoint() noexcept {
  if (!IsOpen()) return;
  PGresult* r = PQexec(conn_.get(), "ROLLBACK TO SAVEPOINT nested; RELEASE SAVEPOINT nested");
  PQclear(r);
}

bool Connection::InTransactionBlock() const {
  if (!IsOpen()) return false;
  auto status = PQtransactionStatus(conn_.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

bool Connection::TransactionFailed() const {
  return IsOpen() && PQtransactionStatus(conn_.get()) == PQTRANS_INERROR;
}

int Migrate(Connection& conn, const std::string& dir, void (*progress)(const std::string&)) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".sql" && name.size() > 4 && std::isdigit(name[0]))
      files.push_back(entry.path());
  }
  if (ec) throw Error("cannot read migrations directory '" + dir + "': " + ec.message(), "");
  std::sort(files.begin(), files.end());

  // One advisory lock serialises concurrent migrators; the second waits, then finds nothing to do.
  conn.Run("SELECT pg_advisory_lock(7478434)");
  int applied = 0;
  try {
    conn.Run(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
    for (const auto& file : files) {
      std::string version = file.stem().string();
      std::string quoted = "'" + version + "'";  // names are digits, letters and '_' (checked)
      if (version.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        throw Error("migration file name must be NNN_lowercase_name.sql: " + file.string(), "");
      if (!conn.Run("SELECT 1 FROM schema_migrations WHERE version = " + quoted).Empty()) continue;
      std::string sql = ReadMigration(file);
      progress("applying " + file.filename().string());
      conn.InTransaction([&] {
        conn.Run(sql);  // an empty (or comments-only) file is a migration that does nothing
        conn.Run("INSERT INTO schema_migrations (version) VALUES (" + quoted + ")");
      });
      ++applied;
    }
  } catch (...) {
    try {
      conn.Run("SELECT pg_advisory_unlock(7478434)");
    } catch (...) {
    }
    throw;
  }
  conn.Run("SELECT pg_advisory_unlock(7478434)");
  return applied;
}

}  // namespace tudushka::db
