// Prometheus counters shared by the whole pool: one MAP_SHARED region made by
// the master before it forks, so every worker adds to the same numbers and any
// worker can render them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace tudushka::http {

class Metrics {
 public:
  static constexpr int kMaxRoutes = 64;  // the last slot counts unmatched paths
  static constexpr std::array<int, 19> kStatuses = {200, 201, 204, 304, 400, 401, 403,
                                                    404, 405, 409, 412, 413, 415, 422,
                                                    429, 500, 502, 503, 504};
  static constexpr std::array<std::uint64_t, 12> kBucketsMicros = {
      250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 5000000};

  // Maps the shared region; call once in the master. Never freed (lives as long as the pool).
  static Metrics* CreateShared();

  void RecordRequest(int route, int status, std::uint64_t micros);
  void RecordWorkerRestart() { worker_restarts_.fetch_add(1, std::memory_order_relaxed); }
  void RecordDbError() { db_errors_.fetch_add(1, std::memory_order_relaxed); }
  // One transaction committed the writes of `requests` requests (a group commit).
  void RecordGroupCommit(std::uint64_t requests) {
    group_commits_.fetch_add(1, std::memory_order_relaxed);
    grouped_requests_.fetch_add(requests, std::memory_order_relaxed);
  }
  // A worker cache lookup: which cache, and whether it answered.
  enum Cache { kTokenCache, kResponseCache, kCaches };
  void RecordCacheLookup(Cache cache, bool hit) {
    cache_lookups_[cache][hit ? 1 : 0].fetch_add(1, std::memory_order_relaxed);
  }

  // Prometheus text exposition (version 0.0.4). `route_names[i]` labels slot i.
  std::string Render(const std::vector<std::string>& route_names) const;

 private:
  static constexpr int kStatusSlots = kStatuses.size() + 1;       // + "other"
  static constexpr int kBucketSlots = kBucketsMicros.size() + 1;  // + "+Inf"

  std::atomic<std::uint64_t> requests_[kMaxRoutes][kStatusSlots];
  std::atomic<std::uint64_t> buckets_[kMaxRoutes][kBucketSlots];
  std::atomic<std::uint64_t> micros_sum_[kMaxRoutes];
  std::atomic<std::uint64_t> worker_restarts_;
  std::atomic<std::uint64_t> db_errors_;
  std::atomic<std::uint64_t> group_commits_;
  std::atomic<std::uint64_t> grouped_requests_;
  std::atomic<std::uint64_t> cache_lookups_[kCaches][2];  // [cache][miss, hit]
};

}  // namespace tudushka::http
