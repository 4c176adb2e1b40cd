// Group commit: task creations that reach a worker together share one transaction
// (api::Service::HandleTogether). Mostly driven in-process, an api::Service against the
// stack's PostgreSQL, so the group is exactly the requests the test hands it; one burst
// goes through nginx to the stack's pool, where groups form as they will. The rows one
// transaction wrote share their created_at (now(), the transaction's start).
#include <cppunit/extensions/HelperMacros.h>
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "fixture.hpp"
#include "http_client.hpp"
#include "tudushka/api/service.hpp"
#include "tudushka/core/config.hpp"
#include "tudushka/db/db.hpp"
#include "tudushka/http/metrics.hpp"

namespace tudushka::itest {
namespace {

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

api::Exchange Exchange(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body = "", const HeaderPairs& headers = {}) {
  api::Exchange x;
  x.req.method = method;
  x.req.path = path;
  x.req.body = body;
  x.req.request_id = "group-commit-test";
  if (!token.empty()) x.req.headers.emplace_back("authorization", "Bearer " + token);
  if (!body.empty()) x.req.headers.emplace_back("content-type", "application/json");
  for (const auto& h : headers) x.req.headers.push_back(h);
  return x;
}

std::string HeaderOf(const http::Response& res, const std::string& name) {
  for (const auto& [n, v] : res.headers)
    if (n == name) return v;
  return "";
}

std::string Show(const std::vector<api::Exchange>& xs) {
  std::string out;
  for (const auto& x : xs)
    out += x.req.method + " " + x.req.path + " -> " + std::to_string(x.res.status) + " " +
           x.res.body.substr(0, 200) + "\n";
  return out;
}

struct Account {
  std::int64_t id = 0;
  std::string token;
};

class GroupCommitTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(GroupCommitTest);
  CPPUNIT_TEST(testCreationsShareOneTransaction);
  CPPUNIT_TEST(testARefusedCreationIsAnsweredAloneAndTheOthersCommitOnce);
  CPPUNIT_TEST(testARepeatedIdempotencyKeyInOneGroupCreatesOnce);
  CPPUNIT_TEST(testANestedTransactionUndoesOnlyItsOwnWork);
  CPPUNIT_TEST(testABurstThroughNginxLandsEveryAcknowledgedCreation);
  CPPUNIT_TEST_SUITE_END();

  http::Metrics* metrics_ = nullptr;
  std::unique_ptr<api::Service> service_;

  Account Register() {
    static int n = 0;
    std::string name = "group_" + std::to_string(getpid()) + "_" + std::to_string(++n);
    api::Exchange x = Exchange("POST", "/api/auth/register", "",
                               "{\"username\":\"" + name + "\",\"password\":\"correct horse 1\"}");
    service_->Handle(x.req, x.res);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(x.res.body, 201, x.res.status);
    rapidjson::Document d;
    d.Parse(x.res.body.c_str());
    return {d["user"]["id"].GetInt64(), d["token"].GetString()};
  }

  static std::string Ids(const std::vector<api::Exchange>& xs) {
    std::string ids;
    for (const auto& x : xs) {
      if (x.res.status != 201) continue;
      rapidjson::Document d;
      d.Parse(x.res.body.c_str());
      ids += (ids.empty() ? "" : ",") + std::to_string(d["id"].GetInt64());
    }
    return ids;
  }

 public:
  void setUp() override {
    core::Config config;
    config.database_url = Env("TUDUSHKA_DATABASE_URL");
    config.secret_key = std::string(32, 'k');
    if (!metrics_) metrics_ = http::Metrics::CreateShared();
    service_ = std::make_unique<api::Service>(config, metrics_);
  }

  void tearDown() override { service_.reset(); }

  void testCreationsShareOneTransaction() {
    Account a = Register();
    std::string before = metrics_->Render({});
    std::vector<api::Exchange> xs;
    xs.push_back(Exchange("POST", "/api/tasks/", a.token, R"({"title":"первая 🥛"})"));
    xs.push_back(Exchange("GET", "/api/tasks/", a.token));
    xs.push_back(Exchange("POST", "/api/tasks/", a.token, R"({"title":"second"})",
                          {{"idempotency-key", "group-key-1"}}));
    xs.push_back(Exchange("POST", "/api/tasks/quick", a.token, R"({"text":"third #home"})"));
    xs.push_back(Exchange("POST", "/api/tasks/", a.token, R"({"description":"no title"})"));
    xs.push_back(Exchange("POST", "/api/tasks/", a.token, R"({"title":"too large"})"));
    xs[5].res.status = 413;  // as Serve answers a body over the limit, before handling
    xs[5].answered = true;
    // That answer goes out first; the group's once it committed, before the list is even
    // handled.
    std::string answered;
    service_->HandleTogether(xs, [&](api::Exchange& x) {
      answered += std::to_string(&x - xs.data()) + (xs[1].answered ? "+" : "-");
    });
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Show(xs), std::string("5-0-2-3-4-1+"), answered);
    CPPUNIT_ASSERT_EQUAL(413, xs[5].res.status);

    CPPUNIT_ASSERT_MESSAGE(Show(xs), xs[0].res.status == 201 && xs[2].res.status == 201 &&
                                         xs[3].res.status == 201 && xs[4].res.status == 422);
    std::string ids = Ids(xs);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Show(xs), std::string("3|1"),
                                 Psql("SELECT count(*), count(DISTINCT created_at) FROM tasks "
                                      "WHERE user_id = " +
                                      std::to_string(a.id) + " AND id IN (" + ids + ")"));
    // The list was answered alone, after the commit: it sees all three.
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Show(xs), 200, xs[1].res.status);
    rapidjson::Document list;
    list.Parse(xs[1].res.body.c_str());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Show(xs), std::int64_t{3}, list["count"].GetInt64());
    for (int i = 0; i < 5; ++i) CPPUNIT_ASSERT_EQUAL(a.id, xs[i].user_id);
    CPPUNIT_ASSERT_MESSAGE(before,
                           before.find("tudushka_group_commits_total 0\n") != std::string::npos);
    std::string after = metrics_->Render({});
    CPPUNIT_ASSERT_MESSAGE(after,
                           after.find("tudushka_group_commits_total 1\n") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(after,
                           after.find("tudushka_grouped_requests_total 4\n") != std::string::npos);
  }

  void testARefusedCreationIsAnsweredAloneAndTheOthersCommitOnce() {
    Account a = Register(), gone = Register();
    // The service checks gone's token now and keeps it; then the account goes without a
    // change notice, so its next creation reaches the database and breaks the foreign key.
    api::Exchange me = Exchange("GET", "/api/users/me", gone.token);
    service_->Handle(me.req, me.res);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(me.res.body, 200, me.res.status);
    Psql("SET tudushka.client_announces = on; DELETE FROM users WHERE id = " +
         std::to_string(gone.id));
    std::string before = metrics_->Render({});

    std::vector<api::Exchange> xs;
    xs.push_back(Exchange("POST", "/api/tasks/", a.token, R"({"title":"one"})"));
    xs.push_back(Exchange("POST", "/api/tasks/", gone.token, R"({"title":"ghost"})"));
    xs.push_back(Exchange("POST", "/api/tasks/", a.token, R"({"title":"two"})"));
    std::string answered;  // each once, as soon as it was handled alone
    service_->HandleTogether(xs,
                             [&](api::Exchange& x) { answered += std::to_string(&x - xs.data()); });
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Show(xs), std::string("012"), answered);

    CPPUNIT_ASSERT_MESSAGE(Show(xs), xs[0].res.status == 201 && xs[2].res.status == 201);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(Show(xs), 500, xs[1].res.status);
    // Each of a's creations committed once, alone: the group was rolled back, not kept.
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        Show(xs), std::string("one,two|2"),
        Psql("SELECT string_agg(title, ',' ORDER BY id), count(DISTINCT created_at) FROM tasks "
             "WHERE user_id = " +
             std::to_string(a.id)));
    CPPUNIT_ASSERT_EQUAL(std::string("0"), Psql("SELECT count(*) FROM tasks WHERE user_id = " +
                                                std::to_string(gone.id)));
    std::string after = metrics_->Render({});
    auto commits = [](const std::string& text) {
      auto at = text.find("tudushka_group_commits_total ");
      return text.substr(at, text.find('\n', at) - at);
    };
    CPPUNIT_ASSERT_EQUAL(commits(before), commits(after));
  }

  void testARepeatedIdempotencyKeyInOneGroupCreatesOnce() {
    Account a = Register();
    std::vector<api::Exchange> xs;
    for (int i = 0; i < 2; ++i)
      xs.push_back(Exchange("POST", "/api/tasks/", a.token, R"({"title":"once"})",
                            {{"idempotency-key", "group-key-2"}}));
    service_->HandleTogether(xs);
    CPPUNIT_ASSERT_MESSAGE(Show(xs), xs[0].res.status == 201 && xs[1].res.status == 201);
    CPPUNIT_ASSERT_EQUAL(xs[0].res.body, xs[1].res.body);
    CPPUNIT_ASSERT_EQUAL(std::string(""), HeaderOf(xs[0].res, "Idempotent-Replayed"));
    CPPUNIT_ASSERT_EQUAL(std::string("true"), HeaderOf(xs[1].res, "Idempotent-Replayed"));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), Psql("SELECT count(*) FROM tasks WHERE user_id = " +
                                                std::to_string(a.id)));
  }

  void testANestedTransactionUndoesOnlyItsOwnWork() {
    db::Connection db(Env("TUDUSHKA_DATABASE_URL"));
    db.Connect();
    db.Run("CREATE TEMP TABLE nested_t (v int)");
    db.InTransaction([&] {
      db.Run("INSERT INTO nested_t VALUES (1)");
      CPPUNIT_ASSERT_THROW(db.InTransaction([&] {
        db.Run("INSERT INTO nested_t VALUES (2)");
        db.Run("SELECT 1 / 0");
      }),
                           db::Error);
      CPPUNIT_ASSERT(db.InTransactionBlock() && !db.TransactionFailed());
      db.InTransaction([&] { db.Run("INSERT INTO nested_t VALUES (3)"); });
    });
    CPPUNIT_ASSERT(!db.InTransactionBlock());
    auto r = db.Run("SELECT string_agg(v::text, ',' ORDER BY v) FROM nested_t");
    CPPUNIT_ASSERT_EQUAL(std::string("1,3"), std::string(r.Get(0, 0)));
  }

  void testABurstThroughNginxLandsEveryAcknowledgedCreation() {
    // 16 clients at once, 12 creations each (plain, with an Idempotency-Key, quick add):
    // every one is acknowledged once, with its own id, and is in the database.
    TestUser u = NewUser();
    constexpr int kClients = 16, kEach = 12;
    std::vector<std::vector<Response>> answers(kClients);
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
      clients.emplace_back([&, c] {
        for (int i = 0; i < kEach; ++i) {
          std::string title = "burst " + std::to_string(c) + "-" + std::to_string(i);
          if (i % 3 == 2)
            answers[c].push_back(Call("POST", "/api/tasks/quick",
                                      "{\"text\":" + Quote(title + " #burst") + "}",
                                      AuthHeader(u.token)));
          else
            answers[c].push_back(
                Call("POST", "/api/tasks/", "{\"title\":" + Quote(title) + "}",
                     AuthHeader(u.token,
                                i % 3 == 1 ? Headers{"Idempotency-Key: " + title} : Headers{})));
        }
      });
    for (auto& t : clients) t.join();
    std::set<std::int64_t> ids;
    std::set<std::string> titles;
    for (const auto& per : answers)
      for (const auto& r : per) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), 201L, r.status);
        ids.insert(Int(r.json, "id"));
        titles.insert(Str(r.json, "title"));
      }
    CPPUNIT_ASSERT_EQUAL(std::size_t{kClients * kEach}, ids.size());
    CPPUNIT_ASSERT_EQUAL(std::size_t{kClients * kEach}, titles.size());
    CPPUNIT_ASSERT_EQUAL(std::to_string(kClients * kEach) + "|" + std::to_string(kClients * kEach),
                         Psql("SELECT count(*), count(DISTINCT title) FROM tasks WHERE user_id = " +
                              std::to_string(u.id) + " AND title LIKE 'burst %'"));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(GroupCommitTest);

}  // namespace
}  // namespace tudushka::itest
