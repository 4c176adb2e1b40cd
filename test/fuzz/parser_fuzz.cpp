// libFuzzer target for the quick-add parser: any bytes must parse without a crash, a
// sanitizer report or an exception, and the result must be self-consistent.
#include "fuzz_support.hpp"
#include "tudushka/core/rrule.hpp"
#include "tudushka/parser/quick_add.hpp"

#include <cstdint>
#include <string_view>

using tudushka::fuzz::Check;
using tudushka::fuzz::Zone;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first byte picks the zone and "now" (around DST changes in 2026), the rest is text.
  uint8_t selector = size > 0 ? data[0] : 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size > 0) text.remove_prefix(1);
  // 2026-03-08 00:00Z plus up to 255 six-hour steps: spans both spring and autumn changes.
  std::chrono::sys_seconds now{std::chrono::seconds{1772928000LL + selector * 6LL * 3600}};
  auto result = tudushka::parser::Parse(text, Zone(selector), now, selector & 1 ? "ru" : "en");

  int last_end = 0;
  for (const auto& span : result.spans) {
    Check(span.start >= last_end && span.end > span.start);
    last_end = span.end;
  }
  Check(result.priority >= 0 && result.priority <= 3);
  Check(!(result.due_date && result.due_at));
  if (result.recurrence) Check(tudushka::rrule::Validate(*result.recurrence).empty());
  return 0;
}
