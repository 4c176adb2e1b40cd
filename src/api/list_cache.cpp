#include "list_cache.hpp"

namespace tudushka::api {

const ListCache::Entry* ListCache::Find(const std::string& key, const std::string& state) {
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  if (it->second->second.state != state) {
    Erase(it);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->second;
}

void ListCache::Store(const std::string& key, Entry entry) {
  if (auto it = index_.find(key); it != index_.end()) Erase(it);
  std::size_t cost = Cost(key, entry);
  if (cost > max_bytes_ / 4) return;  // one huge page would evict everything else
  while (bytes_ + cost > max_bytes_ && !lru_.empty()) Erase(index_.find(lru_.back().first));
  lru_.emplace_front(key, std::move(entry));
  index_[key] = lru_.begin();
  bytes_ += cost;
}

void ListCache::Erase(std::unordered_map<std::string, Lru::iterator>::iterator it) {
  bytes_ -= Cost(it->second->first, it->second->second);
  lru_.erase(it->second);
  index_.erase(it);
}

}  // namespace tudushka::api
