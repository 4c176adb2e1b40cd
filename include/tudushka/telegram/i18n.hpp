// The bot's user-facing strings in Russian and English. "{}" marks where Format puts
// its arguments, in order.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace tudushka::telegram {

enum class Lang { kEn, kRu };

enum class Msg {
  kHelp,
  kStartUnlinked,
  kLinked,
  kBadCode,
  kNeedLink,
  kUnlinked,
  kNotLinked,
  kAdded,
  kDue,
  kRemind,
  kRepeats,
  kPriority,
  kTags,
  kNoTitle,
  kUndoButton,
  kUndone,
  kListTitle,
  kTodayTitle,
  kNothingOpen,
  kNothingToday,
  kDoneNotFound,
  kDoneMany,
  kCompleted,
  kNextOccurrence,
  kTaskGone,
  kReminder,
  kDoneButton,
  kSnoozeButton,
  kTomorrowButton,
  kSnoozed,
  kLangSet,
  kLangUsage,
  kDigestOn,
  kDigestOff,
  kDigestUsage,
  kDigestTitle,
  kDigestEmpty,
  kOverdue,
  kUnknownCommand,
  kError,
};

// "ru" (and "ru-RU", ...) -> kRu; anything else -> kEn.
Lang ParseLang(std::string_view code);
const char* LangCode(Lang lang);

// The template of `msg` in `lang`.
const char* Text(Msg msg, Lang lang);

// Replaces each "{}" in `pattern` with the next argument (missing ones become "").
std::string Format(std::string_view pattern, std::initializer_list<std::string_view> args);

inline std::string Tr(Msg msg, Lang lang, std::initializer_list<std::string_view> args = {}) {
  return Format(Text(msg, lang), args);
}

}  // namespace tudushka::telegram
