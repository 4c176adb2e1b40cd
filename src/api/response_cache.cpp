#include "tudushka/api/response_cache.hpp"

namespace tudushka::api {

const ResponseCache::Entry* ResponseCache::Find(const std::string& key, std::uint64_t stamp,
                                                CacheClock::time_point now) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  const Entry& e = it->second->second;
  if (e.stamp != stamp || now - e.stored >= kMaxAge) {
    Erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->second;
}

void ResponseCache::Store(const std::string& key, Entry entry) {
  if (auto it = index_.find(key); it != index_.end()) Erase(it);
  std::size_t cost = Cost(key, entry);
  if (cost > max_bytes_ / 4) return;  // one huge page would evict everything else
  while (bytes_ + cost > max_bytes_ && !lru_.empty()) Erase(index_.find(lru_.back().first));
  lru_.emplace_front(key, std::move(entry));
  index_[key] = lru_.begin();
  bytes_ += cost;
}

void ResponseCache::Clear() {
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

void ResponseCache::Erase(std::unordered_map<std::string, Lru::iterator>::iterator it) {
  bytes_ -= Cost(it->second->first, it->second->second);
  lru_.erase(it->second);
  index_.erase(it);
}

const app::Caller* TokenCache::Find(const std::string& token_hash, std::uint64_t stamp,
                                    Clock::time_point now) {
  auto it = entries_.find(token_hash);
  if (it == entries_.end()) return nullptr;
  const Entry& e = it->second;
  if (e.stamp != stamp || now >= Clock::from_time_t(e.caller.expires_at) ||
      now - e.stored >= kMaxAge) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second.caller;
}

void TokenCache::Store(const app::Caller& caller, std::uint64_t stamp, Clock::time_point now) {
  // Full: start over rather than track recency; tokens are cheap to check again.
  if (entries_.size() >= max_entries_ && !entries_.count(caller.token_hash)) entries_.clear();
  entries_[caller.token_hash] = Entry{caller, stamp, now};
}

}  // namespace tudushka::api
