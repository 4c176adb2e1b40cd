// A large account (20 000 tasks with long descriptions): every list ordering answers the
// right total and page through nginx, and the API's own prepared list statements, run as
// its workers run them (generic plans), never buffer the user's rows to count them (a
// window count did, and spilled them to disk).
#include <cppunit/extensions/HelperMacros.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "http_client.hpp"
#include "tudushka/app/tasks.hpp"
#include "tudushka/db/db.hpp"

namespace tudushka::itest {
namespace {

constexpr int kTasks = 20000;
constexpr int kPage = 50;

struct PlanFacts {
  std::vector<std::string> nodes;  // every node type, in tree order
  long temp_written = 0;           // blocks written to temporary files
};

void Walk(const rapidjson::Value& node, PlanFacts& facts) {
  std::string type = node["Node Type"].GetString();
  facts.nodes.push_back(type);
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

  // EXPLAIN ANALYZE of the API's own statements in a session set up as its workers' are.
  void testListStatementsNeverBufferTheAccount() {
    db::Connection conn(Env("TUDUSHKA_DATABASE_URL"), app::TaskStatements());
    conn.Connect();
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
      std::string what = name + ": " + Join(facts.nodes);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(what + " spilled to disk", 0L, facts.temp_written);
      CPPUNIT_ASSERT_MESSAGE(what, facts.nodes[0] == "Limit");
      CPPUNIT_ASSERT_MESSAGE(what, std::find(facts.nodes.begin(), facts.nodes.end(), "WindowAgg") ==
                                       facts.nodes.end());
    }
    CPPUNIT_ASSERT_EQUAL(7, checked);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ListPlanTest);

}  // namespace
}  // namespace tudushka::itest
