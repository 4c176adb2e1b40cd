// Recurrence rules: the RFC 5545 RRULE subset Tudushka stores in tasks.recurrence.
//
// Accepted parts (keys and values are case-insensitive, separated by ';'):
//   FREQ=DAILY|WEEKLY|MONTHLY|YEARLY   required
//   INTERVAL=n                         1..999, default 1
//   BYDAY=MO,TU,...                    weekdays; for MONTHLY also ordinals 1..5/-1..-5 (1MO, -1FR)
//   BYMONTHDAY=d,...                   1..31 or -31..-1 (from the end); not with WEEKLY
//   BYMONTH=m,...                      1..12
//   COUNT=n                            1..100000 (see "COUNT" below)
//   UNTIL=YYYYMMDD | YYYYMMDDTHHMMSSZ  inclusive; not together with COUNT
//   WKST=MO                            the default; other week starts are rejected
// Everything else (BYHOUR, BYSETPOS, BYWEEKNO, SECONDLY..HOURLY, unknown or repeated keys,
// empty parts, an "RRULE:" prefix) is rejected.
//
// There is no stored DTSTART: the task's current due is the series anchor. Defaults follow
// RFC 5545 with that anchor: WEEKLY without BYDAY repeats on the anchor's weekday, MONTHLY
// without BYDAY/BYMONTHDAY on the anchor's day of month (months without that day are
// skipped: the 31st never becomes the 30th), YEARLY on the anchor's month and day (Feb 29
// only in leap years). INTERVAL counts periods from the anchor's period (its day, its
// Monday-based week, its month, its year).
//
// COUNT counts the occurrences left, the current due (the anchor) included: FREQ=DAILY;
// COUNT=3 on a task due today means today, tomorrow and the day after. Moving to the next
// occurrence uses up the anchor and every occurrence skipped on the way, so the rule
// stored with the new due is rewritten with the smaller COUNT (WithCount); the series ends
// when the COUNT is used up. UNTIL is enforced as given.
#pragma once

#include <date/tz.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tudushka::rrule {

// Returns "" when `rule` is acceptable, otherwise a message for the user naming the part,
// e.g. "BYDAY: unknown weekday 'XX'".
std::string Validate(std::string_view rule);

// The first occurrence of a series that starts on `start` (the anchor), on or after
// `start`: `start` itself when it matches the rule, otherwise the next match. nullopt for
// an invalid rule or when UNTIL is already past.
std::optional<date::local_days> FirstDate(std::string_view rule, date::local_days start);

// The occurrence that follows `current_due` (a date-only task): the first occurrence
// strictly after max(current_due, today), so completing an overdue task skips the missed
// occurrences and never yields a date in the past. nullopt for an invalid rule, when UNTIL
// is exhausted or when the walk finds no occurrence within its limit (200000 days checked
// or the year 9999; e.g. BYMONTH=2;BYMONTHDAY=30 never occurs).
// A UTC UNTIL (UNTIL=...T...Z) ends the series with the local day in `tz` that contains it
// (a day's occurrence starts at its midnight; nullptr = UTC).
// With COUNT, `count_left` (when given) receives the COUNT to store with the result, and
// nullopt comes back once the COUNT is used up; without COUNT it is left alone.
std::optional<date::local_days> NextDate(std::string_view rule, date::local_days current_due,
                                         date::local_days today,
                                         const date::time_zone* tz = nullptr,
                                         std::optional<int>* count_left = nullptr);

// The same for a task due at an instant. Occurrences keep the local wall-clock time of
// `current_due` in `tz` (10:00 stays 10:00 across DST changes); the result is the first
// occurrence strictly after `current_due` whose instant is also strictly after `now`.
// Local times are turned into instants by ToInstant. `tz == nullptr` means UTC. Only the
// instant is stored, so a due that a DST gap once moved (02:30 -> 03:30) stays at 03:30.
std::optional<std::chrono::sys_seconds> NextInstant(std::string_view rule,
                                                    std::chrono::sys_seconds current_due,
                                                    std::chrono::sys_seconds now,
                                                    const date::time_zone* tz,
                                                    std::optional<int>* count_left = nullptr);

// `rule` with its COUNT part set to `count` (other parts as written).
std::string WithCount(std::string_view rule, int count);

// A local wall-clock time in `tz` as an instant, the way RFC 5545 resolves DST edges: a
// time inside a spring-forward gap moves forward by the gap (02:30 -> 03:30), an ambiguous
// time in the fall-back hour takes the earlier instant (the first 02:30). nullptr = UTC.
std::chrono::sys_seconds ToInstant(date::local_seconds local, const date::time_zone* tz);

// An instant as the local wall-clock time in `tz` (nullptr = UTC): ToInstant's inverse.
date::local_seconds ToLocal(std::chrono::sys_seconds t, const date::time_zone* tz);
// The local day in `tz` (nullptr = UTC) that contains the instant `t`.
date::local_days LocalDay(std::chrono::sys_seconds t, const date::time_zone* tz);

}  // namespace tudushka::rrule
