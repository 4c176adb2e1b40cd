// Quick add: a task typed the way people speak ("Купить молоко завтра в 18:00 !high #дом",
// "call mom fri 9am #family") split into a title and structured fields.
//
// Both vocabularies (Russian and English) are always active, because people mix them;
// `lang` is accepted for future tie-breaks and currently changes nothing.
//
// What is recognised (case-insensitive, "ё" = "е", whole words only):
//   days      сегодня, завтра, послезавтра, today, tomorrow, tmrw, day after tomorrow,
//             tonight; optionally followed by утром/днём/вечером or morning/afternoon/
//             evening/night ("tomorrow morning")
//   weekdays  понедельник..воскресенье in any case form, monday..sunday, tue/thu/fri; "mon",
//             "wed", "sat", "sun" and пн..вс are also ordinary words, so they count only after
//             a preposition or right before a time ("standup mon 9am"). "среда" also means
//             "environment", so its forms count only with the preposition of their case:
//             в/во/на среду, к/ко среде, до/с/со среды ("в эту среду", "на следующую
//             среду" too), and "среда" only right before a time ("среда 10:00");
//             "переменные среды", "тестовую среду", "в среде staging" stay text
//   leads     a date may start with в/во/на/к/ко/до/с/со/by/on/from/starting and with
//             следующий/этот/ближайший/next/this/coming; these words are consumed with it
//   dates     25 декабря [2027 [года]], Dec 25[th][, 2027], 25 Dec, the 4th of July, 25.12,
//             25.12.2027, 25.12.27, 25/12, 12/25, 2027-12-25, 25 числа
//   times     18:00, в 18:00, к 18:00, at 6pm, @ 10:00, 9am, 6 pm, 9:30pm, в 6 вечера,
//             в 9 утра, в 3 дня, в 2 часа ночи, в 18 часов, в полдень, at noon, утром, днём,
//             вечером, in the morning/afternoon/evening, this morning/afternoon/evening;
//             a bare hour next to a day: завтра в 9, в пятницу в 18, at 10 tomorrow
//   relative  через 2 часа / 30 минут / полчаса / пару дней / 3 дня / неделю / месяц / год,
//             in 3 days / 2 hours / 30 min / an hour / half an hour / a week / 3 months,
//             на следующей неделе, next week, в следующем месяце, next month, на выходных,
//             в выходные, this weekend, on the weekend
//   repeat    каждый день / каждую пятницу / каждый вторник и четверг / каждые 2 недели /
//             каждый будний день / по будням / по выходным / по понедельникам и средам /
//             ежедневно / еженедельно / ежемесячно [10 числа] / ежегодно [1 января] /
//             25 числа каждого месяца / каждый месяц 25 числа / каждое 15 число / каждый год
//             25 декабря; every day / every friday / every mon and thu / every 2 weeks /
//             every other day / every weekday / weekdays / every weekend / daily / weekly /
//             monthly [on the 25th] / yearly / annually [on Dec 24] / every month on the 1st /
//             on the 5th of every month / every 15th
//   reminder  напомни(ть) [мне] за час / за 30 минут / за полчаса / за день, напоминание за
//             ..., напомни в 17:00; remind [me] 30 min before, reminder an hour before,
//             remind [me] at 5pm
//   priority  !1 !2 !3, !low (1), !high !важно (2), !urgent !срочно (3), after a non-word
//             character and ending at a word boundary ("hello!high", "!highway" stay text)
//   tags      #name in any script, letters/digits/_ and inner '-' (#дом, #work-2), after a
//             non-word character ("C#" is no tag); duplicates compare case-insensitively
//
// Defaults and decisions:
//   утром / in the morning = 09:00, днём / in the afternoon = 13:00, вечером / in the
//   evening / tonight = 19:00, "tomorrow night" = 21:00, в полдень / noon = 12:00.
//   "в 6 вечера" = 18:00, "в 3 дня" = 15:00, "в 2 ночи" = 02:00, "в 9 утра" = 09:00; Russian
//   hours need "в"/"к" plus "час(а/ов)" or a part of the day ("в 2 раза" is no time), and
//   English ones am/pm or minutes ("meet at 5" stays text). The exception is a bare hour
//   (в/во/к/at/by/@ + 0 or 8..23) right before or after a day phrase (сегодня, завтра,
//   послезавтра, a weekday, a date): "завтра в 9" = 09:00, "в пятницу в 18" = 18:00, "at
//   10 tomorrow" = 10:00, read on a 24-hour clock. Hours 1..7 may mean either half of the
//   day, so "завтра в 5" gives the date and leaves "в 5" in the title. A number is no hour
//   when a unit, month, number, counted noun or glued sign follows ("завтра в 10 классе",
//   "в 10 раз", "к 10 числу", "at 10 stars", "в 9-м часу").
//   "в 12 ночи" is the midnight that ends the day: "сегодня в 12 ночи" = 00:00 tomorrow,
//   "в пятницу в 12 ночи" = 00:00 on Saturday, alone = the coming midnight. In a reminder
//   ("напомни в 12 ночи") and with a repeat rule it stays 00:00 of the day itself.
//   "next week" / "на следующей неделе" = Monday of next week (a date); "next month" /
//   "в следующем месяце" = the 1st of next month; "на выходных" / "this weekend" = the
//   coming Saturday (today when it is Saturday).
//   A bare weekday ("fri", "в пятницу", "next friday") is its next occurrence strictly after
//   today: said on a Friday, "в пятницу" is a week later.
//   "25.12" is day.month. "a/b" is day/month when b <= 12, month/day when a <= 12 < b
//   ("12/25"), otherwise no date. The month part of "d.m" and "d/m" must have two digits so
//   that "1.5 литра" and "1/2 cup" stay text. Two-digit years are 20yy.
//   A date without a year that is earlier than today means next year.
//   A time without a day is today, or tomorrow when that time has already passed; with a
//   day given, the time is used as is (even if in the past).
//   "через 2 часа" / "in 30 min" are exact offsets from now (due_at); "через 3 дня" / "in a
//   week" are dates (due_date).
//   A date-only phrase gives due_date; any time gives due_at, computed from local wall-clock
//   time in `tz` (nullptr = UTC) with rrule::ToInstant (DST gaps move forward, ambiguous
//   times take the earlier instant).
//   Recurrence: the due is the first occurrence on or after today (tomorrow or later when
//   today's time has passed) unless a date is also given, which then starts the series.
//   Reminders "за N" are relative to due_at, or to 09:00 on due_date; without any due the
//   reminder phrase is left in the title. "напомни в 17:00" is that time on the due day (or
//   the next 17:00 when there is no due).
//   Only the first phrase of each kind (date, time, recurrence, reminder, priority) is
//   used; later ones stay in the title. Bare numbers, ordinals and month names without a
//   day ("The 5th Wave", "2nd floor", "Route 66", "May the force", "в 2 раза больше") are
//   never dates. Separators left dangling at either end of the title (", - :") are dropped.
//
// Never throws (beyond std::bad_alloc). Invalid UTF-8 bytes are read as U+FFFD, one code
// point each, so offsets stay consistent and the title is always valid UTF-8.
// The title may be empty ("завтра"); the API layer answers that with 422.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tudushka::parser {

// A consumed part of the input: Unicode code-point offsets [start, end).
struct Span {
  int start = 0;
  int end = 0;
  std::string kind;  // date | time | recurrence | reminder | priority | tag
};

struct QuickAdd {
  std::string title;                               // input minus spans, whitespace collapsed
  std::optional<std::string> due_date;             // "YYYY-MM-DD" when no time was given
  std::optional<std::chrono::sys_seconds> due_at;  // when a time was given
  std::optional<std::chrono::sys_seconds> remind_at;
  int priority = 0;                       // 0 none, 1 low, 2 high, 3 urgent
  std::vector<std::string> tags;          // without '#', in order, deduplicated case-insensitively
  std::optional<std::string> recurrence;  // RRULE accepted by rrule::Validate
  std::vector<Span> spans;                // in input order
};

// Parses `text` for a user in `tz` (nullptr = UTC) at instant `now`. `lang` is "ru", "en"
// or "" (see above).
QuickAdd Parse(std::string_view text, const date::time_zone* tz, std::chrono::sys_seconds now,
               std::string_view lang);

}  // namespace tudushka::parser
