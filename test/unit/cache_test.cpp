#include <cppunit/extensions/HelperMacros.h>

#include <sys/wait.h>
#include <unistd.h>

#include <memory>

#include "tudushka/api/freshness.hpp"
#include "tudushka/api/response_cache.hpp"

using namespace tudushka;
using api::Freshness;
using api::ResponseCache;
using api::TokenCache;
using Clock = api::CacheClock;

class CacheTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CacheTest);
  CPPUNIT_TEST(userBumpTouchesOnlyThatUser);
  CPPUNIT_TEST(accountBumpLeavesUsersAlone);
  CPPUNIT_TEST(noticesBumpWhatTheyName);
  CPPUNIT_TEST(unknownNoticesBumpEverything);
  CPPUNIT_TEST(sharedCountersAreSeenAcrossFork);
  CPPUNIT_TEST(responseServedOnlyAtItsStamp);
  CPPUNIT_TEST(responsesEvictLeastRecentlyUsed);
  CPPUNIT_TEST(oversizedResponseIsNotKept);
  CPPUNIT_TEST(entriesAgeOut);
  CPPUNIT_TEST(tokenServedUntilStampChangesOrExpiry);
  CPPUNIT_TEST(fullTokenCacheStartsOver);
  CPPUNIT_TEST_SUITE_END();

  std::unique_ptr<Freshness> fresh_ = std::make_unique<Freshness>();

  static app::Caller CallerFor(std::int64_t id, const std::string& hash,
                               Clock::time_point expires) {
    app::Caller c;
    c.user_id = id;
    c.timezone = "Europe/Moscow";
    c.language = "ru";
    c.token_hash = hash;
    c.expires_at = Clock::to_time_t(expires);
    return c;
  }

 public:
  void userBumpTouchesOnlyThatUser() {
    auto a = fresh_->User(1), b = fresh_->User(2), acc = fresh_->Accounts();
    fresh_->BumpUser(1);
    CPPUNIT_ASSERT(fresh_->User(1) != a);
    CPPUNIT_ASSERT_EQUAL(b, fresh_->User(2));
    CPPUNIT_ASSERT_EQUAL(acc, fresh_->Accounts());
  }

  void accountBumpLeavesUsersAlone() {
    auto u = fresh_->User(7), acc = fresh_->Accounts();
    fresh_->BumpAccounts();
    CPPUNIT_ASSERT(fresh_->Accounts() != acc);
    CPPUNIT_ASSERT_EQUAL(u, fresh_->User(7));
  }

  void noticesBumpWhatTheyName() {
    auto u = fresh_->User(42), other = fresh_->User(43), acc = fresh_->Accounts();
    fresh_->Apply("t:42");
    CPPUNIT_ASSERT(fresh_->User(42) != u);
    CPPUNIT_ASSERT_EQUAL(other, fresh_->User(43));
    CPPUNIT_ASSERT_EQUAL(acc, fresh_->Accounts());
    fresh_->Apply("a");
    CPPUNIT_ASSERT(fresh_->Accounts() != acc);
  }

  void unknownNoticesBumpEverything() {
    for (const char* odd : {"t:", "t:12x", "x:1", "", "t:99999999999999999999"}) {
      auto u = fresh_->User(5), acc = fresh_->Accounts();
      fresh_->Apply(odd);
      CPPUNIT_ASSERT_MESSAGE(odd, fresh_->User(5) != u && fresh_->Accounts() != acc);
    }
  }

  void sharedCountersAreSeenAcrossFork() {
    Freshness* shared = Freshness::CreateShared();
    auto before = shared->User(9);
    pid_t child = fork();
    if (child == 0) {
      shared->BumpUser(9);
      _exit(0);
    }
    int status = 0;
    CPPUNIT_ASSERT_EQUAL(child, waitpid(child, &status, 0));
    CPPUNIT_ASSERT(shared->User(9) != before);
  }

  void responseServedOnlyAtItsStamp() {
    ResponseCache cache(1 << 20);
    auto now = Clock::now();
    cache.Store("k", {5, "{\"a\":1}", "\"e\"", now});
    const auto* hit = cache.Find("k", 5, now);
    CPPUNIT_ASSERT(hit);
    CPPUNIT_ASSERT_EQUAL(std::string("{\"a\":1}"), hit->body);
    CPPUNIT_ASSERT_EQUAL(std::string("\"e\""), hit->etag);
    CPPUNIT_ASSERT(!cache.Find("k", 6, now));  // stale: dropped
    CPPUNIT_ASSERT(!cache.Find("k", 5, now));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cache.bytes());
  }

  void entriesAgeOut() {
    ResponseCache responses(1 << 20);
    TokenCache tokens(10);
    auto now = Clock::now();
    responses.Store("k", {1, "{}", "", now});
    tokens.Store(CallerFor(1, "h", now + std::chrono::hours(24)), 1, now);
    auto almost = now + api::kMaxAge - std::chrono::seconds(1);
    CPPUNIT_ASSERT(responses.Find("k", 1, almost));
    CPPUNIT_ASSERT(tokens.Find("h", 1, almost));
    CPPUNIT_ASSERT(!responses.Find("k", 1, now + api::kMaxAge));
    CPPUNIT_ASSERT(!tokens.Find("h", 1, now + api::kMaxAge));
  }

  void responsesEvictLeastRecentlyUsed() {
    ResponseCache cache(8192);
    auto now = Clock::now();
    std::string body(1800, 'x');  // four fit
    for (const char* key : {"a", "b", "c", "d"}) cache.Store(key, {1, body, "", now});
    CPPUNIT_ASSERT(cache.Find("a", 1, now));  // a is now the most recent, b the least
    cache.Store("e", {1, body, "", now});
    CPPUNIT_ASSERT(cache.bytes() <= 8192);
    CPPUNIT_ASSERT(!cache.Find("b", 1, now));
    for (const char* key : {"a", "c", "d", "e"})
      CPPUNIT_ASSERT_MESSAGE(key, cache.Find(key, 1, now));
    cache.Clear();
    CPPUNIT_ASSERT(!cache.Find("a", 1, now));
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cache.bytes());
  }

  void oversizedResponseIsNotKept() {
    ResponseCache cache(4096);
    auto now = Clock::now();
    cache.Store("small", {1, "{}", "", now});
    cache.Store("huge", {1, std::string(2000, 'x'), "", now});
    CPPUNIT_ASSERT(!cache.Find("huge", 1, now));
    CPPUNIT_ASSERT(cache.Find("small", 1, now));
  }

  void tokenServedUntilStampChangesOrExpiry() {
    TokenCache cache(10);
    auto now = Clock::now();
    cache.Store(CallerFor(3, "h3", now + std::chrono::hours(1)), 8, now);
    const app::Caller* hit = cache.Find("h3", 8, now);
    CPPUNIT_ASSERT(hit);
    CPPUNIT_ASSERT_EQUAL(std::int64_t(3), hit->user_id);
    CPPUNIT_ASSERT_EQUAL(std::string("Europe/Moscow"), hit->timezone);
    CPPUNIT_ASSERT(!cache.Find("other", 8, now));
    CPPUNIT_ASSERT(!cache.Find("h3", 8, now + std::chrono::hours(1)));  // expired: dropped
    CPPUNIT_ASSERT(!cache.Find("h3", 8, now));
    cache.Store(CallerFor(3, "h3", now + std::chrono::hours(1)), 8, now);
    CPPUNIT_ASSERT(!cache.Find("h3", 9, now));  // an account changed
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), cache.size());
  }

  void fullTokenCacheStartsOver() {
    TokenCache cache(2);
    auto now = Clock::now(), later = now + std::chrono::hours(1);
    cache.Store(CallerFor(1, "h1", later), 1, now);
    cache.Store(CallerFor(2, "h2", later), 1, now);
    cache.Store(CallerFor(2, "h2", later), 1, now);  // a refresh does not count as new
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), cache.size());
    cache.Store(CallerFor(3, "h3", later), 1, now);
    CPPUNIT_ASSERT_EQUAL(std::size_t(1), cache.size());
    CPPUNIT_ASSERT(cache.Find("h3", 1, now));
  }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CacheTest);
