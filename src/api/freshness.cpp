#include "tudushka/api/freshness.hpp"

#include <sys/mman.h>

#include <charconv>
#include <new>
#include <stdexcept>

namespace tudushka::api {

Freshness* Freshness::CreateShared() {
  void* p =
      mmap(nullptr, sizeof(Freshness), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("mmap for the change counters failed");
  return new (p) Freshness();
}

void Freshness::Apply(std::string_view notice) {
  if (notice == "a") {
    BumpAccounts();
    return;
  }
  std::int64_t user = 0;
  if (notice.size() > 2 && notice.substr(0, 2) == "t:") {
    const char* end = notice.data() + notice.size();
    auto [ptr, ec] = std::from_chars(notice.data() + 2, end, user);
    if (ec == std::errc() && ptr == end) {
      BumpUser(user);
      return;
    }
  }
  BumpAccounts();
  for (auto& slot : users_) slot.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace tudushka::api
