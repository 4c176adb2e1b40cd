// Change counters shared by every worker of one API machine, so a worker can tell
// whether an answer it cached is still current without asking PostgreSQL.
//
// One counter per user slot (users hash onto 64 Ki slots; a shared slot only costs
// extra misses) for task data, and one for accounts (sessions, profiles), which
// guards every cached token. A worker that changes data bumps the counter after its
// commit and before it answers, so any later request on this machine sees the
// change (read-your-writes). Changes made elsewhere arrive as notices on kChannel
// (other API machines send them after their commits, the triggers of sql/004 send
// those of the bot, psql and anyone else) and are bumped by whichever worker here
// reads them first.
//
// Usage: read the counter *before* querying, stamp the cached entry with it, and
// serve the entry only while the counter still equals the stamp. A change committed
// after the read bumps the counter later, so the entry dies; one committed before
// the read is already in what the query saw.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace tudushka::api {

class Freshness {
 public:
  static constexpr std::size_t kUserSlots = 1 << 16;

  // Maps a region shared with the processes forked after this call (the master
  // calls it once, before the pool starts). Never freed.
  static Freshness* CreateShared();

  std::uint64_t Accounts() const { return accounts_.load(std::memory_order_acquire); }
  std::uint64_t User(std::int64_t user_id) const {
    return users_[Slot(user_id)].load(std::memory_order_acquire);
  }
  void BumpAccounts() { accounts_.fetch_add(1, std::memory_order_acq_rel); }
  void BumpUser(std::int64_t user_id) {
    users_[Slot(user_id)].fetch_add(1, std::memory_order_acq_rel);
  }

  // Applies one notice from the change channel: "t:<user id>" (that user's tasks
  // changed) or "a" (a session or profile changed). Anything else bumps everything:
  // an unknown notice must never leave a stale answer behind.
  void Apply(std::string_view notice);

  // The PostgreSQL channel of change notices (Service::SendNotices, sql/004).
  static constexpr const char* kChannel = "tudushka_changes";

 private:
  static std::size_t Slot(std::int64_t user_id) {
    auto x = static_cast<std::uint64_t>(user_id) * 0x9E3779B97F4A7C15ull;  // Fibonacci hashing
    return static_cast<std::size_t>(x >> 48);
  }

  std::atomic<std::uint64_t> accounts_{0};
  std::array<std::atomic<std::uint64_t>, kUserSlots> users_{};
};

}  // namespace tudushka::api
