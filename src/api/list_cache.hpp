// A worker's cache of rendered task lists. An entry is served only while the
// user's tasks fingerprint (read from PostgreSQL on every request) is unchanged,
// so it never serves stale data and workers stay stateless in every way that
// matters: a cold or evicted entry just costs the full query.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

namespace tudushka::api {

class ListCache {
 public:
  struct Entry {
    std::string state;  // the tasks fingerprint the body was rendered at
    std::string body;
    std::string etag;
  };

  explicit ListCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // The entry for `key` if it was rendered at `state`, else nullptr.
  const Entry* Find(const std::string& key, const std::string& state);
  void Store(const std::string& key, Entry entry);

 private:
  using Lru = std::list<std::pair<std::string, Entry>>;
  static std::size_t Cost(const std::string& key, const Entry& e) {
    return key.size() + e.state.size() + e.body.size() + e.etag.size() + 64;
  }
  void Erase(std::unordered_map<std::string, Lru::iterator>::iterator it);

  std::size_t max_bytes_;
  std::size_t bytes_ = 0;
  Lru lru_;  // most recently used first
  std::unordered_map<std::string, Lru::iterator> index_;
};

}  // namespace tudushka::api
