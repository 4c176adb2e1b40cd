// bench-db-insert: the database side of the POST scenario, for scripts/bench.
//
// CLIENTS threads, each with its own connection set up as an API worker's (the same
// prepared statements and session settings), call app::CreateTask for USER_ID with the
// task in BODY (read as the API reads a POST body) as fast as they can for SECONDS: the
// very statement, parameters and commit a lone POST /api/tasks/ with that body makes,
// with no HTTP, nginx or FastCGI in front. What PostgreSQL does here with the pool's
// number of clients, one commit per insert, is the most POSTs could do on this machine
// without the API's group commit (api::Service::HandleTogether).
//
//   bench-db-insert USER_ID CLIENTS SECONDS BODY     (database: $TUDUSHKA_DATABASE_URL)
//
// Prints the line test/bench/wrk.lua prints (BENCH requests=... rps=... p50_us=...), and a
// BENCH_STATUS line counting inserts as 201 and failures as 500. Exits 1 on bad arguments
// (BODY included), when no client could connect or when no insert succeeded (an unknown
// user, say).
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tudushka/api/service.hpp"
#include "tudushka/app/tasks.hpp"
#include "tudushka/db/db.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct ClientResult {
  std::vector<std::int64_t> latencies_us;
  std::int64_t failures = 0;
  std::string first_failure;  // what the first failed insert said
  std::string error;          // why the client could not run at all
};

void RunClient(const std::string& url, std::int64_t user_id, const tudushka::app::TaskInput& task,
               Clock::time_point start, Clock::time_point deadline, ClientResult& out) {
  try {
    tudushka::db::Connection db(url, tudushka::app::TaskStatements(), {},
                                tudushka::api::WorkerSessionSettings());
    db.Connect();
    tudushka::app::Caller caller;
    caller.user_id = user_id;
    std::this_thread::sleep_until(start);
    for (auto t0 = Clock::now(); t0 < deadline; t0 = Clock::now()) {
      try {
        tudushka::app::CreateTask(db, caller, task);
      } catch (const std::exception& e) {
        if (out.failures++ == 0) out.first_failure = e.what();
        if (!db.IsOpen()) db.Connect();  // throws while PostgreSQL stays away
        continue;
      }
      out.latencies_us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count());
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
}

std::int64_t Percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

bool ParseCount(const char* text, long max, long& out) {
  char* end = nullptr;
  out = std::strtol(text, &end, 10);
  return *text != '\0' && *end == '\0' && out >= 1 && out <= max;
}

}  // namespace

int main(int argc, char** argv) {
  long user_id = 0, clients = 0, seconds = 0;
  const char* url = std::getenv("TUDUSHKA_DATABASE_URL");
  if (argc != 5 || !ParseCount(argv[1], 0x7fffffffL, user_id) ||
      !ParseCount(argv[2], 256, clients) || !ParseCount(argv[3], 300, seconds)) {
    std::fprintf(
        stderr,
        "usage: bench-db-insert USER_ID CLIENTS(1..256) SECONDS(1..300) BODY\n"
        "       (BODY: a POST /api/tasks/ body; the database is $TUDUSHKA_DATABASE_URL)\n");
    return 1;
  }
  tudushka::app::TaskInput task;
  try {
    rapidjson::Document body;
    body.Parse(argv[4]);
    if (body.HasParseError() || !body.IsObject())
      throw std::runtime_error("BODY is not a JSON object");
    task = tudushka::api::ReadTaskInput(body);
  } catch (const tudushka::http::HttpError& e) {
    std::fprintf(stderr, "bench-db-insert: BODY: %s\n", tudushka::http::ErrorBody(e, "-").c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench-db-insert: %s\n", e.what());
    return 1;
  }
  if (url == nullptr || *url == '\0') {
    std::fprintf(stderr, "bench-db-insert: TUDUSHKA_DATABASE_URL is not set\n");
    return 1;
  }

  // Every client connects first; the clock starts once they all could have.
  const auto start = Clock::now() + std::chrono::milliseconds(500);
  const auto deadline = start + std::chrono::seconds(seconds);
  std::vector<ClientResult> results(static_cast<std::size_t>(clients));
  std::vector<std::thread> threads;
  for (auto& r : results)
    threads.emplace_back(RunClient, std::string(url), user_id, std::cref(task), start, deadline,
                         std::ref(r));
  for (auto& t : threads) t.join();
  const auto elapsed_us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();

  std::vector<std::int64_t> all;
  std::int64_t failures = 0, broken = 0;
  for (const auto& r : results) {
    all.insert(all.end(), r.latencies_us.begin(), r.latencies_us.end());
    failures += r.failures;
    if (!r.error.empty()) {
      ++broken;
      std::fprintf(stderr, "bench-db-insert: a client failed: %s\n", r.error.c_str());
    }
  }
  if (broken == clients) return 1;
  if (all.empty()) {
    for (const auto& r : results)
      if (!r.first_failure.empty()) {
        std::fprintf(stderr, "bench-db-insert: no insert succeeded: %s\n", r.first_failure.c_str());
        break;
      }
    return 1;
  }
  std::sort(all.begin(), all.end());
  const double secs = static_cast<double>(elapsed_us) / 1e6;
  std::printf(
      "BENCH requests=%zu duration_us=%lld rps=%.1f p50_us=%lld p90_us=%lld p99_us=%lld "
      "max_us=%lld non2xx3xx=%lld connect=%lld read=0 write=0 timeout=0 bytes=0\n",
      all.size(), static_cast<long long>(elapsed_us), static_cast<double>(all.size()) / secs,
      static_cast<long long>(Percentile(all, 50)), static_cast<long long>(Percentile(all, 90)),
      static_cast<long long>(Percentile(all, 99)), static_cast<long long>(all.back()),
      static_cast<long long>(failures), static_cast<long long>(broken));
  std::printf("BENCH_STATUS 201=%zu", all.size());
  if (failures > 0) std::printf(" 500=%lld", static_cast<long long>(failures));
  std::printf("\n");
  return 0;
}
