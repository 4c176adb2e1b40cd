// The bot's SQL: update offset, chat links, task actions that must run inside the
// update's own transaction, and the reminder/digest claims.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tudushka/app/tasks.hpp"
#include "tudushka/db/db.hpp"

namespace tudushka::telegram {

// Every statement the bot prepares: its own plus the app's users and tasks.
std::vector<const db::Statement*> BotStatements();

// Advisory lock key held (session level) by the one instance allowed to poll.
constexpr std::int64_t kPollerLockKey = 7478435;
// true when this session now holds the poller lock.
bool TryPollerLock(db::Connection& db);

// The next offset, row-locked until the transaction ends (call inside one).
std::int64_t LockOffset(db::Connection& db);
// The next offset, without locking (to start a poll).
std::int64_t ReadOffset(db::Connection& db);
void SaveOffset(db::Connection& db, std::int64_t next_offset);

// The account a chat is linked to.
struct ChatUser {
  std::int64_t id = 0;
  std::string username;
  std::string language;
  std::string timezone;
  std::optional<int> digest_hour;
  app::Caller AsCaller() const { return {id, timezone, language, ""}; }
};
std::optional<ChatUser> UserByChat(db::Connection& db, std::int64_t chat_id);

// Consumes a one-time link code (valid and unexpired); returns its user id.
std::optional<std::int64_t> RedeemLinkCode(db::Connection& db, const std::string& code);
// Links `chat_id` to the user (a chat links to one account: any older link moves).
void LinkChat(db::Connection& db, std::int64_t user_id, std::int64_t chat_id);
bool UnlinkChat(db::Connection& db, std::int64_t chat_id);
void SetLanguage(db::Connection& db, std::int64_t user_id, const std::string& language);
void SetDigestHour(db::Connection& db, std::int64_t user_id, std::optional<int> hour);

// Completing a task from the chat. For a recurring task with a due this moves due and
// reminder to the next occurrence (the same rule as app::UpdateTask, which cannot be used
// here because it opens its own transaction). nullopt: not the user's task, or already done.
struct Completion {
  app::Task task;                   // as it was
  std::optional<std::string> next;  // the next due (ISO date or instant) of a recurring task
};
std::optional<Completion> CompleteTask(db::Connection& db, const app::Caller& caller,
                                       std::int64_t task_id);
// Sets remind_at; false when the task is not the user's.
bool SetReminder(db::Connection& db, std::int64_t user_id, std::int64_t task_id,
                 std::chrono::sys_seconds at);

// A reminder claimed for sending: marked sent (reminded_for = remind_at) in the claiming
// transaction, so it is sent at most once even across restarts.
struct DueReminder {
  std::int64_t task_id = 0;
  std::int64_t chat_id = 0;
  std::string title;
  std::optional<std::string> due_date;
  std::optional<std::string> due_at;
  std::string remind_at;
  std::string language;
  std::string timezone;
};
// Claims up to 50 due reminders (remind_at <= now, within the last 24 h, task open, chat
// linked) and commits the claim.
std::vector<DueReminder> ClaimReminders(db::Connection& db);
// Gives a claim back after a send that failed for a passing reason (unless the reminder was
// changed meanwhile), so the next scheduler round tries again.
void ReleaseReminder(db::Connection& db, std::int64_t task_id, const std::string& remind_at);

struct DueDigest {
  ChatUser user;
  std::int64_t chat_id = 0;
};
// Claims the digests due now (local hour == digest_hour, not yet sent for the local date)
// and commits the claim.
std::vector<DueDigest> ClaimDigests(db::Connection& db);
void ReleaseDigest(db::Connection& db, std::int64_t user_id);

}  // namespace tudushka::telegram
