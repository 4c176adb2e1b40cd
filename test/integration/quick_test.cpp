// Natural-language quick add through nginx: POST /api/tasks/parse (preview, saves nothing)
// and POST /api/tasks/quick (creates), in the user's time zone, with code point spans.
// Relative dates are checked against today's date in the zone the server must use.
#include <cppunit/extensions/HelperMacros.h>

#include <ctime>
#include <string>
#include <vector>

#include "expect.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

// The civil date `days` after today in a zone `offset_hours` east of UTC (zones without
// DST only), as YYYY-MM-DD.
std::string LocalDate(int offset_hours, int days) {
  std::time_t now = std::time(nullptr) + offset_hours * 3600;
  std::tm tm{};
  gmtime_r(&now, &tm);
  tm.tm_mday += days;
  tm.tm_hour = 12;  // away from any edge
  std::time_t shifted = timegm(&tm);
  gmtime_r(&shifted, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The code points [start, end) of UTF-8 `text`.
std::string CodePoints(const std::string& text, std::size_t start, std::size_t end) {
  std::vector<std::size_t> offsets;  // byte offset of each code point, plus the end
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  offsets.push_back(text.size());
  if (end >= offsets.size() || start > end) return "<out of range>";
  return text.substr(offsets[start], offsets[end] - offsets[start]);
}

class QuickTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(QuickTest);
  CPPUNIT_TEST(testQuickCreatesTask);
  CPPUNIT_TEST(testQuickUsesUserTimezone);
  CPPUNIT_TEST(testParseTzOverride);
  CPPUNIT_TEST(testParseSavesNothing);
  CPPUNIT_TEST(testParseLeavesNonDatesInTitle);
  CPPUNIT_TEST(testParseSpansAreCodePoints);
  CPPUNIT_TEST(testQuickRecurrence);
  CPPUNIT_TEST(testQuickEmptyText);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { token_ = RegisterUser(); }

  Response Parse(const std::string& body, const std::string& token = "") {
    return Call("POST", "/api/tasks/parse", body, AuthHeader(token.empty() ? token_ : token));
  }

  void testQuickCreatesTask() {
    Response r = Call("POST", "/api/tasks/quick", R"({"text":"Купить молоко завтра в 18:00 #дом"})",
                      AuthHeader(token_));
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(std::string("Купить молоко"), Str(r.json, "title"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"(["дом"])"), ToJson(Member(r.json, "tags")));
    CPPUNIT_ASSERT_EQUAL(LocalDate(0, 1) + "T18:00:00Z", Str(r.json, "due_at"));
    std::string id = std::to_string(Int(r.json, "id"));
    std::string location = r.Header("Location");
    IT_ASSERT_MSG(r, location.size() >= id.size() &&
                         location.compare(location.size() - id.size(), id.size(), id) == 0);
    Response got = Call("GET", "/api/tasks/" + id, "", AuthHeader(token_));
    IT_ASSERT_STATUS(got, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("Купить молоко"), Str(got.json, "title"));
  }

  void testQuickUsesUserTimezone() {
    // "tomorrow at 18:00" for a user in Moscow (UTC+3 all year) is 15:00Z of Moscow's
    // tomorrow.
    TestUser user = NewUser(R"("timezone":"Europe/Moscow")");
    Response r = Call("POST", "/api/tasks/quick", R"({"text":"позвонить завтра в 18:00"})",
                      AuthHeader(user.token));
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), LocalDate(3, 1) + "T15:00:00Z",
                                 Str(r.json, "due_at"));
  }

  void testParseTzOverride() {
    Response r = Parse(R"({"text":"call tomorrow at 6pm","tz":"Asia/Tokyo"})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), LocalDate(9, 1) + "T09:00:00Z",
                                 Str(r.json, "due_at"));
  }

  void testParseSavesNothing() {
    IT_ASSERT_STATUS(Parse(R"({"text":"отчёт через 3 дня"})"), 200);
    Response list = Call("GET", "/api/tasks/", "", AuthHeader(token_));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(0), Int(list.json, "count"));
  }

  void testParseLeavesNonDatesInTitle() {
    for (const char* text :
         {"The 5th Wave", "meet on the 2nd floor", "buy paprika", "Mayday parade"}) {
      Response r = Parse(std::string("{\"text\":") + Quote(text) + "}");
      IT_ASSERT_STATUS(r, 200);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string(text), Str(r.json, "title"));
      IT_ASSERT_MSG(r, IsNull(r.json, "due_date") && IsNull(r.json, "due_at"));
    }
  }

  void testParseSpansAreCodePoints() {
    std::string text = "Купить молоко завтра в 18:00 #дом";
    Response r = Parse("{\"text\":" + Quote(text) + "}");
    IT_ASSERT_STATUS(r, 200);
    bool saw_date = false, saw_tag = false;
    for (const auto& span : Member(r.json, "spans").GetArray()) {
      std::string kind = Str(span, "kind");
      std::string covered = CodePoints(text, static_cast<std::size_t>(Int(span, "start")),
                                       static_cast<std::size_t>(Int(span, "end")));
      if (kind == "date") {
        saw_date = true;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("завтра"), covered);
      }
      if (kind == "tag") {
        saw_tag = true;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, std::string("#дом"), covered);
      }
    }
    IT_ASSERT_MSG(r, saw_date && saw_tag);
  }

  void testQuickRecurrence() {
    Response r = Call("POST", "/api/tasks/quick",
                      R"({"text":"планёрка каждый понедельник в 10:00"})", AuthHeader(token_));
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(std::string("планёрка"), Str(r.json, "title"));
    CPPUNIT_ASSERT_EQUAL(std::string("FREQ=WEEKLY;BYDAY=MO"), Str(r.json, "recurrence"));
    std::string due = Str(r.json, "due_at");
    // The first occurrence is a Monday at 10:00 (user in UTC), within the next week.
    std::tm tm{};
    IT_ASSERT_MSG(r, strptime(due.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) != nullptr);
    std::time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    IT_ASSERT_MSG(r, tm.tm_wday == 1 && tm.tm_hour == 10 && tm.tm_min == 0);
    IT_ASSERT_MSG(r, t >= std::time(nullptr) && t <= std::time(nullptr) + 8 * 86400);
  }

  void testQuickEmptyText() {
    IT_ASSERT_FIELDS(Call("POST", "/api/tasks/quick", R"({"text":""})", AuthHeader(token_)),
                     "text");
    IT_ASSERT_FIELDS(Call("POST", "/api/tasks/quick", R"({})", AuthHeader(token_)), "text");
  }

 private:
  std::string token_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(QuickTest);

}  // namespace
}  // namespace tudushka::itest
