#include "tudushka/http/metrics.hpp"

#include <sys/mman.h>

#include <cstdio>
#include <new>
#include <stdexcept>

namespace tudushka::http {

Metrics* Metrics::CreateShared() {
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
                "shared-memory counters need lock-free atomics");
  void* p =
      mmap(nullptr, sizeof(Metrics), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("mmap for metrics failed");
  return new (p) Metrics();  // anonymous mappings are zeroed: every counter starts at 0
}

void Metrics::RecordRequest(int route, int status, std::uint64_t micros) {
  if (route < 0 || route >= kMaxRoutes) route = kMaxRoutes - 1;
  int s = kStatusSlots - 1;
  for (size_t i = 0; i < kStatuses.size(); ++i)
    if (kStatuses[i] == status) s = static_cast<int>(i);
  int b = kBucketSlots - 1;
  for (size_t i = 0; i < kBucketsMicros.size(); ++i) {
    if (micros <= kBucketsMicros[i]) {
      b = static_cast<int>(i);
      break;
    }
  }
  requests_[route][s].fetch_add(1, std::memory_order_relaxed);
  buckets_[route][b].fetch_add(1, std::memory_order_relaxed);
  micros_sum_[route].fetch_add(micros, std::memory_order_relaxed);
}

std::string Metrics::Render(const std::vector<std::string>& route_names) const {
  std::string out;
  char line[512];
  auto name_of = [&](int r) {
    return r < static_cast<int>(route_names.size()) ? route_names[r] : std::string("unmatched");
  };
  out += "# HELP tudushka_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE tudushka_http_requests_total counter\n";
  for (int r = 0; r < kMaxRoutes; ++r) {
    for (int s = 0; s < kStatusSlots; ++s) {
      auto n = requests_[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string status = s < static_cast<int>(kStatuses.size()) ? std::to_string(kStatuses[s])
                                                                  : std::string("other");
      std::snprintf(line, sizeof line,
                    "tudushka_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
                    name_of(r).c_str(), status.c_str(), static_cast<unsigned long long>(n));
      out += line;
    }
  }
  out += "# HELP tudushka_http_request_duration_seconds Time from accept to response written.\n";
  out += "# TYPE tudushka_http_request_duration_seconds histogram\n";
  for (int r = 0; r < kMaxRoutes; ++r) {
    std::uint64_t total = 0;
    for (int b = 0; b < kBucketSlots; ++b) total += buckets_[r][b].load(std::memory_order_relaxed);
    if (total == 0) continue;
    std::uint64_t cumulative = 0;
    for (int b = 0; b < kBucketSlots; ++b) {
      cumulative += buckets_[r][b].load(std::memory_order_relaxed);
      std::string le = b < static_cast<int>(kBucketsMicros.size())
                           ? std::to_string(kBucketsMicros[b] / 1e6)
                           : std::string("+Inf");
      if (le != "+Inf") le.erase(le.find_last_not_of('0') + 1);
      std::snprintf(line, sizeof line,
                    "tudushka_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %llu\n",
                    name_of(r).c_str(), le.c_str(), static_cast<unsigned long long>(cumulative));
      out += line;
    }
    std::snprintf(line, sizeof line,
                  "tudushka_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
                  "tudushka_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                  name_of(r).c_str(), micros_sum_[r].load(std::memory_order_relaxed) / 1e6,
                  name_of(r).c_str(), static_cast<unsigned long long>(total));
    out += line;
  }
  auto counter = [&out](const std::string& name, const char* help,
                        const std::atomic<std::uint64_t>& value) {
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " +
           std::to_string(value.load(std::memory_order_relaxed)) + "\n";
  };
  counter("tudushka_worker_restarts_total", "Workers replaced after exiting.", worker_restarts_);
  counter("tudushka_db_errors_total", "Requests that failed on the database.", db_errors_);
  counter("tudushka_group_commits_total",
          "Transactions that committed the writes of several requests together.", group_commits_);
  counter("tudushka_grouped_requests_total", "Requests answered in a group commit.",
          grouped_requests_);
  out +=
      "# HELP tudushka_cache_lookups_total Worker cache lookups (checked tokens, rendered "
      "answers) by result.\n"
      "# TYPE tudushka_cache_lookups_total counter\n";
  const char* caches[kCaches] = {"token", "response"};
  for (int c = 0; c < kCaches; ++c)
    for (int hit = 0; hit < 2; ++hit) {
      std::snprintf(
          line, sizeof line, "tudushka_cache_lookups_total{cache=\"%s\",result=\"%s\"} %llu\n",
          caches[c], hit ? "hit" : "miss",
          static_cast<unsigned long long>(cache_lookups_[c][hit].load(std::memory_order_relaxed)));
      out += line;
    }
  return out;
}

}  // namespace tudushka::http
