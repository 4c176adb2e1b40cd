// The tools scripts/bench relies on for a figure it prints: bench-db-insert (the database
// side of the POST scenario) writes real tasks for the user it is given, through the API's
// own code, and the numbers it reports are the tasks that reached the database.
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <sstream>
#include <string>

#include "fixture.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

// The bench tools sit beside the API binary the stack runs (build/ or build/asan/).
std::string BenchTool(const std::string& name) {
  std::string api = Env("TUDUSHKA_API_BIN", ProjectRoot() + "/build/tudushka-api");
  return api.substr(0, api.rfind('/') + 1) + name;
}

// key=value pairs of the line that starts with `prefix` ("BENCH ", "BENCH_STATUS ").
std::map<std::string, std::string> Pairs(const std::string& output, const std::string& prefix) {
  std::map<std::string, std::string> out;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream words(line.substr(prefix.size()));
    for (std::string word; words >> word;) {
      auto eq = word.find('=');
      if (eq != std::string::npos) out[word.substr(0, eq)] = word.substr(eq + 1);
    }
  }
  return out;
}

// A POST body for bench-db-insert (not the bench's own, so the test sees it is the one read),
// quoted for the shell.
const std::string kBody =
    R"('{"title":"из тела 🧪","description":"d","priority":2,"tags":["x","y"]}')";

class BenchToolsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BenchToolsTest);
  CPPUNIT_TEST(testDbInsertWritesWhatItCounts);
  CPPUNIT_TEST(testDbInsertRefusesBadArgumentsAndUnknownUsers);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testDbInsertWritesWhatItCounts() {
    TestUser writer = NewUser();
    TestUser other = NewUser();
    CreateTitled(other.token, "not the bench's");
    std::string out;
    int rc = RunInRoot(
        BenchTool("bench-db-insert") + " " + std::to_string(writer.id) + " 2 1 " + kBody, &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 0, rc);
    auto bench = Pairs(out, "BENCH ");
    auto statuses = Pairs(out, "BENCH_STATUS ");
    CPPUNIT_ASSERT_MESSAGE(out, bench.count("requests") && bench.count("rps") &&
                                    bench.count("p50_us") && bench.count("p99_us"));
    long inserted = std::stol(bench["requests"]);
    CPPUNIT_ASSERT_MESSAGE(out, inserted > 0);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, std::string("0"), bench["non2xx3xx"]);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, bench["requests"], statuses["201"]);
    CPPUNIT_ASSERT_MESSAGE(out, std::stod(bench["rps"]) > 0);

    // Every counted insert is a task of the writer, made from the body it was given.
    auto list = Call("GET", "/api/tasks/?limit=1", "", AuthHeader(writer.token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(list.Describe(), 200L, list.status);
    CPPUNIT_ASSERT_MESSAGE(list.Describe(), list.json.IsObject());
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(inserted), Int(list.json, "count"));
    const auto& task = Member(list.json, "results")[0];
    CPPUNIT_ASSERT_EQUAL(std::string("из тела 🧪"), Str(task, "title"));
    CPPUNIT_ASSERT_EQUAL(std::string("[\"x\",\"y\"]"), ToJson(Member(task, "tags")));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(2), Int(task, "priority"));

    // Nobody else's tasks change.
    auto theirs = Call("GET", "/api/tasks/", "", AuthHeader(other.token));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(theirs.Describe(), 200L, theirs.status);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(1), Int(theirs.json, "count"));
  }

  void testDbInsertRefusesBadArgumentsAndUnknownUsers() {
    for (const char* args :
         {"", "1 2", "1 2 1", "x 2 1 {}", "1 0 1 {}", "1 2 0 {}", "1 2 301 {}", "1 2 1 {} extra"}) {
      std::string out;
      int rc = RunInRoot(BenchTool("bench-db-insert") + " " + args, &out);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string("args: ") + args + "\n" + out, 1, rc);
      CPPUNIT_ASSERT_MESSAGE(out, out.find("usage: bench-db-insert") != std::string::npos);
    }
    std::string out;
    // A user who does not exist: every insert fails, and the tool says why.
    int rc = RunInRoot(BenchTool("bench-db-insert") + " 2147483647 1 1 " + kBody, &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 1, rc);
    CPPUNIT_ASSERT_MESSAGE(out, out.find("no insert succeeded") != std::string::npos &&
                                    out.find("foreign key") != std::string::npos);
    rc = RunInRoot(
        "env -u TUDUSHKA_DATABASE_URL " + BenchTool("bench-db-insert") + " 1 1 1 " + kBody, &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 1, rc);
    CPPUNIT_ASSERT_MESSAGE(out, out.find("TUDUSHKA_DATABASE_URL is not set") != std::string::npos);
    // A body the API would refuse: the tool refuses it too, saying why as the API would.
    rc = RunInRoot(BenchTool("bench-db-insert") + " 1 1 1 '{\"title\":\"\"}'", &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 1, rc);
    CPPUNIT_ASSERT_MESSAGE(out,
                           out.find("validation_failed") != std::string::npos &&
                               out.find("\"title\":\"must not be empty\"") != std::string::npos);
    rc = RunInRoot(BenchTool("bench-db-insert") + " 1 1 1 '[1]'", &out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, 1, rc);
    CPPUNIT_ASSERT_MESSAGE(out, out.find("BODY is not a JSON object") != std::string::npos);
  }
};

}  // namespace

CPPUNIT_TEST_SUITE_REGISTRATION(BenchToolsTest);

}  // namespace tudushka::itest
