// Tasks through nginx: CRUD, PATCH semantics, completion and recurrence, pagination,
// filters, ordering, ETags, idempotent POST, isolation, Unicode and trailing slashes.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "expect.hpp"
#include "http_client.hpp"

namespace tudushka::itest {
namespace {

// Ids of the "results" array of a list answer, in order.
std::vector<std::int64_t> Ids(const Response& r) {
  std::vector<std::int64_t> ids;
  const auto& results = Member(r.json, "results");
  if (!results.IsArray()) throw std::runtime_error("results is not an array: " + r.body);
  for (const auto& task : results.GetArray()) ids.push_back(Int(task, "id"));
  return ids;
}

std::string JoinIds(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return "[" + out + "]";
}

#define IT_ASSERT_IDS(expected, resp)                                                       \
  do {                                                                                      \
    const Response& it_r_ = (resp);                                                         \
    CPPUNIT_ASSERT_EQUAL_MESSAGE(it_r_.Describe(), JoinIds(expected), JoinIds(Ids(it_r_))); \
  } while (0)

class TasksTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(TasksTest);
  CPPUNIT_TEST(testCreateMinimalHasDefaults);
  CPPUNIT_TEST(testCreateSetsLocation);
  CPPUNIT_TEST(testCreateFullEchoesFields);
  CPPUNIT_TEST(testDueAtWithOffsetIsStoredAsUtc);
  CPPUNIT_TEST(testGetReturnsCreated);
  CPPUNIT_TEST(testPatchOnlyGivenFields);
  CPPUNIT_TEST(testPatchAdvancesUpdatedAt);
  CPPUNIT_TEST(testPatchNullClearsDueDate);
  CPPUNIT_TEST(testCompletedSetsAndClearsCompletedAt);
  CPPUNIT_TEST(testDeleteThenGone);
  CPPUNIT_TEST(testDailyRecurrenceMovesDueDate);
  CPPUNIT_TEST(testWeeklyRecurrenceMovesDueDate);
  CPPUNIT_TEST(testRecurrenceMovesDueAtAndReminder);
  CPPUNIT_TEST(testRecurrenceCountEndsTheSeries);
  CPPUNIT_TEST(testPaginationFirstPage);
  CPPUNIT_TEST(testPaginationMiddleAndLastPage);
  CPPUNIT_TEST(testPaginationFollowNextVisitsAll);
  CPPUNIT_TEST(testPaginationKeepsFilters);
  CPPUNIT_TEST(testDefaultLimitIs50);
  CPPUNIT_TEST(testLimit500Accepted);
  CPPUNIT_TEST(testBadPaginationValues);
  CPPUNIT_TEST(testFilterCompleted);
  CPPUNIT_TEST(testFilterBadCompleted);
  CPPUNIT_TEST(testSearchCaseInsensitive);
  CPPUNIT_TEST(testSearchCyrillicCaseInsensitive);
  CPPUNIT_TEST(testSearchMatchesDescription);
  CPPUNIT_TEST(testSearchTreatsWildcardsLiterally);
  CPPUNIT_TEST(testFilterTag);
  CPPUNIT_TEST(testFilterDueBeforeAfter);
  CPPUNIT_TEST(testFilterBadDueBefore);
  CPPUNIT_TEST(testOrderingPriority);
  CPPUNIT_TEST(testOrderingCreatedAt);
  CPPUNIT_TEST(testOrderingDueAt);
  CPPUNIT_TEST(testOrderingPosition);
  CPPUNIT_TEST(testOrderingUnknownRejected);
  CPPUNIT_TEST(testTaskETagAndIfNoneMatch);
  CPPUNIT_TEST(testTaskETagChangesAfterPatch);
  CPPUNIT_TEST(testIfMatchCurrentETagAccepted);
  CPPUNIT_TEST(testListETagAndIfNoneMatch);
  CPPUNIT_TEST(testListETagChangesAfterCreate);
  CPPUNIT_TEST(testIdempotencyReplay);
  CPPUNIT_TEST(testIdempotencyDifferentBodyConflicts);
  CPPUNIT_TEST(testIdempotencyKeyIsPerUser);
  CPPUNIT_TEST(testUserIsolationInList);
  CPPUNIT_TEST(testUnicodeRoundTrip);
  CPPUNIT_TEST(testEscapedUnicodeInput);
  CPPUNIT_TEST(testTrailingSlashOptional);
  CPPUNIT_TEST(testPostWithoutSlashNoRedirect);
  CPPUNIT_TEST(testHeadOnList);
  CPPUNIT_TEST(testPatchEmptyObjectChangesNothing);
  CPPUNIT_TEST(testPatchDueAtOnDatedTaskNeverBoth);
  CPPUNIT_TEST(testRecurrenceExhaustedCloses);
  CPPUNIT_TEST(testMonthlyRecurrenceSkipsShortMonths);
  CPPUNIT_TEST(testBiweeklyRecurrence);
  CPPUNIT_TEST(testRecurrenceKeepsWallClockAcrossDst);
  CPPUNIT_TEST(testIfNoneMatchListOfETags);
  CPPUNIT_TEST(testIfMatchStar);
  CPPUNIT_TEST(testPatchAnswersTheNewETag);
  CPPUNIT_TEST(testConcurrentIdempotentPosts);
  CPPUNIT_TEST(testConcurrentIfMatchOneWins);
  CPPUNIT_TEST(testChunkedPost);
  CPPUNIT_TEST(testExpectContinuePost);
  CPPUNIT_TEST(testHeadOnItem);
  CPPUNIT_TEST(testNextLinkKeepsEncodedSearch);
  CPPUNIT_TEST(testNextLinkKeepsCyrillicSearch);
  CPPUNIT_TEST(testPagesHaveDistinctETags);
  CPPUNIT_TEST(testPositionAtTheTopOfTheRange);
  CPPUNIT_TEST(testYearsOutsideTheRangeRejected);
  CPPUNIT_TEST(testDateOnlyReminderKeepsWallClockAcrossDst);
  CPPUNIT_TEST(testUtcUntilEndsADateOnlySeries);
  CPPUNIT_TEST(testIdempotencyKeyMustBePrintableAscii);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override { token_ = RegisterUser(); }

  Response Get(const std::string& path, Headers extra = {}) {
    return Call("GET", path, "", AuthHeader(token_, std::move(extra)));
  }
  Response Post(const std::string& body, Headers extra = {}) {
    return Call("POST", "/api/tasks/", body, AuthHeader(token_, std::move(extra)));
  }
  Response Patch(std::int64_t id, const std::string& body, Headers extra = {}) {
    return Call("PATCH", TaskPath(id), body, AuthHeader(token_, std::move(extra)));
  }
  std::int64_t Create(const std::string& body) { return CreateTask(token_, body); }

  void testCreateMinimalHasDefaults() {
    Response r = Post(R"({"title":"minimal"})");
    IT_ASSERT_STATUS(r, 201);
    IT_ASSERT_MSG(r, Int(r.json, "id") > 0);
    CPPUNIT_ASSERT_EQUAL(std::string("minimal"), Str(r.json, "title"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), Str(r.json, "description"));
    IT_ASSERT_MSG(r, !Bool(r.json, "completed"));
    IT_ASSERT_MSG(r, IsNull(r.json, "completed_at"));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(0), Int(r.json, "priority"));
    for (const char* key : {"due_date", "due_at", "remind_at", "recurrence"}) {
      IT_ASSERT_MSG(r, IsNull(r.json, key));
    }
    IT_ASSERT_MSG(r, Member(r.json, "tags").IsArray() && Member(r.json, "tags").Empty());
    Int(r.json, "position");
    IT_ASSERT_MSG(r, IsUtcTimestamp(Str(r.json, "created_at")));
    IT_ASSERT_MSG(r, IsUtcTimestamp(Str(r.json, "updated_at")));
  }

  void testCreateSetsLocation() {
    Response r = Post(R"({"title":"located"})");
    IT_ASSERT_STATUS(r, 201);
    std::string expected = TaskPath(Int(r.json, "id"));
    std::string location = r.Header("Location");
    IT_ASSERT_MSG(
        r, location.size() >= expected.size() &&
               location.compare(location.size() - expected.size(), expected.size(), expected) == 0);
  }

  void testCreateFullEchoesFields() {
    Response r =
        Post(R"({"title":"full","description":"details","priority":2,"due_date":"2026-12-24",)"
             R"("recurrence":"FREQ=WEEKLY;BYDAY=MO","tags":["home","work"]})");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(std::string("details"), Str(r.json, "description"));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(2), Int(r.json, "priority"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-24"), Str(r.json, "due_date"));
    IT_ASSERT_MSG(r, IsNull(r.json, "due_at"));
    CPPUNIT_ASSERT_EQUAL(std::string("FREQ=WEEKLY;BYDAY=MO"), Str(r.json, "recurrence"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"(["home","work"])"), ToJson(Member(r.json, "tags")));
  }

  void testDueAtWithOffsetIsStoredAsUtc() {
    Response r = Post(
        R"({"title":"offset","due_at":"2026-12-01T15:00:00+03:00","remind_at":"2026-12-01T14:30:00+03:00"})");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01T12:00:00Z"), Str(r.json, "due_at"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01T11:30:00Z"), Str(r.json, "remind_at"));
    IT_ASSERT_MSG(r, IsNull(r.json, "due_date"));
  }

  void testGetReturnsCreated() {
    Response created = Post(R"({"title":"fetch me","tags":["a"],"priority":1})");
    IT_ASSERT_STATUS(created, 201);
    Response got = Get(TaskPath(Int(created.json, "id")));
    IT_ASSERT_STATUS(got, 200);
    CPPUNIT_ASSERT_EQUAL(ToJson(created.json), ToJson(got.json));
  }

  void testPatchOnlyGivenFields() {
    std::int64_t id = Create(
        R"({"title":"before","description":"keep me","priority":3,"tags":["x"],"due_date":"2026-12-31"})");
    Response r = Patch(id, R"({"title":"after"})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("after"), Str(r.json, "title"));
    Response got = Get(TaskPath(id));
    CPPUNIT_ASSERT_EQUAL(std::string("after"), Str(got.json, "title"));
    CPPUNIT_ASSERT_EQUAL(std::string("keep me"), Str(got.json, "description"));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(3), Int(got.json, "priority"));
    CPPUNIT_ASSERT_EQUAL(std::string(R"(["x"])"), ToJson(Member(got.json, "tags")));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-31"), Str(got.json, "due_date"));
  }

  void testPatchAdvancesUpdatedAt() {
    Response created = Post(R"({"title":"clock"})");
    std::int64_t id = Int(created.json, "id");
    std::string before = Str(created.json, "updated_at");
    // Timestamps have whole seconds: keep editing until the next second shows (<= 3 s).
    Response r;
    bool advanced = false;
    for (int i = 0; i < 30 && !advanced; ++i) {
      r = Patch(id, "{\"title\":\"clock " + std::to_string(i) + "\"}");
      IT_ASSERT_STATUS(r, 200);
      advanced = Str(r.json, "updated_at") > before;
      if (!advanced) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    IT_ASSERT_MSG(r, advanced);
    CPPUNIT_ASSERT_EQUAL(Str(created.json, "created_at"), Str(r.json, "created_at"));
  }

  void testPatchNullClearsDueDate() {
    std::int64_t id = Create(R"({"title":"due","due_date":"2026-12-01"})");
    Response r = Patch(id, R"({"due_date":null})");
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, IsNull(r.json, "due_date"));
    IT_ASSERT_MSG(r, IsNull(Get(TaskPath(id)).json, "due_date"));
  }

  void testCompletedSetsAndClearsCompletedAt() {
    std::int64_t id = Create(R"({"title":"finish"})");
    Response done = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(done, 200);
    IT_ASSERT_MSG(done, Bool(done.json, "completed"));
    IT_ASSERT_MSG(done, IsUtcTimestamp(Str(done.json, "completed_at")));
    Response undone = Patch(id, R"({"completed":false})");
    IT_ASSERT_STATUS(undone, 200);
    IT_ASSERT_MSG(undone, !Bool(undone.json, "completed"));
    IT_ASSERT_MSG(undone, IsNull(undone.json, "completed_at"));
    // Creating a task already completed stamps it too.
    Response born_done = Post(R"({"title":"was done","completed":true})");
    IT_ASSERT_STATUS(born_done, 201);
    IT_ASSERT_MSG(born_done, !IsNull(born_done.json, "completed_at"));
  }

  void testDeleteThenGone() {
    std::int64_t id = Create(R"({"title":"doomed"})");
    Response del = Call("DELETE", TaskPath(id), "", AuthHeader(token_));
    IT_ASSERT_STATUS(del, 204);
    IT_ASSERT_MSG(del, del.body.empty());
    IT_ASSERT_ERROR(Get(TaskPath(id)), 404, "not_found");
    IT_ASSERT_ERROR(Call("DELETE", TaskPath(id), "", AuthHeader(token_)), 404, "not_found");
    IT_ASSERT_ERROR(Patch(id, R"({"title":"zombie"})"), 404, "not_found");
  }

  // Recurring dues lie in the future (2030) so that the next occurrence is always the one
  // right after them, whatever day the suite runs.
  void testDailyRecurrenceMovesDueDate() {
    std::int64_t id =
        Create(R"({"title":"daily","due_date":"2030-12-01","recurrence":"FREQ=DAILY"})");
    Response r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("2030-12-02"), Str(r.json, "due_date"));
    IT_ASSERT_MSG(r, !Bool(r.json, "completed"));
    CPPUNIT_ASSERT_EQUAL(std::string("FREQ=DAILY"), Str(r.json, "recurrence"));
    Response got = Get(TaskPath(id));
    CPPUNIT_ASSERT_EQUAL(std::string("2030-12-02"), Str(got.json, "due_date"));
    IT_ASSERT_MSG(got, !Bool(got.json, "completed"));
  }

  void testWeeklyRecurrenceMovesDueDate() {
    // 2030-12-02 is a Monday.
    std::int64_t id =
        Create(R"({"title":"weekly","due_date":"2030-12-02","recurrence":"FREQ=WEEKLY;BYDAY=MO"})");
    Response r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("2030-12-09"), Str(r.json, "due_date"));
    IT_ASSERT_MSG(r, !Bool(r.json, "completed"));
  }

  void testRecurrenceMovesDueAtAndReminder() {
    std::int64_t id = Create(
        R"({"title":"standup","due_at":"2030-12-01T09:00:00Z","remind_at":"2030-12-01T08:45:00Z",)"
        R"("recurrence":"FREQ=DAILY"})");
    Response r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("2030-12-02T09:00:00Z"), Str(r.json, "due_at"));
    CPPUNIT_ASSERT_EQUAL(std::string("2030-12-02T08:45:00Z"), Str(r.json, "remind_at"));
    IT_ASSERT_MSG(r, !Bool(r.json, "completed"));
  }

  // COUNT=2: the due and one more; the stored rule counts down, then the task completes.
  void testRecurrenceCountEndsTheSeries() {
    std::int64_t id =
        Create(R"({"title":"twice","due_date":"2030-12-01","recurrence":"FREQ=DAILY;COUNT=2"})");
    Response r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("2030-12-02"), Str(r.json, "due_date"));
    CPPUNIT_ASSERT_EQUAL(std::string("FREQ=DAILY;COUNT=1"), Str(r.json, "recurrence"));
    IT_ASSERT_MSG(r, !Bool(r.json, "completed"));
    r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, Bool(r.json, "completed"));
    CPPUNIT_ASSERT_EQUAL(std::string("2030-12-02"), Str(r.json, "due_date"));
  }

  std::vector<std::int64_t> CreateMany(int n, const std::string& prefix = "task") {
    std::vector<std::int64_t> ids;
    for (int i = 0; i < n; ++i)
      ids.push_back(CreateTitled(token_, prefix + " " + std::to_string(i)));
    return ids;
  }

  static std::string NextOf(const Response& r) {
    const auto& next = Member(r.json, "next");
    return next.IsNull() ? "" : std::string(next.GetString());
  }
  static std::string PreviousOf(const Response& r) {
    const auto& previous = Member(r.json, "previous");
    return previous.IsNull() ? "" : std::string(previous.GetString());
  }
  static bool Contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
  }

  void testPaginationFirstPage() {
    CreateMany(7);
    Response r = Get("/api/tasks/?limit=3");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(7), Int(r.json, "count"));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(3), Ids(r).size());
    std::string next = NextOf(r);
    IT_ASSERT_MSG(r, next.rfind("/api/tasks/?", 0) == 0);
    IT_ASSERT_MSG(r, Contains(next, "limit=3") && Contains(next, "offset=3"));
    IT_ASSERT_MSG(r, IsNull(r.json, "previous"));
  }

  void testPaginationMiddleAndLastPage() {
    CreateMany(7);
    Response middle = Get("/api/tasks/?limit=3&offset=3");
    IT_ASSERT_STATUS(middle, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(3), Ids(middle).size());
    IT_ASSERT_MSG(middle, Contains(NextOf(middle), "offset=6"));
    IT_ASSERT_MSG(middle, PreviousOf(middle).rfind("/api/tasks/", 0) == 0);
    Response last = Get("/api/tasks/?limit=3&offset=6");
    IT_ASSERT_STATUS(last, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(1), Ids(last).size());
    IT_ASSERT_MSG(last, IsNull(last.json, "next"));
    IT_ASSERT_MSG(last, Contains(PreviousOf(last), "offset=3"));
    Response beyond = Get("/api/tasks/?limit=3&offset=30");
    IT_ASSERT_STATUS(beyond, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(7), Int(beyond.json, "count"));
    IT_ASSERT_MSG(beyond, Ids(beyond).empty());
  }

  void testPaginationFollowNextVisitsAll() {
    std::vector<std::int64_t> created = CreateMany(7);
    std::set<std::int64_t> seen;
    std::string url = "/api/tasks/?limit=2";
    int pages = 0;
    while (!url.empty() && pages < 10) {
      Response r = Get(url);
      IT_ASSERT_STATUS(r, 200);
      for (auto id : Ids(r)) IT_ASSERT_MSG(r, seen.insert(id).second);  // no duplicates
      url = NextOf(r);
      ++pages;
    }
    CPPUNIT_ASSERT_EQUAL(4, pages);
    CPPUNIT_ASSERT(std::set<std::int64_t>(created.begin(), created.end()) == seen);
  }

  void testPaginationKeepsFilters() {
    for (int i = 0; i < 5; ++i) Create(R"({"title":"open"})");
    for (int i = 0; i < 2; ++i) Create(R"({"title":"done","completed":true})");
    Response r = Get("/api/tasks/?completed=false&limit=2");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(5), Int(r.json, "count"));
    IT_ASSERT_MSG(r, Contains(NextOf(r), "completed=false"));
    Response page2 = Get(NextOf(r));
    IT_ASSERT_STATUS(page2, 200);
    for (const auto& task : Member(page2.json, "results").GetArray()) {
      IT_ASSERT_MSG(page2, !Bool(task, "completed"));
    }
  }

  void testDefaultLimitIs50() {
    CreateMany(51);
    Response r = Get("/api/tasks/");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(51), Int(r.json, "count"));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(50), Ids(r).size());
    IT_ASSERT_MSG(r, Contains(NextOf(r), "offset=50"));
  }

  void testLimit500Accepted() {
    CreateMany(3);
    Response r = Get("/api/tasks/?limit=500");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(3), Ids(r).size());
  }

  void testBadPaginationValues() {
    for (const char* q : {"limit=501", "limit=-1", "limit=abc", "limit=1e3"}) {
      IT_ASSERT_FIELDS(Get(std::string("/api/tasks/?") + q), "limit");
    }
    for (const char* q : {"offset=-1", "offset=abc", "offset=99999999999999999999999"}) {
      IT_ASSERT_FIELDS(Get(std::string("/api/tasks/?") + q), "offset");
    }
  }

  void testFilterCompleted() {
    std::int64_t open = Create(R"({"title":"open"})");
    std::int64_t done = Create(R"({"title":"done","completed":true})");
    IT_ASSERT_IDS(std::vector<std::int64_t>{done}, Get("/api/tasks/?completed=true"));
    IT_ASSERT_IDS(std::vector<std::int64_t>{open}, Get("/api/tasks/?completed=false"));
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(2), Ids(Get("/api/tasks/")).size());
  }

  void testFilterBadCompleted() {
    IT_ASSERT_FIELDS(Get("/api/tasks/?completed=maybe"), "completed");
  }

  void testSearchCaseInsensitive() {
    std::int64_t milk = Create(R"({"title":"Buy Milk"})");
    Create(R"({"title":"walk the dog"})");
    IT_ASSERT_IDS(std::vector<std::int64_t>{milk}, Get("/api/tasks/?q=milk"));
    IT_ASSERT_IDS(std::vector<std::int64_t>{milk}, Get("/api/tasks/?q=MILK"));
  }

  void testSearchCyrillicCaseInsensitive() {
    std::int64_t milk = Create(R"({"title":"Купить Молоко"})");
    Create(R"({"title":"Позвонить маме"})");
    IT_ASSERT_IDS(std::vector<std::int64_t>{milk}, Get("/api/tasks/?q=" + UrlEncode("молоко")));
    IT_ASSERT_IDS(std::vector<std::int64_t>{milk}, Get("/api/tasks/?q=" + UrlEncode("МОЛОКО")));
    IT_ASSERT_IDS(std::vector<std::int64_t>{milk}, Get("/api/tasks/?q=" + UrlEncode("купить")));
  }

  void testSearchMatchesDescription() {
    std::int64_t id =
        Create(R"({"title":"errand","description":"pick up the Parcel at the post office"})");
    Create(R"({"title":"other"})");
    IT_ASSERT_IDS(std::vector<std::int64_t>{id}, Get("/api/tasks/?q=parcel"));
  }

  void testSearchTreatsWildcardsLiterally() {
    std::int64_t underscore = Create(R"({"title":"file_name"})");
    Create(R"({"title":"fileXname"})");
    std::int64_t percent = Create(R"({"title":"100% done"})");
    IT_ASSERT_IDS(std::vector<std::int64_t>{underscore},
                  Get("/api/tasks/?q=" + UrlEncode("file_name")));
    IT_ASSERT_IDS(std::vector<std::int64_t>{percent}, Get("/api/tasks/?q=" + UrlEncode("%")));
  }

  void testFilterTag() {
    std::int64_t home = Create(R"({"title":"sweep","tags":["дом","chores"]})");
    Create(R"({"title":"report","tags":["work"]})");
    Create(R"({"title":"untagged"})");
    IT_ASSERT_IDS(std::vector<std::int64_t>{home}, Get("/api/tasks/?tag=" + UrlEncode("дом")));
    IT_ASSERT_IDS(std::vector<std::int64_t>{home}, Get("/api/tasks/?tag=chores"));
    Response none = Get("/api/tasks/?tag=nothing");
    IT_ASSERT_MSG(none, Ids(none).empty());
  }

  void testFilterDueBeforeAfter() {
    std::int64_t a = Create(R"({"title":"a","due_at":"2026-12-01T10:00:00Z"})");
    std::int64_t b = Create(R"({"title":"b","due_at":"2026-12-05T10:00:00Z"})");
    std::int64_t c = Create(R"({"title":"c","due_at":"2026-12-10T10:00:00Z"})");
    Create(R"({"title":"undated"})");
    auto sorted = [](Response r) {
      auto ids = Ids(r);
      std::sort(ids.begin(), ids.end());
      return ids;
    };
    CPPUNIT_ASSERT_EQUAL(JoinIds({a, b}),
                         JoinIds(sorted(Get("/api/tasks/?due_before=2026-12-06T00:00:00Z"))));
    CPPUNIT_ASSERT_EQUAL(JoinIds({b, c}),
                         JoinIds(sorted(Get("/api/tasks/?due_after=2026-12-04T00:00:00Z"))));
    CPPUNIT_ASSERT_EQUAL(
        JoinIds({b}),
        JoinIds(sorted(
            Get("/api/tasks/?due_after=2026-12-04T00:00:00Z&due_before=2026-12-06T00:00:00Z"))));
    // An offset in the query value (the '+' must be percent-encoded).
    CPPUNIT_ASSERT_EQUAL(
        JoinIds({a}),
        JoinIds(sorted(Get("/api/tasks/?due_before=" + UrlEncode("2026-12-01T14:00:00+03:00")))));
  }

  void testFilterBadDueBefore() {
    IT_ASSERT_FIELDS(Get("/api/tasks/?due_before=someday"), "due_before");
    IT_ASSERT_FIELDS(Get("/api/tasks/?due_after=2026-99-99"), "due_after");
  }

  void testOrderingPriority() {
    std::int64_t p2 = Create(R"({"title":"p2","priority":2})");
    std::int64_t p0 = Create(R"({"title":"p0","priority":0})");
    std::int64_t p3 = Create(R"({"title":"p3","priority":3})");
    std::int64_t p1 = Create(R"({"title":"p1","priority":1})");
    IT_ASSERT_IDS((std::vector<std::int64_t>{p0, p1, p2, p3}),
                  Get("/api/tasks/?ordering=priority"));
    IT_ASSERT_IDS((std::vector<std::int64_t>{p3, p2, p1, p0}),
                  Get("/api/tasks/?ordering=-priority"));
  }

  void testOrderingCreatedAt() {
    std::vector<std::int64_t> ids = CreateMany(4);
    IT_ASSERT_IDS(ids, Get("/api/tasks/?ordering=created_at"));
    std::reverse(ids.begin(), ids.end());
    IT_ASSERT_IDS(ids, Get("/api/tasks/?ordering=-created_at"));
  }

  void testOrderingDueAt() {
    std::int64_t late = Create(R"({"title":"late","due_at":"2026-12-20T10:00:00Z"})");
    std::int64_t early = Create(R"({"title":"early","due_at":"2026-12-02T10:00:00Z"})");
    std::int64_t mid = Create(R"({"title":"mid","due_at":"2026-12-10T10:00:00Z"})");
    IT_ASSERT_IDS((std::vector<std::int64_t>{early, mid, late}),
                  Get("/api/tasks/?ordering=due_at"));
    IT_ASSERT_IDS((std::vector<std::int64_t>{late, mid, early}),
                  Get("/api/tasks/?ordering=-due_at"));
  }

  void testOrderingPosition() {
    std::vector<std::int64_t> ids = CreateMany(4);
    Response r = Get("/api/tasks/?ordering=position");
    IT_ASSERT_STATUS(r, 200);
    std::vector<std::int64_t> positions;
    for (const auto& task : Member(r.json, "results").GetArray())
      positions.push_back(Int(task, "position"));
    CPPUNIT_ASSERT_EQUAL(ids.size(), positions.size());
    IT_ASSERT_MSG(r, std::is_sorted(positions.begin(), positions.end()));
    std::vector<std::int64_t> got = Ids(r);
    CPPUNIT_ASSERT(std::set<std::int64_t>(got.begin(), got.end()) ==
                   std::set<std::int64_t>(ids.begin(), ids.end()));
  }

  void testOrderingUnknownRejected() {
    for (const char* o : {"title", "-id; DROP TABLE tasks", "priority,created_at"}) {
      IT_ASSERT_FIELDS(Get(std::string("/api/tasks/?ordering=") + UrlEncode(o)), "ordering");
    }
  }

  static bool IsStrongQuotedETag(const std::string& etag) {
    return etag.size() >= 3 && etag.front() == '"' && etag.back() == '"';
  }

  void testTaskETagAndIfNoneMatch() {
    std::int64_t id = Create(R"({"title":"cached"})");
    Response first = Get(TaskPath(id));
    std::string etag = first.Header("ETag");
    IT_ASSERT_MSG(first, IsStrongQuotedETag(etag));
    Response again = Get(TaskPath(id));
    CPPUNIT_ASSERT_EQUAL(etag, again.Header("ETag"));
    Response not_modified = Get(TaskPath(id), {"If-None-Match: " + etag});
    IT_ASSERT_STATUS(not_modified, 304);
    IT_ASSERT_MSG(not_modified, not_modified.body.empty());
    CPPUNIT_ASSERT_EQUAL(etag, not_modified.Header("ETag"));
    IT_ASSERT_STATUS(Get(TaskPath(id), {"If-None-Match: \"something-else\""}), 200);
  }

  void testTaskETagChangesAfterPatch() {
    std::int64_t id = Create(R"({"title":"v1"})");
    std::string etag = Get(TaskPath(id)).Header("ETag");
    IT_ASSERT_STATUS(Patch(id, R"({"title":"v2"})"), 200);
    Response r = Get(TaskPath(id), {"If-None-Match: " + etag});
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, r.Header("ETag") != etag && IsStrongQuotedETag(r.Header("ETag")));
    CPPUNIT_ASSERT_EQUAL(std::string("v2"), Str(r.json, "title"));
  }

  void testIfMatchCurrentETagAccepted() {
    std::int64_t id = Create(R"({"title":"v1"})");
    std::string etag = Get(TaskPath(id)).Header("ETag");
    Response r = Patch(id, R"({"title":"v2"})", {"If-Match: " + etag});
    IT_ASSERT_STATUS(r, 200);
    // The old ETag no longer matches.
    IT_ASSERT_ERROR(Patch(id, R"({"title":"v3"})", {"If-Match: " + etag}), 412,
                    "precondition_failed");
    CPPUNIT_ASSERT_EQUAL(std::string("v2"), Str(Get(TaskPath(id)).json, "title"));
  }

  void testListETagAndIfNoneMatch() {
    CreateMany(2);
    Response first = Get("/api/tasks/");
    std::string etag = first.Header("ETag");
    IT_ASSERT_MSG(first, IsStrongQuotedETag(etag));
    Response r = Get("/api/tasks/", {"If-None-Match: " + etag});
    IT_ASSERT_STATUS(r, 304);
    IT_ASSERT_MSG(r, r.body.empty());
  }

  void testListETagChangesAfterCreate() {
    CreateMany(1);
    std::string etag = Get("/api/tasks/").Header("ETag");
    CreateMany(1);
    Response r = Get("/api/tasks/", {"If-None-Match: " + etag});
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(2), Ids(r).size());
    // An edit to one task changes the list's ETag too.
    std::string etag2 = r.Header("ETag");
    Patch(Ids(r)[0], R"({"title":"edited"})");
    IT_ASSERT_STATUS(Get("/api/tasks/", {"If-None-Match: " + etag2}), 200);
  }

  void testIdempotencyReplay() {
    std::string key = "Idempotency-Key: " + RandomHex(24);
    std::string body = R"({"title":"once only"})";
    Response first = Post(body, {key});
    IT_ASSERT_STATUS(first, 201);
    Response second = Post(body, {key});
    IT_ASSERT_STATUS(second, 201);
    CPPUNIT_ASSERT_EQUAL(Int(first.json, "id"), Int(second.json, "id"));
    CPPUNIT_ASSERT_EQUAL(std::string("true"), second.Header("Idempotent-Replayed"));
    CPPUNIT_ASSERT_EQUAL(ToJson(first.json), ToJson(second.json));
    IT_ASSERT_MSG(first, !first.HasHeader("Idempotent-Replayed"));
    Response list = Get("/api/tasks/");
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(1), Int(list.json, "count"));
  }

  void testIdempotencyDifferentBodyConflicts() {
    std::string key = "Idempotency-Key: " + RandomHex(24);
    IT_ASSERT_STATUS(Post(R"({"title":"first"})", {key}), 201);
    IT_ASSERT_ERROR(Post(R"({"title":"second"})", {key}), 409, "conflict");
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(1), Int(Get("/api/tasks/").json, "count"));
  }

  void testIdempotencyKeyIsPerUser() {
    std::string key = "Idempotency-Key: " + RandomHex(24);
    std::string body = R"({"title":"shared key"})";
    Response mine = Post(body, {key});
    IT_ASSERT_STATUS(mine, 201);
    std::string other = RegisterUser();
    Response theirs = Call("POST", "/api/tasks/", body, AuthHeader(other, {key}));
    IT_ASSERT_STATUS(theirs, 201);
    IT_ASSERT_MSG(theirs, Int(theirs.json, "id") != Int(mine.json, "id"));
    IT_ASSERT_MSG(theirs, !theirs.HasHeader("Idempotent-Replayed"));
  }

  void testUserIsolationInList() {
    CreateMany(3, "mine");
    std::string other = RegisterUser();
    Response r = Call("GET", "/api/tasks/", "", AuthHeader(other));
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(0), Int(r.json, "count"));
    IT_ASSERT_MSG(r, Ids(r).empty());
    Response search = Call("GET", "/api/tasks/?q=mine", "", AuthHeader(other));
    IT_ASSERT_MSG(search, Ids(search).empty());
  }

  void testUnicodeRoundTrip() {
    // Cyrillic, an em dash, a BMP symbol, an astral emoji (4 bytes) and a combining mark.
    std::string title = "Купить молоко 🥛 — тест ✓ 𝄞 й";
    std::string description = "Ёлка 🎄\nвторая строка\t\"кавычки\" \\ слеш";
    std::string tag = "дом🏠";
    Response created =
        Post("{\"title\":" + Quote(title) + ",\"description\":" + Quote(description) +
             ",\"tags\":[" + Quote(tag) + "]}");
    IT_ASSERT_STATUS(created, 201);
    CPPUNIT_ASSERT_EQUAL(title, Str(created.json, "title"));
    Response got = Get(TaskPath(Int(created.json, "id")));
    CPPUNIT_ASSERT_EQUAL(title, Str(got.json, "title"));
    CPPUNIT_ASSERT_EQUAL(description, Str(got.json, "description"));
    CPPUNIT_ASSERT_EQUAL(tag, std::string(Member(got.json, "tags")[0].GetString()));
    IT_ASSERT_MSG(got, got.Header("Content-Type").find("application/json") != std::string::npos);
  }

  void testEscapedUnicodeInput() {
    // \u escapes, including a surrogate pair, decode to the same UTF-8.
    Response r = Post(R"({"title":"\u041c\u043e\u043b\u043e\u043a\u043e \ud83e\udd5b"})");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(std::string("Молоко 🥛"), Str(r.json, "title"));
    // A lone surrogate is not text.
    Response lone = Post(R"({"title":"\ud83e"})");
    IT_ASSERT_MSG(lone, lone.status / 100 == 4);
  }

  void testTrailingSlashOptional() {
    std::int64_t id = Create(R"({"title":"slashes"})");
    std::string item = TaskPath(id);
    for (const char* path : {"/api/tasks", "/api/tasks/", "/api/users/me", "/api/users/me/"}) {
      IT_ASSERT_STATUS(Get(path), 200);
    }
    IT_ASSERT_STATUS(Get(item), 200);
    IT_ASSERT_STATUS(Get(item + "/"), 200);
    IT_ASSERT_STATUS(Call("PATCH", item + "/", R"({"title":"slash"})", AuthHeader(token_)), 200);
    IT_ASSERT_STATUS(Call("PATCH", item, R"({"title":"no slash"})", AuthHeader(token_)), 200);
    IT_ASSERT_STATUS(Call("PATCH", "/api/users/me/", R"({"language":"ru"})", AuthHeader(token_)),
                     200);
    IT_ASSERT_STATUS(Call("DELETE", item + "/", "", AuthHeader(token_)), 204);
    std::int64_t id2 = Create(R"({"title":"slashes 2"})");
    IT_ASSERT_STATUS(Call("DELETE", TaskPath(id2), "", AuthHeader(token_)), 204);
    std::string name = "it_" + RandomHex();
    IT_ASSERT_STATUS(Call("POST", "/api/auth/register/",
                          "{\"username\":" + Quote(name) + ",\"password\":\"long enough pw\"}"),
                     201);
    IT_ASSERT_STATUS(Call("POST", "/api/auth/login/",
                          "{\"username\":" + Quote(name) + ",\"password\":\"long enough pw\"}"),
                     200);
    IT_ASSERT_STATUS(Call("POST", "/api/auth/login",
                          "{\"username\":" + Quote(name) + ",\"password\":\"long enough pw\"}"),
                     200);
  }

  void testPostWithoutSlashNoRedirect() {
    Response r = Call("POST", "/api/tasks", R"({"title":"no slash"})", AuthHeader(token_));
    IT_ASSERT_STATUS(r, 201);
    IT_ASSERT_MSG(r, Int(r.json, "id") > 0);
    Response list = Get("/api/tasks");
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(1), Int(list.json, "count"));
  }

  void testHeadOnList() {
    CreateMany(1);
    Response get = Get("/api/tasks/");
    Response head = Call("HEAD", "/api/tasks/", "", AuthHeader(token_));
    IT_ASSERT_STATUS(head, 200);
    IT_ASSERT_MSG(head, head.body.empty());
    CPPUNIT_ASSERT_EQUAL(get.Header("ETag"), head.Header("ETag"));
  }

  void testPatchEmptyObjectChangesNothing() {
    Response created = Post(R"({"title":"same","priority":2,"tags":["k"]})");
    std::int64_t id = Int(created.json, "id");
    Response r = Patch(id, "{}");
    IT_ASSERT_STATUS(r, 200);
    for (const char* key : {"title", "description", "priority", "tags", "due_date", "completed"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(key, ToJson(Member(created.json, key)),
                                   ToJson(Member(r.json, key)));
    }
  }

  void testPatchDueAtOnDatedTaskNeverBoth() {
    // due_date and due_at are exclusive: a PATCH may refuse (422) or replace, never keep both.
    std::int64_t id = Create(R"({"title":"dated","due_date":"2026-12-01"})");
    Response r = Patch(id, R"({"due_at":"2026-12-01T10:00:00Z"})");
    IT_ASSERT_MSG(r, r.status == 200 || r.status == 422);
    Response got = Get(TaskPath(id));
    IT_ASSERT_MSG(got, IsNull(got.json, "due_date") || IsNull(got.json, "due_at"));
  }

  void testRecurrenceExhaustedCloses() {
    // The rule has no occurrence after this one: completing it really completes it.
    std::int64_t id = Create(
        R"({"title":"last","due_date":"2026-12-01","recurrence":"FREQ=DAILY;UNTIL=20261201"})");
    Response r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, Bool(r.json, "completed"));
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-01"), Str(r.json, "due_date"));
  }

  void testMonthlyRecurrenceSkipsShortMonths() {
    // RFC 5545: a monthly rule on the 31st skips months without a 31st.
    std::int64_t id =
        Create(R"({"title":"rent","due_date":"2027-01-31","recurrence":"FREQ=MONTHLY"})");
    Response r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("2027-03-31"), Str(r.json, "due_date"));
  }

  void testBiweeklyRecurrence() {
    std::int64_t id = Create(
        R"({"title":"sprint","due_date":"2026-11-30","recurrence":"FREQ=WEEKLY;INTERVAL=2"})");
    Response r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL(std::string("2026-12-14"), Str(r.json, "due_date"));
  }

  void testRecurrenceKeepsWallClockAcrossDst() {
    // 09:00 in New York every day: 14:00Z in EST, 13:00Z once DST starts (2027-03-14).
    TestUser user = NewUser(R"("timezone":"America/New_York")");
    Response created =
        Call("POST", "/api/tasks/",
             R"({"title":"coffee","due_at":"2027-03-13T14:00:00Z","recurrence":"FREQ=DAILY"})",
             AuthHeader(user.token));
    IT_ASSERT_STATUS(created, 201);
    Response r = Call("PATCH", TaskPath(Int(created.json, "id")), R"({"completed":true})",
                      AuthHeader(user.token));
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("2027-03-14T13:00:00Z"),
                                 Str(r.json, "due_at"));
  }

  void testIfNoneMatchListOfETags() {
    std::int64_t id = Create(R"({"title":"tags of etags"})");
    std::string etag = Get(TaskPath(id)).Header("ETag");
    IT_ASSERT_STATUS(Get(TaskPath(id), {"If-None-Match: \"nope\", " + etag}), 304);
    IT_ASSERT_STATUS(Get(TaskPath(id), {"If-None-Match: *"}), 304);
  }

  void testPatchAnswersTheNewETag() {
    std::int64_t id = Create(R"({"title":"v1"})");
    Response first = Patch(id, R"({"title":"v2"})");
    IT_ASSERT_STATUS(first, 200);
    std::string etag = first.Header("ETag");
    IT_ASSERT_MSG(first, !etag.empty());
    CPPUNIT_ASSERT_EQUAL(Get(TaskPath(id)).Header("ETag"), etag);
    IT_ASSERT_STATUS(Patch(id, R"({"title":"v3"})", {"If-Match: " + etag}), 200);
    IT_ASSERT_ERROR(Patch(id, R"({"title":"v4"})", {"If-Match: " + etag}), 412,
                    "precondition_failed");
  }

  void testIfMatchStar() {
    std::int64_t id = Create(R"({"title":"star"})");
    IT_ASSERT_STATUS(Patch(id, R"({"title":"starred"})", {"If-Match: *"}), 200);
  }

  void testConcurrentIdempotentPosts() {
    // The same retried POST arriving twice at once (two workers): one task, one id.
    std::string key = "Idempotency-Key: " + RandomHex(24);
    std::string body = R"({"title":"raced"})";
    constexpr int kThreads = 6;
    std::vector<Response> answers(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back(
          [&, i] { answers[i] = Call("POST", "/api/tasks/", body, AuthHeader(token_, {key})); });
    }
    for (auto& t : threads) t.join();
    std::set<std::int64_t> ids;
    for (const auto& r : answers) {
      IT_ASSERT_MSG(r, r.status == 201 || r.status == 409);
      if (r.status == 201) ids.insert(Int(r.json, "id"));
    }
    CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(1), ids.size());
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(1), Int(Get("/api/tasks/").json, "count"));
  }

  void testConcurrentIfMatchOneWins() {
    // Optimistic locking: of several PATCHes made against the same ETag, one wins.
    std::int64_t id = Create(R"({"title":"v0"})");
    std::string etag = Get(TaskPath(id)).Header("ETag");
    constexpr int kThreads = 6;
    std::vector<Response> answers(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        answers[i] = Call("PATCH", TaskPath(id), "{\"title\":\"writer " + std::to_string(i) + "\"}",
                          AuthHeader(token_, {"If-Match: " + etag}));
      });
    }
    for (auto& t : threads) t.join();
    int won = 0;
    std::string all;
    for (const auto& r : answers) {
      IT_ASSERT_MSG(r, r.status == 200 || r.status == 412);
      won += r.status == 200 ? 1 : 0;
      all += std::to_string(r.status) + " ";
    }
    CPPUNIT_ASSERT_EQUAL_MESSAGE(all, 1, won);
  }

  void testChunkedPost() {
    // Some clients stream bodies: nginx buffers them, the API must still see the body.
    Response r = Post(R"({"title":"chunked"})", {"Transfer-Encoding: chunked"});
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(std::string("chunked"), Str(r.json, "title"));
  }

  void testExpectContinuePost() {
    Response r = Post(R"({"title":"continue"})", {"Expect: 100-continue"});
    IT_ASSERT_STATUS(r, 201);
  }

  void testHeadOnItem() {
    std::int64_t id = Create(R"({"title":"head"})");
    Response get = Get(TaskPath(id));
    Response head = Call("HEAD", TaskPath(id), "", AuthHeader(token_));
    IT_ASSERT_STATUS(head, 200);
    CPPUNIT_ASSERT_EQUAL(get.Header("ETag"), head.Header("ETag"));
  }

  // Follows `next` from `first` to the end; returns every id seen. Throws on a non-200.
  std::vector<std::int64_t> FollowAll(const std::string& first) {
    std::vector<std::int64_t> all;
    std::string url = first;
    for (int pages = 0; !url.empty() && pages < 20; ++pages) {
      Response r = Get(url);
      if (r.status != 200) throw std::runtime_error("page failed: " + r.Describe());
      for (auto id : Ids(r)) all.push_back(id);
      url = NextOf(r);
    }
    return all;
  }

  void testNextLinkKeepsEncodedSearch() {
    // The filter survives the round trip through `next`: "&" and "+" stay data.
    std::vector<std::int64_t> matching;
    for (int i = 0; i < 3; ++i)
      matching.push_back(Create("{\"title\":\"salt & pepper+" + std::to_string(i) + "\"}"));
    Create(R"({"title":"salt"})");
    Create(R"({"title":"pepper"})");
    std::vector<std::int64_t> seen =
        FollowAll("/api/tasks/?limit=1&q=" + UrlEncode("salt & pepper+"));
    std::sort(seen.begin(), seen.end());
    CPPUNIT_ASSERT_EQUAL(JoinIds(matching), JoinIds(seen));
  }

  void testNextLinkKeepsCyrillicSearch() {
    std::vector<std::int64_t> matching;
    for (int i = 0; i < 3; ++i)
      matching.push_back(Create("{\"title\":\"Молоко " + std::to_string(i) + "\"}"));
    Create(R"({"title":"хлеб"})");
    std::vector<std::int64_t> seen = FollowAll("/api/tasks/?limit=2&q=" + UrlEncode("молоко"));
    std::sort(seen.begin(), seen.end());
    CPPUNIT_ASSERT_EQUAL(JoinIds(matching), JoinIds(seen));
  }

  void testPositionAtTheTopOfTheRange() {
    // The next position after INT32_MAX would overflow: new tasks share the top one.
    IT_ASSERT_STATUS(Post(R"({"title":"top","position":2147483647})"), 201);
    Response r = Post(R"({"title":"after the top"})");
    IT_ASSERT_STATUS(r, 201);
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(2147483647), Int(r.json, "position"));
  }

  void testYearsOutsideTheRangeRejected() {
    // PostgreSQL has no year 0, and every date and instant the API writes has four digits.
    IT_ASSERT_FIELDS(Post(R"({"title":"x","due_date":"0000-01-01"})"), "due_date");
    IT_ASSERT_FIELDS(Post(R"({"title":"x","due_at":"0001-01-01T00:30:00+01:00"})"), "due_at");
    IT_ASSERT_FIELDS(Post(R"({"title":"x","remind_at":"9999-12-31T23:00:00-02:00"})"), "remind_at");
    IT_ASSERT_FIELDS(Get("/api/tasks/?due_before=0000-12-31"), "due_before");
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(0), Int(Get("/api/tasks/").json, "count"));
    // A day bound is the start of that day in the user's zone: 0001-01-01 in Moscow is
    // still year 0 in UTC.
    TestUser moscow = NewUser(R"("timezone":"Europe/Moscow")");
    IT_ASSERT_FIELDS(Call("GET", "/api/tasks/?due_after=0001-01-01", "", AuthHeader(moscow.token)),
                     "due_after");
    // The edges themselves are fine.
    Response edge = Post(R"({"title":"edge","due_at":"9999-12-31T23:59:59Z"})");
    IT_ASSERT_STATUS(edge, 201);
    CPPUNIT_ASSERT_EQUAL(std::string("9999-12-31T23:59:59Z"), Str(edge.json, "due_at"));
    IT_ASSERT_STATUS(Get("/api/tasks/?due_after=0001-01-01"), 200);
  }

  void testDateOnlyReminderKeepsWallClockAcrossDst() {
    // 09:00 in Berlin on a weekly date-only task, across the change to summer time
    // (2030-03-31): 08:00Z before, 07:00Z after.
    TestUser user = NewUser(R"("timezone":"Europe/Berlin")");
    Response created =
        Call("POST", "/api/tasks/",
             R"({"title":"plants","due_date":"2030-03-30","recurrence":"FREQ=WEEKLY",)"
             R"("remind_at":"2030-03-30T09:00:00+01:00"})",
             AuthHeader(user.token));
    IT_ASSERT_STATUS(created, 201);
    Response r = Call("PATCH", TaskPath(Int(created.json, "id")), R"({"completed":true})",
                      AuthHeader(user.token));
    IT_ASSERT_STATUS(r, 200);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("2030-04-06"), Str(r.json, "due_date"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.Describe(), std::string("2030-04-06T07:00:00Z"),
                                 Str(r.json, "remind_at"));
  }

  void testUtcUntilEndsADateOnlySeries() {
    // The occurrence on 2030-01-11 would start after UNTIL: the series ends on the 10th.
    std::int64_t id = Create(R"({"title":"until","due_date":"2030-01-10",)"
                             R"("recurrence":"FREQ=DAILY;UNTIL=20300110T000000Z"})");
    Response r = Patch(id, R"({"completed":true})");
    IT_ASSERT_STATUS(r, 200);
    IT_ASSERT_MSG(r, Bool(r.json, "completed"));
    CPPUNIT_ASSERT_EQUAL(std::string("2030-01-10"), Str(r.json, "due_date"));
  }

  void testIdempotencyKeyMustBePrintableAscii() {
    IT_ASSERT_FIELDS(Post(R"({"title":"binary key"})", {"Idempotency-Key: \xff\xfe"}),
                     "Idempotency-Key");
    IT_ASSERT_FIELDS(Post(R"({"title":"long key"})", {"Idempotency-Key: " + std::string(256, 'k')}),
                     "Idempotency-Key");
    CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(0), Int(Get("/api/tasks/").json, "count"));
    IT_ASSERT_STATUS(
        Post(R"({"title":"uuid key"})", {"Idempotency-Key: 3f0c6c1e-9a43-4b1e-8f55-0d2f0e6c9b11"}),
        201);
  }

  void testPagesHaveDistinctETags() {
    // An ETag names one representation: page 1's ETag must not validate page 2, nor the
    // unfiltered list a filtered one.
    CreateMany(2);
    Create(R"({"title":"done","completed":true})");
    Response page1 = Get("/api/tasks/?limit=1");
    std::string etag = page1.Header("ETag");
    IT_ASSERT_MSG(page1, !etag.empty());
    Response page2 = Get("/api/tasks/?limit=1&offset=1", {"If-None-Match: " + etag});
    IT_ASSERT_STATUS(page2, 200);
    std::string all_etag = Get("/api/tasks/").Header("ETag");
    Response filtered = Get("/api/tasks/?completed=true", {"If-None-Match: " + all_etag});
    IT_ASSERT_STATUS(filtered, 200);
  }

 private:
  std::string token_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(TasksTest);

}  // namespace
}  // namespace tudushka::itest
