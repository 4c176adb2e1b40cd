#include "tudushka/telegram/i18n.hpp"

#include <iterator>

namespace tudushka::telegram {
namespace {

struct Entry {
  Msg msg;
  const char* en;
  const char* ru;
};

// Kept in enum order (checked below) so that Text() is an index, not a search.
constexpr Entry kStrings[] = {
    {Msg::kHelp,
     "Tudushka bot. Send any text to add a task, e.g. \"Buy milk tomorrow 18:00 #home\".\n"
     "/add <text> - add a task\n/today - due today and overdue\n/list - open tasks\n"
     "/done [text] - complete a task\n/digest <hour>|off - daily morning digest\n"
     "/lang ru|en - language\n/unlink - disconnect this chat",
     "Бот Тудушки. Отправьте любой текст, чтобы добавить задачу, например «Купить молоко "
     "завтра в 18:00 #дом».\n/add <текст> - добавить задачу\n/today - на сегодня и просроченные\n"
     "/list - открытые задачи\n/done [текст] - отметить выполненной\n"
     "/digest <час>|off - утренняя сводка\n/lang ru|en - язык\n/unlink - отвязать чат"},
    {Msg::kStartUnlinked,
     "Hi! To connect this chat to your Tudushka account, open Settings -> Telegram in the "
     "web app, get a code and send it here (or /start <code>).",
     "Привет! Чтобы связать этот чат с аккаунтом Тудушки, откройте в веб-приложении "
     "Настройки -> Telegram, получите код и пришлите его сюда (или /start <код>)."},
    {Msg::kLinked, "Linked to {}. Send me a task, or /help.",
     "Чат связан с аккаунтом {}. Пришлите задачу или /help."},
    {Msg::kBadCode, "This code is unknown or expired. Get a new one in the web app.",
     "Код не найден или устарел. Получите новый в веб-приложении."},
    {Msg::kNeedLink,
     "This chat is not linked yet. Send the code from the web app (Settings -> Telegram).",
     "Чат ещё не связан. Пришлите код из веб-приложения (Настройки -> Telegram)."},
    {Msg::kUnlinked, "This chat is unlinked. Send a new code to link it again.",
     "Чат отвязан. Пришлите новый код, чтобы связать снова."},
    {Msg::kNotLinked, "This chat is not linked.", "Этот чат не связан."},
    {Msg::kAdded, "Added: {}", "Добавлено: {}"},
    {Msg::kDue, "Due: {}", "Срок: {}"},
    {Msg::kRemind, "Reminder: {}", "Напоминание: {}"},
    {Msg::kRepeats, "Repeats: {}", "Повтор: {}"},
    {Msg::kPriority, "Priority: {}", "Приоритет: {}"},
    {Msg::kTags, "Tags: {}", "Теги: {}"},
    {Msg::kNoTitle, "I found no task title in that. Try \"Call mom tomorrow 10:00\".",
     "Не нашёл название задачи. Попробуйте «Позвонить маме завтра в 10:00»."},
    {Msg::kUndoButton, "↩ Undo", "↩ Отменить"},
    {Msg::kUndone, "Removed: {}", "Удалено: {}"},
    {Msg::kListTitle, "Open tasks ({}):", "Открытые задачи ({}):"},
    {Msg::kTodayTitle, "Today and overdue ({}):", "На сегодня и просроченные ({}):"},
    {Msg::kNothingOpen, "No open tasks. 🎉", "Открытых задач нет. 🎉"},
    {Msg::kNothingToday, "Nothing due today. 🎉", "На сегодня ничего. 🎉"},
    {Msg::kDoneNotFound, "No open task matches \"{}\".", "Нет открытой задачи с «{}»."},
    {Msg::kDoneMany, "Several tasks match; tap one:", "Подходит несколько задач, выберите:"},
    {Msg::kCompleted, "✅ Done: {}", "✅ Выполнено: {}"},
    {Msg::kNextOccurrence, "✅ Done: {} (next: {})", "✅ Выполнено: {} (следующий раз: {})"},
    {Msg::kTaskGone, "That task no longer exists.", "Этой задачи больше нет."},
    {Msg::kReminder, "⏰ {}", "⏰ {}"},
    {Msg::kDoneButton, "✅ Done", "✅ Готово"},
    {Msg::kSnoozeButton, "⏰ 1 h", "⏰ Через час"},
    {Msg::kTomorrowButton, "📅 Tomorrow", "📅 Завтра"},
    {Msg::kSnoozed, "⏰ {} - I will remind you at {}", "⏰ {} - напомню в {}"},
    {Msg::kLangSet, "Language: English", "Язык: русский"},
    {Msg::kLangUsage, "Usage: /lang ru or /lang en", "Использование: /lang ru или /lang en"},
    {Msg::kDigestOn, "Daily digest at {}:00 ({}).", "Утренняя сводка в {}:00 ({})."},
    {Msg::kDigestOff, "Daily digest is off.", "Утренняя сводка выключена."},
    {Msg::kDigestUsage, "Usage: /digest <hour 0-23> or /digest off",
     "Использование: /digest <час 0-23> или /digest off"},
    {Msg::kDigestTitle,
     "Good morning! Today and overdue ({}):", "Доброе утро! На сегодня и просроченные ({}):"},
    {Msg::kDigestEmpty, "Good morning! Nothing is due today.",
     "Доброе утро! На сегодня задач нет."},
    {Msg::kOverdue, "overdue", "просрочено"},
    {Msg::kUnknownCommand, "Unknown command. /help lists what I can do.",
     "Неизвестная команда. /help - что я умею."},
    {Msg::kError, "Something went wrong; please try again.",
     "Что-то пошло не так, попробуйте ещё раз."},
};

constexpr bool InOrder() {
  for (std::size_t i = 0; i < std::size(kStrings); ++i)
    if (static_cast<std::size_t>(kStrings[i].msg) != i) return false;
  return static_cast<std::size_t>(Msg::kError) + 1 == std::size(kStrings);
}
static_assert(InOrder(), "kStrings must list every Msg in enum order");

}  // namespace

Lang ParseLang(std::string_view code) { return code.substr(0, 2) == "ru" ? Lang::kRu : Lang::kEn; }

const char* LangCode(Lang lang) { return lang == Lang::kRu ? "ru" : "en"; }

const char* Text(Msg msg, Lang lang) {
  const Entry& e = kStrings[static_cast<std::size_t>(msg)];
  return lang == Lang::kRu ? e.ru : e.en;
}

std::string Format(std::string_view pattern, std::initializer_list<std::string_view> args) {
  std::string out;
  out.reserve(pattern.size() + 32);
  auto next = args.begin();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 1 < pattern.size() && pattern[i + 1] == '}') {
      if (next != args.end()) out.append(*next++);
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

}  // namespace tudushka::telegram
