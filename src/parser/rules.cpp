// The phrase rules. Vocabulary lives in the tables at the top; each rule is a small
// function reading tokens through a Cursor, so a rule that fails leaves nothing consumed.
#include "rules.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <string_view>

namespace tudushka::parser::detail {
namespace {

using date::days;
using date::local_days;
using date::year_month_day;
using std::chrono::minutes;

// ---- vocabulary ----

template <class T>
struct Entry {
  std::string_view word;
  T value;
};

// What a weekday word needs around it to count as a day. The forms of "среда" also mean
// "environment" ("переменные среды", "тестовую среду", "в среде staging"), so they count
// only after the preposition of their case, and "среда" only right before a time.
enum class Need {
  kNothing,     // "пятницу", "friday"
  kLeadOrTime,  // also an ordinary word ("пн", "sun"): a preposition or a following time
  kTime,        // среда: "среда 10:00"
  kAccusative,  // среду: в/во/на ("в среду", "на следующую среду")
  kGenitive,    // среды: до/с/со ("до среды")
  kDative,      // среде: к/ко ("к среде"); "в среде" is never the day
};

struct WeekdayWord {
  std::string_view word;
  int day;  // 0 = Monday .. 6 = Sunday
  Need need;
};

constexpr Need kStrong = Need::kNothing;
constexpr Need kWeak = Need::kLeadOrTime;

constexpr WeekdayWord kWeekdays[] = {
    {"понедельник", 0, kStrong},
    {"понедельника", 0, kStrong},
    {"понедельнику", 0, kStrong},
    {"вторник", 1, kStrong},
    {"вторника", 1, kStrong},
    {"вторнику", 1, kStrong},
    {"среда", 2, Need::kTime},
    {"среду", 2, Need::kAccusative},
    {"среды", 2, Need::kGenitive},
    {"среде", 2, Need::kDative},
    {"четверг", 3, kStrong},
    {"четверга", 3, kStrong},
    {"четвергу", 3, kStrong},
    {"пятница", 4, kStrong},
    {"пятницу", 4, kStrong},
    {"пятницы", 4, kStrong},
    {"пятнице", 4, kStrong},
    {"суббота", 5, kStrong},
    {"субботу", 5, kStrong},
    {"субботы", 5, kStrong},
    {"субботе", 5, kStrong},
    {"воскресенье", 6, kStrong},
    {"воскресенья", 6, kStrong},
    {"воскресенью", 6, kStrong},
    {"пн", 0, kWeak},
    {"вт", 1, kWeak},
    {"ср", 2, kWeak},
    {"чт", 3, kWeak},
    {"пт", 4, kWeak},
    {"сб", 5, kWeak},
    {"вс", 6, kWeak},
    {"monday", 0, kStrong},
    {"tuesday", 1, kStrong},
    {"wednesday", 2, kStrong},
    {"thursday", 3, kStrong},
    {"friday", 4, kStrong},
    {"saturday", 5, kStrong},
    {"sunday", 6, kStrong},
    {"tue", 1, kStrong},
    {"tues", 1, kStrong},
    {"thu", 3, kStrong},
    {"thur", 3, kStrong},
    {"thurs", 3, kStrong},
    {"fri", 4, kStrong},
    {"mon", 0, kWeak},
    {"wed", 2, kWeak},
    {"sat", 5, kWeak},
    {"sun", 6, kWeak},
};

constexpr Entry<int> kWeekdayPlurals[] = {
    {"понедельникам", 0}, {"вторникам", 1}, {"средам", 2},       {"четвергам", 3},
    {"пятницам", 4},      {"субботам", 5},  {"воскресеньям", 6},
};

constexpr Entry<unsigned> kMonths[] = {
    {"января", 1},    {"февраля", 2},  {"марта", 3},   {"апреля", 4},    {"мая", 5},
    {"июня", 6},      {"июля", 7},     {"августа", 8}, {"сентября", 9},  {"октября", 10},
    {"ноября", 11},   {"декабря", 12}, {"jan", 1},     {"january", 1},   {"feb", 2},
    {"february", 2},  {"mar", 3},      {"march", 3},   {"apr", 4},       {"april", 4},
    {"may", 5},       {"jun", 6},      {"june", 6},    {"jul", 7},       {"july", 7},
    {"aug", 8},       {"august", 8},   {"sep", 9},     {"sept", 9},      {"september", 9},
    {"oct", 10},      {"october", 10}, {"nov", 11},    {"november", 11}, {"dec", 12},
    {"december", 12},
};

constexpr Entry<int> kNumberWords[] = {
    {"один", 1},   {"одну", 1},    {"одна", 1}, {"два", 2},   {"две", 2},   {"пару", 2},
    {"три", 3},    {"четыре", 4},  {"пять", 5}, {"шесть", 6}, {"семь", 7},  {"восемь", 8},
    {"девять", 9}, {"десять", 10}, {"a", 1},    {"an", 1},    {"one", 1},   {"two", 2},
    {"three", 3},  {"four", 4},    {"five", 5}, {"six", 6},   {"seven", 7}, {"eight", 8},
    {"nine", 9},   {"ten", 10},
};

enum class Unit { kMinute, kHour, kDay, kWeek, kMonth, kYear };

constexpr Entry<Unit> kUnits[] = {
    {"минуту", Unit::kMinute},  {"минуты", Unit::kMinute}, {"минут", Unit::kMinute},
    {"мин", Unit::kMinute},     {"час", Unit::kHour},      {"часа", Unit::kHour},
    {"часов", Unit::kHour},     {"день", Unit::kDay},      {"дня", Unit::kDay},
    {"дней", Unit::kDay},       {"сутки", Unit::kDay},     {"неделю", Unit::kWeek},
    {"недели", Unit::kWeek},    {"недель", Unit::kWeek},   {"неделя", Unit::kWeek},
    {"месяц", Unit::kMonth},    {"месяца", Unit::kMonth},  {"месяцев", Unit::kMonth},
    {"год", Unit::kYear},       {"года", Unit::kYear},     {"лет", Unit::kYear},
    {"min", Unit::kMinute},     {"mins", Unit::kMinute},   {"minute", Unit::kMinute},
    {"minutes", Unit::kMinute}, {"h", Unit::kHour},        {"hr", Unit::kHour},
    {"hrs", Unit::kHour},       {"hour", Unit::kHour},     {"hours", Unit::kHour},
    {"day", Unit::kDay},        {"days", Unit::kDay},      {"week", Unit::kWeek},
    {"weeks", Unit::kWeek},     {"month", Unit::kMonth},   {"months", Unit::kMonth},
    {"year", Unit::kYear},      {"years", Unit::kYear},
};

// Times of day named by words (minutes after midnight).
constexpr int kMorning = 9 * 60;
constexpr int kAfternoon = 13 * 60;
constexpr int kEvening = 19 * 60;
constexpr int kNight = 21 * 60;
constexpr int kNoon = 12 * 60;
constexpr int kDayEnd = 24 * 60;  // "в 12 ночи": times from here on belong to the next day

constexpr Entry<int> kTrailingDayParts[] = {
    {"утром", kMorning},       {"днем", kAfternoon},  {"вечером", kEvening}, {"morning", kMorning},
    {"afternoon", kAfternoon}, {"evening", kEvening}, {"night", kNight},
};

constexpr std::array<std::string_view, 7> kDayCodes = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
constexpr std::string_view kWeekdaysRule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR";
constexpr std::string_view kWeekendRule = "FREQ=WEEKLY;BYDAY=SA,SU";

// Prepositions that may open a date phrase and belong to it ("на завтра", "by friday").
constexpr std::string_view kDateLeads[] = {"на", "к",  "ко", "до",   "с",
                                           "со", "by", "on", "from", "starting"};

bool IsCyrillic(std::string_view word) { return !word.empty() && (word.front() & 0x80) != 0; }

template <class E, size_t N>
const E* Find(const E (&table)[N], std::string_view word) {
  if (word.empty()) return nullptr;
  for (const E& e : table) {
    if (e.word == word) return &e;
  }
  return nullptr;
}

// All ASCII digits, 1..4 of them.
std::optional<int> ToNumber(std::string_view w) {
  if (w.empty() || w.size() > 4) return std::nullopt;
  int n = 0;
  for (char ch : w) {
    if (ch < '0' || ch > '9') return std::nullopt;
    n = n * 10 + (ch - '0');
  }
  return n;
}

// "25th", "1st", "2nd", "3rd".
std::optional<int> ToOrdinal(std::string_view w) {
  if (w.size() < 3) return std::nullopt;
  std::string_view suffix = w.substr(w.size() - 2);
  if (suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th") return std::nullopt;
  return ToNumber(w.substr(0, w.size() - 2));
}

// ---- reading tokens ----

class Cursor {
 public:
  Cursor(const std::vector<Token>& tokens, size_t at) : tokens_(&tokens), start_(at), at_(at) {}

  size_t Consumed() const { return at_ - start_; }
  size_t Position() const { return at_; }
  const std::vector<Token>& Tokens() const { return *tokens_; }
  void Skip() { ++at_; }  // only after Word() returned a word

  std::string_view Word() const {
    if (at_ >= tokens_->size() || (*tokens_)[at_].kind != TokenKind::kWord) return {};
    return (*tokens_)[at_].text;
  }

  bool Eat(std::initializer_list<std::string_view> words) {
    std::string_view w = Word();
    if (w.empty() || std::find(words.begin(), words.end(), w) == words.end()) return false;
    ++at_;
    return true;
  }

  template <size_t N>
  bool EatAnyOf(const std::string_view (&words)[N]) {
    std::string_view w = Word();
    if (w.empty() || std::find(std::begin(words), std::end(words), w) == std::end(words))
      return false;
    ++at_;
    return true;
  }

  bool EatPunct(std::string_view p) {
    if (at_ >= tokens_->size() || (*tokens_)[at_].kind != TokenKind::kPunct ||
        (*tokens_)[at_].text != p)
      return false;
    ++at_;
    return true;
  }

  template <class E, size_t N>
  const E* EatFrom(const E (&table)[N]) {
    const E* e = Find(table, Word());
    if (e) ++at_;
    return e;
  }

  std::optional<int> EatNumber(int lo, int hi) { return EatIf(ToNumber(Word()), lo, hi); }

  // "25" or "25th".
  std::optional<int> EatOrdinal(int lo, int hi) {
    auto n = ToNumber(Word());
    return EatIf(n ? n : ToOrdinal(Word()), lo, hi);
  }

  std::optional<int> EatStrictOrdinal(int lo, int hi) { return EatIf(ToOrdinal(Word()), lo, hi); }

 private:
  std::optional<int> EatIf(std::optional<int> n, int lo, int hi) {
    if (!n || *n < lo || *n > hi) return std::nullopt;
    ++at_;
    return n;
  }

  const std::vector<Token>* tokens_;
  size_t start_;
  size_t at_;
};

// Runs `read` on a copy of `c` and keeps the progress only when it succeeds.
template <class F>
bool Try(Cursor& c, F read) {
  Cursor copy = c;
  if (!read(copy)) return false;
  c = copy;
  return true;
}

// ---- calendar helpers ----

date::weekday ToWeekday(int day) { return date::weekday{static_cast<unsigned>((day + 1) % 7)}; }

local_days OnOrAfter(local_days from, int day) {
  return from + (ToWeekday(day) - date::weekday{from});
}

local_days NextWeekday(local_days today, int day) { return OnOrAfter(today + days{1}, day); }

local_days NextMonday(local_days today) { return NextWeekday(today, 0); }

local_days AddMonths(local_days d, int n) {
  year_month_day ymd{d};
  auto moved = ymd.year() / ymd.month() / 1 + date::months{n};
  auto last = (moved.year() / moved.month() / date::last).day();
  return local_days{moved.year() / moved.month() / std::min(ymd.day(), last)};
}

// day.month[.year]; without a year the first such date on or after today.
std::optional<local_days> ResolveDate(const Context& ctx, int day, int month,
                                      std::optional<int> year) {
  auto make = [&](int y) {
    return year_month_day{date::year{y}, date::month{static_cast<unsigned>(month)},
                          date::day{static_cast<unsigned>(day)}};
  };
  if (year) {
    auto ymd = make(*year);
    return ymd.ok() ? std::optional(local_days{ymd}) : std::nullopt;
  }
  int this_year = static_cast<int>(year_month_day{ctx.today}.year());
  for (int y = this_year; y <= this_year + 8; ++y) {  // 8 years always reach a Feb 29
    auto ymd = make(y);
    if (ymd.ok() && local_days{ymd} >= ctx.today) return local_days{ymd};
  }
  return std::nullopt;
}

// "25 числа": the next day of month `day` on or after today.
std::optional<local_days> NextMonthDay(const Context& ctx, int day) {
  year_month_day t{ctx.today};
  for (int k = 0; k < 12; ++k) {
    auto month = t.year() / t.month() / 1 + date::months{k};
    year_month_day ymd{month.year(), month.month(), date::day{static_cast<unsigned>(day)}};
    if (ymd.ok() && local_days{ymd} >= ctx.today) return local_days{ymd};
  }
  return std::nullopt;
}

struct NumericDate {
  int day;
  int month;
  std::optional<int> year;
};

// 25.12, 25.12.2027, 25.12.27, 25/12, 12/25, 2027-12-25. The month part must have two
// digits so that "1.5" and "1/2" stay numbers.
std::optional<NumericDate> ParseNumericDate(std::string_view w) {
  char sep = 0;
  std::array<std::string_view, 3> parts;
  size_t count = 0;
  size_t from = 0;
  for (size_t i = 0; i <= w.size(); ++i) {
    if (i < w.size() && w[i] >= '0' && w[i] <= '9') continue;
    if (i < w.size()) {
      if (sep != 0 && w[i] != sep) return std::nullopt;
      sep = w[i];
    }
    if (count == parts.size()) return std::nullopt;
    parts[count++] = w.substr(from, i - from);
    from = i + 1;
  }
  if (count < 2 || (sep != '.' && sep != '/' && sep != '-')) return std::nullopt;
  auto num = [&](size_t k) { return *ToNumber(parts[k].substr(0, 4)); };
  for (size_t k = 0; k < count; ++k) {
    if (parts[k].empty() || parts[k].size() > 4) return std::nullopt;
  }
  if (sep == '-') {
    if (count != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2)
      return std::nullopt;
    return NumericDate{num(2), num(1), num(0)};
  }
  if (parts[0].size() > 2 || parts[1].size() != 2) return std::nullopt;
  std::optional<int> year;
  if (count == 3) {
    if (parts[2].size() != 2 && parts[2].size() != 4) return std::nullopt;
    year = parts[2].size() == 2 ? 2000 + num(2) : num(2);
  }
  int a = num(0), b = num(1);
  if (sep == '/' && b > 12 && a <= 12) return NumericDate{b, a, year};  // US month/day
  return NumericDate{a, b, year};
}

// ---- times ----

// A Russian part of the day after an hour: "в 6 вечера" = 18:00. nullopt when the pair
// makes no sense ("в 3 вечера"). "в 12 ночи" is the midnight that ends the day: hour 24
// (kDayEnd), which resolves to 00:00 of the next day ("сегодня в 12 ночи" = tonight).
std::optional<int> WithDayPart(int h, std::string_view part) {
  if (part == "утра" && h >= 1 && h <= 11) return h;
  if (part == "дня" && h == 12) return 12;
  if (part == "дня" && h >= 1 && h <= 6) return h + 12;
  if (part == "вечера" && h >= 4 && h <= 11) return h + 12;
  if (part == "ночи" && h == 12) return kDayEnd / 60;
  if (part == "ночи" && h >= 1 && h <= 5) return h;
  if (part == "ночи" && h >= 9 && h <= 11) return h + 12;
  return std::nullopt;
}

std::optional<int> WithMeridiem(int h, std::string_view meridiem) {
  if (h < 1 || h > 12) return std::nullopt;
  return meridiem == "pm" ? h % 12 + 12 : h % 12;
}

struct Clock {
  int hour;
  int minute;
  std::string_view meridiem;  // "", "am", "pm"
};

// "18:00", "9:30pm", "6pm" (a meridiem is required without a colon).
std::optional<Clock> ParseClock(std::string_view w) {
  std::string_view meridiem;
  if (w.size() > 2 && (w.ends_with("am") || w.ends_with("pm"))) {
    meridiem = w.substr(w.size() - 2);
    w.remove_suffix(2);
  }
  size_t colon = w.find(':');
  if (colon == std::string_view::npos) {
    auto h = ToNumber(w);
    if (!h || meridiem.empty() || w.size() > 2) return std::nullopt;
    return Clock{*h, 0, meridiem};
  }
  auto h = ToNumber(w.substr(0, colon));
  std::string_view m_text = w.substr(colon + 1);
  auto m = m_text.size() == 2 ? ToNumber(m_text) : std::nullopt;
  if (!h || !m || colon > 2 || *h > 23 || *m > 59) return std::nullopt;
  return Clock{*h, *m, meridiem};
}

// One clock time, with its preposition: "18:00", "в 18:00", "at 6pm", "6 pm", "в 6 вечера",
// "в 18 часов", "в 2 часа ночи", "at noon", "в полдень".
bool ReadClock(Cursor& c, int* minute) {
  bool lead = c.Eat({"в", "во", "at", "к", "by"}) || c.EatPunct("@");
  if (c.Eat({"noon", "полдень"})) {
    *minute = kNoon;
    return true;
  }
  if (auto clock = ParseClock(c.Word())) {
    c.Skip();
    std::string_view meridiem = clock->meridiem;
    if (meridiem.empty() && c.Eat({"am"})) meridiem = "am";
    if (meridiem.empty() && c.Eat({"pm"})) meridiem = "pm";
    std::optional<int> hour = clock->hour;
    if (!meridiem.empty()) hour = WithMeridiem(clock->hour, meridiem);
    if (!hour) return false;
    if (meridiem.empty()) {
      if (auto adjusted = WithDayPart(*hour, c.Word())) {
        hour = adjusted;
        c.Skip();
      }
    }
    *minute = *hour * 60 + clock->minute;
    return true;
  }
  auto h = ToNumber(c.Word());
  if (!h) return false;
  // "6 pm"
  if (Try(c, [&](Cursor& k) {
        k.Skip();
        auto hour = k.Eat({"am"})   ? WithMeridiem(*h, "am")
                    : k.Eat({"pm"}) ? WithMeridiem(*h, "pm")
                                    : std::nullopt;
        if (hour) *minute = *hour * 60;
        return hour.has_value();
      }))
    return true;
  // Russian hours need "в"/"к" and "час(а|ов)" or a part of the day: "в 2 раза" is no time.
  if (!lead || *h > 23) return false;
  c.Skip();
  bool hours_word = c.Eat({"час", "часа", "часов", "ч"});
  if (auto adjusted = WithDayPart(*h, c.Word())) {
    c.Skip();
    *minute = *adjusted * 60;
    return true;
  }
  if (!hours_word) return false;
  *minute = *h * 60;
  return true;
}

bool TimeFollows(Cursor c) {
  int minute;
  return ReadClock(c, &minute);
}

// Optional "morning"/"утром" right after a day: "tomorrow morning".
void ReadTrailingDayPart(Cursor& c, Effect* e) {
  size_t before = c.Consumed();
  if (auto part = c.EatFrom(kTrailingDayParts)) {
    e->minute = part->value;
    e->time_from = before;
  }
}

// ---- durations ----

int UnitMinutes(Unit u) {
  switch (u) {
    case Unit::kMinute:
      return 1;
    case Unit::kHour:
      return 60;
    case Unit::kDay:
      return 24 * 60;
    case Unit::kWeek:
      return 7 * 24 * 60;
    default:
      return 0;
  }
}

std::optional<int> EatAmount(Cursor& c) {
  if (auto n = c.EatNumber(1, 999)) return n;
  if (auto e = c.EatFrom(kNumberWords)) return e->value;
  return std::nullopt;
}

// "час", "30 минут", "2 дня", "полчаса", "an hour": minutes. `amount_required` for English.
std::optional<int> EatDuration(Cursor& c, bool amount_required) {
  if (c.Eat({"полчаса"})) return 30;
  if (Try(c, [](Cursor& k) { return k.Eat({"half"}) && k.Eat({"an"}) && k.Eat({"hour"}); }))
    return 30;
  auto n = EatAmount(c);
  if (!n && amount_required) return std::nullopt;
  auto unit = c.EatFrom(kUnits);
  if (!unit || UnitMinutes(unit->value) == 0) return std::nullopt;
  return n.value_or(1) * UnitMinutes(unit->value);
}

// ---- recurrence helpers ----

const char* FreqName(Unit u) {
  switch (u) {
    case Unit::kDay:
      return "DAILY";
    case Unit::kWeek:
      return "WEEKLY";
    case Unit::kMonth:
      return "MONTHLY";
    case Unit::kYear:
      return "YEARLY";
    default:
      return nullptr;
  }
}

std::string Freq(Unit u, int interval) {
  std::string rule = std::string("FREQ=") + FreqName(u);
  if (interval > 1) rule += ";INTERVAL=" + std::to_string(interval);
  return rule;
}

std::string WeeklyOn(std::vector<int> days) {
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  std::string rule = "FREQ=WEEKLY;BYDAY=";
  for (size_t i = 0; i < days.size(); ++i) {
    if (i > 0) rule += ',';
    rule += kDayCodes[days[i]];
  }
  return rule;
}

// "понедельник и среду", "mon, wed and fri" (weak words are fine after "every").
template <class E, size_t N>
bool ReadDayList(Cursor& c, const E (&table)[N], std::vector<int>* days) {
  auto first = c.EatFrom(table);
  if (!first) return false;
  days->push_back(first->value);
  for (;;) {
    bool more = Try(c, [&](Cursor& k) {
      if (!k.Eat({"и", "and"}) && !k.EatPunct(",")) return false;
      auto next = k.EatFrom(table);
      if (next) days->push_back(next->value);
      return next != nullptr;
    });
    if (!more) return true;
  }
}

// Weekday words as an Entry table view for ReadDayList.
struct WeekdayEntries {
  Entry<int> entries[std::size(kWeekdays)];
  constexpr WeekdayEntries() : entries() {
    for (size_t i = 0; i < std::size(kWeekdays); ++i) {
      entries[i] = {kWeekdays[i].word, kWeekdays[i].day};
    }
  }
};
constexpr WeekdayEntries kWeekdayEntries;

// "25 числа" after a monthly rule, "on the 25th" after "monthly".
std::optional<int> ReadMonthDay(Cursor& c) {
  std::optional<int> day;
  if (Try(c, [&](Cursor& k) {
        day = k.EatNumber(1, 31);
        return day && k.Eat({"числа"});
      }))
    return day;
  if (Try(c, [&](Cursor& k) {
        k.Eat({"on"});
        k.Eat({"the"});
        day = k.EatOrdinal(1, 31);
        return day.has_value();
      }))
    return day;
  return std::nullopt;
}

// "25 декабря", "Dec 25" after a yearly rule.
bool ReadYearlyDate(Cursor& c, std::string* rule) {
  return Try(c, [&](Cursor& k) {
    k.Eat({"on"});
    auto day = k.EatOrdinal(1, 31);
    auto month = k.EatFrom(kMonths);
    if (!day && month) day = k.EatOrdinal(1, 31);
    if (!day || !month) return false;
    if (!ResolveDate(Context{local_days{date::year{2028} / 1 / 1}}, *day, month->value, 2028))
      return false;  // 2028 is a leap year, so Feb 29 passes
    *rule += ";BYMONTH=" + std::to_string(month->value) + ";BYMONTHDAY=" + std::to_string(*day);
    return true;
  });
}

// Adds a monthly/yearly detail to a plain FREQ rule ("каждый месяц 25 числа").
void ReadRuleDetail(Cursor& c, Unit unit, int interval, std::string* rule) {
  if (unit == Unit::kMonth) {
    if (auto day = ReadMonthDay(c)) *rule += ";BYMONTHDAY=" + std::to_string(*day);
  } else if (unit == Unit::kYear && interval == 1) {
    ReadYearlyDate(c, rule);
  }
}

// ---- the rules ----

bool RelativeDay(Cursor& c, const Context& ctx, Effect* e) {
  c.EatAnyOf(kDateLeads);
  int offset;
  if (c.Eat({"сегодня", "today"})) {
    offset = 0;
  } else if (c.Eat({"завтра", "tomorrow", "tmrw"})) {
    offset = 1;
  } else if (c.Eat({"послезавтра"}) || Try(c, [](Cursor& k) {
               return k.Eat({"day"}) && k.Eat({"after"}) && k.Eat({"tomorrow"});
             })) {
    offset = 2;
  } else {
    return false;
  }
  e->date = ctx.today + days{offset};
  ReadTrailingDayPart(c, e);
  return true;
}

bool Tonight(Cursor& c, const Context& ctx, Effect* e) {
  if (!c.Eat({"tonight"})) return false;
  e->date = ctx.today;
  e->minute = kEvening;
  return true;
}

// Whether a weekday word after preposition `prep` ("" for none) and maybe a modifier
// ("эту", "next", ...) counts as a day; `rest` reads what follows it.
bool WeekdayFits(const WeekdayWord& word, std::string_view prep, bool modifier, Cursor rest) {
  auto prep_is = [&](std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), prep) != words.end();
  };
  switch (word.need) {
    case Need::kNothing:
      return true;
    case Need::kLeadOrTime:
      return !prep.empty() || modifier || TimeFollows(rest);
    case Need::kTime:
      return prep.empty() && !modifier && TimeFollows(rest);
    case Need::kAccusative:
      return prep_is({"в", "во", "на"});
    case Need::kGenitive:
      return prep_is({"до", "с", "со"});
    case Need::kDative:
      return prep_is({"к", "ко"});
  }
  return false;
}

bool Weekday(Cursor& c, const Context& ctx, Effect* e) {
  std::string_view prep = c.Word();
  if (!c.EatAnyOf(kDateLeads) && !c.Eat({"в", "во"})) prep = {};
  bool modifier = c.Eat({"следующий", "следующую", "следующее", "этот", "эту", "это", "ближайший",
                         "ближайшую", "ближайшее", "next", "this", "coming"});
  auto word = c.EatFrom(kWeekdays);
  if (!word || !WeekdayFits(*word, prep, modifier, c)) return false;
  e->date = NextWeekday(ctx.today, word->day);
  ReadTrailingDayPart(c, e);
  return true;
}

bool NumericDateRule(Cursor& c, const Context& ctx, Effect* e) {
  c.EatAnyOf(kDateLeads);
  auto parsed = ParseNumericDate(c.Word());
  if (!parsed) return false;
  c.Skip();
  e->date = ResolveDate(ctx, parsed->day, parsed->month, parsed->year);
  if (e->date && parsed->year) c.Eat({"г", "года"});
  return e->date.has_value();
}

std::optional<int> ReadYear(Cursor& c) {
  std::optional<int> year;
  Try(c, [&](Cursor& k) {
    k.EatPunct(",");
    year = k.EatNumber(2000, 2199);
    if (year) k.Eat({"г", "года"});
    return year.has_value();
  });
  return year;
}

// "25 декабря [2027]", "Dec 25[th][, 2027]", "25 Dec", "the 25th of December", "25 числа".
bool NamedDate(Cursor& c, const Context& ctx, Effect* e) {
  c.EatAnyOf(kDateLeads);
  bool the = c.Eat({"the"});
  std::optional<int> day;
  const Entry<unsigned>* month = nullptr;
  if ((day = c.EatOrdinal(1, 31))) {
    if (!the && c.Eat({"числа"})) {
      e->date = NextMonthDay(ctx, *day);
      return e->date.has_value();
    }
    c.Eat({"of"});
    month = c.EatFrom(kMonths);
  } else if (!the && (month = c.EatFrom(kMonths))) {
    c.Eat({"the"});
    day = c.EatOrdinal(1, 31);
  }
  if (!day || !month) return false;
  e->date = ResolveDate(ctx, *day, month->value, ReadYear(c));
  return e->date.has_value();
}

// Words after a number that make it a count or a measure, not an hour: "в 9 классе",
// "в 10 раз", "к 10 числу", "at 10 stars" (units, months and numbers are checked too).
constexpr std::string_view kCountWords[] = {
    "раз",       "раза",     "класс",    "класса",   "классе",    "классы",  "классов", "курс",
    "курса",     "курсе",    "этаж",     "этаже",    "этажа",     "году",    "годах",   "число",
    "числа",     "числу",    "кабинет",  "кабинете", "аудитории", "комнате", "школе",   "группе",
    "ряду",      "вагоне",   "палате",   "квартире", "подъезде",  "главе",   "серии",   "сезоне",
    "г",         "кг",       "гр",       "км",       "м",         "см",      "мм",      "л",
    "мл",        "шт",       "штук",     "штуки",    "руб",       "рублей",  "рубля",   "р",
    "процентов", "процента", "градусов", "градуса",  "человек",   "часу",    "times",   "stars",
    "star",      "percent",  "points",   "km",       "miles",     "kg",      "lbs",     "pounds",
    "dollars",   "euros",    "degrees",  "people",   "pages",     "items",
};

// Whether what `c` reads turns the number just read (ending at `number_end`) into a count:
// one of the words above, a unit, a month, another number, or a sign glued to it
// ("9-й", "10%", "9/10").
bool CountFollows(Cursor c, int number_end) {
  const auto& tokens = c.Tokens();
  if (c.Position() < tokens.size()) {
    const Token& t = tokens[c.Position()];
    if (t.kind == TokenKind::kPunct && t.start == number_end &&
        std::string_view(",.;:!?)").find(t.text) == std::string_view::npos)
      return true;
  }
  std::string_view w = c.Word();
  return ToNumber(w) || Find(kUnits, w) || Find(kMonths, w) ||
         std::find(std::begin(kCountWords), std::end(kCountWords), w) != std::end(kCountWords);
}

// "в 9", "к 18", "at 10": an hour on its own (no "часов", part of the day, am/pm or
// minutes). Hours 1..7 are not read: "в 5" may be 05:00 or 17:00. About dinner, 5..11
// are the evening's.
bool ReadBareHour(Cursor& c, const Context& ctx, int* minute) {
  if (!c.Eat({"в", "во", "к", "ко", "at", "by"}) && !c.EatPunct("@")) return false;
  auto h = ToNumber(c.Word());
  if (!h || *h > 23) return false;
  bool evening = ctx.about_dinner && *h >= 5 && *h <= 11;
  if (*h >= 1 && *h <= 7 && !evening) return false;
  int number_end = c.Tokens()[c.Position()].end;
  c.Skip();
  if (CountFollows(c, number_end)) return false;
  *minute = (evening ? *h + 12 : *h) * 60;
  return true;
}

// The rules that name a day, next to which a bare hour is a time: "завтра", "в пятницу",
// "25 декабря", "25.12".
constexpr bool (*kDayRules[])(Cursor&, const Context&, Effect*) = {RelativeDay, Weekday,
                                                                   NumericDateRule, NamedDate};

bool DayStartsAt(const Cursor& c, const Context& ctx) {
  for (auto rule : kDayRules) {
    Cursor k = c;
    Effect ignored;
    if (rule(k, ctx, &ignored) && k.Consumed() > 0) return true;
  }
  return false;
}

// Whether a day phrase ends right before token `end` (day phrases are at most ~6 tokens).
bool DayEndsAt(const std::vector<Token>& tokens, size_t end, const Context& ctx) {
  for (size_t from = end; from-- > 0 && end - from <= 8;) {
    for (auto rule : kDayRules) {
      Cursor k(tokens, from);
      Effect ignored;
      if (rule(k, ctx, &ignored) && from + k.Consumed() == end) return true;
    }
  }
  return false;
}

bool TimeOfDay(Cursor& c, const Context& ctx, Effect* e) {
  e->kind = "time";
  int minute;
  Cursor hour = c;
  if (ReadClock(c, &minute)) {
    e->minute = minute;
    return true;
  }
  // "завтра в 9", "в пятницу в 18", "at 9 tomorrow": a bare hour right next to a day.
  if (Try(hour, [&](Cursor& k) {
        return ReadBareHour(k, ctx, &minute) &&
               (DayStartsAt(k, ctx) || DayEndsAt(k.Tokens(), hour.Position(), ctx));
      })) {
    c = hour;
    e->minute = minute;
    return true;
  }
  if (auto part = c.EatFrom(kTrailingDayParts); part && IsCyrillic(part->word)) {
    e->minute = part->value;  // the Russian words stand alone: "утром", "вечером"
    return true;
  }
  if (!c.Eat({"this"}) && !(c.Eat({"in"}) && c.Eat({"the"}))) return false;
  auto part = c.EatFrom(kTrailingDayParts);
  if (!part || part->word == "night" || IsCyrillic(part->word)) return false;
  e->minute = part->value;
  return true;
}

// "через 2 часа", "через неделю", "in 3 days", "in an hour".
bool Relative(Cursor& c, const Context& ctx, Effect* e) {
  bool russian = c.Eat({"через"});
  if (!russian && !c.Eat({"in"})) return false;
  if (c.Eat({"полчаса"}) ||
      Try(c, [](Cursor& k) { return k.Eat({"half"}) && k.Eat({"an"}) && k.Eat({"hour"}); })) {
    e->kind = "time";
    e->from_now = minutes{30};
    return true;
  }
  auto n = EatAmount(c);
  if (!n && !russian) return false;
  auto unit = c.EatFrom(kUnits);
  if (!unit) return false;
  int count = n.value_or(1);
  switch (unit->value) {
    case Unit::kMinute:
    case Unit::kHour:
      e->kind = "time";
      e->from_now = minutes{count * UnitMinutes(unit->value)};
      return true;
    case Unit::kDay:
      e->date = ctx.today + days{count};
      return true;
    case Unit::kWeek:
      e->date = ctx.today + days{7 * count};
      return true;
    case Unit::kMonth:
      e->date = AddMonths(ctx.today, count);
      return true;
    case Unit::kYear:
      e->date = AddMonths(ctx.today, 12 * count);
      return true;
  }
  return false;
}

// "на следующей неделе", "next week", "next month", "на выходных", "this weekend".
bool NextPeriod(Cursor& c, const Context& ctx, Effect* e) {
  auto seq = [&](std::initializer_list<std::string_view> words) {
    return Try(c, [&](Cursor& k) {
      for (std::string_view w : words) {
        if (!k.Eat({w})) return false;
      }
      return true;
    });
  };
  if (seq({"на", "следующей", "неделе"}) || seq({"next", "week"})) {
    e->date = NextMonday(ctx.today);
  } else if (seq({"в", "следующем", "месяце"}) || seq({"next", "month"})) {
    e->date = AddMonths(ctx.today - (year_month_day{ctx.today}.day() - date::day{1}), 1);
  } else if (seq({"на", "выходных"}) || seq({"на", "этих", "выходных"}) || seq({"в", "выходные"}) ||
             seq({"this", "weekend"}) || seq({"on", "the", "weekend"})) {
    e->date = OnOrAfter(ctx.today, 5);
  } else {
    return false;
  }
  return true;
}

// "каждый день", "каждую пятницу", "каждые 2 недели", "каждый будний день",
// "каждое 25 число", "каждый месяц 25 числа", "каждый год 25 декабря".
bool RussianEvery(Cursor& c, const Context&, Effect* e) {
  if (!c.Eat({"каждый", "каждую", "каждое", "каждые"})) return false;
  if (c.Eat({"будний", "будние"})) {
    e->rrule = kWeekdaysRule;
    return c.Eat({"день", "дни"});
  }
  std::vector<int> days;
  if (ReadDayList(c, kWeekdayEntries.entries, &days)) {
    e->rrule = WeeklyOn(days);
    return true;
  }
  if (Try(c, [&](Cursor& k) {
        auto day = k.EatNumber(1, 31);
        if (day && k.Eat({"число"})) e->rrule = "FREQ=MONTHLY;BYMONTHDAY=" + std::to_string(*day);
        return !e->rrule.empty();
      }))
    return true;
  int interval = EatAmount(c).value_or(1);
  auto unit = c.EatFrom(kUnits);
  if (!unit || !FreqName(unit->value)) return false;
  e->rrule = Freq(unit->value, interval);
  ReadRuleDetail(c, unit->value, interval, &e->rrule);
  return true;
}

// "ежедневно", "ежемесячно 25 числа", "daily", "monthly on the 25th", "yearly".
bool Adverb(Cursor& c, const Context&, Effect* e) {
  static constexpr Entry<Unit> kAdverbs[] = {
      {"ежедневно", Unit::kDay}, {"еженедельно", Unit::kWeek}, {"ежемесячно", Unit::kMonth},
      {"ежегодно", Unit::kYear}, {"daily", Unit::kDay},        {"weekly", Unit::kWeek},
      {"monthly", Unit::kMonth}, {"yearly", Unit::kYear},      {"annually", Unit::kYear},
  };
  auto adverb = c.EatFrom(kAdverbs);
  if (!adverb) return false;
  e->rrule = Freq(adverb->value, 1);
  ReadRuleDetail(c, adverb->value, 1, &e->rrule);
  return true;
}

// "по будням", "по выходным", "по понедельникам и средам", "weekdays", "on weekends".
bool RussianPo(Cursor& c, const Context&, Effect* e) {
  if (c.Eat({"по"})) {
    if (c.Eat({"будням"})) {
      e->rrule = kWeekdaysRule;
      return true;
    }
    if (c.Eat({"выходным"})) {
      e->rrule = kWeekendRule;
      return true;
    }
    std::vector<int> days;
    if (!ReadDayList(c, kWeekdayPlurals, &days)) return false;
    e->rrule = WeeklyOn(days);
    return true;
  }
  c.Eat({"on"});
  if (c.Eat({"weekdays"})) {
    e->rrule = kWeekdaysRule;
  } else if (c.Eat({"weekends"})) {
    e->rrule = kWeekendRule;
  } else {
    return false;
  }
  return true;
}

// "25 числа каждого месяца", "on the 25th of every month".
bool MonthDayOfEveryMonth(Cursor& c, const Context&, Effect* e) {
  std::optional<int> day;
  bool russian = Try(c, [&](Cursor& k) {
    day = k.EatNumber(1, 31);
    return day && k.Eat({"числа"}) && k.Eat({"каждого"}) && k.Eat({"месяца"});
  });
  bool english = !russian && Try(c, [&](Cursor& k) {
    k.Eat({"on"});
    k.Eat({"the"});
    day = k.EatOrdinal(1, 31);
    return day && k.Eat({"of"}) && k.Eat({"every", "each"}) && k.Eat({"month"});
  });
  if (!russian && !english) return false;
  e->rrule = "FREQ=MONTHLY;BYMONTHDAY=" + std::to_string(*day);
  return true;
}

// "every day", "every friday", "every mon and thu", "every 2 weeks", "every other week",
// "every weekday", "every 25th", "every month on the 25th".
bool EnglishEvery(Cursor& c, const Context&, Effect* e) {
  if (!c.Eat({"every", "each"})) return false;
  if (c.Eat({"weekday"})) {
    e->rrule = kWeekdaysRule;
    return true;
  }
  if (c.Eat({"weekend"})) {
    e->rrule = kWeekendRule;
    return true;
  }
  std::vector<int> days;
  if (ReadDayList(c, kWeekdayEntries.entries, &days)) {
    e->rrule = WeeklyOn(days);
    return true;
  }
  if (auto day = c.EatStrictOrdinal(1, 31)) {
    Try(c, [](Cursor& k) { return k.Eat({"of"}) && k.Eat({"the"}) && k.Eat({"month"}); });
    e->rrule = "FREQ=MONTHLY;BYMONTHDAY=" + std::to_string(*day);
    return true;
  }
  int interval = c.Eat({"other"}) ? 2 : c.EatNumber(2, 999).value_or(1);
  auto unit = c.EatFrom(kUnits);
  if (!unit || !FreqName(unit->value)) return false;
  e->rrule = Freq(unit->value, interval);
  ReadRuleDetail(c, unit->value, interval, &e->rrule);
  return true;
}

// "напомни за час", "напомнить мне за 2 дня", "напомни в 17:00", "remind me 30 min before",
// "remind me at 5pm".
bool Reminder(Cursor& c, const Context&, Effect* e) {
  e->kind = "reminder";
  bool russian = c.Eat({"напомни", "напомнить", "напомните", "напоминание"});
  if (!russian && !c.Eat({"remind", "reminder"})) return false;
  c.Eat({"мне", "me"});
  int minute;
  if (ReadClock(c, &minute)) {
    // A reminder comes before its due: "напомни в 12 ночи" is the midnight that starts
    // the due day.
    e->remind_minute = minute % kDayEnd;
    return true;
  }
  if (russian && !c.Eat({"за"})) return false;
  auto before = EatDuration(c, !russian);
  if (!before) return false;
  if (russian) {
    c.Eat({"до"});
  } else if (!c.Eat({"before", "earlier", "ahead", "prior"})) {
    return false;
  }
  e->remind_before = *before;
  return true;
}

using Rule = bool (*)(Cursor&, const Context&, Effect*);

constexpr Rule kRules[] = {
    RelativeDay,  Tonight,    Weekday,      NumericDateRule, NamedDate, TimeOfDay,
    Relative,     NextPeriod, RussianEvery, Adverb,          RussianPo, MonthDayOfEveryMonth,
    EnglishEvery, Reminder,
};

}  // namespace

void MatchesAt(const std::vector<Token>& tokens, size_t at, const Context& context,
               std::vector<Match>* out) {
  out->clear();
  if (tokens[at].kind != TokenKind::kWord && tokens[at].text != "@") return;
  for (Rule rule : kRules) {
    Cursor c(tokens, at);
    Effect effect;
    if (!rule(c, context, &effect) || c.Consumed() == 0) continue;
    if (!effect.rrule.empty()) effect.kind = "recurrence";
    out->push_back({c.Consumed(), effect});
  }
  std::stable_sort(out->begin(), out->end(),
                   [](const Match& a, const Match& b) { return a.length > b.length; });
}

bool AboutDinner(const std::vector<Token>& tokens) {
  return std::any_of(tokens.begin(), tokens.end(), [](const Token& t) {
    return t.kind == TokenKind::kWord &&
           (t.text.starts_with("ужин") || t.text.starts_with("поужина") || t.text == "dinner" ||
            t.text == "supper");
  });
}

}  // namespace tudushka::parser::detail
