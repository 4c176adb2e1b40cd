#include "tudushka/http/router.hpp"

#include <cppunit/extensions/HelperMacros.h>

using tudushka::http::Router;

namespace {
using R = Router<int>;
R MakeRouter() {
  return R({{"GET", "/api/", 1, "root"},
            {"GET", "/api/tasks/", 2, "list"},
            {"POST", "/api/tasks/", 3, "create"},
            {"POST", "/api/tasks/parse", 4, "parse"},
            {"GET", "/api/tasks/{id}", 5, "get"},
            {"DELETE", "/api/tasks/{id}", 6, "delete"}});
}
}  // namespace

class RouterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RouterTest);
  CPPUNIT_TEST(trailingSlashIsOptional);
  CPPUNIT_TEST(paramsAreDigitsOnly);
  CPPUNIT_TEST(literalBeatsParam);
  CPPUNIT_TEST(unknownPathIsNotFound);
  CPPUNIT_TEST(wrongMethodListsAllowed);
  CPPUNIT_TEST(headIsServedByGet);
  CPPUNIT_TEST(extraSegmentsDoNotMatch);
  CPPUNIT_TEST_SUITE_END();

 public:
  void trailingSlashIsOptional() {
    R r = MakeRouter();
    CPPUNIT_ASSERT_EQUAL(2, r.Find("GET", "/api/tasks").route->handler);
    CPPUNIT_ASSERT_EQUAL(2, r.Find("GET", "/api/tasks/").route->handler);
    CPPUNIT_ASSERT_EQUAL(1, r.Find("GET", "/api").route->handler);
    CPPUNIT_ASSERT_EQUAL(5, r.Find("GET", "/api/tasks/7/").route->handler);
  }
  void paramsAreDigitsOnly() {
    R r = MakeRouter();
    auto m = r.Find("GET", "/api/tasks/42");
    CPPUNIT_ASSERT_EQUAL(std::string("42"), m.params.at("id"));
    CPPUNIT_ASSERT(r.Find("GET", "/api/tasks/abc").route == nullptr);
    CPPUNIT_ASSERT(r.Find("GET", "/api/tasks/-1").route == nullptr);
    CPPUNIT_ASSERT(r.Find("GET", "/api/tasks/9999999999999999999999").route == nullptr);
  }
  void literalBeatsParam() {
    R r = MakeRouter();
    CPPUNIT_ASSERT_EQUAL(4, r.Find("POST", "/api/tasks/parse").route->handler);
  }
  void unknownPathIsNotFound() {
    R r = MakeRouter();
    auto m = r.Find("GET", "/api/nope");
    CPPUNIT_ASSERT(m.route == nullptr);
    CPPUNIT_ASSERT(m.allow.empty());
    CPPUNIT_ASSERT_EQUAL(-1, m.index);
  }
  void wrongMethodListsAllowed() {
    R r = MakeRouter();
    auto m = r.Find("PUT", "/api/tasks/");
    CPPUNIT_ASSERT(m.route == nullptr);
    CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD, POST"), m.allow);
    CPPUNIT_ASSERT_EQUAL(std::string("GET, HEAD, DELETE"), r.Find("PATCH", "/api/tasks/3").allow);
  }
  void headIsServedByGet() {
    R r = MakeRouter();
    CPPUNIT_ASSERT_EQUAL(2, r.Find("HEAD", "/api/tasks").route->handler);
  }
  void extraSegmentsDoNotMatch() {
    R r = MakeRouter();
    CPPUNIT_ASSERT(r.Find("GET", "/api/tasks/1/2").route == nullptr);
    CPPUNIT_ASSERT(r.Find("GET", "/apix/tasks").route == nullptr);
    CPPUNIT_ASSERT(r.Find("GET", "").route == nullptr);
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RouterTest);
