// Fault behaviour of the running stack: workers killed, the database stopped and started,
// rolling restart on SIGHUP and graceful stop on SIGTERM, each under background load.
// The only durations asserted are the deadlines the design names; everything else polls.
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>

#include "expect.hpp"
#include "fixture.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

std::string Pids(const std::set<pid_t>& pids) {
  std::string out;
  for (pid_t p : pids) out += (out.empty() ? "" : " ") + std::to_string(p);
  return "{" + out + "}";
}

// Live children of `master` once the set has stayed the same for ~300 ms (a respawn from
// an earlier fault may still be in its back-off). Empty if it never settles in `timeout`.
std::set<pid_t> StablePool(pid_t master, milliseconds timeout = milliseconds(15000)) {
  std::set<pid_t> last;
  int same = 0;
  std::set<pid_t> result;
  PollUntil(
      timeout,
      [&] {
        std::set<pid_t> now = LiveChildren(master);
        same = (!now.empty() && now == last) ? same + 1 : 0;
        last = now;
        if (same >= 6) result = now;
        return same >= 6;
      },
      milliseconds(50));
  return result;
}

// The stack profile under test (var/<profile>/env names it): test unless told otherwise.
std::string Profile() { return Env("TUDUSHKA_PROFILE", "test"); }

// With TEST_VERBOSE set, what a fault test saw (load histogram, pools) goes to stderr.
void Note(const std::string& text) {
  if (std::getenv("TEST_VERBOSE") != nullptr) std::fprintf(stderr, "    %s\n", text.c_str());
}

bool HealthSaysDbDown() {
  CallOptions options;
  options.timeout_ms = 3000;
  Response r = Call("GET", "/api/health", "", {}, options);
  return r.status == 503 ||
         (r.is_json && r.json.IsObject() && r.json.HasMember("db") && r.json["db"].IsString() &&
          std::string(r.json["db"].GetString()) != "ok");
}

bool StackHasStartApi() {
  std::ifstream in(ProjectRoot() + "/scripts/stack");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.find("start-api") != std::string::npos;
}

// Puts the stack back the way the other suites need it: PostgreSQL up, a master running,
// health 200. Used before and after every fault test, whatever the test did.
std::string RestoreStack() {
  std::string log;
  if (Healthy()) return log;
  if (HealthSaysDbDown()) {
    std::string out;
    int rc = RunInRoot("scripts/pg start " + Profile(), &out);
    log += "scripts/pg start -> " + std::to_string(rc) + ": " + out + "\n";
  }
  if (!IsAlive(ReadMasterPid())) {
    // `scripts/stack start-api <profile>` starts only the API master, and only when it is
    // not running (it does not migrate: the stack was migrated by `scripts/stack start`).
    std::string out;
    int rc = RunInRoot("scripts/stack start-api " + Profile(), &out);
    log += "scripts/stack start-api -> " + std::to_string(rc) + ": " + out + "\n";
  }
  if (!log.empty()) PollUntil(milliseconds(20000), Healthy, milliseconds(100));
  return log;
}

// Appends a line to the pool's TUDUSHKA_CONFIG file for the life of this object; the
// file is put back and re-read (SIGHUP) on the way out, whatever happened.
class ConfigOverride {
 public:
  ConfigOverride(const std::string& line, pid_t master, std::size_t pool_size)
      : path_(Env("TUDUSHKA_API_CONFIG")), master_(master), size_(pool_size) {
    CPPUNIT_ASSERT_MESSAGE("TUDUSHKA_API_CONFIG is not set (var/<profile>/env names it)",
                           !path_.empty());
    std::ifstream in(path_);
    CPPUNIT_ASSERT_MESSAGE("cannot read " + path_, static_cast<bool>(in));
    original_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::ofstream out(path_, std::ios::app);
    out << (original_.empty() || original_.back() == '\n' ? "" : "\n") << line << "\n";
  }
  ~ConfigOverride() {
    std::ofstream(path_, std::ios::trunc) << original_;
    kill(master_, SIGHUP);
    PollUntil(milliseconds(15000), [&] { return LiveChildren(master_).size() == size_; });
  }

 private:
  std::string path_, original_;
  pid_t master_;
  std::size_t size_;
};

class FaultsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FaultsTest);
  CPPUNIT_TEST(testKillOneWorkerUnderLoad);
  CPPUNIT_TEST(testKillEveryWorkerAtOnce);
  CPPUNIT_TEST(testDatabaseDownUnderLoad);
  CPPUNIT_TEST(testHealthReportsDatabaseDown);
  CPPUNIT_TEST(testDatabaseRestartWhileIdle);
  CPPUNIT_TEST(testSighupReplacesEveryWorker);
  CPPUNIT_TEST(testSighupRereadsConfig);
  CPPUNIT_TEST(testCorsOnlyForConfiguredOrigins);
  CPPUNIT_TEST(testCrashLoopBacksOff);
  CPPUNIT_TEST(testSighupDuringReloadStartsOver);  // stops and restarts the pool
  CPPUNIT_TEST(testSigtermStopsMaster);            // keep last: it stops and restarts the pool
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    std::string log = RestoreStack();
    CPPUNIT_ASSERT_MESSAGE("stack not healthy before the fault test\n" + log, Healthy());
    master_ = ReadMasterPid();
    CPPUNIT_ASSERT_MESSAGE("no live master pid in " + ApiPidFile(), IsAlive(master_));
    pool_ = StablePool(master_);
    CPPUNIT_ASSERT_MESSAGE("the worker pool of master " + std::to_string(master_) +
                               " never settled (children now " + Pids(LiveChildren(master_)) + ")",
                           !pool_.empty());
    // Register (retrying: an earlier test may have restarted PostgreSQL behind an idle
    // worker's back, and that worker fails its next request), then warm every worker up
    // with concurrent load until a whole round succeeds.
    PollUntil(milliseconds(10000), [&] {
      try {
        token_ = RegisterUser();
        return true;
      } catch (const std::exception&) {
        return false;
      }
    });
    CPPUNIT_ASSERT_MESSAGE("could not register a user", !token_.empty());
    bool warm = PollUntil(milliseconds(10000), [&] {
      LoadGenerator load(token_, static_cast<int>(pool_.size()));
      load.WaitForMore(8 * pool_.size());
      load.Stop();
      return LoadGenerator::CountNot(load.Samples(), 200) == 0;
    });
    CPPUNIT_ASSERT_MESSAGE("the pool never answered a whole round with 200", warm);
    for (int i = 0; i < 3; ++i) CreateTitled(token_, "load " + std::to_string(i));
  }

  void tearDown() override { RestoreStack(); }

  // True once `master` has exactly pool_.size() live children and none is in `old`.
  bool PoolReplaced(const std::set<pid_t>& old, std::set<pid_t>* now_out = nullptr) {
    std::set<pid_t> now = LiveChildren(master_);
    if (now_out != nullptr) *now_out = now;
    if (now.size() != pool_.size()) return false;
    for (pid_t p : now) {
      if (old.count(p) != 0) return false;
    }
    return true;
  }

  void testKillOneWorkerUnderLoad() {
    LoadGenerator load(token_);
    CPPUNIT_ASSERT(load.WaitForMore(30));
    pid_t victim = *pool_.begin();
    CPPUNIT_ASSERT_EQUAL(0, kill(victim, SIGKILL));
    std::set<pid_t> now;
    bool respawned = PollUntil(milliseconds(1000), [&] {
      now = LiveChildren(master_);
      if (now.size() != pool_.size() || now.count(victim) != 0) return false;
      for (pid_t p : now) {
        if (pool_.count(p) == 0) return true;  // a new pid
      }
      return false;
    });
    CPPUNIT_ASSERT_MESSAGE("no replacement for worker " + std::to_string(victim) +
                               " within 1 s: pool was " + Pids(pool_) + ", now " + Pids(now),
                           respawned);
    CPPUNIT_ASSERT(load.WaitForMore(50));
    load.Stop();
    auto samples = load.Samples();
    Note("killed " + std::to_string(victim) + "; pool " + Pids(pool_) + " -> " + Pids(now) + "; " +
         LoadGenerator::Summary(samples));
    CPPUNIT_ASSERT_MESSAGE(
        "more than the one in-flight request failed: " + LoadGenerator::Summary(samples),
        LoadGenerator::CountNot(samples, 200) <= 1);
  }

  void testKillEveryWorkerAtOnce() {
    LoadGenerator load(token_);
    CPPUNIT_ASSERT(load.WaitForMore(30));
    for (pid_t p : pool_) kill(p, SIGKILL);
    std::set<pid_t> now;
    bool back = PollUntil(milliseconds(2000), [&] { return PoolReplaced(pool_, &now); });
    CPPUNIT_ASSERT_MESSAGE("pool of " + std::to_string(pool_.size()) +
                               " not back within 2 s: was " + Pids(pool_) + ", now " + Pids(now),
                           back);
    Clock::time_point back_at = Clock::now();
    Response r = Call("GET", "/api/tasks/", "", AuthHeader(token_));
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT(load.WaitForMore(50));
    load.Stop();
    auto samples = load.Samples();
    auto after = load.SamplesSince(back_at);
    Note("pool " + Pids(pool_) + " -> " + Pids(now) + "; " + LoadGenerator::Summary(samples));
    CPPUNIT_ASSERT_MESSAGE(
        "requests failed after the pool was back: " + LoadGenerator::Summary(after),
        LoadGenerator::CountNot(after, 200) == 0);
    CPPUNIT_ASSERT_MESSAGE("more failures than killed workers: " + LoadGenerator::Summary(samples),
                           LoadGenerator::CountNot(samples, 200) <= pool_.size());
  }

  void testDatabaseDownUnderLoad() {
    LoadGenerator load(token_);
    CPPUNIT_ASSERT(load.WaitForMore(30));

    std::string out;
    int rc = RunInRoot("scripts/pg stop " + Profile(), &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("scripts/pg stop: " + out, 0, rc);

    Response r;
    bool unavailable = PollUntil(milliseconds(5000), [&] {
      r = Call("GET", "/api/tasks/", "", AuthHeader(token_));
      return r.status == 503;
    });
    IT_ASSERT_MSG(r, unavailable);
    IT_ASSERT_ERROR(r, 503, "unavailable");
    IT_ASSERT_MSG(r, !r.Header("Retry-After").empty());

    // Every worker meets the outage while the load runs on.
    CPPUNIT_ASSERT(load.WaitForMore(40));

    rc = RunInRoot("scripts/pg start " + Profile(), &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("scripts/pg start: " + out, 0, rc);

    // Within 2 s every worker answers 200 again: a whole round of 2 x pool requests in a
    // row without a failure.
    Response last;
    bool recovered = PollUntil(milliseconds(2000), [&] {
      for (std::size_t i = 0; i < 2 * pool_.size(); ++i) {
        last = Call("GET", "/api/tasks/", "", AuthHeader(token_));
        if (last.status != 200) return false;
      }
      return true;
    });
    IT_ASSERT_MSG(last, recovered);
    Clock::time_point recovered_at = Clock::now();
    CPPUNIT_ASSERT(load.WaitForMore(40));
    load.Stop();

    auto samples = load.Samples();
    Note(LoadGenerator::Summary(samples));
    for (const auto& s : samples) {
      CPPUNIT_ASSERT_MESSAGE("a request got neither 200 nor 503:\n" + s.detail,
                             s.status == 200 || s.status == 503);
      if (s.status == 503) {
        CPPUNIT_ASSERT_MESSAGE("503 without code unavailable:\n" + s.detail,
                               s.code == "unavailable");
        CPPUNIT_ASSERT_MESSAGE("503 without Retry-After:\n" + s.detail, !s.retry_after.empty());
      }
    }
    auto after = load.SamplesSince(recovered_at);
    CPPUNIT_ASSERT_MESSAGE("failures after recovery: " + LoadGenerator::Summary(after),
                           LoadGenerator::CountNot(after, 200) == 0);
    std::set<pid_t> now = LiveChildren(master_);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("a worker exited during the outage", Pids(pool_), Pids(now));
  }

  void testHealthReportsDatabaseDown() {
    std::string out;
    int rc = RunInRoot("scripts/pg stop " + Profile(), &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("scripts/pg stop: " + out, 0, rc);
    Response health;
    bool down = PollUntil(milliseconds(5000), [&] {
      health = Call("GET", "/api/health");
      return health.status == 503;
    });
    IT_ASSERT_MSG(health, down);
    IT_ASSERT_MSG(health, !health.Header("Retry-After").empty());
    // decisions: 503 {"status":"unavailable","db":"unreachable"}
    CPPUNIT_ASSERT_EQUAL_MESSAGE(health.Describe(), std::string("unavailable"),
                                 Str(health.json, "status"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(health.Describe(), std::string("unreachable"),
                                 Str(health.json, "db"));
    rc = RunInRoot("scripts/pg start " + Profile(), &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("scripts/pg start: " + out, 0, rc);
    Response ok;
    bool up = PollUntil(milliseconds(2000), [&] {
      ok = Call("GET", "/api/health");
      return ok.status == 200;
    });
    IT_ASSERT_MSG(ok, up);
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), Str(ok.json, "db"));
  }

  void testDatabaseRestartWhileIdle() {
    // No request reaches the workers while PostgreSQL restarts, so none of them sees the
    // outage. 2 s after the restart every request must succeed: a worker has to notice its
    // dead connection itself instead of failing the next request with it.
    std::string out;
    int rc = RunInRoot("scripts/pg restart " + Profile(), &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("scripts/pg restart: " + out, 0, rc);
    Clock::time_point deadline = Clock::now() + milliseconds(2000);
    while (Clock::now() < deadline) std::this_thread::sleep_for(milliseconds(20));
    // Concurrent requests, so that every worker gets some (sequential ones may all land
    // on the same worker).
    LoadGenerator load(token_, static_cast<int>(pool_.size()));
    CPPUNIT_ASSERT(load.WaitForMore(8 * pool_.size()));
    load.Stop();
    auto samples = load.Samples();
    CPPUNIT_ASSERT_MESSAGE(
        "requests failed 2 s after a PostgreSQL restart: " + LoadGenerator::Summary(samples),
        LoadGenerator::CountNot(samples, 200) == 0);
  }

  void testSighupReplacesEveryWorker() {
    LoadGenerator load(token_);
    CPPUNIT_ASSERT(load.WaitForMore(30));
    CPPUNIT_ASSERT_EQUAL(0, kill(master_, SIGHUP));
    std::set<pid_t> now;
    bool replaced = PollUntil(milliseconds(15000), [&] { return PoolReplaced(pool_, &now); });
    CPPUNIT_ASSERT_MESSAGE(
        "workers not all replaced after SIGHUP: was " + Pids(pool_) + ", now " + Pids(now),
        replaced);
    CPPUNIT_ASSERT(load.WaitForMore(30));
    load.Stop();
    auto samples = load.Samples();
    Note("pool " + Pids(pool_) + " -> " + Pids(now) + "; " + LoadGenerator::Summary(samples));
    CPPUNIT_ASSERT_MESSAGE(
        "requests failed during the rolling restart: " + LoadGenerator::Summary(samples),
        LoadGenerator::CountNot(samples, 200) == 0);
    CPPUNIT_ASSERT_MESSAGE("the master itself must survive SIGHUP", IsAlive(master_));
    CPPUNIT_ASSERT_EQUAL(master_, ReadMasterPid());
  }

  void testSighupRereadsConfig() {
    // TUDUSHKA_CONFIG is read again on SIGHUP: a new pool size takes effect without a
    // restart. The file is put back (and re-read) whatever happens.
    std::size_t wanted = pool_.size() == 2 ? 3 : pool_.size() - 1;
    ConfigOverride config("TUDUSHKA_WORKERS=" + std::to_string(wanted), master_, pool_.size());
    LoadGenerator load(token_);
    CPPUNIT_ASSERT(load.WaitForMore(30));
    CPPUNIT_ASSERT_EQUAL(0, kill(master_, SIGHUP));
    std::set<pid_t> now;
    bool resized = PollUntil(milliseconds(15000), [&] {
      now = LiveChildren(master_);
      if (now.size() != wanted) return false;
      for (pid_t p : now) {
        if (pool_.count(p) != 0) return false;
      }
      return true;
    });
    CPPUNIT_ASSERT_MESSAGE("pool did not become " + std::to_string(wanted) +
                               " new workers after SIGHUP: was " + Pids(pool_) + ", now " +
                               Pids(now),
                           resized);
    CPPUNIT_ASSERT(load.WaitForMore(30));
    load.Stop();
    auto samples = load.Samples();
    Note("resized " + Pids(pool_) + " -> " + Pids(now) + "; " + LoadGenerator::Summary(samples));
    CPPUNIT_ASSERT_MESSAGE("requests failed while resizing: " + LoadGenerator::Summary(samples),
                           LoadGenerator::CountNot(samples, 200) == 0);
  }

  void testCorsOnlyForConfiguredOrigins() {
    ConfigOverride config("TUDUSHKA_CORS_ORIGINS=https://app.example", master_, pool_.size());
    CPPUNIT_ASSERT_EQUAL(0, kill(master_, SIGHUP));
    CPPUNIT_ASSERT_MESSAGE("the pool was not replaced after SIGHUP",
                           PollUntil(milliseconds(15000), [&] { return PoolReplaced(pool_); }));
    Headers preflight = {"Origin: https://app.example", "Access-Control-Request-Method: PATCH",
                         "Access-Control-Request-Headers: authorization, content-type"};
    Response r = Call("OPTIONS", "/api/tasks/1", "", preflight);
    IT_ASSERT_STATUS(r, 204);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("https://app.example"),
                                 r.Header("Access-Control-Allow-Origin"));
    CPPUNIT_ASSERT_MESSAGE(
        r.Describe(), r.Header("Access-Control-Allow-Methods").find("PATCH") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(
        r.Describe(),
        r.Header("Access-Control-Allow-Headers").find("Authorization") != std::string::npos);
    Response get =
        Call("GET", "/api/tasks/", "", AuthHeader(token_, {"Origin: https://app.example"}));
    IT_ASSERT_STATUS(get, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("https://app.example"),
                         get.Header("Access-Control-Allow-Origin"));
    Response other = Call("OPTIONS", "/api/tasks/1", "",
                          {"Origin: https://evil.example", "Access-Control-Request-Method: PATCH"});
    CPPUNIT_ASSERT_MESSAGE(other.Describe(), !other.HasHeader("Access-Control-Allow-Origin"));
  }

  void testCrashLoopBacksOff() {
    // Kill one slot's worker each time it comes back: the master must slow down instead
    // of forking in a loop (the first replacement is immediate), and the slot heals.
    pid_t victim = *pool_.begin();
    std::set<pid_t> seen = pool_;
    std::vector<long> waits_ms;
    for (int i = 0; i < 5; ++i) {
      CPPUNIT_ASSERT_EQUAL(0, kill(victim, SIGKILL));
      Clock::time_point killed_at = Clock::now();
      pid_t fresh = 0;
      bool back = PollUntil(
          milliseconds(15000),
          [&] {
            for (pid_t p : LiveChildren(master_))
              if (seen.count(p) == 0) fresh = p;
            return fresh != 0;
          },
          milliseconds(5));
      CPPUNIT_ASSERT_MESSAGE("no replacement after kill " + std::to_string(i + 1), back);
      waits_ms.push_back(
          std::chrono::duration_cast<milliseconds>(Clock::now() - killed_at).count());
      seen.insert(fresh);
      victim = fresh;
    }
    std::string waits;
    for (long w : waits_ms) waits += std::to_string(w) + " ms ";
    Note("respawn waits: " + waits);
    CPPUNIT_ASSERT_MESSAGE("first replacement was not immediate: " + waits,
                           waits_ms.front() < 1000);
    CPPUNIT_ASSERT_MESSAGE("no back-off in a crash loop: " + waits, waits_ms.back() >= 1000);
    CPPUNIT_ASSERT(PollUntil(milliseconds(15000),
                             [&] { return LiveChildren(master_).size() == pool_.size(); }));
  }

  void testSighupDuringReloadStartsOver() {
    // A second SIGHUP while the first one's rolling restart is under way, and the file it
    // reads shrinks the pool below the slot being replaced: the reload starts over with the
    // new configuration. The pool ends at the new size with every worker of the new
    // configuration (each answers with its CORS origin), and SIGTERM still stops the master.
    CPPUNIT_ASSERT_MESSAGE("needs a pool of at least 2 workers, not " + Pids(pool_),
                           pool_.size() >= 2);
    CPPUNIT_ASSERT_MESSAGE(
        "scripts/stack has no 'start-api' command, which this test needs to restart the pool "
        "after stopping it; no signal was sent",
        StackHasStartApi());
    const std::string origin = "https://reload.example";
    CPPUNIT_ASSERT_EQUAL(0, kill(master_, SIGHUP));
    // Two replacements started: slot 0's has taken over, slot 1's is (normally) starting.
    std::set<pid_t> now;
    bool rolling = PollUntil(
        milliseconds(15000),
        [&] {
          now = LiveChildren(master_);
          std::size_t fresh = 0;
          for (pid_t p : now) fresh += pool_.count(p) == 0;
          return fresh >= 2;
        },
        milliseconds(2));
    CPPUNIT_ASSERT_MESSAGE(
        "the first reload started no replacements: was " + Pids(pool_) + ", now " + Pids(now),
        rolling);
    std::set<pid_t> before = LiveChildren(master_);
    {
      ConfigOverride config("TUDUSHKA_WORKERS=1\nTUDUSHKA_CORS_ORIGINS=" + origin, master_,
                            pool_.size());
      CPPUNIT_ASSERT_EQUAL(0, kill(master_, SIGHUP));
      bool shrunk = PollUntil(milliseconds(15000), [&] {
        now = LiveChildren(master_);
        return now.size() == 1 && pool_.count(*now.begin()) == 0 && before.count(*now.begin()) == 0;
      });
      CPPUNIT_ASSERT_MESSAGE("the pool did not become 1 new worker: was " + Pids(pool_) +
                                 ", before the second SIGHUP " + Pids(before) + ", now " +
                                 Pids(now),
                             shrunk);
      // A replacement the master lost track of would still be there a moment later.
      std::this_thread::sleep_for(milliseconds(500));
      now = LiveChildren(master_);
      CPPUNIT_ASSERT_EQUAL_MESSAGE("children after the pool settled", std::size_t(1), now.size());
      for (int i = 0; i < 10; ++i) {
        Response r = Call("GET", "/api/tasks/", "", AuthHeader(token_, {"Origin: " + origin}));
        IT_ASSERT_STATUS(r, 200);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), origin, r.Header("Access-Control-Allow-Origin"));
      }
    }  // the file is put back and re-read: the pool returns to its size
    bool back = PollUntil(milliseconds(15000), [&] {
      now = LiveChildren(master_);
      return now.size() == pool_.size();
    });
    CPPUNIT_ASSERT_MESSAGE(
        "the pool did not return to " + std::to_string(pool_.size()) + " workers: " + Pids(now),
        back);
    Response r = Call("GET", "/api/tasks/", "", AuthHeader(token_));
    IT_ASSERT_STATUS(r, 200);

    pid_t old_master = master_;
    CPPUNIT_ASSERT_EQUAL(0, kill(old_master, SIGTERM));
    bool gone = PollUntil(milliseconds(10000), [&] { return !IsAlive(old_master); });
    CPPUNIT_ASSERT_MESSAGE(
        "master " + std::to_string(old_master) + " still alive 10 s after SIGTERM", gone);
    std::string api_log = Env("TUDUSHKA_API_LOG");
    if (!api_log.empty()) {
      std::ifstream in(api_log);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::string stopped =
          "pid=" + std::to_string(old_master) + " msg=\"master stopped\" exit_code=0";
      CPPUNIT_ASSERT_MESSAGE("no '" + stopped + "' in " + api_log,
                             text.find(stopped) != std::string::npos);
    }
    std::string out;
    int rc = RunInRoot("scripts/stack start-api " + Profile(), &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("scripts/stack start-api: " + out, 0, rc);
    CPPUNIT_ASSERT_MESSAGE("API not healthy within 20 s of start-api",
                           PollUntil(milliseconds(20000), Healthy, milliseconds(100)));
  }

  void testSigtermStopsMaster() {
    CPPUNIT_ASSERT_MESSAGE(
        "scripts/stack has no 'start-api' command, which this test needs to restart the pool "
        "after stopping it; SIGTERM was not sent",
        StackHasStartApi());
    pid_t old_master = master_;
    CPPUNIT_ASSERT_EQUAL(0, kill(old_master, SIGTERM));
    bool gone = PollUntil(milliseconds(10000), [&] { return !IsAlive(old_master); });
    CPPUNIT_ASSERT_MESSAGE(
        "master " + std::to_string(old_master) + " still alive 10 s after SIGTERM", gone);
    std::set<pid_t> left;
    for (pid_t p : pool_) {
      if (IsAlive(p)) left.insert(p);
    }
    CPPUNIT_ASSERT_MESSAGE("workers outlived their master: " + Pids(left), left.empty());

    std::string out;
    int rc = RunInRoot("scripts/stack start-api " + Profile(), &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("scripts/stack start-api: " + out, 0, rc);
    CPPUNIT_ASSERT_MESSAGE("API not healthy within 20 s of start-api",
                           PollUntil(milliseconds(20000), Healthy, milliseconds(100)));
    pid_t new_master = ReadMasterPid();
    CPPUNIT_ASSERT(IsAlive(new_master) && new_master != old_master);
  }

 private:
  pid_t master_ = 0;
  std::set<pid_t> pool_;
  std::string token_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FaultsTest);

}  // namespace
}  // namespace tudushka::itest
