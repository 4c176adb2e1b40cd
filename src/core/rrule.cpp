// RRULE subset: parse into a Rule, then walk days forward from the anchor, jumping over
// whole periods that cannot match. Matching is a filter ("is day X an occurrence?"), which
// is exact for this subset because BYSETPOS (the only part that needs the whole candidate
// set of a period) is not supported.
#include "tudushka/core/rrule.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <vector>

namespace tudushka::rrule {
namespace {

using date::days;
using date::local_days;
using date::year_month_day;
using std::chrono::sys_seconds;

enum class Freq { kDaily, kWeekly, kMonthly, kYearly };

struct DayRule {
  int ordinal;       // 0 = every such weekday; 1..5 / -1..-5 = nth (from the end) in the month
  unsigned weekday;  // date::weekday c_encoding, 0 = Sunday
};

struct Rule {
  Freq freq = Freq::kDaily;
  int interval = 1;
  std::vector<DayRule> by_day;
  std::vector<int> by_month_day;
  std::vector<unsigned> by_month;
  std::optional<local_days> until_date;   // UNTIL=YYYYMMDD
  std::optional<sys_seconds> until_time;  // UTC UNTIL=YYYYMMDDTHHMMSSZ
  std::optional<int> count;               // COUNT=n: occurrences left, the anchor's included
};

constexpr std::array<std::string_view, 7> kWeekdayCodes = {"SU", "MO", "TU", "WE",
                                                           "TH", "FR", "SA"};
constexpr std::array<std::string_view, 6> kUnsupported = {"BYSECOND",  "BYMINUTE", "BYHOUR",
                                                          "BYYEARDAY", "BYWEEKNO", "BYSETPOS"};
// Walking stops after this many steps: enough for any satisfiable rule with INTERVAL <= 999
// (years between leap days included), small enough to stay fast on unsatisfiable ones.
constexpr int kMaxSteps = 200000;
constexpr int kMaxYear = 9999;

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t from = 0;
  for (;;) {
    size_t at = s.find(sep, from);
    parts.push_back(s.substr(from, at == std::string_view::npos ? at : at - from));
    if (at == std::string_view::npos) return parts;
    from = at + 1;
  }
}

// A decimal integer with an optional sign, nothing else around it.
std::optional<int> ToInt(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 6) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return negative ? -value : value;
}

std::string Quote(std::string_view s) { return "'" + std::string(s.substr(0, 40)) + "'"; }

std::string ParseFreq(std::string_view v, Rule* r) {
  static constexpr std::pair<std::string_view, Freq> kFreqs[] = {{"DAILY", Freq::kDaily},
                                                                 {"WEEKLY", Freq::kWeekly},
                                                                 {"MONTHLY", Freq::kMonthly},
                                                                 {"YEARLY", Freq::kYearly}};
  for (auto [name, freq] : kFreqs) {
    if (v == name) {
      r->freq = freq;
      return "";
    }
  }
  if (v == "SECONDLY" || v == "MINUTELY" || v == "HOURLY")
    return "FREQ=" + std::string(v) + " is not supported";
  return "FREQ: unknown frequency " + Quote(v);
}

std::string ParseDayList(std::string_view v, Rule* r) {
  for (std::string_view item : Split(v, ',')) {
    if (item.size() < 2) return "BYDAY: unknown weekday " + Quote(item);
    std::string_view code = item.substr(item.size() - 2);
    auto it = std::find(kWeekdayCodes.begin(), kWeekdayCodes.end(), code);
    if (it == kWeekdayCodes.end()) return "BYDAY: unknown weekday " + Quote(code);
    int ordinal = 0;
    if (item.size() > 2) {
      auto n = ToInt(item.substr(0, item.size() - 2));
      if (!n || *n == 0 || *n > 5 || *n < -5) return "BYDAY: bad ordinal in " + Quote(item);
      ordinal = *n;
    }
    r->by_day.push_back({ordinal, static_cast<unsigned>(it - kWeekdayCodes.begin())});
  }
  return "";
}

std::string ParseIntList(std::string_view key, std::string_view v, int lo, int hi, bool negatives,
                         std::vector<int>* out) {
  for (std::string_view item : Split(v, ',')) {
    auto n = ToInt(item);
    bool in_range = n && ((*n >= lo && *n <= hi) || (negatives && *n <= -lo && *n >= -hi));
    if (!in_range) return std::string(key) + ": bad value " + Quote(item);
    out->push_back(*n);
  }
  return "";
}

std::string ParseUntil(std::string_view v, Rule* r) {
  auto digits = [&](size_t from, size_t n) { return ToInt(v.substr(from, n)); };
  bool shape = (v.size() == 8 || (v.size() == 16 && v[8] == 'T' && v[15] == 'Z')) &&
               std::all_of(v.begin(), v.begin() + 8, [](char c) { return c >= '0' && c <= '9'; });
  if (!shape) return "UNTIL: expected YYYYMMDD or YYYYMMDDTHHMMSSZ, got " + Quote(v);
  year_month_day ymd{date::year{*digits(0, 4)}, date::month(static_cast<unsigned>(*digits(4, 2))),
                     date::day(static_cast<unsigned>(*digits(6, 2)))};
  if (!ymd.ok()) return "UNTIL: no such date " + Quote(v);
  if (v.size() == 8) {
    r->until_date = local_days{ymd};
    return "";
  }
  auto h = digits(9, 2), m = digits(11, 2), s = digits(13, 2);
  if (!h || !m || !s || *h < 0 || *h > 23 || *m < 0 || *m > 59 || *s < 0 || *s > 60)
    return "UNTIL: bad time in " + Quote(v);
  r->until_time = date::sys_days{ymd} + std::chrono::hours(*h) + std::chrono::minutes(*m) +
                  std::chrono::seconds(*s);
  return "";
}

std::string ParseRule(std::string_view text, Rule* r) {
  if (text.empty()) return "empty rule";
  std::string upper = Upper(text);
  if (upper.rfind("RRULE:", 0) == 0) return "drop the 'RRULE:' prefix";
  std::vector<std::string> seen;
  bool has_count = false;
  for (std::string_view part : Split(upper, ';')) {
    size_t eq = part.find('=');
    if (part.empty()) return "empty rule part";
    if (eq == std::string_view::npos || eq == 0) return "expected KEY=VALUE, got " + Quote(part);
    std::string key(part.substr(0, eq));
    std::string_view value = part.substr(eq + 1);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) return key + " is given twice";
    seen.push_back(key);
    if (value.empty()) return key + ": empty value";
    std::string error;
    std::vector<int> numbers;
    if (key == "FREQ") {
      error = ParseFreq(value, r);
    } else if (key == "INTERVAL") {
      error = ParseIntList(key, value, 1, 999, false, &numbers);
      if (error.empty() && numbers.size() != 1) error = "INTERVAL: one number expected";
      if (error.empty()) r->interval = numbers[0];
    } else if (key == "BYDAY") {
      error = ParseDayList(value, r);
    } else if (key == "BYMONTHDAY") {
      error = ParseIntList(key, value, 1, 31, true, &r->by_month_day);
    } else if (key == "BYMONTH") {
      error = ParseIntList(key, value, 1, 12, false, &numbers);
      for (int m : numbers) r->by_month.push_back(static_cast<unsigned>(m));
    } else if (key == "COUNT") {
      error = ParseIntList(key, value, 1, 100000, false, &numbers);
      if (error.empty() && numbers.size() != 1) error = "COUNT: one number expected";
      if (error.empty()) r->count = numbers[0];
      has_count = true;
    } else if (key == "UNTIL") {
      error = ParseUntil(value, r);
    } else if (key == "WKST") {
      if (value != "MO") error = "WKST: only MO is supported";
    } else if (std::find(kUnsupported.begin(), kUnsupported.end(), key) != kUnsupported.end()) {
      error = key + " is not supported";
    } else {
      error = "unknown part " + Quote(key);
    }
    if (!error.empty()) return error;
  }
  if (std::find(seen.begin(), seen.end(), "FREQ") == seen.end()) return "FREQ is required";
  if (has_count && (r->until_date || r->until_time)) return "COUNT and UNTIL cannot be combined";
  if (r->freq == Freq::kWeekly && !r->by_month_day.empty())
    return "BYMONTHDAY cannot be used with FREQ=WEEKLY";
  bool ordinals = std::any_of(r->by_day.begin(), r->by_day.end(),
                              [](const DayRule& d) { return d.ordinal != 0; });
  if (ordinals && r->freq != Freq::kMonthly) return "BYDAY: ordinals (1MO, -1FR) need FREQ=MONTHLY";
  return "";
}

// ---- matching ----

int MonthIndex(const year_month_day& d) {
  return static_cast<int>(d.year()) * 12 + static_cast<int>(static_cast<unsigned>(d.month())) - 1;
}

local_days MondayOf(local_days d) { return d - (date::weekday{d} - date::Monday); }

// Number of whole periods between the anchor's period and day x's period.
int64_t PeriodIndex(const Rule& r, local_days anchor, local_days x) {
  switch (r.freq) {
    case Freq::kDaily:
      return (x - anchor).count();
    case Freq::kWeekly:
      return (MondayOf(x) - MondayOf(anchor)).count() / 7;
    case Freq::kMonthly:
      return MonthIndex(year_month_day{x}) - MonthIndex(year_month_day{anchor});
    case Freq::kYearly:
      return static_cast<int>(year_month_day{x}.year()) -
             static_cast<int>(year_month_day{anchor}.year());
  }
  return 0;
}

// The first day of the period after the one containing x.
local_days NextPeriodStart(const Rule& r, local_days x) {
  year_month_day ymd{x};
  switch (r.freq) {
    case Freq::kDaily:
      return x + days{1};
    case Freq::kWeekly:
      return MondayOf(x) + days{7};
    case Freq::kMonthly:
      return local_days{(ymd.year() / ymd.month() / 1) + date::months{1}};
    case Freq::kYearly:
      return local_days{(ymd.year() + date::years{1}) / 1 / 1};
  }
  return x + days{1};
}

bool MonthDayMatches(int want, const year_month_day& d) {
  unsigned last = static_cast<unsigned>((d.year() / d.month() / date::last).day());
  unsigned day = static_cast<unsigned>(d.day());
  return want > 0 ? day == static_cast<unsigned>(want)
                  : static_cast<int>(last) + want + 1 == static_cast<int>(day);
}

bool WeekdayMatches(const DayRule& want, local_days x, const year_month_day& d) {
  if (date::weekday{x}.c_encoding() != want.weekday) return false;
  if (want.ordinal == 0) return true;
  unsigned day = static_cast<unsigned>(d.day());
  unsigned last = static_cast<unsigned>((d.year() / d.month() / date::last).day());
  int nth = want.ordinal > 0 ? static_cast<int>((day - 1) / 7 + 1)
                             : -static_cast<int>((last - day) / 7 + 1);
  return nth == want.ordinal;
}

// Whether day x (in a period that is a multiple of INTERVAL from the anchor) is an occurrence.
bool DayMatches(const Rule& r, local_days anchor, local_days x) {
  year_month_day d{x}, a{anchor};
  if (!r.by_month.empty() && std::find(r.by_month.begin(), r.by_month.end(),
                                       static_cast<unsigned>(d.month())) == r.by_month.end())
    return false;
  if (!r.by_month_day.empty() && std::none_of(r.by_month_day.begin(), r.by_month_day.end(),
                                              [&](int m) { return MonthDayMatches(m, d); }))
    return false;
  if (!r.by_day.empty() && std::none_of(r.by_day.begin(), r.by_day.end(),
                                        [&](const DayRule& w) { return WeekdayMatches(w, x, d); }))
    return false;
  bool only_month = r.by_day.empty() && r.by_month_day.empty();
  switch (r.freq) {
    case Freq::kDaily:
      return true;
    case Freq::kWeekly:
      return !r.by_day.empty() || date::weekday{x} == date::weekday{anchor};
    case Freq::kMonthly:
      return !only_month || d.day() == a.day();
    case Freq::kYearly:
      if (!only_month) return true;
      return d.day() == a.day() && (!r.by_month.empty() || d.month() == a.month());
  }
  return false;
}

// The last local day an occurrence may fall on, if UNTIL is set. A UTC UNTIL is widened by
// a day here; NextInstant checks the exact instant.
std::optional<local_days> LastDay(const Rule& r) {
  if (r.until_date) return r.until_date;
  if (r.until_time)
    return local_days{date::floor<days>(*r.until_time).time_since_epoch()} + days{1};
  return std::nullopt;
}

// The first occurrence >= from of the series anchored at `anchor` (from >= anchor).
std::optional<local_days> FirstFrom(const Rule& r, local_days anchor, local_days from) {
  std::optional<local_days> last = LastDay(r);
  local_days x = from;
  for (int step = 0; step < kMaxSteps; ++step) {
    if (year_month_day{x}.year() > date::year{kMaxYear}) return std::nullopt;
    if (last && x > *last) return std::nullopt;
    int64_t period = PeriodIndex(r, anchor, x);
    if (period % r.interval != 0) {
      if (r.freq == Freq::kDaily) {
        x += days{r.interval - period % r.interval};
      } else {
        x = NextPeriodStart(r, x);
      }
      continue;
    }
    if (DayMatches(r, anchor, x)) return x;
    x += days{1};
  }
  return std::nullopt;
}

// With COUNT: how many occurrences are left from `next` on, after walking from the anchor
// (which always counts as the first, as DTSTART does in RFC 5545) past every occurrence
// before `next`; nullopt when `next` is beyond the COUNT. `left` is unset without COUNT.
bool WithinCount(const Rule& r, local_days anchor, local_days next, std::optional<int>* left) {
  if (!r.count) return true;
  int used = 1;  // the anchor
  for (local_days x = anchor + days{1}; used < *r.count;) {
    auto occurrence = FirstFrom(r, anchor, x);
    if (!occurrence || *occurrence >= next) break;
    ++used;
    x = *occurrence + days{1};
  }
  if (used >= *r.count) return false;
  if (left) *left = *r.count - used;
  return true;
}

std::optional<Rule> Compile(std::string_view text) {
  Rule r;
  if (!ParseRule(text, &r).empty()) return std::nullopt;
  return r;
}

}  // namespace

std::string Validate(std::string_view rule) {
  Rule r;
  return ParseRule(rule, &r);
}

std::optional<local_days> FirstDate(std::string_view rule, local_days start) {
  auto r = Compile(rule);
  if (!r) return std::nullopt;
  return FirstFrom(*r, start, start);
}

std::optional<local_days> NextDate(std::string_view rule, local_days current_due, local_days today,
                                   const date::time_zone* tz, std::optional<int>* count_left) {
  auto r = Compile(rule);
  if (!r) return std::nullopt;
  auto next = FirstFrom(*r, current_due, std::max(current_due, today) + days{1});
  // FirstFrom lets a UTC UNTIL through a day late (LastDay); here the zone is known.
  if (next && r->until_time && *next > LocalDay(*r->until_time, tz)) return std::nullopt;
  if (!next || !WithinCount(*r, current_due, *next, count_left)) return std::nullopt;
  return next;
}

std::optional<sys_seconds> NextInstant(std::string_view rule, sys_seconds current_due,
                                       sys_seconds now, const date::time_zone* tz,
                                       std::optional<int>* count_left) {
  auto r = Compile(rule);
  if (!r) return std::nullopt;
  date::local_seconds local = ToLocal(current_due, tz);
  local_days anchor = date::floor<days>(local);
  auto time_of_day = local - anchor;
  // Today's occurrence may still be ahead of `now`, so start the walk at today.
  local_days from = std::max(anchor + days{1}, LocalDay(now, tz));
  for (int i = 0; i < 3; ++i) {
    auto day = FirstFrom(*r, anchor, from);
    if (!day) return std::nullopt;
    sys_seconds at = ToInstant(*day + time_of_day, tz);
    if (r->until_time && at > *r->until_time) return std::nullopt;
    if (at > now && at > current_due) {
      if (!WithinCount(*r, anchor, *day, count_left)) return std::nullopt;
      return at;
    }
    from = *day + days{1};
  }
  return std::nullopt;
}

std::string WithCount(std::string_view rule, int count) {
  std::string out;
  for (std::string_view part : Split(rule, ';')) {
    if (!out.empty()) out += ';';
    if (Upper(part.substr(0, part.find('='))) == "COUNT")
      out += "COUNT=" + std::to_string(count);
    else
      out += part;
  }
  return out;
}

date::local_seconds ToLocal(sys_seconds t, const date::time_zone* tz) {
  return tz ? tz->to_local(t) : date::local_seconds{t.time_since_epoch()};
}

local_days LocalDay(sys_seconds t, const date::time_zone* tz) {
  return date::floor<days>(ToLocal(t, tz));
}

sys_seconds ToInstant(date::local_seconds local, const date::time_zone* tz) {
  sys_seconds naive{local.time_since_epoch()};
  if (!tz) return naive;
  // For unique and ambiguous times `first` is the (earlier) offset in effect; inside a gap
  // it is the offset before the gap, which moves the time forward by the gap's length.
  return naive - tz->get_info(local).first.offset;
}

}  // namespace tudushka::rrule
