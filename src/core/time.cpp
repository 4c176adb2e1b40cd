#include "tudushka/core/time.hpp"

#include <cctype>
#include <cstdio>

namespace tudushka::core {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::string FormatInstant(Seconds t) { return date::format("%FT%TZ", t); }

std::string FormatInstant(Micros t) {
  return FormatInstant(std::chrono::floor<std::chrono::seconds>(t));
}

std::optional<date::year_month_day> ParseDate(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, y) || !Digits(s, 5, 2, m) ||
      !Digits(s, 8, 2, d))
    return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month(m), date::day(d)};
  if (!ymd.ok() || !InYearRange(ymd)) return std::nullopt;
  return ymd;
}

bool InYearRange(date::year_month_day d) {
  return d.year() >= date::year{1} && d.year() <= date::year{9999};
}

bool InYearRange(Micros t) { return InYearRange(date::year_month_day{date::floor<date::days>(t)}); }

std::string FormatDate(date::year_month_day d) { return date::format("%F", d); }

std::optional<Micros> ParseInstant(std::string_view s) {
  int hh, mm, ss;
  if (s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;
  auto day = ParseDate(s.substr(0, 10));
  if (!day || s[13] != ':' || s[16] != ':' || !Digits(s, 11, 2, hh) || !Digits(s, 14, 2, mm) ||
      !Digits(s, 17, 2, ss) || hh > 23 || mm > 59 || ss > 60)
    return std::nullopt;
  size_t pos = 19;
  std::chrono::microseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    long scale = 100000, us = 0;
    size_t start = pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      us += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start || pos - start > 9) return std::nullopt;
    frac = std::chrono::microseconds(us);
  }
  std::chrono::seconds offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (pos + 6 != s.size() || s[pos + 3] != ':' || !Digits(s, pos + 1, 2, oh) ||
        !Digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = std::chrono::hours(oh) + std::chrono::minutes(om);
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;  // an instant needs an offset
  }
  if (pos != s.size()) return std::nullopt;
  auto local = date::sys_days(*day) + std::chrono::hours(hh) + std::chrono::minutes(mm) +
               std::chrono::seconds(ss > 59 ? 59 : ss);
  Micros t = Micros(local - offset) + frac;
  if (!InYearRange(t)) return std::nullopt;
  return t;
}

const date::time_zone* FindZone(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

}  // namespace tudushka::core
