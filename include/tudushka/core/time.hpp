// Time helpers: ISO 8601 text <-> instants and dates, IANA time zones (date/tz
// over the system tzdata, since GCC 12 has no C++20 time zones).
#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tudushka::core {

using Seconds = std::chrono::sys_seconds;
using Micros = std::chrono::sys_time<std::chrono::microseconds>;

// "2026-11-27T15:00:00Z" (UTC, whole seconds).
std::string FormatInstant(Seconds t);
std::string FormatInstant(Micros t);
// RFC 3339: "2026-11-27T18:00:00+03:00", "...Z", optional fraction. nullopt if malformed
// or, once in UTC, outside the years 0001 to 9999.
std::optional<Micros> ParseInstant(std::string_view text);

// "YYYY-MM-DD" for a valid calendar date in the years 0001 to 9999, else nullopt.
std::optional<date::year_month_day> ParseDate(std::string_view text);

// Whether an instant or a date lies in the years 0001 to 9999, the range every date and
// instant of the API stays in: the text forms above have four-digit years, and PostgreSQL
// has no year 0.
bool InYearRange(Micros t);
bool InYearRange(date::year_month_day d);
std::string FormatDate(date::year_month_day d);

// The IANA zone of that name, or nullptr if the system tzdata does not know it.
const date::time_zone* FindZone(std::string_view name);

}  // namespace tudushka::core
