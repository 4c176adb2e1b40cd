#include "tudushka/telegram/store.hpp"

#include "tudushka/app/users.hpp"
#include "tudushka/core/rrule.hpp"
#include "tudushka/core/time.hpp"

namespace tudushka::telegram {
namespace {

const db::Statement kTryLock{"tg_try_lock", "SELECT pg_try_advisory_lock($1)"};
const db::Statement kOffsetLock{
    "tg_offset_lock", "SELECT next_offset FROM telegram_bot_state WHERE id = 1 FOR UPDATE"};
const db::Statement kOffsetRead{"tg_offset_read",
                                "SELECT next_offset FROM telegram_bot_state WHERE id = 1"};
const db::Statement kOffsetSave{
    "tg_offset_save",
    "UPDATE telegram_bot_state SET next_offset = $1, updated_at = now() WHERE id = 1"};
const db::Statement kUserByChat{
    "tg_user_by_chat",
    "SELECT id, username, language, timezone, digest_hour FROM users WHERE telegram_chat_id = $1"};
const db::Statement kRedeem{
    "tg_redeem",
    "DELETE FROM telegram_link_codes WHERE code = $1 AND expires_at > now() RETURNING user_id"};
const db::Statement kClearChat{
    "tg_clear_chat", "UPDATE users SET telegram_chat_id = NULL WHERE telegram_chat_id = $1"};
const db::Statement kLink{"tg_link", "UPDATE users SET telegram_chat_id = $2 WHERE id = $1"};
const db::Statement kSetLang{"tg_set_lang", "UPDATE users SET language = $2 WHERE id = $1"};
const db::Statement kSetDigest{"tg_set_digest", "UPDATE users SET digest_hour = $2 WHERE id = $1"};
const db::Statement kTaskForUpdate{
    "tg_task_for_update",
    "SELECT title, completed, due_date::text, due_at, remind_at, "
    "recurrence FROM tasks WHERE id = $1 AND user_id = $2 FOR UPDATE"};
const db::Statement kTaskComplete{
    "tg_task_complete",
    "UPDATE tasks SET completed = true, completed_at = now(), updated_at = now() "
    "WHERE id = $1 AND user_id = $2"};
const db::Statement kTaskAdvance{
    "tg_task_advance",
    "UPDATE tasks SET due_date = $3, due_at = $4, remind_at = $5, recurrence = $6, "
    "updated_at = now() WHERE id = $1 AND user_id = $2"};
const db::Statement kSetReminder{
    "tg_set_reminder",
    "UPDATE tasks SET remind_at = $3, updated_at = now() WHERE id = $1 AND user_id = $2"};
// One statement claims and marks: atomic without an explicit transaction, and SKIP LOCKED
// keeps two bots (or a task being edited) from waiting on each other.
const db::Statement kClaimReminders{
    "tg_claim_reminders",
    "WITH due AS (SELECT t.id FROM tasks t JOIN users u ON u.id = t.user_id "
    "  WHERE t.remind_at <= now() AND t.remind_at > now() - interval '24 hours' "
    "  AND NOT t.completed AND t.reminded_for IS DISTINCT FROM t.remind_at "
    "  AND u.telegram_chat_id IS NOT NULL ORDER BY t.remind_at LIMIT 50 FOR UPDATE OF t SKIP "
    "LOCKED) "
    "UPDATE tasks t SET reminded_for = t.remind_at FROM due, users u "
    "WHERE t.id = due.id AND u.id = t.user_id "
    "RETURNING t.id, u.telegram_chat_id, t.title, t.due_date::text, t.due_at, t.remind_at, "
    "u.language, u.timezone"};
const db::Statement kClaimDigests{
    "tg_claim_digests",
    "WITH due AS (SELECT id FROM users WHERE telegram_chat_id IS NOT NULL "
    "  AND digest_hour IS NOT NULL "
    "  AND extract(hour FROM now() AT TIME ZONE timezone) = digest_hour "
    "  AND digest_sent_on IS DISTINCT FROM (now() AT TIME ZONE timezone)::date "
    "  LIMIT 50 FOR UPDATE SKIP LOCKED) "
    "UPDATE users u SET digest_sent_on = (now() AT TIME ZONE u.timezone)::date FROM due "
    "WHERE u.id = due.id "
    "RETURNING u.id, u.username, u.language, u.timezone, u.digest_hour, u.telegram_chat_id"};

const db::Statement kReleaseReminder{
    "tg_release_reminder",
    "UPDATE tasks SET reminded_for = NULL WHERE id = $1 AND reminded_for = $2::timestamptz"};
const db::Statement kReleaseDigest{"tg_release_digest",
                                   "UPDATE users SET digest_sent_on = NULL WHERE id = $1"};

const db::Statement* const kOwn[] = {
    &kReleaseReminder, &kReleaseDigest,  &kTryLock,       &kOffsetLock,   &kOffsetRead,
    &kOffsetSave,      &kUserByChat,     &kRedeem,        &kClearChat,    &kLink,
    &kSetLang,         &kSetDigest,      &kTaskForUpdate, &kTaskComplete, &kTaskAdvance,
    &kSetReminder,     &kClaimReminders, &kClaimDigests};

}  // namespace

std::vector<const db::Statement*> BotStatements() {
  std::vector<const db::Statement*> all = app::UserStatements();
  const auto& tasks = app::TaskStatements();
  all.insert(all.end(), tasks.begin(), tasks.end());
  all.insert(all.end(), std::begin(kOwn), std::end(kOwn));
  return all;
}

bool TryPollerLock(db::Connection& db) {
  return db.Exec(kTryLock.name, {kPollerLockKey}).GetBool(0, 0);
}

std::int64_t LockOffset(db::Connection& db) { return db.Exec(kOffsetLock.name).GetInt(0, 0); }
std::int64_t ReadOffset(db::Connection& db) { return db.Exec(kOffsetRead.name).GetInt(0, 0); }
void SaveOffset(db::Connection& db, std::int64_t next_offset) {
  db.Exec(kOffsetSave.name, {next_offset});
}

std::optional<ChatUser> UserByChat(db::Connection& db, std::int64_t chat_id) {
  auto r = db.Exec(kUserByChat.name, {chat_id});
  if (r.Empty()) return std::nullopt;
  ChatUser u;
  u.id = r.GetInt(0, 0);
  u.username = r.Get(0, 1);
  u.language = r.Get(0, 2);
  u.timezone = r.Get(0, 3);
  if (!r.IsNull(0, 4)) u.digest_hour = static_cast<int>(r.GetInt(0, 4));
  return u;
}

std::optional<std::int64_t> RedeemLinkCode(db::Connection& db, const std::string& code) {
  auto r = db.Exec(kRedeem.name, {code});
  if (r.Empty()) return std::nullopt;
  return r.GetInt(0, 0);
}

void LinkChat(db::Connection& db, std::int64_t user_id, std::int64_t chat_id) {
  db.Exec(kClearChat.name, {chat_id});  // telegram_chat_id is UNIQUE
  db.Exec(kLink.name, {user_id, chat_id});
}

bool UnlinkChat(db::Connection& db, std::int64_t chat_id) {
  return db.Exec(kClearChat.name, {chat_id}).Affected() > 0;
}

void SetLanguage(db::Connection& db, std::int64_t user_id, const std::string& language) {
  db.Exec(kSetLang.name, {user_id, language});
}

void SetDigestHour(db::Connection& db, std::int64_t user_id, std::optional<int> hour) {
  db.Exec(kSetDigest.name, {user_id, hour});
}

std::optional<Completion> CompleteTask(db::Connection& db, const app::Caller& caller,
                                       std::int64_t task_id) {
  auto r = db.Exec(kTaskForUpdate.name, {task_id, caller.user_id});
  if (r.Empty() || r.GetBool(0, 1)) return std::nullopt;
  Completion c;
  c.task.id = task_id;
  c.task.title = r.Get(0, 0);
  c.task.due_date = r.GetOpt(0, 2);
  c.task.due_at = r.GetTimestampOpt(0, 3);
  c.task.remind_at = r.GetTimestampOpt(0, 4);
  c.task.recurrence = r.GetOpt(0, 5);
  app::Task next = c.task;
  if (app::AdvanceToNextOccurrence(next.recurrence, next.due_date, next.due_at, next.remind_at,
                                   caller.timezone)) {
    db.Exec(kTaskAdvance.name,
            {task_id, caller.user_id, next.due_date, next.due_at, next.remind_at, next.recurrence});
    c.next = next.due_date ? next.due_date : next.due_at;
  } else {
    db.Exec(kTaskComplete.name, {task_id, caller.user_id});
  }
  return c;
}

bool SetReminder(db::Connection& db, std::int64_t user_id, std::int64_t task_id,
                 std::chrono::sys_seconds at) {
  return db.Exec(kSetReminder.name, {task_id, user_id, core::FormatInstant(at)}).Affected() > 0;
}

std::vector<DueReminder> ClaimReminders(db::Connection& db) {
  auto r = db.Exec(kClaimReminders.name);
  std::vector<DueReminder> out;
  for (int i = 0; i < r.Rows(); ++i) {
    DueReminder d;
    d.task_id = r.GetInt(i, 0);
    d.chat_id = r.GetInt(i, 1);
    d.title = r.Get(i, 2);
    d.due_date = r.GetOpt(i, 3);
    d.due_at = r.GetTimestampOpt(i, 4);
    d.remind_at = r.GetTimestamp(i, 5);
    d.language = r.Get(i, 6);
    d.timezone = r.Get(i, 7);
    out.push_back(std::move(d));
  }
  return out;
}

void ReleaseReminder(db::Connection& db, std::int64_t task_id, const std::string& remind_at) {
  db.Exec(kReleaseReminder.name, {task_id, remind_at});
}

void ReleaseDigest(db::Connection& db, std::int64_t user_id) {
  db.Exec(kReleaseDigest.name, {user_id});
}

std::vector<DueDigest> ClaimDigests(db::Connection& db) {
  auto r = db.Exec(kClaimDigests.name);
  std::vector<DueDigest> out;
  for (int i = 0; i < r.Rows(); ++i) {
    DueDigest d;
    d.user.id = r.GetInt(i, 0);
    d.user.username = r.Get(i, 1);
    d.user.language = r.Get(i, 2);
    d.user.timezone = r.Get(i, 3);
    d.user.digest_hour = static_cast<int>(r.GetInt(i, 4));
    d.chat_id = r.GetInt(i, 5);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace tudushka::telegram
