// The bot's pure decisions: when a getUpdates batch below the offset means that Telegram's
// update ids restarted.
#include "tudushka/telegram/bot.hpp"

#include <cppunit/extensions/HelperMacros.h>

using tudushka::telegram::UpdateIdWatch;
using Verdict = UpdateIdWatch::Verdict;

class UpdateIdWatchTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(UpdateIdWatchTest);
  CPPUNIT_TEST(idsAtOrAboveTheOffsetAreProcessed);
  CPPUNIT_TEST(theThirdBatchBelowInARowIsARestart);
  CPPUNIT_TEST(aBatchReachingTheOffsetEndsTheRun);
  CPPUNIT_TEST(batchesWithoutIdsChangeNothing);
  CPPUNIT_TEST_SUITE_END();

 public:
  void idsAtOrAboveTheOffsetAreProcessed() {
    UpdateIdWatch w;
    CPPUNIT_ASSERT(w.Judge(100, {100, 101}) == Verdict::kProcess);
    CPPUNIT_ASSERT(w.Judge(100, {98, 99, 100}) == Verdict::kProcess);  // partly replayed
    CPPUNIT_ASSERT(w.Judge(0, {1}) == Verdict::kProcess);
  }

  void theThirdBatchBelowInARowIsARestart() {
    UpdateIdWatch w;
    CPPUNIT_ASSERT(w.Judge(1000, {5, 6}) == Verdict::kReplay);
    CPPUNIT_ASSERT(w.Judge(1000, {5, 6}) == Verdict::kReplay);
    CPPUNIT_ASSERT(w.Judge(1000, {5, 6, 7}) == Verdict::kRestarted);
    // Followed: the offset is now past them, and a new run needs three batches again.
    CPPUNIT_ASSERT(w.Judge(8, {8}) == Verdict::kProcess);
    CPPUNIT_ASSERT(w.Judge(9, {3}) == Verdict::kReplay);
  }

  void aBatchReachingTheOffsetEndsTheRun() {
    UpdateIdWatch w;
    CPPUNIT_ASSERT(w.Judge(1000, {5}) == Verdict::kReplay);
    CPPUNIT_ASSERT(w.Judge(1000, {6}) == Verdict::kReplay);
    CPPUNIT_ASSERT(w.Judge(1000, {1000}) == Verdict::kProcess);
    CPPUNIT_ASSERT(w.Judge(1001, {7}) == Verdict::kReplay);
    CPPUNIT_ASSERT(w.Judge(1001, {8}) == Verdict::kReplay);
    CPPUNIT_ASSERT(w.Judge(1001, {9}) == Verdict::kRestarted);
  }

  void batchesWithoutIdsChangeNothing() {
    UpdateIdWatch w;
    CPPUNIT_ASSERT(w.Judge(1000, {5}) == Verdict::kReplay);
    CPPUNIT_ASSERT(w.Judge(1000, {}) == Verdict::kProcess);  // only malformed updates
    CPPUNIT_ASSERT(w.Judge(1000, {5}) == Verdict::kReplay);
    CPPUNIT_ASSERT(w.Judge(1000, {5}) == Verdict::kRestarted);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(UpdateIdWatchTest);
