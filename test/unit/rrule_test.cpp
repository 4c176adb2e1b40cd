// RRULE subset: validation table, date stepping and DST-stable instant stepping.
#include "tudushka/core/rrule.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include <cstdio>
#include <string>

namespace {

using date::local_days;
using std::chrono::sys_seconds;
namespace rr = tudushka::rrule;

local_days Day(int y, unsigned m, unsigned d) {
  return local_days{date::year{y} / date::month{m} / date::day{d}};
}

std::string Show(std::optional<local_days> d) {
  if (!d) return "none";
  return date::format("%F", *d);
}

std::string ShowUtc(std::optional<sys_seconds> t) {
  if (!t) return "none";
  return date::format("%FT%TZ", *t);
}

// "2026-03-23T09:00:00Z" (by hand: date::parse with %T trips a g++ 12 -O2 false positive).
sys_seconds Utc(const std::string& iso) {
  int y, mo, d, h, mi, s;
  char z = 0;
  bool ok =
      std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) == 7 &&
      z == 'Z';
  CPPUNIT_ASSERT_MESSAGE("bad test timestamp " + iso, ok);
  return date::sys_days{date::year{y} / mo / d} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s};
}

const date::time_zone* Zone(const char* name) { return date::locate_zone(name); }

class RruleTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RruleTest);
  CPPUNIT_TEST(AcceptsSubset);
  CPPUNIT_TEST(RejectsWithMessages);
  CPPUNIT_TEST(Daily);
  CPPUNIT_TEST(DailyInterval);
  CPPUNIT_TEST(WeeklyDefaultsToAnchorWeekday);
  CPPUNIT_TEST(WeeklyByDay);
  CPPUNIT_TEST(BiWeekly);
  CPPUNIT_TEST(MonthlyByMonthDay);
  CPPUNIT_TEST(MonthlyOn31stSkipsShortMonths);
  CPPUNIT_TEST(MonthlyNegativeMonthDay);
  CPPUNIT_TEST(MonthlyLastFriday);
  CPPUNIT_TEST(MonthlyFirstMonday);
  CPPUNIT_TEST(YearlyFeb29);
  CPPUNIT_TEST(YearlyByMonth);
  CPPUNIT_TEST(Until);
  CPPUNIT_TEST(UtcUntilEndsADateSeriesOnItsLocalDay);
  CPPUNIT_TEST(CountIsUsedUp);
  CPPUNIT_TEST(CountOfInstants);
  CPPUNIT_TEST(WithCountRewritesOnlyCount);
  CPPUNIT_TEST(OverdueSkipsToFuture);
  CPPUNIT_TEST(FirstDate);
  CPPUNIT_TEST(Unsatisfiable);
  CPPUNIT_TEST(InvalidRuleHasNoNext);
  CPPUNIT_TEST(InstantKeepsWallClockBerlin);
  CPPUNIT_TEST(InstantKeepsWallClockNewYork);
  CPPUNIT_TEST(InstantInSpringGapMovesForward);
  CPPUNIT_TEST(InstantAmbiguousTakesEarlier);
  CPPUNIT_TEST(InstantTodayStillAhead);
  CPPUNIT_TEST(InstantUntil);
  CPPUNIT_TEST_SUITE_END();

 public:
  void AcceptsSubset() {
    for (const char* rule :
         {"FREQ=DAILY", "freq=daily;interval=2", "FREQ=WEEKLY;BYDAY=MO,WE,FR",
          "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=1MO,+3TU", "FREQ=MONTHLY;BYMONTHDAY=-1",
          "FREQ=MONTHLY;BYMONTHDAY=1,15", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
          "FREQ=DAILY;COUNT=10", "FREQ=DAILY;UNTIL=20271231", "FREQ=WEEKLY;UNTIL=20271231T235959Z",
          "FREQ=WEEKLY;WKST=MO;BYDAY=SU", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
          "INTERVAL=3;FREQ=YEARLY"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(rule, std::string(), rr::Validate(rule));
    }
  }

  void RejectsWithMessages() {
    struct Case {
      const char* rule;
      const char* message;
    };
    const Case cases[] = {
        {"", "empty rule"},
        {"INTERVAL=2", "FREQ is required"},
        {"FREQ=HOURLY", "FREQ=HOURLY is not supported"},
        {"FREQ=FORTNIGHTLY", "FREQ: unknown frequency 'FORTNIGHTLY'"},
        {"FREQ=WEEKLY;BYDAY=XX", "BYDAY: unknown weekday 'XX'"},
        {"FREQ=WEEKLY;BYDAY=1MO", "BYDAY: ordinals (1MO, -1FR) need FREQ=MONTHLY"},
        {"FREQ=MONTHLY;BYDAY=6MO", "BYDAY: bad ordinal in '6MO'"},
        {"FREQ=MONTHLY;BYDAY=0MO", "BYDAY: bad ordinal in '0MO'"},
        {"FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY: bad value '32'"},
        {"FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY: bad value '0'"},
        {"FREQ=YEARLY;BYMONTH=13", "BYMONTH: bad value '13'"},
        {"FREQ=DAILY;INTERVAL=0", "INTERVAL: bad value '0'"},
        {"FREQ=DAILY;INTERVAL=x", "INTERVAL: bad value 'X'"},
        {"FREQ=DAILY;BYHOUR=9", "BYHOUR is not supported"},
        {"FREQ=MONTHLY;BYSETPOS=-1", "BYSETPOS is not supported"},
        {"FREQ=DAILY;FOO=1", "unknown part 'FOO'"},
        {"FREQ=DAILY;FREQ=WEEKLY", "FREQ is given twice"},
        {"FREQ=DAILY;;INTERVAL=2", "empty rule part"},
        {"FREQ=DAILY;", "empty rule part"},
        {"FREQ", "expected KEY=VALUE, got 'FREQ'"},
        {"FREQ=", "FREQ: empty value"},
        {"FREQ=DAILY;COUNT=3;UNTIL=20270101", "COUNT and UNTIL cannot be combined"},
        {"FREQ=DAILY;UNTIL=20270230", "UNTIL: no such date '20270230'"},
        {"FREQ=DAILY;UNTIL=2027-01-01",
         "UNTIL: expected YYYYMMDD or YYYYMMDDTHHMMSSZ, got '2027-01-01'"},
        {"FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"},
        {"FREQ=WEEKLY;WKST=SU", "WKST: only MO is supported"},
        {"RRULE:FREQ=DAILY", "drop the 'RRULE:' prefix"},
    };
    for (const Case& c : cases) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.rule, std::string(c.message), rr::Validate(c.rule));
    }
  }

  void Daily() {
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-28"),
                         Show(rr::NextDate("FREQ=DAILY", Day(2026, 11, 27), Day(2026, 11, 27))));
    CPPUNIT_ASSERT_EQUAL(std::string("2027-01-01"),
                         Show(rr::NextDate("FREQ=DAILY", Day(2026, 12, 31), Day(2026, 12, 1))));
  }

  void DailyInterval() {
    CPPUNIT_ASSERT_EQUAL(
        std::string("2026-11-30"),
        Show(rr::NextDate("FREQ=DAILY;INTERVAL=3", Day(2026, 11, 27), Day(2026, 11, 27))));
    // Overdue by 4 days: the phase of the series (27, 30, 3, 6) is kept.
    CPPUNIT_ASSERT_EQUAL(
        std::string("2026-12-03"),
        Show(rr::NextDate("FREQ=DAILY;INTERVAL=3", Day(2026, 11, 27), Day(2026, 12, 1))));
  }

  void WeeklyDefaultsToAnchorWeekday() {
    // 2026-11-27 is a Friday.
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-04"),
                         Show(rr::NextDate("FREQ=WEEKLY", Day(2026, 11, 27), Day(2026, 11, 27))));
  }

  void WeeklyByDay() {
    const char* rule = "FREQ=WEEKLY;BYDAY=MO,WE";
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-30"),
                         Show(rr::NextDate(rule, Day(2026, 11, 27), Day(2026, 11, 27))));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-02"),
                         Show(rr::NextDate(rule, Day(2026, 11, 30), Day(2026, 11, 30))));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-07"),
                         Show(rr::NextDate(rule, Day(2026, 12, 2), Day(2026, 11, 30))));
  }

  void BiWeekly() {
    const char* rule = "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR";
    // Anchor week is Mon 23 Nov..Sun 29 Nov; the next period is the week of 7 Dec.
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-07"),
                         Show(rr::NextDate(rule, Day(2026, 11, 27), Day(2026, 11, 27))));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-11"),
                         Show(rr::NextDate(rule, Day(2026, 12, 7), Day(2026, 12, 7))));
  }

  void MonthlyByMonthDay() {
    const char* rule = "FREQ=MONTHLY;BYMONTHDAY=25";
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-25"),
                         Show(rr::NextDate(rule, Day(2026, 11, 25), Day(2026, 11, 27))));
    CPPUNIT_ASSERT_EQUAL(std::string("2027-01-25"),
                         Show(rr::NextDate(rule, Day(2026, 12, 25), Day(2026, 12, 25))));
  }

  void MonthlyOn31stSkipsShortMonths() {
    CPPUNIT_ASSERT_EQUAL(std::string("2027-03-31"),
                         Show(rr::NextDate("FREQ=MONTHLY", Day(2027, 1, 31), Day(2027, 1, 31))));
    CPPUNIT_ASSERT_EQUAL(
        std::string("2027-05-31"),
        Show(rr::NextDate("FREQ=MONTHLY;BYMONTHDAY=31", Day(2027, 3, 31), Day(2027, 3, 31))));
  }

  void MonthlyNegativeMonthDay() {
    const char* rule = "FREQ=MONTHLY;BYMONTHDAY=-1";
    CPPUNIT_ASSERT_EQUAL(std::string("2027-02-28"),
                         Show(rr::NextDate(rule, Day(2027, 1, 31), Day(2027, 1, 31))));
    CPPUNIT_ASSERT_EQUAL(std::string("2028-02-29"),
                         Show(rr::NextDate(rule, Day(2028, 1, 31), Day(2028, 1, 31))));
  }

  void MonthlyLastFriday() {
    const char* rule = "FREQ=MONTHLY;BYDAY=-1FR";
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-25"),
                         Show(rr::NextDate(rule, Day(2026, 11, 27), Day(2026, 11, 27))));
    CPPUNIT_ASSERT_EQUAL(std::string("2027-01-29"),
                         Show(rr::NextDate(rule, Day(2026, 12, 25), Day(2026, 12, 25))));
  }

  void MonthlyFirstMonday() {
    CPPUNIT_ASSERT_EQUAL(
        std::string("2026-12-07"),
        Show(rr::NextDate("FREQ=MONTHLY;BYDAY=1MO", Day(2026, 11, 2), Day(2026, 11, 27))));
  }

  void YearlyFeb29() {
    CPPUNIT_ASSERT_EQUAL(std::string("2032-02-29"),
                         Show(rr::NextDate("FREQ=YEARLY", Day(2028, 2, 29), Day(2028, 2, 29))));
    // 2100 is not a leap year.
    CPPUNIT_ASSERT_EQUAL(std::string("2104-02-29"),
                         Show(rr::NextDate("FREQ=YEARLY", Day(2096, 2, 29), Day(2096, 2, 29))));
  }

  void YearlyByMonth() {
    CPPUNIT_ASSERT_EQUAL(
        std::string("2027-03-27"),
        Show(rr::NextDate("FREQ=YEARLY;BYMONTH=3,9", Day(2026, 9, 27), Day(2026, 11, 27))));
  }

  void Until() {
    const char* rule = "FREQ=WEEKLY;UNTIL=20261211";
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-11"),
                         Show(rr::NextDate(rule, Day(2026, 12, 4), Day(2026, 12, 4))));
    CPPUNIT_ASSERT_EQUAL(std::string("none"),
                         Show(rr::NextDate(rule, Day(2026, 12, 11), Day(2026, 12, 11))));
  }

  void UtcUntilEndsADateSeriesOnItsLocalDay() {
    // A date-only occurrence starts at its local midnight; 2026-01-10T00:00Z is still
    // 2026-01-09 in New York and already 2026-01-10 in Moscow.
    const char* rule = "FREQ=DAILY;UNTIL=20260110T000000Z";
    CPPUNIT_ASSERT_EQUAL(std::string("none"),
                         Show(rr::NextDate(rule, Day(2026, 1, 10), Day(2026, 1, 1))));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-01-10"),
                         Show(rr::NextDate(rule, Day(2026, 1, 9), Day(2026, 1, 1))));
    auto* moscow = date::locate_zone("Europe/Moscow");
    auto* new_york = date::locate_zone("America/New_York");
    CPPUNIT_ASSERT_EQUAL(std::string("none"),
                         Show(rr::NextDate(rule, Day(2026, 1, 10), Day(2026, 1, 1), moscow)));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-01-10"),
                         Show(rr::NextDate(rule, Day(2026, 1, 9), Day(2026, 1, 1), moscow)));
    CPPUNIT_ASSERT_EQUAL(std::string("none"),
                         Show(rr::NextDate(rule, Day(2026, 1, 9), Day(2026, 1, 1), new_york)));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-01-09"),
                         Show(rr::NextDate(rule, Day(2026, 1, 8), Day(2026, 1, 1), new_york)));
  }

  void CountIsUsedUp() {
    std::optional<int> left;
    // COUNT=3 due today: today, tomorrow, the day after.
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-28"),
                         Show(rr::NextDate("FREQ=DAILY;COUNT=3", Day(2026, 11, 27),
                                           Day(2026, 11, 27), nullptr, &left)));
    CPPUNIT_ASSERT_EQUAL(2, left.value_or(-1));
    CPPUNIT_ASSERT_EQUAL(std::string("none"),
                         Show(rr::NextDate("FREQ=DAILY;COUNT=1", Day(2026, 11, 27),
                                           Day(2026, 11, 27), nullptr, &left)));
    // Overdue: the skipped occurrences are used up too (20th..24th are all five).
    CPPUNIT_ASSERT_EQUAL(
        std::string("none"),
        Show(rr::NextDate("FREQ=DAILY;COUNT=5", Day(2026, 11, 20), Day(2026, 11, 27))));
    left.reset();
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-28"),
                         Show(rr::NextDate("FREQ=DAILY;COUNT=10", Day(2026, 11, 25),
                                           Day(2026, 11, 27), nullptr, &left)));
    CPPUNIT_ASSERT_EQUAL(7, left.value_or(-1));  // 25th, 26th, 27th used
    // Only days the rule matches count: Mon 30th and Wed 2nd after Fri 27th (the anchor).
    left.reset();
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-02"),
                         Show(rr::NextDate("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4", Day(2026, 11, 27),
                                           Day(2026, 12, 1), nullptr, &left)));
    CPPUNIT_ASSERT_EQUAL(2, left.value_or(-1));
    // Without COUNT nothing is reported.
    left.reset();
    rr::NextDate("FREQ=DAILY", Day(2026, 11, 27), Day(2026, 11, 27), nullptr, &left);
    CPPUNIT_ASSERT(!left);
  }

  void CountOfInstants() {
    using namespace std::chrono;
    std::optional<int> left;
    sys_seconds due = Utc("2026-11-27T09:00:00Z");
    sys_seconds now = due - hours(1);
    auto next = rr::NextInstant("FREQ=DAILY;COUNT=2", due, now, nullptr, &left);
    CPPUNIT_ASSERT(next && *next == due + days(1));
    CPPUNIT_ASSERT_EQUAL(1, left.value_or(-1));
    CPPUNIT_ASSERT(!rr::NextInstant("FREQ=DAILY;COUNT=1", due, now, nullptr, &left));
  }

  void WithCountRewritesOnlyCount() {
    CPPUNIT_ASSERT_EQUAL(std::string("FREQ=WEEKLY;COUNT=2;BYDAY=MO"),
                         rr::WithCount("FREQ=WEEKLY;count=7;BYDAY=MO", 2));
    CPPUNIT_ASSERT_EQUAL(std::string("FREQ=DAILY"), rr::WithCount("FREQ=DAILY", 2));
  }

  void OverdueSkipsToFuture() {
    CPPUNIT_ASSERT_EQUAL(
        std::string("2026-11-30"),
        Show(rr::NextDate("FREQ=WEEKLY;BYDAY=MO", Day(2026, 11, 2), Day(2026, 11, 27))));
  }

  void FirstDate() {
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-27"),
                         Show(rr::FirstDate("FREQ=WEEKLY;BYDAY=FR", Day(2026, 11, 27))));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-30"),
                         Show(rr::FirstDate("FREQ=WEEKLY;BYDAY=MO", Day(2026, 11, 27))));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-27"),
                         Show(rr::FirstDate("FREQ=DAILY;INTERVAL=5", Day(2026, 11, 27))));
  }

  void Unsatisfiable() {
    CPPUNIT_ASSERT_EQUAL(std::string("none"),
                         Show(rr::NextDate("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", Day(2026, 11, 27),
                                           Day(2026, 11, 27))));
  }

  void InvalidRuleHasNoNext() {
    CPPUNIT_ASSERT_EQUAL(std::string("none"),
                         Show(rr::NextDate("FREQ=NEVER", Day(2026, 11, 27), Day(2026, 11, 27))));
  }

  void InstantKeepsWallClockBerlin() {
    auto* berlin = Zone("Europe/Berlin");
    // Mon 23 Mar 2026 10:00 CET -> Mon 30 Mar 10:00 CEST (DST began 29 Mar).
    CPPUNIT_ASSERT_EQUAL(std::string("2026-03-30T08:00:00Z"),
                         ShowUtc(rr::NextInstant("FREQ=WEEKLY", Utc("2026-03-23T09:00:00Z"),
                                                 Utc("2026-03-23T09:00:00Z"), berlin)));
    // Fri 23 Oct 2026 10:00 CEST -> Fri 30 Oct 10:00 CET (DST ended 25 Oct).
    CPPUNIT_ASSERT_EQUAL(std::string("2026-10-30T09:00:00Z"),
                         ShowUtc(rr::NextInstant("FREQ=WEEKLY", Utc("2026-10-23T08:00:00Z"),
                                                 Utc("2026-10-23T08:00:00Z"), berlin)));
  }

  void InstantKeepsWallClockNewYork() {
    auto* ny = Zone("America/New_York");
    // Daily 09:00 across 8 Mar 2026 (EST -> EDT) and 1 Nov 2026 (EDT -> EST).
    CPPUNIT_ASSERT_EQUAL(std::string("2026-03-08T13:00:00Z"),
                         ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-03-07T14:00:00Z"),
                                                 Utc("2026-03-07T14:00:00Z"), ny)));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-01T14:00:00Z"),
                         ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-10-31T13:00:00Z"),
                                                 Utc("2026-10-31T13:00:00Z"), ny)));
  }

  void InstantInSpringGapMovesForward() {
    // Daily 02:30 Berlin; 29 Mar 2026 02:30 does not exist -> 03:30 CEST.
    CPPUNIT_ASSERT_EQUAL(
        std::string("2026-03-29T01:30:00Z"),
        ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-03-28T01:30:00Z"),
                                Utc("2026-03-28T01:30:00Z"), Zone("Europe/Berlin"))));
    CPPUNIT_ASSERT_EQUAL(
        std::string("2026-03-08T07:30:00Z"),
        ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-03-07T07:30:00Z"),
                                Utc("2026-03-07T07:30:00Z"), Zone("America/New_York"))));
  }

  void InstantAmbiguousTakesEarlier() {
    // Daily 02:30 Berlin; 25 Oct 2026 02:30 happens twice -> the CEST one (00:30Z).
    CPPUNIT_ASSERT_EQUAL(
        std::string("2026-10-25T00:30:00Z"),
        ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-10-24T00:30:00Z"),
                                Utc("2026-10-24T00:30:00Z"), Zone("Europe/Berlin"))));
    CPPUNIT_ASSERT_EQUAL(
        std::string("2026-11-01T05:30:00Z"),
        ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-10-31T05:30:00Z"),
                                Utc("2026-10-31T05:30:00Z"), Zone("America/New_York"))));
  }

  void InstantTodayStillAhead() {
    auto* berlin = Zone("Europe/Berlin");
    // Due a week ago at 18:00; now is 12:00 on a matching day -> today 18:00.
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-27T17:00:00Z"),
                         ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-11-20T17:00:00Z"),
                                                 Utc("2026-11-27T11:00:00Z"), berlin)));
    // Now is 19:00 -> tomorrow.
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-28T17:00:00Z"),
                         ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-11-20T17:00:00Z"),
                                                 Utc("2026-11-27T18:00:00Z"), berlin)));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-28T17:00:00Z"),
                         ShowUtc(rr::NextInstant("FREQ=DAILY", Utc("2026-11-27T17:00:00Z"),
                                                 Utc("2026-11-27T17:00:00Z"), nullptr)));
  }

  void InstantUntil() {
    auto* berlin = Zone("Europe/Berlin");
    const char* rule = "FREQ=DAILY;UNTIL=20261128T090000Z";
    CPPUNIT_ASSERT_EQUAL(std::string("2026-11-28T09:00:00Z"),
                         ShowUtc(rr::NextInstant(rule, Utc("2026-11-27T09:00:00Z"),
                                                 Utc("2026-11-27T09:00:00Z"), berlin)));
    CPPUNIT_ASSERT_EQUAL(std::string("none"),
                         ShowUtc(rr::NextInstant(rule, Utc("2026-11-27T09:00:01Z"),
                                                 Utc("2026-11-27T09:00:01Z"), berlin)));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RruleTest);

}  // namespace
