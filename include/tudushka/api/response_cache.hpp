// A worker's caches of what it answered, each entry stamped with the Freshness
// counter read before the database was asked (see freshness.hpp): an entry is used
// only while its counter still holds the stamp, so a cache can never hide a change.
// Entries also age out after kMaxAge, which bounds the damage of a change notice that
// never came (a worker killed between a commit and its notice).
// They are a per-process optimisation, nothing more: a cold or evicted entry just
// costs the query, and no request depends on which worker cached what.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

#include "tudushka/app/users.hpp"

namespace tudushka::api {

using CacheClock = std::chrono::system_clock;
constexpr auto kMaxAge = std::chrono::seconds(60);

// Rendered JSON answers (task lists, single tasks) by key, least recently used out
// first once the bytes exceed the cap.
class ResponseCache {
 public:
  struct Entry {
    std::uint64_t stamp = 0;
    std::string body;
    std::string etag;
    CacheClock::time_point stored{};
  };

  explicit ResponseCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The entry for `key` if it was stored with `stamp` less than kMaxAge before `now`,
  // else nullptr (a stale one is dropped).
  const Entry* Find(const std::string& key, std::uint64_t stamp, CacheClock::time_point now);
  void Store(const std::string& key, Entry entry);
  void Clear();
  std::size_t bytes() const { return bytes_; }

 private:
  using Lru = std::list<std::pair<std::string, Entry>>;
  static std::size_t Cost(const std::string& key, const Entry& e) {
    return key.size() + e.body.size() + e.etag.size() + 96;
  }
  void Erase(std::unordered_map<std::string, Lru::iterator>::iterator it);

  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  Lru lru_;  // most recently used first
  std::unordered_map<std::string, Lru::iterator> index_;
};

// Bearer tokens (by hash) already checked against the database, with the caller
// they belong to, until the token expires (caller.expires_at) or any account changes.
class TokenCache {
 public:
  using Clock = CacheClock;

  explicit TokenCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The caller for `token_hash` if stored with `stamp` less than kMaxAge before `now`
  // and not expired at `now`.
  const app::Caller* Find(const std::string& token_hash, std::uint64_t stamp,
                          Clock::time_point now);
  void Store(const app::Caller& caller, std::uint64_t stamp, Clock::time_point now);
  void Clear() { entries_.clear(); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    app::Caller caller;
    std::uint64_t stamp;
    Clock::time_point stored;
  };
  std::size_t max_entries_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace tudushka::api
