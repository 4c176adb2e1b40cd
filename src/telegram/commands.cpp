#include "tudushka/telegram/commands.hpp"

#include <cctype>

#include "tudushka/app/errors.hpp"
#include "tudushka/app/tasks.hpp"
#include "tudushka/core/rrule.hpp"
#include "tudushka/core/time.hpp"
#include "tudushka/parser/quick_add.hpp"
#include "tudushka/telegram/i18n.hpp"

namespace tudushka::telegram {
namespace {

using std::chrono::sys_seconds;

constexpr std::size_t kListLimit = 20;
constexpr std::size_t kTitleInList = 60;  // code points

sys_seconds Now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string LocalTime(sys_seconds t, const date::time_zone* tz, Lang lang) {
  return date::format(lang == Lang::kRu ? "%d.%m.%Y %H:%M" : "%Y-%m-%d %H:%M",
                      rrule::ToLocal(t, tz));
}

std::string LocalDate(const std::string& ymd, Lang lang) {
  auto d = core::ParseDate(ymd);
  if (!d) return ymd;
  return lang == Lang::kRu ? date::format("%d.%m.%Y", *d) : ymd;
}

std::string FormatDue(const std::optional<std::string>& due_date,
                      const std::optional<std::string>& due_at, const date::time_zone* tz,
                      Lang lang) {
  if (due_date) return LocalDate(*due_date, lang);
  if (due_at)
    if (auto t = core::ParseInstant(*due_at))
      return LocalTime(std::chrono::floor<std::chrono::seconds>(*t), tz, lang);
  return "";
}

bool Overdue(const app::Task& t, const date::time_zone* tz) {
  if (t.due_at)
    if (auto at = core::ParseInstant(*t.due_at)) return *at < Now();
  if (t.due_date) {
    auto today = rrule::LocalDay(Now(), tz);
    if (auto d = core::ParseDate(*t.due_date)) return date::local_days(*d) < today;
  }
  return false;
}

// The first `n` code points of UTF-8 `s` (the API already validated it), "…" if cut.
std::string Truncate(const std::string& s, std::size_t n) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && count++ == n)
      return s.substr(0, i) + "…";
  }
  return s;
}

std::string Trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Link codes are 8 characters of core::RandomCode's alphabet; people may type them lowercase.
std::optional<std::string> AsLinkCode(const std::string& text) {
  if (text.size() != 8) return std::nullopt;
  std::string code;
  for (char c : text) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!((u >= 'A' && u <= 'Z' && u != 'O' && u != 'I') || (u >= '2' && u <= '9')))
      return std::nullopt;
    code += u;
  }
  return code;
}

const char* PriorityName(int p, Lang lang) {
  static constexpr const char* kEn[] = {"", "low", "high", "urgent"};
  static constexpr const char* kRu[] = {"", "низкий", "высокий", "срочно"};
  int i = p < 0 ? 0 : (p > 3 ? 3 : p);
  return (lang == Lang::kRu ? kRu : kEn)[i];
}

// Everything one update needs while it is being handled.
struct Turn {
  db::Connection& db;
  const Update& update;
  std::optional<ChatUser> user;
  Lang lang;
  std::vector<Outgoing> out;

  const date::time_zone* Zone() const { return core::FindZone(user->timezone); }
  void Say(const std::string& text, const Keyboard& keyboard = {}) {
    out.push_back(SendMessage(update.chat_id, text, keyboard));
  }
  void Say(Msg msg, std::initializer_list<std::string_view> args = {}) { Say(Tr(msg, lang, args)); }
};

// ---- task lists ----

enum class ListKind : char { kOpen = 'l', kToday = 't', kDigest = 'd' };

std::vector<app::Task> OpenTasks(Turn& t, const std::optional<std::string>& search = std::nullopt) {
  app::TaskQuery q;
  q.completed = false;
  q.q = search;
  q.ordering = "due_at";
  q.limit = kListLimit;
  return app::ListTasks(t.db, t.user->AsCaller(), q).results;
}

// Open tasks due before tomorrow (user's zone), overdue ones included.
std::vector<app::Task> TodayTasks(db::Connection& db, const ChatUser& user) {
  const date::time_zone* tz = core::FindZone(user.timezone);
  auto today = rrule::LocalDay(Now(), tz);
  app::TaskQuery q;
  q.completed = false;
  q.due_before = core::FormatDate(date::year_month_day(today + date::days(1)));
  q.ordering = "due_at";
  q.limit = kListLimit;
  return app::ListTasks(db, user.AsCaller(), q).results;
}

struct Rendered {
  std::string text;
  Keyboard keyboard;
};

Rendered RenderList(const std::vector<app::Task>& tasks, const std::string& heading, ListKind kind,
                    const date::time_zone* tz, Lang lang) {
  Rendered r{heading, {}};
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const app::Task& task = tasks[i];
    std::string n = std::to_string(i + 1);
    r.text += "\n" + n + ". " + Truncate(task.title, kTitleInList);
    std::string due = FormatDue(task.due_date, task.due_at, tz, lang);
    if (!due.empty()) r.text += " - " + due;
    if (Overdue(task, tz)) r.text += std::string(" (") + Text(Msg::kOverdue, lang) + ")";
    r.keyboard.push_back({{"✅ " + n + ". " + Truncate(task.title, 30),
                           "done:" + std::to_string(task.id) + ":" + static_cast<char>(kind)}});
  }
  return r;
}

Rendered RenderOpen(Turn& t) {
  auto tasks = OpenTasks(t);
  if (tasks.empty()) return {Tr(Msg::kNothingOpen, t.lang), {}};
  return RenderList(tasks, Tr(Msg::kListTitle, t.lang, {std::to_string(tasks.size())}),
                    ListKind::kOpen, t.Zone(), t.lang);
}

Rendered RenderToday(db::Connection& db, const ChatUser& user, Lang lang, bool digest) {
  auto tasks = TodayTasks(db, user);
  if (tasks.empty()) return {Tr(digest ? Msg::kDigestEmpty : Msg::kNothingToday, lang), {}};
  std::string n = std::to_string(tasks.size());
  return RenderList(tasks, Tr(digest ? Msg::kDigestTitle : Msg::kTodayTitle, lang, {n}),
                    digest ? ListKind::kDigest : ListKind::kToday, core::FindZone(user.timezone),
                    lang);
}

// ---- commands ----

// Redeems `code` and links the chat; false (and no reply) when the code is not valid.
bool LinkWith(Turn& t, const std::string& code) {
  auto user_id = RedeemLinkCode(t.db, code);
  if (!user_id) return false;
  LinkChat(t.db, *user_id, t.update.chat_id);
  t.user = UserByChat(t.db, t.update.chat_id);
  t.lang = ParseLang(t.user->language);
  t.Say(Msg::kLinked, {t.user->username});
  return true;
}

void TryLink(Turn& t, const std::string& code) {
  if (!LinkWith(t, code)) t.Say(Msg::kBadCode);
}

void QuickAdd(Turn& t, const std::string& text) {
  const date::time_zone* tz = t.Zone();
  parser::QuickAdd p = parser::Parse(text, tz, Now(), t.user->language);
  app::TaskInput in;
  in.title = p.title;
  in.priority = p.priority;
  in.tags = p.tags;
  if (p.due_date) in.due_date = p.due_date;
  if (p.due_at) in.due_at = core::FormatInstant(*p.due_at);
  if (p.remind_at) in.remind_at = core::FormatInstant(*p.remind_at);
  if (p.recurrence) in.recurrence = p.recurrence;
  app::Task task;
  try {
    task = app::CreateTask(t.db, t.user->AsCaller(), in);
  } catch (const app::Invalid& e) {
    if (e.fields.count("title")) return t.Say(Msg::kNoTitle);
    std::string why;
    for (const auto& [field, reason] : e.fields) why += field + " " + reason + "\n";
    return t.Say(Trim(why));
  }
  std::string reply = Tr(Msg::kAdded, t.lang, {task.title});
  auto line = [&](Msg m, const std::string& v) {
    if (!v.empty()) reply += "\n" + Tr(m, t.lang, {v});
  };
  line(Msg::kDue, FormatDue(task.due_date, task.due_at, tz, t.lang));
  if (p.remind_at) line(Msg::kRemind, LocalTime(*p.remind_at, tz, t.lang));
  line(Msg::kRepeats, task.recurrence.value_or(""));
  line(Msg::kPriority, PriorityName(task.priority, t.lang));
  std::string tags;
  for (const auto& tag : p.tags) tags += (tags.empty() ? "#" : " #") + tag;
  line(Msg::kTags, tags);
  t.Say(reply, {{{Text(Msg::kUndoButton, t.lang), "undo:" + std::to_string(task.id)}}});
}

// "Done: title", or "Done: title (next: ...)" for a recurring task that moved on.
std::string Completed(const Turn& t, const Completion& done) {
  if (!done.next) return Tr(Msg::kCompleted, t.lang, {done.task.title});
  std::optional<std::string> date, at;
  (done.task.due_date ? date : at) = done.next;
  return Tr(Msg::kNextOccurrence, t.lang, {done.task.title, FormatDue(date, at, t.Zone(), t.lang)});
}

void CompleteAndSay(Turn& t, std::int64_t task_id) {
  auto done = CompleteTask(t.db, t.user->AsCaller(), task_id);
  if (!done) return t.Say(Msg::kTaskGone);
  t.Say(Completed(t, *done));
}

void Done(Turn& t, const std::string& args) {
  if (args.empty()) {
    auto r = RenderOpen(t);
    return t.Say(r.text, r.keyboard);
  }
  auto matches = OpenTasks(t, args);
  if (matches.empty()) return t.Say(Msg::kDoneNotFound, {args});
  if (matches.size() == 1) return CompleteAndSay(t, matches[0].id);
  auto r = RenderList(matches, Tr(Msg::kDoneMany, t.lang), ListKind::kOpen, t.Zone(), t.lang);
  t.Say(r.text, r.keyboard);
}

void LangCommand(Turn& t, const std::string& args) {
  std::string want = Lower(args);
  if (want.empty()) want = t.lang == Lang::kRu ? "en" : "ru";  // bare /lang toggles
  if (want != "ru" && want != "en") return t.Say(Msg::kLangUsage);
  SetLanguage(t.db, t.user->id, want);
  t.user->language = want;
  t.lang = ParseLang(want);
  t.Say(Msg::kLangSet);
}

void DigestCommand(Turn& t, const std::string& args) {
  std::string a = Lower(args);
  if (a == "off" || a == "выкл") {
    SetDigestHour(t.db, t.user->id, std::nullopt);
    return t.Say(Msg::kDigestOff);
  }
  std::optional<int> hour = t.user->digest_hour;
  if (!a.empty()) {
    std::size_t digits = 0;
    while (digits < a.size() && digits < 2 && std::isdigit(static_cast<unsigned char>(a[digits])))
      ++digits;
    if (digits == 0 || (digits < a.size() && a[digits] != ':')) return t.Say(Msg::kDigestUsage);
    hour = std::stoi(a.substr(0, digits));
    if (*hour > 23) return t.Say(Msg::kDigestUsage);
    SetDigestHour(t.db, t.user->id, hour);
  }
  if (!hour) return t.Say(Msg::kDigestUsage);
  t.Say(Msg::kDigestOn, {std::to_string(*hour), t.user->timezone});
}

void Command(Turn& t, const std::string& name, const std::string& args) {
  if (name == "/start") {
    if (!args.empty()) return TryLink(t, AsLinkCode(args).value_or(args));
    return t.Say(t.user ? Msg::kHelp : Msg::kStartUnlinked);
  }
  if (name == "/help") return t.Say(t.user ? Msg::kHelp : Msg::kStartUnlinked);
  if (name == "/unlink")
    return t.Say(UnlinkChat(t.db, t.update.chat_id) ? Msg::kUnlinked : Msg::kNotLinked);
  if (!t.user) return t.Say(Msg::kNeedLink);
  if (name == "/add") return args.empty() ? t.Say(Msg::kHelp) : QuickAdd(t, args);
  if (name == "/list") {
    auto r = RenderOpen(t);
    return t.Say(r.text, r.keyboard);
  }
  if (name == "/today") {
    auto r = RenderToday(t.db, *t.user, t.lang, false);
    return t.Say(r.text, r.keyboard);
  }
  if (name == "/done") return Done(t, args);
  if (name == "/lang") return LangCommand(t, args);
  if (name == "/digest") return DigestCommand(t, args);
  t.Say(Msg::kUnknownCommand);
}

void Message(Turn& t) {
  std::string text = Trim(t.update.text);
  if (text.empty()) return;
  if (text[0] == '/') {
    auto space = text.find_first_of(" \n\t");
    std::string name = Lower(text.substr(0, space));
    name = name.substr(0, name.find('@'));  // "/list@TudushkaBot" in groups
    std::string args = space == std::string::npos ? "" : Trim(text.substr(space));
    return Command(t, name, args);
  }
  if (auto code = AsLinkCode(text)) {
    // A pasted code links; in a linked chat an 8-letter word that is no code is a task.
    if (!t.user) return TryLink(t, *code);
    if (LinkWith(t, *code)) return;
  }
  if (!t.user) return t.Say(Msg::kNeedLink);
  QuickAdd(t, text);
}

// ---- buttons ----

struct CallbackData {
  std::string action;
  std::int64_t task_id = 0;
  char source = 0;  // ListKind of the list a done: button belongs to, 'r' for a reminder
};

std::optional<CallbackData> ParseCallback(const std::string& data) {
  auto colon = data.find(':');
  if (colon == std::string::npos) return std::nullopt;
  CallbackData c;
  c.action = data.substr(0, colon);
  std::string rest = data.substr(colon + 1);
  auto colon2 = rest.find(':');
  if (colon2 != std::string::npos) {
    if (colon2 + 1 < rest.size()) c.source = rest[colon2 + 1];
    rest.resize(colon2);
  }
  if (rest.empty() || rest.size() > 18 || rest.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  c.task_id = std::stoll(rest);
  return c;
}

// Re-renders the list a button was pressed in, so the finished task disappears from it.
void RefreshList(Turn& t, char source) {
  Rendered r =
      source == static_cast<char>(ListKind::kOpen)
          ? RenderOpen(t)
          : RenderToday(t.db, *t.user, t.lang, source == static_cast<char>(ListKind::kDigest));
  t.out.push_back(EditMessage(t.update.chat_id, t.update.message_id, r.text, r.keyboard));
}

void Callback(Turn& t) {
  const Update& u = t.update;
  auto answer = [&](const std::string& text) {
    t.out.push_back(AnswerCallback(u.callback_id, text));
  };
  auto edit = [&](const std::string& text) {
    t.out.push_back(EditMessage(u.chat_id, u.message_id, text));
  };
  auto c = ParseCallback(u.data);
  if (!t.user) return answer(Tr(Msg::kNeedLink, t.lang));
  if (!c) return answer("");
  const app::Caller caller = t.user->AsCaller();
  if (c->action == "done") {
    auto done = CompleteTask(t.db, caller, c->task_id);
    if (!done) return answer(Tr(Msg::kTaskGone, t.lang));
    std::string text = Completed(t, *done);
    answer(text);
    if (c->source == 'r') return edit(text);
    return RefreshList(t, c->source);
  }
  if (c->action == "undo") {
    app::Task task;
    try {
      task = app::GetTask(t.db, caller.user_id, c->task_id);
      app::DeleteTask(t.db, caller.user_id, c->task_id);
    } catch (const app::NotFound&) {
      return answer(Tr(Msg::kTaskGone, t.lang));
    }
    std::string text = Tr(Msg::kUndone, t.lang, {task.title});
    answer(text);
    return edit(text);
  }
  if (c->action == "snz" || c->action == "tmr") {
    auto at = Now() + (c->action == "snz" ? std::chrono::hours(1) : std::chrono::hours(24));
    at = std::chrono::floor<std::chrono::minutes>(at);
    app::Task task;
    try {
      task = app::GetTask(t.db, caller.user_id, c->task_id);
    } catch (const app::NotFound&) {
      return answer(Tr(Msg::kTaskGone, t.lang));
    }
    SetReminder(t.db, caller.user_id, c->task_id, at);
    std::string text = Tr(Msg::kSnoozed, t.lang, {task.title, LocalTime(at, t.Zone(), t.lang)});
    answer(text);
    return edit(text);
  }
  answer("");
}

}  // namespace

std::vector<Outgoing> Dispatch(db::Connection& db, const Update& update) {
  if (update.kind == Update::Kind::kOther) return {};
  Turn t{db, update, UserByChat(db, update.chat_id), Lang::kEn, {}};
  t.lang = ParseLang(t.user ? t.user->language : update.language_code);
  if (update.kind == Update::Kind::kCallback)
    Callback(t);
  else
    Message(t);
  return std::move(t.out);
}

Outgoing ReminderMessage(const DueReminder& r) {
  Lang lang = ParseLang(r.language);
  const date::time_zone* tz = core::FindZone(r.timezone);
  std::string text = Tr(Msg::kReminder, lang, {r.title});
  std::string due = FormatDue(r.due_date, r.due_at, tz, lang);
  if (!due.empty()) text += "\n" + Tr(Msg::kDue, lang, {due});
  std::string id = std::to_string(r.task_id);
  Keyboard keyboard = {{{Text(Msg::kDoneButton, lang), "done:" + id + ":r"},
                        {Text(Msg::kSnoozeButton, lang), "snz:" + id},
                        {Text(Msg::kTomorrowButton, lang), "tmr:" + id}}};
  return SendMessage(r.chat_id, text, keyboard);
}

Outgoing DigestMessage(db::Connection& db, const DueDigest& d) {
  Lang lang = ParseLang(d.user.language);
  Rendered r = RenderToday(db, d.user, lang, true);
  return SendMessage(d.chat_id, r.text, r.keyboard);
}

}  // namespace tudushka::telegram
