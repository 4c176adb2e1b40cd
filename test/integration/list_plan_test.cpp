// A large account (20 000 tasks with long descriptions): every list ordering answers the
// right total and page through nginx; the API's own list statements are planned for the
// user at hand (custom plans, not the session's generic ones), and so planned they never
// buffer the user's rows to count them (a window count did, and spilled them to disk) and
// read one page of the index where an ordering has one, sorting nothing.
#include <cppunit/extensions/HelperMacros.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "http_client.hpp"
#include "tudushka/app/tasks.hpp"
#include "tudushka/app/users.hpp"
#include "tudushka/db/db.hpp"

namespace tudushka::itest {
namespace {

constexpr int kTasks = 20000;
constexpr int kPage = 50;

struct PlanFacts {
  std::vector<std::string> nodes;    // every node type, in tree order
  std::vector<std::string> indexes;  // every index scanned
  long temp_written = 0;             // blocks written to temporary files
};

void Walk(const rapidjson::Value& node, PlanFacts& facts) {
  std::string type = node["Node Type"].GetString();
  facts.nodes.push_back(type);
  if (node.HasMember("Index Name")) facts.indexes.push_back(node["Index Name"].GetString());
  if (node.HasMember("Temp Written Blocks"))
    facts.temp_written += node["Temp Written Blocks"].GetInt64();
  if (!node.HasMember("Plans")) return;
  for (const auto& child : node["Plans"].GetArray()) Walk(child, facts);
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

class ListPlanTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ListPlanTest);
  CPPUNIT_TEST(testEveryOrderingPagesALargeAccount);
  CPPUNIT_TEST(testListStatementsNeverBufferTheAccount);
  CPPUNIT_TEST(testListsArePlannedForTheirUser);
  CPPUNIT_TEST_SUITE_END();

  TestUser user_;

  std::string Uid() const { return std::to_string(user_.id); }

 public:
  void setUp() override {
    user_ = NewUser();
    // Priorities, due times and positions repeat, so ties must be broken by id.
    std::string out = Psql(
        "INSERT INTO tasks (user_id, title, description, priority, due_at, due_date, position, "
        "completed, tags) SELECT " +
        Uid() +
        ", 'task ' || g, repeat('описание задачи ', 30), g % 4, "
        "CASE WHEN g % 3 = 0 THEN timestamptz '2027-01-01' + (g % 100) * interval '1 hour' END, "
        "CASE WHEN g % 3 = 1 THEN date '2027-01-01' + g % 10 END, g % 1000, g % 5 = 0, "
        "ARRAY['t' || g % 7] FROM generate_series(1, " +
        std::to_string(kTasks) + ") g; ANALYZE tasks");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::string(""), out);
  }

  void tearDown() override {
    if (user_.id) Psql("DELETE FROM users WHERE id = " + Uid());
  }

  // Each ordering's first page and total match what PostgreSQL computes on its own.
  void testEveryOrderingPagesALargeAccount() {
    const std::pair<const char*, const char*> orderings[] = {
        {"-created_at", "created_at DESC, id DESC"},
        {"created_at", "created_at, id"},
        {"due_at", "COALESCE(due_at, due_date::timestamp AT TIME ZONE 'UTC') NULLS LAST, id"},
        {"-due_at",
         "COALESCE(due_at, due_date::timestamp AT TIME ZONE 'UTC') DESC NULLS LAST, id DESC"},
        {"priority", "priority, id"},
        {"-priority", "priority DESC, id DESC"},
        {"position", "position, id"},
    };
    for (const auto& [api, sql] : orderings) {
      for (const char* filter : {"", "&completed=false"}) {
        Response r =
            Call("GET", std::string("/api/tasks/?limit=5&offset=3&ordering=") + api + filter, "",
                 AuthHeader(user_.token));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), 200L, r.status);
        std::string where = "user_id = " + Uid() + (*filter ? " AND NOT completed" : "");
        std::string want_count = Psql("SELECT count(*) FROM tasks WHERE " + where);
        std::string want_ids =
            Psql("SELECT string_agg(id::text, ',') FROM (SELECT id FROM tasks WHERE " + where +
                 " ORDER BY " + sql + " LIMIT 5 OFFSET 3) page");
        std::string got_ids;
        for (const auto& task : Member(r.json, "results").GetArray())
          got_ids += (got_ids.empty() ? "" : ",") + std::to_string(Int(task, "id"));
        std::string what = std::string(api) + filter;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what, want_count, std::to_string(Int(r.json, "count")));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(what, want_ids, got_ids);
      }
    }
  }

  // EXPLAIN ANALYZE of the API's own statements, planned as ListTasks has them planned
  // (testListsArePlannedForTheirUser checks that it does).
  void testListStatementsNeverBufferTheAccount() {
    const std::pair<const char*, const char*> indexed[] = {
        {"task_list-created_at", "tasks_user_created"},
        {"task_listcreated_at", "tasks_user_created"},
        {"task_listposition", "tasks_user_position"},
    };
    db::Connection conn(Env("TUDUSHKA_DATABASE_URL"), app::TaskStatements());
    conn.Connect();
    conn.Run("SET plan_cache_mode = force_custom_plan");
    int checked = 0;
    for (const db::Statement* s : app::TaskStatements()) {
      std::string name = s->name;
      if (name.rfind("task_list", 0) != 0) continue;
      ++checked;
      db::Result r =
          conn.Run("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE \"" + name + "\"(" + Uid() +
                   ", NULL, NULL, NULL, NULL, NULL, 'UTC', " + std::to_string(kPage) + ", 0)");
      rapidjson::Document plan;
      plan.Parse(std::string(r.Get(0, 0)).c_str());
      CPPUNIT_ASSERT_MESSAGE(name, plan.IsArray() && plan.Size() == 1);
      PlanFacts facts;
      Walk(plan[0]["Plan"], facts);
      std::string what = name + ": " + Join(facts.nodes) + " on " + Join(facts.indexes);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " spilled to disk", 0L, facts.temp_written);
      CPPUNIT_ASSERT_MESSAGE(what, facts.nodes[0] == "Limit");
      auto has = [](const std::vector<std::string>& v, const std::string& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
      };
      CPPUNIT_ASSERT_MESSAGE(what, !has(facts.nodes, "WindowAgg"));
      for (const auto& [statement, index] : indexed) {
        if (name != statement) continue;
        CPPUNIT_ASSERT_MESSAGE(what + ": sorts the account", !has(facts.nodes, "Sort"));
        CPPUNIT_ASSERT_MESSAGE(what + ": not read from " + index, has(facts.indexes, index));
      }
    }
    CPPUNIT_ASSERT_EQUAL(7, checked);
  }

  // app::ListTasks (as the API and the bot call it) has each list statement planned for the
  // user (a custom plan), and leaves the session's generic plans for everything else.
  void testListsArePlannedForTheirUser() {
    db::Connection conn(Env("TUDUSHKA_DATABASE_URL"), app::TaskStatements());
    conn.Connect();
    app::Caller caller;
    caller.user_id = user_.id;
    caller.timezone = "UTC";
    for (const std::string& ordering : app::TaskOrderings()) {
      app::TaskQuery q;
      q.ordering = ordering;
      q.limit = kPage;
      CPPUNIT_ASSERT_EQUAL(std::size_t(kPage), app::ListTasks(conn, caller, q).results.size());
      db::Result plans = conn.Run(
          "SELECT custom_plans, generic_plans FROM pg_prepared_statements WHERE name = "
          "'task_list" +
          ordering + "'");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(ordering, 1, plans.Rows());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(ordering + ": custom plans", std::int64_t(1),
                                   plans.GetInt(0, 0));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(ordering + ": generic plans", std::int64_t(0),
                                   plans.GetInt(0, 1));
    }
    CPPUNIT_ASSERT_EQUAL(std::string("force_generic_plan"),
                         std::string(conn.Run("SHOW plan_cache_mode").Get(0, 0)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ListPlanTest);

}  // namespace
}  // namespace tudushka::itest
