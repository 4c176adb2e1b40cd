// Shared by the libFuzzer targets in this folder.
#pragma once

#include <date/tz.h>

#include <cstdint>
#include <cstdlib>
#include <iterator>

namespace tudushka::fuzz {

// A property that must hold: failing it aborts, which libFuzzer reports as a crash.
inline void Check(bool ok) {
  if (!ok) std::abort();
}

// A zone picked by an input byte: UTC (nullptr), zones with DST changes, and the odd
// offsets (+05:30, +05:45, Lord Howe's half-hour DST).
inline const date::time_zone* Zone(std::uint8_t selector) {
  static const date::time_zone* zones[] = {nullptr,
                                           date::locate_zone("Europe/Berlin"),
                                           date::locate_zone("America/New_York"),
                                           date::locate_zone("Europe/Moscow"),
                                           date::locate_zone("Asia/Kolkata"),
                                           date::locate_zone("Asia/Kathmandu"),
                                           date::locate_zone("Australia/Lord_Howe")};
  return zones[selector % std::size(zones)];
}

}  // namespace tudushka::fuzz
