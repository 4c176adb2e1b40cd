#include "tudushka/http/http.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "tudushka/core/time.hpp"

using namespace tudushka;

class HttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(HttpTest);
  CPPUNIT_TEST(errorBodyHasTheApiShape);
  CPPUNIT_TEST(validationMessageNamesFields);
  CPPUNIT_TEST(queryIsDecoded);
  CPPUNIT_TEST(malformedEscapesAreRejected);
  CPPUNIT_TEST(etagsMatchLists);
  CPPUNIT_TEST(instantsParseWithOffsets);
  CPPUNIT_TEST(datesAreValidated);
  CPPUNIT_TEST(zonesComeFromTzdata);
  CPPUNIT_TEST_SUITE_END();

 public:
  void errorBodyHasTheApiShape() {
    http::HttpError e(422, "validation_failed", "title is required", {{"title", "required"}});
    CPPUNIT_ASSERT_EQUAL(
        std::string(R"({"error":{"code":"validation_failed","message":"title is required",)"
                    R"("fields":{"title":"required"}},"request_id":"r1"})"),
        http::ErrorBody(e, "r1"));
  }
  void validationMessageNamesFields() {
    auto e =
        http::ValidationFailed({{"title", "required"}, {"priority", "must be between 0 and 3"}});
    CPPUNIT_ASSERT_EQUAL(422, e.status());
    CPPUNIT_ASSERT_EQUAL(std::string("priority must be between 0 and 3; title is required"),
                         std::string(e.what()));
  }
  void queryIsDecoded() {
    http::Request r;
    r.query_string = "q=%D0%BC%D0%BE%D0%BB%D0%BE%D0%BA%D0%BE&tag=a+b&flag&limit=5";
    auto q = r.Query();
    CPPUNIT_ASSERT_EQUAL(std::string("молоко"), q["q"]);
    CPPUNIT_ASSERT_EQUAL(std::string("a b"), q["tag"]);
    CPPUNIT_ASSERT_EQUAL(std::string(""), q["flag"]);
    CPPUNIT_ASSERT_EQUAL(std::string("5"), q["limit"]);
  }
  void malformedEscapesAreRejected() {
    CPPUNIT_ASSERT(!http::UrlDecode("%", false));
    CPPUNIT_ASSERT(!http::UrlDecode("%4", false));
    CPPUNIT_ASSERT(!http::UrlDecode("%zz", false));
    http::Request r;
    r.query_string = "q=%zz";
    CPPUNIT_ASSERT_THROW(r.Query(), http::HttpError);
    for (const char* bad : {"q=%C3%28", "tag=%ff", "q=%00"}) {
      r.query_string = bad;
      try {
        r.Query();
        CPPUNIT_FAIL(std::string("accepted ") + bad);
      } catch (const http::HttpError& e) {
        CPPUNIT_ASSERT_EQUAL(422, e.status());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), e.fields().size());
      }
    }
    CPPUNIT_ASSERT_EQUAL(std::string("a%20b%2F"), http::UrlEncode("a b/"));
  }
  void etagsMatchLists() {
    std::string tag = http::ETagFor("body");
    CPPUNIT_ASSERT_EQUAL(std::size_t(18), tag.size());
    CPPUNIT_ASSERT(tag != http::ETagFor("body2"));
    CPPUNIT_ASSERT(http::ETagListMatches(tag, tag));
    CPPUNIT_ASSERT(http::ETagListMatches("\"x\", " + tag, tag));
    CPPUNIT_ASSERT(http::ETagListMatches("W/" + tag, tag));
    CPPUNIT_ASSERT(http::ETagListMatches("*", tag));
    CPPUNIT_ASSERT(!http::ETagListMatches("\"other\"", tag));
  }
  void instantsParseWithOffsets() {
    auto t = core::ParseInstant("2026-12-25T18:00:00+03:00");
    CPPUNIT_ASSERT(t);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-25T15:00:00Z"), core::FormatInstant(*t));
    CPPUNIT_ASSERT(core::ParseInstant("2026-12-25T15:00:00.123456Z"));
    CPPUNIT_ASSERT(!core::ParseInstant("2026-12-25T15:00:00"));  // no offset
    CPPUNIT_ASSERT(!core::ParseInstant("2026-02-30T15:00:00Z"));
    CPPUNIT_ASSERT(!core::ParseInstant("2026-12-25T25:00:00Z"));
    CPPUNIT_ASSERT(!core::ParseInstant("tomorrow"));
    // Only the years 0001 to 9999, once in UTC (PostgreSQL has no year 0; the text has four
    // digits).
    CPPUNIT_ASSERT(core::ParseInstant("0001-01-01T00:00:00Z"));
    CPPUNIT_ASSERT(core::ParseInstant("9999-12-31T23:59:59Z"));
    CPPUNIT_ASSERT(!core::ParseInstant("0000-06-01T00:00:00Z"));
    CPPUNIT_ASSERT(!core::ParseInstant("0001-01-01T00:30:00+01:00"));
    CPPUNIT_ASSERT(!core::ParseInstant("9999-12-31T23:00:00-02:00"));
  }
  void datesAreValidated() {
    CPPUNIT_ASSERT(core::ParseDate("2028-02-29"));
    CPPUNIT_ASSERT(!core::ParseDate("2027-02-29"));
    CPPUNIT_ASSERT(!core::ParseDate("2027-1-2"));
    CPPUNIT_ASSERT(!core::ParseDate("27.12.2026"));
    CPPUNIT_ASSERT(!core::ParseDate("0000-01-01"));
    CPPUNIT_ASSERT(core::ParseDate("0001-01-01"));
    CPPUNIT_ASSERT(core::ParseDate("9999-12-31"));
  }
  void zonesComeFromTzdata() {
    CPPUNIT_ASSERT(core::FindZone("Europe/Moscow"));
    CPPUNIT_ASSERT(core::FindZone("America/New_York"));
    CPPUNIT_ASSERT(!core::FindZone("Mars/Olympus"));
    CPPUNIT_ASSERT(!core::FindZone(""));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(HttpTest);
