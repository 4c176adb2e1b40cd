// The workers' caches (checked tokens, rendered tasks and lists) never hide a change:
// a write through the API is seen at once by every worker, a change made outside the
// API (psql here; the bot or another API machine in production) within moments, and a
// revoked session is refused everywhere. Requests go out in parallel bursts so that
// every worker of the pool serves (and caches) some of them.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

// Enough parallel requests to reach every worker: 4 per worker, 3 rounds each.
std::vector<Response> Burst(const std::function<Response()>& call) {
  std::size_t workers = LiveChildren(ReadMasterPid()).size();
  std::size_t threads = 4 * (workers ? workers : 4);
  std::vector<std::vector<Response>> per(threads);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) per[t].push_back(call());
    });
  for (auto& th : pool) th.join();
  std::vector<Response> all;
  for (auto& v : per)
    for (auto& r : v) all.push_back(std::move(r));
  return all;
}

// The first answer of `burst` for which `ok` is false, or nullptr.
const Response* FirstBad(const std::vector<Response>& burst,
                         const std::function<bool(const Response&)>& ok) {
  for (const auto& r : burst)
    if (!ok(r)) return &r;
  return nullptr;
}

#define IT_ASSERT_ALL(burst, ok)                                                    \
  do {                                                                              \
    auto it_burst_ = (burst);                                                       \
    const Response* it_bad_ = FirstBad(it_burst_, ok);                              \
    CPPUNIT_ASSERT_MESSAGE(it_bad_ ? it_bad_->Describe() : "", it_bad_ == nullptr); \
  } while (0)

bool HasTitle(const Response& r, const std::string& title) {
  return r.status == 200 && r.is_json && Str(r.json, "title") == title;
}

bool ListHas(const Response& r, std::int64_t id, const std::string& title) {
  if (r.status != 200 || !r.is_json) return false;
  for (const auto& t : Member(r.json, "results").GetArray())
    if (Int(t, "id") == id) return Str(t, "title") == title;
  return false;
}

bool ListCount(const Response& r, std::int64_t count) {
  return r.status == 200 && r.is_json && Int(r.json, "count") == count;
}

// The counter tudushka_cache_lookups_total{cache=..., result=...} from /api/metrics.
long long CacheLookups(const std::string& cache, const std::string& result) {
  Response m = Call("GET", "/api/metrics");
  std::string key =
      "tudushka_cache_lookups_total{cache=\"" + cache + "\",result=\"" + result + "\"} ";
  auto at = m.body.find(key);
  return at == std::string::npos ? -1 : std::atoll(m.body.c_str() + at + key.size());
}

// Switches off the triggers of sql/004 for its lifetime (they announce changes made
// outside the API), so that only what the API itself does keeps the caches right.
class NoticesOff {
 public:
  NoticesOff() { Set("DISABLE"); }
  ~NoticesOff() { Set("ENABLE"); }
  NoticesOff(const NoticesOff&) = delete;
  NoticesOff& operator=(const NoticesOff&) = delete;

 private:
  static void Set(const std::string& what) {
    std::string out =
        Psql("ALTER TABLE tasks " + what + " TRIGGER tasks_announce; ALTER TABLE sessions " + what +
             " TRIGGER sessions_announce; ALTER TABLE users " + what + " TRIGGER users_announce");
    if (!out.empty()) throw std::runtime_error("psql: " + out);
  }
};

class CacheTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CacheTest);
  CPPUNIT_TEST(testRepeatedReadsComeFromTheCache);
  CPPUNIT_TEST(testApiWritesAreSeenAtOnceByEveryWorker);
  CPPUNIT_TEST(testChangesOutsideTheApiAreSeen);
  CPPUNIT_TEST(testHealthChecksKeepTheNoticesTheyRead);
  CPPUNIT_TEST(testLogoutEndsTheTokenOnEveryWorker);
  CPPUNIT_TEST(testPasswordChangeEndsOtherSessionsOnEveryWorker);
  CPPUNIT_TEST(testSessionEndedOutsideTheApiIsRefused);
  CPPUNIT_TEST(testTimezoneChangeReachesEveryWorker);
  CPPUNIT_TEST(testIdleWorkersKeepUpWithNotices);
  CPPUNIT_TEST(testApiWritesAreAnnouncedToOtherMachines);
  CPPUNIT_TEST(testRefusedWritesKeepTheTokenCaches);
  CPPUNIT_TEST(testQueriesThatDecodeAlikeAreCachedApart);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRepeatedReadsComeFromTheCache() {
    TestUser u = NewUser();
    std::int64_t id = CreateTitled(u.token, "read me often");
    long long hits = CacheLookups("response", "hit");
    long long token_hits = CacheLookups("token", "hit");
    CPPUNIT_ASSERT_MESSAGE("no cache counters in /api/metrics", hits >= 0 && token_hits >= 0);
    for (int i = 0; i < 30; ++i) {
      Response r = Call("GET", TaskPath(id), "", AuthHeader(u.token));
      CPPUNIT_ASSERT_MESSAGE(r.Describe(), HasTitle(r, "read me often"));
    }
    // At most one miss per worker; the rest are answered without PostgreSQL.
    CPPUNIT_ASSERT_GREATER(hits + 20, CacheLookups("response", "hit"));
    CPPUNIT_ASSERT_GREATER(token_hits + 20, CacheLookups("token", "hit"));
  }

  void testRefusedWritesKeepTheTokenCaches() {
    // A refused account write (no token, bad token, bad body) changed nothing, so it must
    // not make every worker forget the tokens it checked: else anyone could force each
    // request on the machine to PostgreSQL.
    TestUser u = NewUser();
    auto me = [&] { return Call("GET", "/api/users/me", "", AuthHeader(u.token)); };
    IT_ASSERT_ALL(Burst(me), [](const Response& r) { return r.status == 200; });
    for (int i = 0; i < 10; ++i) {
      CPPUNIT_ASSERT_EQUAL(401L, Call("PATCH", "/api/users/me", R"({"language":"en"})").status);
      CPPUNIT_ASSERT_EQUAL(401L, Call("POST", "/api/auth/logout", "", AuthHeader("nope")).status);
      CPPUNIT_ASSERT_EQUAL(
          422L, Call("PATCH", "/api/users/me", R"({"language":"xx"})", AuthHeader(u.token)).status);
    }
    long long misses = CacheLookups("token", "miss");  // "nope" missed; u.token must not
    IT_ASSERT_ALL(Burst(me), [](const Response& r) { return r.status == 200; });
    CPPUNIT_ASSERT_EQUAL(misses, CacheLookups("token", "miss"));
  }

  void testQueriesThatDecodeAlikeAreCachedApart() {
    // q="a" with tag x, and q="a&tag=x": two lists, never one cache entry.
    TestUser u = NewUser();
    std::int64_t tagged = CreateTask(u.token, R"({"title":"a tagged","tags":["x"]})");
    std::int64_t literal = CreateTitled(u.token, "a&tag=x");
    auto filtered = [&] { return Call("GET", "/api/tasks/?q=a&tag=x", "", AuthHeader(u.token)); };
    auto searched = [&] {
      return Call("GET", "/api/tasks/?q=a%26tag%3Dx", "", AuthHeader(u.token));
    };
    IT_ASSERT_ALL(Burst(filtered), [&](const Response& r) {
      return ListCount(r, 1) && ListHas(r, tagged, "a tagged");
    });
    IT_ASSERT_ALL(Burst(searched), [&](const Response& r) {
      return ListCount(r, 1) && ListHas(r, literal, "a&tag=x");
    });
  }

  void testApiWritesAreSeenAtOnceByEveryWorker() {
    NoticesOff quiet;  // the worker that writes must tell the others itself
    TestUser u = NewUser();
    std::int64_t id = CreateTitled(u.token, "before");
    auto get = [&] { return Call("GET", TaskPath(id), "", AuthHeader(u.token)); };
    auto list = [&] { return Call("GET", "/api/tasks/?limit=50", "", AuthHeader(u.token)); };
    IT_ASSERT_ALL(Burst(get), [](const Response& r) { return HasTitle(r, "before"); });
    IT_ASSERT_ALL(Burst(list), [&](const Response& r) { return ListHas(r, id, "before"); });

    Response patch = Call("PATCH", TaskPath(id), R"({"title":"after"})", AuthHeader(u.token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(patch.Describe(), 200L, patch.status);
    IT_ASSERT_ALL(Burst(get), [](const Response& r) { return HasTitle(r, "after"); });
    IT_ASSERT_ALL(Burst(list), [&](const Response& r) { return ListHas(r, id, "after"); });

    std::int64_t second = CreateTitled(u.token, "second");
    IT_ASSERT_ALL(Burst(list), [&](const Response& r) {
      return ListCount(r, 2) && ListHas(r, second, "second");
    });

    Response del = Call("DELETE", TaskPath(id), "", AuthHeader(u.token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(del.Describe(), 204L, del.status);
    IT_ASSERT_ALL(Burst(get), [](const Response& r) { return r.status == 404; });
    IT_ASSERT_ALL(Burst(list), [](const Response& r) { return ListCount(r, 1); });
  }

  void testChangesOutsideTheApiAreSeen() {
    TestUser u = NewUser();
    std::int64_t id = CreateTitled(u.token, "original");
    auto get = [&] { return Call("GET", TaskPath(id), "", AuthHeader(u.token)); };
    auto list = [&] { return Call("GET", "/api/tasks/", "", AuthHeader(u.token)); };
    IT_ASSERT_ALL(Burst(get), [](const Response& r) { return HasTitle(r, "original"); });
    IT_ASSERT_ALL(Burst(list), [](const Response& r) { return ListCount(r, 1); });

    std::string out =
        Psql("UPDATE tasks SET title = 'changed in psql' WHERE id = " + std::to_string(id));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::string(""), out);
    out = Psql("INSERT INTO tasks (user_id, title) VALUES (" + std::to_string(u.id) +
               ", 'inserted in psql')");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::string(""), out);

    std::string last;
    bool seen = PollUntil(milliseconds(3000), [&] {
      auto a = Burst(get), b = Burst(list);
      const Response* bad =
          FirstBad(a, [](const Response& r) { return HasTitle(r, "changed in psql"); });
      if (!bad) bad = FirstBad(b, [](const Response& r) { return ListCount(r, 2); });
      last = bad ? bad->Describe() : "";
      return bad == nullptr;
    });
    CPPUNIT_ASSERT_MESSAGE("a worker still serves the old task or list: " + last, seen);
  }

  // A health check that reads the connection's pending notices must act on them too:
  // one dropped would leave a worker serving the old task for up to a minute.
  void testHealthChecksKeepTheNoticesTheyRead() {
    TestUser u = NewUser();
    std::int64_t id = CreateTitled(u.token, "original");
    auto get = [&] { return Call("GET", TaskPath(id), "", AuthHeader(u.token)); };
    auto health = [] { return Call("GET", "/api/health"); };
    IT_ASSERT_ALL(Burst(get), [](const Response& r) { return HasTitle(r, "original"); });

    std::string out =
        Psql("UPDATE tasks SET title = 'changed in psql' WHERE id = " + std::to_string(id));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::string(""), out);
    // Health first, on every worker, while they are still far from their idle round.
    for (int i = 0; i < 3; ++i)
      IT_ASSERT_ALL(Burst(health), [](const Response& r) { return r.status == 200; });

    std::string last;
    bool seen = PollUntil(milliseconds(3000), [&] {
      const Response* bad =
          FirstBad(Burst(get), [](const Response& r) { return HasTitle(r, "changed in psql"); });
      last = bad ? bad->Describe() : "";
      return bad == nullptr;
    });
    CPPUNIT_ASSERT_MESSAGE("a worker still serves the old task: " + last, seen);
  }

  void testLogoutEndsTheTokenOnEveryWorker() {
    NoticesOff quiet;
    TestUser u = NewUser();
    auto me = [&] { return Call("GET", "/api/tasks/", "", AuthHeader(u.token)); };
    IT_ASSERT_ALL(Burst(me), [](const Response& r) { return r.status == 200; });
    Response out = Call("POST", "/api/auth/logout", "", AuthHeader(u.token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out.Describe(), 204L, out.status);
    IT_ASSERT_ALL(Burst(me), [](const Response& r) { return r.status == 401; });
  }

  void testPasswordChangeEndsOtherSessionsOnEveryWorker() {
    NoticesOff quiet;
    TestUser u = NewUser();
    Response login =
        Call("POST", "/api/auth/login",
             R"({"username":")" + u.username + R"(","password":")" + u.password + "\"}");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(login.Describe(), 200L, login.status);
    std::string other = Str(login.json, "token");
    auto with = [](const std::string& token) {
      return [token] { return Call("GET", "/api/tasks/", "", AuthHeader(token)); };
    };
    IT_ASSERT_ALL(Burst(with(other)), [](const Response& r) { return r.status == 200; });
    Response changed =
        Call("POST", "/api/users/me/password",
             R"({"old_password":")" + u.password + R"(","new_password":"brand new password"})",
             AuthHeader(u.token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(changed.Describe(), 204L, changed.status);
    IT_ASSERT_ALL(Burst(with(other)), [](const Response& r) { return r.status == 401; });
    IT_ASSERT_ALL(Burst(with(u.token)), [](const Response& r) { return r.status == 200; });
  }

  void testSessionEndedOutsideTheApiIsRefused() {
    TestUser u = NewUser();
    std::int64_t id = CreateTitled(u.token, "mine");
    auto get = [&] { return Call("GET", TaskPath(id), "", AuthHeader(u.token)); };
    IT_ASSERT_ALL(Burst(get), [](const Response& r) { return r.status == 200; });
    std::string out = Psql("DELETE FROM sessions WHERE user_id = " + std::to_string(u.id));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::string(""), out);
    std::string last;
    bool refused = PollUntil(milliseconds(3000), [&] {
      const Response* bad = FirstBad(Burst(get), [](const Response& r) { return r.status == 401; });
      last = bad ? bad->Describe() : "";
      return bad == nullptr;
    });
    CPPUNIT_ASSERT_MESSAGE("a worker still accepts the ended session: " + last, refused);
  }

  void testTimezoneChangeReachesEveryWorker() {
    NoticesOff quiet;
    TestUser u = NewUser(R"("timezone":"Europe/Moscow")");
    auto parse = [&] {
      return Call("POST", "/api/tasks/parse", R"({"text":"call mom tomorrow at 10am"})",
                  AuthHeader(u.token));
    };
    auto due = [](const Response& r) { return r.status == 200 ? Str(r.json, "due_at") : ""; };
    std::string moscow = due(parse());
    CPPUNIT_ASSERT_MESSAGE("no due_at parsed", moscow.size() == 20);
    IT_ASSERT_ALL(Burst(parse), [&](const Response& r) { return due(r) == moscow; });

    Response patch =
        Call("PATCH", "/api/users/me", R"({"timezone":"America/New_York"})", AuthHeader(u.token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(patch.Describe(), 200L, patch.status);
    std::string new_york = due(parse());
    CPPUNIT_ASSERT_MESSAGE(new_york + " vs " + moscow, new_york.size() == 20 && new_york != moscow);
    IT_ASSERT_ALL(Burst(parse), [&](const Response& r) { return due(r) == new_york; });
  }

  // A worker that serves nothing still reads the notices, so PostgreSQL never blocks
  // writing them to it (pg_stat_activity: ClientWrite) and its queue never backs up.
  void testIdleWorkersKeepUpWithNotices() {
    std::string out = Psql(
        "SELECT count(pg_notify('tudushka_changes', 't:' || g)) FROM generate_series(1, 50000) g");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::string("50000"), out);
    std::string blocked;
    bool caught_up = PollUntil(
        milliseconds(10000),
        [&] {
          blocked = Psql(
              "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tudushka' AND "
              "wait_event = 'ClientWrite'");
          return blocked == "0";
        },
        milliseconds(100));
    CPPUNIT_ASSERT_MESSAGE("API connections still blocked on unread notices: " + blocked,
                           caught_up);
  }

  // Workers on other machines learn of this machine's writes only from the notices the
  // API sends (the triggers skip its sessions): listen as they would.
  void testApiWritesAreAnnouncedToOtherMachines() {
    TestUser u = NewUser();
    std::string heard;
    std::thread listener([&] {
      RunInRoot("psql -X -q '" + Env("TUDUSHKA_DATABASE_URL") +
                    "' -c 'LISTEN tudushka_changes' -c 'SELECT pg_sleep(2.5)'",
                &heard);
    });
    std::this_thread::sleep_for(milliseconds(800));  // psql is connected and listening
    std::int64_t id = CreateTitled(u.token, "announced");
    Response patch = Call("PATCH", TaskPath(id), R"({"completed":true})", AuthHeader(u.token));
    Response out = Call("POST", "/api/auth/logout", "", AuthHeader(u.token));
    listener.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(patch.Describe(), 200L, patch.status);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out.Describe(), 204L, out.status);
    std::string task_notice = "payload \"t:" + std::to_string(u.id) + "\"";
    CPPUNIT_ASSERT_MESSAGE("no " + task_notice + " in: " + heard,
                           heard.find(task_notice) != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE("no account notice in: " + heard,
                           heard.find("payload \"a\"") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CacheTest);

}  // namespace
}  // namespace tudushka::itest
