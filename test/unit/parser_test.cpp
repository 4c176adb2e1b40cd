// Quick-add parser: one CppUnit test per line of test/unit/data/quick_add_cases.tsv, plus a
// few properties the table cannot express (spans point at the text, no throw on junk).
//
// Table columns (tab-separated; '#' starts a comment line; blank lines are skipped):
//   lang  tz  now  input  title  due  remind  priority  tags  recurrence  [spans]
// now:        local time with offset, 2026-11-27T12:00+03:00 (or UTC with Z)
// due:        -  |  2026-11-28 (due_date)  |  2026-11-28T18:00+03:00 (due_at, shown in tz)
// remind:     -  |  local time with offset, as due
// tags:       -  |  comma-separated, without '#'
// recurrence: -  |  RRULE
// spans:      optional; "kind:start-end" separated by spaces (code points), "-" for none
// Escapes in input and title: \t, \\ and \s (a space, for leading/trailing blanks).
#include "tudushka/core/rrule.hpp"
#include "tudushka/parser/quick_add.hpp"

#include <cppunit/TestCase.h>
#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace qa = tudushka::parser;
using std::chrono::sys_seconds;

struct Case {
  int line = 0;
  std::vector<std::string> cols;
};

std::string DataPath() {
  const char* root = std::getenv("TUDUSHKA_SOURCE_DIR");
  return std::string(root && *root ? root : ".") + "/test/unit/data/quick_add_cases.tsv";
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char next = s[++i];
    out += next == 't' ? '\t' : next == 's' ? ' ' : next;
  }
  return out;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> cols;
  std::stringstream in(line);
  std::string col;
  while (std::getline(in, col, '\t')) cols.push_back(col);
  return cols;
}

std::vector<Case> LoadCases(std::string* error) {
  std::ifstream in(DataPath());
  if (!in) {
    *error = "cannot open " + DataPath() + " (run from the repo root or set TUDUSHKA_SOURCE_DIR)";
    return {};
  }
  std::vector<Case> cases;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    cases.push_back({n, SplitTabs(line)});
  }
  return cases;
}

// "2026-11-27T12:00+03:00" or "2026-11-27T12:00Z". (date::parse with %T trips a g++ 12
// -Wmaybe-uninitialized false positive at -O2, so this is done by hand.)
std::optional<sys_seconds> ParseInstant(const std::string& text) {
  int y, mo, d, h, mi, oh = 0, om = 0, n = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
    return std::nullopt;
  std::string rest = text.substr(static_cast<size_t>(n));
  int sign = rest.size() == 6 && rest[0] == '-' ? -1 : 1;
  bool offset_ok = rest == "Z" || (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') &&
                                   std::sscanf(rest.c_str() + 1, "%2d:%2d", &oh, &om) == 2);
  date::year_month_day ymd{date::year{y}, date::month(static_cast<unsigned>(mo)),
                           date::day(static_cast<unsigned>(d))};
  if (!offset_ok || !ymd.ok()) return std::nullopt;
  return date::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} -
         sign * (std::chrono::hours{oh} + std::chrono::minutes{om});
}

std::string ShowLocal(std::optional<sys_seconds> t, const date::time_zone* tz) {
  return t ? date::format("%FT%R%Ez", date::zoned_time<std::chrono::seconds>{tz, *t}) : "-";
}

std::string ShowDue(const qa::QuickAdd& q, const date::time_zone* tz) {
  if (q.due_date && q.due_at) return "BOTH " + *q.due_date + " " + ShowLocal(q.due_at, tz);
  return q.due_date ? *q.due_date : ShowLocal(q.due_at, tz);
}

std::string ShowTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& t : tags) out += (out.empty() ? "" : ",") + t;
  return out.empty() ? "-" : out;
}

std::string ShowSpans(const std::vector<qa::Span>& spans) {
  std::string out;
  for (const qa::Span& s : spans) {
    out += (out.empty() ? "" : " ") + s.kind + ":" + std::to_string(s.start) + "-" +
           std::to_string(s.end);
  }
  return out.empty() ? "-" : out;
}

class CaseTest : public CppUnit::TestCase {
 public:
  explicit CaseTest(Case c)
      : CppUnit::TestCase("QuickAddCases::line_" + std::to_string(c.line)), case_(std::move(c)) {}

  void runTest() override {
    const auto& col = case_.cols;
    std::string where = "quick_add_cases.tsv:" + std::to_string(case_.line) + ": ";
    CPPUNIT_ASSERT_MESSAGE(
        where + "expected 10 or 11 tab-separated columns, got " + std::to_string(col.size()),
        col.size() == 10 || col.size() == 11);
    const date::time_zone* tz = date::locate_zone(col[1]);
    auto now = ParseInstant(col[2]);
    CPPUNIT_ASSERT_MESSAGE(where + "bad now '" + col[2] + "'", now.has_value());
    std::string input = Unescape(col[3]);
    qa::QuickAdd q = qa::Parse(input, tz, *now, col[0]);

    std::string diff;
    auto check = [&](const char* field, const std::string& expected, const std::string& actual) {
      if (expected != actual)
        diff += std::string("\n  ") + field + ": expected [" + expected + "], got [" + actual + "]";
    };
    check("title", Unescape(col[4]), q.title);
    check("due", col[5], ShowDue(q, tz));
    check("remind", col[6], ShowLocal(q.remind_at, tz));
    check("priority", col[7], std::to_string(q.priority));
    check("tags", col[8], ShowTags(q.tags));
    check("recurrence", col[9], q.recurrence.value_or("-"));
    if (col.size() == 11) check("spans", col[10], ShowSpans(q.spans));
    if (q.recurrence) check("recurrence valid", "", tudushka::rrule::Validate(*q.recurrence));
    CPPUNIT_ASSERT_MESSAGE(where + "input [" + input + "]" + diff, diff.empty());
  }

 private:
  Case case_;
};

class MissingTable : public CppUnit::TestCase {
 public:
  explicit MissingTable(std::string error)
      : CppUnit::TestCase("QuickAddCases::table"), error_(std::move(error)) {}
  void runTest() override { CPPUNIT_FAIL(error_); }

 private:
  std::string error_;
};

class QuickAddCases : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(QuickAddCases);
  CPPUNIT_TEST_SUITE_ADD_CUSTOM_TESTS(AddCases);
  CPPUNIT_TEST_SUITE_END();

 public:
  static void AddCases(TestSuiteBuilderContextType& context) {
    std::string error;
    std::vector<Case> cases = LoadCases(&error);
    if (!error.empty() || cases.empty())
      context.addTest(new MissingTable(error.empty() ? "no cases in " + DataPath() : error));
    for (Case& c : cases) context.addTest(new CaseTest(std::move(c)));
  }
};

class QuickAddProperties : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(QuickAddProperties);
  CPPUNIT_TEST(SpansAreOrderedAndInsideText);
  CPPUNIT_TEST(InvalidUtf8IsReplaced);
  CPPUNIT_TEST(JunkDoesNotThrow);
  CPPUNIT_TEST(NullZoneIsUtc);
  CPPUNIT_TEST_SUITE_END();

 public:
  void SpansAreOrderedAndInsideText() {
    auto q = qa::Parse("Купить молоко завтра в 18:00 !high #дом", date::locate_zone("UTC"),
                       sys_seconds{std::chrono::hours{24 * 20000}}, "ru");
    int last_end = 0;
    for (const qa::Span& s : q.spans) {
      CPPUNIT_ASSERT(s.start >= last_end && s.end > s.start && s.end <= 39);
      last_end = s.end;
    }
    CPPUNIT_ASSERT_EQUAL(size_t{4}, q.spans.size());
  }

  void InvalidUtf8IsReplaced() {
    auto q = qa::Parse("a\xff\xfe b \xd0 завтра", nullptr, sys_seconds{}, "");
    CPPUNIT_ASSERT_EQUAL(std::string("a\xef\xbf\xbd\xef\xbf\xbd b \xef\xbf\xbd"), q.title);
    CPPUNIT_ASSERT_EQUAL(std::string("1970-01-02"), q.due_date.value_or("-"));
    CPPUNIT_ASSERT_EQUAL(1, static_cast<int>(q.spans.size()));
    CPPUNIT_ASSERT_EQUAL(8, q.spans[0].start);
  }

  void JunkDoesNotThrow() {
    std::string junk;
    for (int i = 0; i < 2000; ++i) junk += static_cast<char>((i * 7919) % 256);
    for (const char* s : {"",
                          " ",
                          "#",
                          "!",
                          "!!!",
                          "# #",
                          "в",
                          "через",
                          "every",
                          "каждые 999999 дней",
                          "in 999 years",
                          "31.02",
                          "29.02",
                          "99:99",
                          "0:00am",
                          "12/12/12/12",
                          "remind me",
                          "напомни за",
                          "9999-99-99",
                          "every 0th"}) {
      CPPUNIT_ASSERT_NO_THROW(qa::Parse(s, nullptr, sys_seconds{}, "en"));
    }
    CPPUNIT_ASSERT_NO_THROW(qa::Parse(junk, date::locate_zone("Europe/Berlin"), sys_seconds{}, ""));
  }

  void NullZoneIsUtc() {
    auto q = qa::Parse("x at 18:00", nullptr, *ParseInstant("2026-11-27T10:00Z"), "en");
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-27T18:00+00:00"),
                         ShowLocal(q.due_at, date::locate_zone("UTC")));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(QuickAddCases);
CPPUNIT_TEST_SUITE_REGISTRATION(QuickAddProperties);

}  // namespace
