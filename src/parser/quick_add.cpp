// Quick add driver: tokenize, take the longest phrase at each token whose kinds are still
// free (the first phrase of each kind wins), then turn the collected meaning into dates and
// instants in the user's time zone and cut the consumed spans out of the title.
#include "tudushka/parser/quick_add.hpp"

#include <algorithm>
#include <cstdio>

#include "rules.hpp"
#include "text.hpp"
#include "tudushka/core/rrule.hpp"

namespace tudushka::parser {
namespace {

using date::days;
using date::local_days;
using std::chrono::minutes;
using std::chrono::sys_seconds;
using namespace detail;

// Reminders relative to a date-only due count from this local time on the due day.
constexpr int kDateReminderBase = 9 * 60;

// What the phrases said, before resolution.
struct Collected {
  std::optional<local_days> date;
  std::optional<int> minute;
  std::optional<minutes> from_now;
  std::string rrule;
  std::optional<int> remind_before;
  std::optional<int> remind_minute;
  std::optional<size_t> reminder_span;
};

bool Fits(const Effect& e, const Collected& c) {
  bool date = e.date || e.from_now;
  bool time = e.minute || e.from_now;
  bool reminder = e.remind_before || e.remind_minute;
  return !(date && (c.date || c.from_now)) && !(time && (c.minute || c.from_now)) &&
         !(!e.rrule.empty() && !c.rrule.empty()) &&
         !(reminder && (c.remind_before || c.remind_minute));
}

void Apply(const Effect& e, Collected* c) {
  if (e.date) c->date = e.date;
  if (e.minute) c->minute = e.minute;
  if (e.from_now) c->from_now = e.from_now;
  if (!e.rrule.empty()) c->rrule = e.rrule;
  if (e.remind_before) c->remind_before = e.remind_before;
  if (e.remind_minute) c->remind_minute = e.remind_minute;
}

void AddSpans(const std::vector<Token>& tokens, size_t at, const Match& m,
              std::vector<Span>* spans) {
  size_t split = std::min(m.effect.time_from, m.length);
  if (split > 0) spans->push_back({tokens[at].start, tokens[at + split - 1].end, m.effect.kind});
  if (split < m.length)
    spans->push_back({tokens[at + split].start, tokens[at + m.length - 1].end, "time"});
}

// Tags keep their first spelling; "#Дом" after "#дом" is the same tag.
void AddTag(const Token& t, std::vector<std::string>* seen, QuickAdd* out) {
  if (std::find(seen->begin(), seen->end(), t.text) != seen->end()) return;
  seen->push_back(t.text);
  out->tags.push_back(t.raw);
}

class Resolver {
 public:
  Resolver(const date::time_zone* tz, sys_seconds now) : tz_(tz), now_(now) {
    today_ = rrule::LocalDay(now, tz);
  }

  local_days today() const { return today_; }

  sys_seconds At(local_days day, int minute) const {
    return rrule::ToInstant(day + minutes{minute}, tz_);
  }

  // Today at `minute`, or tomorrow when that has passed.
  local_days NextDayFor(int minute) const {
    return At(today_, minute) > now_ ? today_ : today_ + days{1};
  }

  // The first occurrence of a recurrence that has no explicit date.
  std::optional<local_days> FirstOccurrence(const std::string& rule,
                                            std::optional<int> minute) const {
    auto first = rrule::FirstDate(rule, today_);
    if (first && *first == today_ && minute && At(today_, *minute) <= now_)
      first = rrule::NextDate(rule, today_, today_);
    return first;
  }

  local_days LocalDay(sys_seconds t) const { return rrule::LocalDay(t, tz_); }

  sys_seconds now() const { return now_; }

 private:
  const date::time_zone* tz_;
  sys_seconds now_;
  local_days today_;
};

// "YYYY-MM-DD" without date::format, whose ostringstream costs more than the whole parse.
std::string IsoDate(local_days day) {
  date::year_month_day ymd{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

// Fills due_date / due_at / recurrence / remind_at; returns false when the reminder
// phrase had nothing to refer to (it then goes back into the title).
bool Resolve(Collected c, const Resolver& r, QuickAdd* out) {
  if (!c.rrule.empty() && rrule::Validate(c.rrule).empty()) {
    out->recurrence = c.rrule;
    // A series keeps the wall-clock time of its due on the rule's days, so "в 12 ночи"
    // (the end of the day) would move to the next day only for the first occurrence:
    // here it is 00:00 of the rule's days.
    if (c.minute) *c.minute %= 24 * 60;
    if (!c.date && !c.from_now) c.date = r.FirstOccurrence(c.rrule, c.minute);
  }
  std::optional<local_days> due_day;
  if (c.from_now) {
    out->due_at = r.now() + *c.from_now;
    due_day = r.LocalDay(*out->due_at);
  } else if (c.minute) {
    due_day = c.date ? *c.date : r.NextDayFor(*c.minute);
    out->due_at = r.At(*due_day, *c.minute);
  } else if (c.date) {
    due_day = c.date;
    out->due_date = IsoDate(*c.date);
  }
  if (c.remind_minute) {
    out->remind_at = r.At(due_day ? *due_day : r.NextDayFor(*c.remind_minute), *c.remind_minute);
  } else if (c.remind_before) {
    if (!due_day) return false;
    sys_seconds base = out->due_at ? *out->due_at : r.At(*due_day, kDateReminderBase);
    out->remind_at = base - minutes{*c.remind_before};
  }
  return true;
}

bool IsTitleTrim(char32_t cp) {
  return IsSpace(cp) || cp == ',' || cp == ';' || cp == ':' || cp == '-' || cp == 0x2013 ||
         cp == 0x2014;
}

bool IsClosingPunct(char32_t cp) {
  return cp == ',' || cp == '.' || cp == ';' || cp == ':' || cp == '!' || cp == '?' || cp == ')';
}

// The input without the spans: whitespace runs become one space, no space is left before
// closing punctuation that a removed phrase separated from its word, and separators left
// dangling at either end are dropped.
std::string BuildTitle(const std::u32string& text, const std::vector<Span>& spans) {
  std::vector<bool> removed(text.size(), false);
  for (const Span& s : spans) std::fill(removed.begin() + s.start, removed.begin() + s.end, true);
  std::u32string title;
  bool pending_space = false;
  bool after_removed = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char32_t cp = text[i];
    if (removed[i] || IsSpace(cp)) {
      after_removed = after_removed || removed[i];
      pending_space = !title.empty();
      continue;
    }
    bool glued = i + 1 == text.size() || !IsWordChar(text[i + 1]);
    if (pending_space && !(after_removed && glued && IsClosingPunct(cp))) title.push_back(' ');
    pending_space = after_removed = false;
    title.push_back(cp);
  }
  size_t begin = 0, end = title.size();
  while (begin < end && IsTitleTrim(title[begin])) ++begin;
  while (end > begin && IsTitleTrim(title[end - 1])) --end;
  return Encode(std::u32string_view(title).substr(begin, end - begin));
}

}  // namespace

QuickAdd Parse(std::string_view text, const date::time_zone* tz, sys_seconds now,
               std::string_view /*lang: both vocabularies are always on*/) {
  QuickAdd out;
  std::u32string cps = Decode(text);
  std::vector<Token> tokens = Tokenize(cps);
  Resolver resolver(tz, now);
  Context context{resolver.today(), AboutDinner(tokens)};
  Collected collected;
  std::vector<Match> matches;
  std::vector<std::string> tag_keys;
  for (size_t i = 0; i < tokens.size();) {
    const Token& t = tokens[i];
    if (t.kind == TokenKind::kTag) {
      AddTag(t, &tag_keys, &out);
      out.spans.push_back({t.start, t.end, "tag"});
    } else if (t.kind == TokenKind::kPriority && out.priority == 0) {
      out.priority = t.level;
      out.spans.push_back({t.start, t.end, "priority"});
    } else if (t.kind != TokenKind::kPriority) {
      MatchesAt(tokens, i, context, &matches);
      auto fit = std::find_if(matches.begin(), matches.end(),
                              [&](const Match& m) { return Fits(m.effect, collected); });
      if (fit != matches.end()) {
        Apply(fit->effect, &collected);
        if (fit->effect.remind_before || fit->effect.remind_minute)
          collected.reminder_span = out.spans.size();
        AddSpans(tokens, i, *fit, &out.spans);
        i += fit->length;
        continue;
      }
    }
    ++i;
  }
  if (!Resolve(collected, resolver, &out) && collected.reminder_span)
    out.spans.erase(out.spans.begin() + static_cast<std::ptrdiff_t>(*collected.reminder_span));
  out.title = BuildTitle(cps, out.spans);
  return out;
}

}  // namespace tudushka::parser
