// libFuzzer target for recurrence rules, which users store in tasks.recurrence and the API
// and the bot evaluate when a task is completed: any bytes must validate without a crash,
// a sanitizer report, an exception or a hang, and an accepted rule must step forward.
#include "fuzz_support.hpp"
#include "tudushka/core/rrule.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace rr = tudushka::rrule;
using date::days;
using date::local_days;
using tudushka::fuzz::Check;
using tudushka::fuzz::Zone;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first two bytes pick the anchor (around 2024's leap day and 2026's DST changes),
  // how overdue the task is and the zone; the rest is the rule.
  uint8_t a = size > 0 ? data[0] : 0, b = size > 1 ? data[1] : 0;
  std::string_view rule(reinterpret_cast<const char*>(data), size);
  rule.remove_prefix(size < 2 ? size : 2);

  std::string problem = rr::Validate(rule);
  if (!problem.empty()) {
    // A rejected rule is never stepped: the functions say so instead of guessing.
    Check(!rr::NextDate(rule, local_days{}, local_days{}).has_value());
    return 0;
  }

  local_days anchor = local_days{date::year{2024} / 2 / 20} + days{a * 5};
  local_days today = anchor + days{b % 64};
  std::optional<int> count_left;
  if (auto first = rr::FirstDate(rule, anchor)) Check(*first >= anchor);
  if (auto next = rr::NextDate(rule, anchor, today, Zone(b), &count_left)) {
    Check(*next > today && *next > anchor);
    if (count_left) {
      Check(*count_left >= 1);
      // The rule stored with the new due is itself acceptable.
      Check(rr::Validate(rr::WithCount(rule, *count_left)).empty());
    }
  }

  std::chrono::sys_seconds due =
      date::floor<std::chrono::seconds>(std::chrono::sys_days{anchor.time_since_epoch()} +
                                        std::chrono::minutes{(a * 37 + b * 11) % 1440});
  std::chrono::sys_seconds now = due + std::chrono::hours{b % 48};
  std::optional<int> instant_count;
  if (auto next = rr::NextInstant(rule, due, now, Zone(b), &instant_count)) {
    Check(*next > due && *next > now);
    if (instant_count) Check(*instant_count >= 1);
  }
  return 0;
}
