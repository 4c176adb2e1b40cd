// Private to the parser: the phrase rules. Each rule tries to read one phrase starting at
// a token and describes what it means; the driver (quick_add.cpp) picks the longest phrase,
// applies it and resolves the result into dates and instants.
#pragma once

#include <date/date.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "text.hpp"

namespace tudushka::parser::detail {

struct Context {
  date::local_days today;
  bool about_dinner = false;  // see AboutDinner
};

// Whether the text is about dinner ("ужин", "поужинать", "dinner", "supper"): a bare hour
// 5..11 in it is then in the evening ("ужин завтра в 8" = 20:00).
bool AboutDinner(const std::vector<Token>& tokens);

// The meaning of one phrase. Several fields may be set ("tonight" = a date and a time).
struct Effect {
  const char* kind = "date";  // span kind
  std::optional<date::local_days> date;
  // Local time of day, minutes after midnight; 1440 and later ("в 12 ночи") is that time
  // on the next day.
  std::optional<int> minute;
  std::optional<std::chrono::minutes> from_now;  // exact offset: "через 2 часа"
  std::string rrule;                             // "" = none
  std::optional<int> remind_before;              // minutes before the due
  std::optional<int> remind_minute;              // reminder at this local time of the due day
  size_t time_from = static_cast<size_t>(-1);    // tokens from here on (relative) are a "time"
};

struct Match {
  size_t length;  // tokens
  Effect effect;
};

// Every phrase that starts at tokens[at], longest first.
void MatchesAt(const std::vector<Token>& tokens, size_t at, const Context& context,
               std::vector<Match>* out);

}  // namespace tudushka::parser::detail
