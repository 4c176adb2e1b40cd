// Stack-level helpers for the integration suites: the variables scripts/stack writes to
// var/<profile>/env (scripts/test exports them), process inspection of the API master
// and its workers, polling, running project scripts and a background load generator.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace tudushka::itest {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Environment variable `name`, or `fallback` when unset or empty.
std::string Env(const char* name, const std::string& fallback = "");
// env TUDUSHKA_SOURCE_DIR, or the current directory.
std::string ProjectRoot();
// env TUDUSHKA_API_PIDFILE, or <root>/var/test/run/api.pid.
std::string ApiPidFile();

// The master pid from the pid file; 0 when the file is missing or unreadable.
pid_t ReadMasterPid();
// True while `pid` exists and is not a zombie.
bool IsAlive(pid_t pid);
// Live (non-zombie) children of `parent` (every thread's children file, falling back to a
// scan of /proc/*/stat when the kernel has no children files).
std::set<pid_t> LiveChildren(pid_t parent);

// Calls `done` every `interval` until it returns true or `timeout` passes. The last call
// happens at or after the deadline, so a slow machine never loses the final check.
bool PollUntil(milliseconds timeout, const std::function<bool()>& done,
               milliseconds interval = milliseconds(20));

// Runs `command` through /bin/sh in the project root; returns the exit status (or -1)
// and puts the combined output in `output` when given.
int RunInRoot(const std::string& command, std::string* output = nullptr);

// Runs `sql` with psql against the database at `url` (default: TUDUSHKA_DATABASE_URL, the
// stack's); returns the unaligned output (or the error), trailing whitespace trimmed.
std::string Psql(const std::string& sql, std::string url = "");

// True when GET /api/health answers 200.
bool Healthy();

// Background load: `threads` threads each loop on GET `path` with their own keep-alive
// handle until Stop() (or `max_run` elapses), recording every status.
class LoadGenerator {
 public:
  struct Sample {
    Clock::time_point at;  // when the answer arrived
    long status;
    std::string code;         // error.code of a JSON error body
    std::string retry_after;  // the Retry-After header
    std::string detail;       // the exchange, for anything but 200
  };

  LoadGenerator(std::string token, int threads = 3, std::string path = "/api/tasks/",
                milliseconds max_run = milliseconds(60000));
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  void Stop();
  std::vector<Sample> Samples() const;
  std::size_t Count() const;
  // Samples whose answer arrived at or after `from`.
  std::vector<Sample> SamplesSince(Clock::time_point from) const;
  // Waits until at least `n` more samples than now have arrived (bounded by `timeout`).
  bool WaitForMore(std::size_t n, milliseconds timeout = milliseconds(10000)) const;

  // "status xN" histogram plus the first few non-200 details, for messages.
  static std::string Summary(const std::vector<Sample>& samples);
  static std::size_t CountNot(const std::vector<Sample>& samples, long status);

 private:
  void Run();

  std::string token_;
  std::string path_;
  Clock::time_point stop_at_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<Sample> samples_;
  std::vector<std::thread> threads_;
};

}  // namespace tudushka::itest
