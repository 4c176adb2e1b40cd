#include "tudushka/telegram/bot.hpp"

#include <systemd/sd-daemon.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "tudushka/core/log.hpp"
#include "tudushka/db/db.hpp"
#include "tudushka/telegram/client.hpp"
#include "tudushka/telegram/commands.hpp"
#include "tudushka/telegram/i18n.hpp"
#include "tudushka/telegram/store.hpp"

namespace tudushka::telegram {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

volatile std::sig_atomic_t g_stop = 0;

extern "C" void OnStopSignal(int) { g_stop = 1; }

bool Stopping() { return g_stop != 0; }

std::string Str(std::int64_t v) { return std::to_string(v); }

// Delivers each claim in turn until a stop. What was not delivered (a failed send, every
// claim left at a stop or when something throws mid-round) goes to `unsent`, to be given back.
template <class Claim, class Deliver>
void DeliverClaims(const std::vector<Claim>& claimed, std::vector<Claim>& unsent, const char* what,
                   Deliver deliver) {
  std::size_t next = 0;
  auto keep_rest = [&] { unsent.insert(unsent.end(), claimed.begin() + next, claimed.end()); };
  try {
    for (; next < claimed.size() && !Stopping(); ++next)
      if (!deliver(claimed[next])) unsent.push_back(claimed[next]);
  } catch (...) {
    keep_rest();
    throw;
  }
  if (next < claimed.size())
    core::LogInfo(std::string("stopping: claimed ") + what + " given back",
                  {{"count", Str(static_cast<std::int64_t>(claimed.size() - next))}});
  keep_rest();
}

// Gives each claim back with `release`. db::Unavailable leaves the rest listed for the next
// try; any other failure drops that one claim (`dropped` logs it) so it cannot block the
// scheduler.
template <class Claim, class Release, class Dropped>
void GiveBack(std::vector<Claim>& unsent, Release release, Dropped dropped) {
  while (!unsent.empty()) {
    try {
      release(unsent.back());
    } catch (const db::Unavailable&) {
      throw;
    } catch (const std::exception& e) {
      dropped(unsent.back(), e);
    }
    unsent.pop_back();
  }
}

long ParseNumber(const core::Settings& s, const char* key, long def, long min, long max) {
  auto it = s.find(key);
  if (it == s.end() || it->second.empty()) return def;
  char* end = nullptr;
  long v = std::strtol(it->second.c_str(), &end, 10);
  if (*end != '\0' || v < min || v > max)
    throw core::ConfigError(std::string(key) + ": expected an integer from " + std::to_string(min) +
                            " to " + std::to_string(max) + ", got '" + it->second + "'");
  return v;
}

// How hard Bot::Send tries.
enum class Delivery {
  kReply,       // retried on any passing failure: a repeated reply does little harm
  kAtMostOnce,  // reminders, digests: retried only when Telegram cannot have got it
};

// Server-side TCP keepalive for the bot's session (ignored over a Unix socket). The poller
// lock is a session-level advisory lock: when the network to a TCP-reached database drops,
// the server would otherwise keep the dead session, and the lock with it, for the kernel's
// default of about two hours, and a standby could not take over. With these the server
// drops it after about 10 + 3 * 5 = 25 s of silence.
const std::vector<std::string> kSessionKeepalive = {
    "tcp_keepalives_idle=10", "tcp_keepalives_interval=5", "tcp_keepalives_count=3"};

class Bot {
 public:
  explicit Bot(const BotConfig& config)
      : config_(config),
        api_(config.api_url, config.token),
        db_(config.database_url, BotStatements(), {}, kSessionKeepalive) {
    api_.SetInterrupt(&Stopping);
  }

  int Run();

 private:
  bool ConnectDatabase();
  int CheckToken();
  bool BecomeLeader();
  void PollOnce();
  void FollowRestartedIds(std::int64_t offset, std::int64_t lowest);
  void ProcessOne(const rapidjson::Value& raw);
  void SkipUpdate(std::int64_t update_id);
  bool Send(const std::vector<Outgoing>& calls, Delivery delivery = Delivery::kReply);
  void RunScheduler();
  void SendReminders();
  void SendDigests();
  bool HasUnsent() const { return !unsent_reminders_.empty() || !unsent_digests_.empty(); }
  void ReleaseUnsent();
  void PingWatchdog();
  void Tick();
  void Sleep(milliseconds duration);
  void Backoff(const std::string& why);
  void ResetBackoff() { backoff_ = milliseconds(0); }

  const BotConfig& config_;
  BotApi api_;
  db::Connection db_;
  bool leader_ = false;
  bool standby_logged_ = false;
  int exit_code_ = 0;
  bool fatal_ = false;
  milliseconds backoff_{0};
  Clock::time_point next_schedule_{};
  Clock::time_point next_watchdog_{};
  UpdateIdWatch id_watch_;
  // Claims taken but not delivered (a passing failure, or a stop before their turn), to be
  // given back. They stay here while the database is unreachable.
  std::vector<DueReminder> unsent_reminders_;
  std::vector<DueDigest> unsent_digests_;
};

// systemd's watchdog (a no-op without NOTIFY_SOCKET); at most once a second.
void Bot::PingWatchdog() {
  auto now = Clock::now();
  if (now < next_watchdog_) return;
  sd_notify(0, "WATCHDOG=1");
  next_watchdog_ = now + std::chrono::seconds(1);
}

// Called while waiting for a poll: watchdog, and the scheduler when it is time (leader only).
void Bot::Tick() {
  PingWatchdog();
  if (leader_ && Clock::now() >= next_schedule_) {
    next_schedule_ = Clock::now() + config_.scheduler_interval;
    RunScheduler();
  }
}

// Sleeps in short slices so that SIGTERM and the watchdog are served promptly.
void Bot::Sleep(milliseconds duration) {
  auto until = Clock::now() + duration;
  while (!Stopping()) {
    auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    if (left <= milliseconds(0)) break;
    std::this_thread::sleep_for(std::min(left, milliseconds(100)));
    PingWatchdog();
  }
}

// Capped exponential back-off: 0.5 s, 1 s, 2 s ... up to TELEGRAM_BACKOFF_MAX_MS.
void Bot::Backoff(const std::string& why) {
  backoff_ =
      std::min(backoff_ == milliseconds(0) ? milliseconds(500) : backoff_ * 2, config_.backoff_max);
  core::LogWarn("retrying after a failure", {{"error", why}, {"delay_ms", Str(backoff_.count())}});
  Sleep(backoff_);
}

bool Bot::ConnectDatabase() {
  while (!Stopping()) {
    try {
      db_.Connect();
      ResetBackoff();
      return true;
    } catch (const db::Error& e) {
      Backoff(e.what());
    }
  }
  return false;
}

// getMe: a rejected token is a configuration error (exit 78), anything else is retried.
int Bot::CheckToken() {
  while (!Stopping()) {
    CallResult r = api_.Call("getMe", "{}", std::chrono::seconds(15));
    if (r.status == CallStatus::kOk) {
      std::string name = r.result && r.result->IsObject() && r.result->HasMember("username") &&
                                 (*r.result)["username"].IsString()
                             ? (*r.result)["username"].GetString()
                             : "?";
      core::LogInfo("telegram token accepted", {{"bot", name}, {"api", config_.api_url}});
      ResetBackoff();
      return 0;
    }
    if (r.status == CallStatus::kUnauthorized) {
      core::LogError("telegram rejected TELEGRAM_BOT_TOKEN; fix it and restart",
                     {{"http_status", Str(r.http_status)}, {"description", r.description}});
      return kExitConfig;
    }
    if (r.status == CallStatus::kRateLimited) {
      Sleep(std::chrono::seconds(r.retry_after));
      continue;
    }
    Backoff(std::string("getMe: ") + ToString(r.status) + ": " + r.description);
  }
  return 0;
}

// Takes the poller lock on a fresh connection (a reconnect would silently drop a held lock).
bool Bot::BecomeLeader() {
  if (!db_.IsOpen()) db_.Connect();
  if (!TryPollerLock(db_)) {
    if (!standby_logged_) core::LogInfo("standing by: another instance holds the poller lock");
    standby_logged_ = true;
    sd_notify(0, "STATUS=standby (another instance polls)");
    return false;
  }
  leader_ = true;
  standby_logged_ = false;
  core::LogInfo("poller lock acquired; polling", {{"offset", Str(ReadOffset(db_))}});
  sd_notify(0, "STATUS=polling");
  return true;
}

void Bot::PollOnce() {
  auto started = Clock::now();
  std::int64_t offset = ReadOffset(db_);
  api_.StartPoll(offset, config_.poll_timeout);
  while (!Stopping() && !api_.WaitPoll(milliseconds(1000))) Tick();
  if (Stopping()) return api_.AbortPoll();
  CallResult r = api_.TakePoll();
  switch (r.status) {
    case CallStatus::kOk:
      break;
    case CallStatus::kRateLimited:
      core::LogWarn("rate limited by telegram", {{"retry_after", Str(r.retry_after)}});
      return Sleep(std::chrono::seconds(r.retry_after));
    case CallStatus::kUnauthorized:
      core::LogError("telegram rejected TELEGRAM_BOT_TOKEN; fix it and restart",
                     {{"http_status", Str(r.http_status)}, {"description", r.description}});
      exit_code_ = kExitConfig;
      fatal_ = true;
      return;
    default:
      return Backoff(std::string("getUpdates: ") + ToString(r.status) + ": " + r.description);
  }
  ResetBackoff();
  if (!r.result || !r.result->IsArray()) return Backoff("getUpdates: result is not an array");
  if (r.result->Empty()) {
    // Real Telegram answers an empty poll only after the timeout. A server that answers at
    // once (a fake, a proxy) would make a busy loop with idle_delay 0, so wait a little.
    bool early = config_.poll_timeout > 0 && Clock::now() - started < std::chrono::seconds(1);
    return Sleep(early ? std::max(config_.idle_delay, milliseconds(200)) : config_.idle_delay);
  }
  std::vector<std::int64_t> ids;
  for (const auto& update : r.result->GetArray()) {
    if (update.IsObject() && update.HasMember("update_id") && update["update_id"].IsInt64())
      ids.push_back(update["update_id"].GetInt64());
  }
  auto verdict = id_watch_.Judge(offset, ids);
  if (verdict == UpdateIdWatch::Verdict::kRestarted)
    FollowRestartedIds(offset, *std::min_element(ids.begin(), ids.end()));
  for (const auto& update : r.result->GetArray()) {
    if (Stopping()) break;  // finish the current update; the rest comes again after restart
    ProcessOne(update);
  }
  // Nothing applied: polling again at once would spin if the server keeps answering so.
  if (verdict == UpdateIdWatch::Verdict::kReplay) Sleep(milliseconds(1000));
}

// The batch's ids restarted below our offset: store its lowest id as the offset, so the
// batch is processed now (each update moves the offset past itself) and later ones too.
void Bot::FollowRestartedIds(std::int64_t offset, std::int64_t lowest) {
  core::LogWarn("Telegram's update ids restarted below our offset; following them",
                {{"offset", Str(offset)}, {"update_id", Str(lowest)}});
  db_.InTransaction([&] {
    LockOffset(db_);
    SaveOffset(db_, lowest);
  });
}

// Advances the offset past an update that cannot be applied, so it never blocks the loop.
void Bot::SkipUpdate(std::int64_t update_id) {
  db_.InTransaction([&] {
    if (LockOffset(db_) <= update_id) SaveOffset(db_, update_id + 1);
  });
}

void Bot::ProcessOne(const rapidjson::Value& raw) {
  auto start = Clock::now();
  Update u;
  try {
    u = ParseUpdate(raw);
  } catch (const MalformedUpdate& e) {
    core::LogWarn(
        "skipped malformed update",
        {{"update_id", e.update_id ? Str(*e.update_id) : "unknown"}, {"reason", e.what()}});
    if (e.update_id) SkipUpdate(*e.update_id);
    return;
  }
  std::vector<Outgoing> replies;
  bool duplicate = false;
  try {
    replies = db_.InTransaction([&] {
      // Row-locked: a second poller (or a replayed batch) waits here, then sees the new offset.
      if (u.update_id < LockOffset(db_)) {
        duplicate = true;
        return std::vector<Outgoing>{};
      }
      auto out = Dispatch(db_, u);
      SaveOffset(db_, u.update_id + 1);
      return out;
    });
  } catch (const db::Unavailable&) {
    throw;  // not applied and not skipped: it comes again once the database is back
  } catch (const std::exception& e) {
    core::LogError("update failed; skipped",
                   {{"update_id", Str(u.update_id)}, {"error", e.what()}});
    SkipUpdate(u.update_id);
    if (u.chat_id != 0)
      replies = {SendMessage(u.chat_id, Text(Msg::kError, ParseLang(u.language_code)))};
  }
  if (duplicate) {
    core::LogInfo("update already applied; ignored", {{"update_id", Str(u.update_id)}});
    return;
  }
  auto applied = Clock::now();
  Send(replies);
  if (core::LogEnabled(core::LogLevel::kDebug)) {
    auto us = [&](Clock::time_point t) {
      return Str(std::chrono::duration_cast<std::chrono::microseconds>(t - start).count());
    };
    core::Log(core::LogLevel::kDebug, "update handled",
              {{"update_id", Str(u.update_id)},
               {"apply_us", us(applied)},
               {"total_us", us(Clock::now())}});
  }
}

// Replies are best effort: a few retries, then the loss is logged (the effect is committed).
// Reminders and digests (kAtMostOnce) are retried only after a failure that certainly came
// before the request reached Telegram: no connection (name resolution, connect, TLS) or a
// 429. A timeout, a connection dropped after the request went out or a 5xx may hide a
// delivered message, so such a call counts as sent, with a warning.
// false when a call was not delivered for a reason that may pass: the scheduler then gives
// its claim back. A refusal (chat blocked the bot, ...) counts as done.
bool Bot::Send(const std::vector<Outgoing>& calls, Delivery delivery) {
  bool delivered = true;
  for (const Outgoing& call : calls) {
    for (int attempt = 1;; ++attempt) {
      CallResult r = api_.Call(call.method, call.body, std::chrono::seconds(10));
      if (r.status == CallStatus::kOk) break;
      bool unsent = r.status == CallStatus::kRateLimited ||
                    (r.status == CallStatus::kNetwork && !r.request_sent);
      bool transient =
          unsent || r.status == CallStatus::kNetwork || r.status == CallStatus::kServer;
      if (delivery == Delivery::kAtMostOnce && transient && !unsent) {
        core::LogWarn("telegram call may have been delivered; not repeated",
                      {{"method", call.method},
                       {"status", ToString(r.status)},
                       {"http_status", Str(r.http_status)},
                       {"description", r.description}});
        break;
      }
      if (!transient || attempt == 3 || Stopping()) {
        core::LogWarn("telegram call failed", {{"method", call.method},
                                               {"status", ToString(r.status)},
                                               {"http_status", Str(r.http_status)},
                                               {"description", r.description}});
        delivered = delivered && !transient;
        break;
      }
      Sleep(r.status == CallStatus::kRateLimited ? milliseconds(1000L * r.retry_after)
                                                 : milliseconds(250 * attempt));
    }
  }
  return delivered;
}

// Claimed (committed) before sending: a crash in between loses a reminder rather than
// sending it twice (store.hpp: at most once). What was not delivered — a send that failed for a
// passing reason, or every claim left when a stop arrives — is given back, so the next round (of
// this bot or of the one that takes over) sends it.
void Bot::RunScheduler() {
  try {
    ReleaseUnsent();
    if (!Stopping()) SendReminders();
    if (!Stopping()) SendDigests();
    ReleaseUnsent();
  } catch (const db::Unavailable&) {
    throw;  // the claims not given back stay listed until the database is back
  } catch (const std::exception& e) {
    core::LogError("scheduler failed", {{"error", e.what()}});
  }
}

void Bot::SendReminders() {
  DeliverClaims(ClaimReminders(db_), unsent_reminders_, "reminders", [this](const DueReminder& r) {
    bool sent = Send({ReminderMessage(r)}, Delivery::kAtMostOnce);
    core::LogInfo(sent ? "reminder sent" : "reminder not sent; will retry",
                  {{"task_id", Str(r.task_id)}, {"remind_at", r.remind_at}});
    return sent;
  });
}

void Bot::SendDigests() {
  DeliverClaims(ClaimDigests(db_), unsent_digests_, "digests", [this](const DueDigest& d) {
    bool sent = Send({DigestMessage(db_, d)}, Delivery::kAtMostOnce);
    core::LogInfo(sent ? "digest sent" : "digest not sent; will retry",
                  {{"user_id", Str(d.user.id)}});
    return sent;
  });
}

void Bot::ReleaseUnsent() {
  GiveBack(
      unsent_reminders_,
      [this](const DueReminder& r) { ReleaseReminder(db_, r.task_id, r.remind_at); },
      [](const DueReminder& r, const std::exception& e) {
        core::LogError("could not give a reminder claim back; it will not be sent",
                       {{"task_id", Str(r.task_id)}, {"error", e.what()}});
      });
  GiveBack(
      unsent_digests_, [this](const DueDigest& d) { ReleaseDigest(db_, d.user.id); },
      [](const DueDigest& d, const std::exception& e) {
        core::LogError("could not give a digest claim back; it will not be sent today",
                       {{"user_id", Str(d.user.id)}, {"error", e.what()}});
      });
}

int Bot::Run() {
  core::LogInfo("tudushka-bot starting", {{"version", TUDUSHKA_VERSION}, {"api", config_.api_url}});
  // Ready at once: an outage of PostgreSQL or the network at boot is waited out here with
  // back-off (the watchdog stays fed) rather than failing the start and restart-looping.
  sd_notify(0, "READY=1\nSTATUS=connecting to PostgreSQL");
  if (!ConnectDatabase()) return 0;
  sd_notify(0, "STATUS=checking the bot token");
  if (int code = CheckToken(); code != 0 || Stopping()) return code;
  while (!Stopping() && !fatal_) {
    try {
      if (HasUnsent()) {  // left by a round that lost the database
        if (!db_.IsOpen()) db_.Connect();
        ReleaseUnsent();
      }
      if (!leader_ && !BecomeLeader()) {
        Sleep(milliseconds(1000));
        continue;
      }
      Tick();
      PollOnce();
    } catch (const db::Unavailable& e) {
      leader_ = false;  // the lock went with the connection; take it again after reconnecting
      api_.AbortPoll();
      Backoff(std::string("database: ") + e.what());
      try {
        db_.Connect();
      } catch (const db::Error&) {
      }
    } catch (const std::exception& e) {
      api_.AbortPoll();
      Backoff(e.what());
    }
  }
  sd_notify(0, "STOPPING=1");
  try {
    ReleaseUnsent();
  } catch (const std::exception& e) {
    core::LogError("claimed reminders/digests could not be given back; they will not be sent",
                   {{"reminders", Str(unsent_reminders_.size())},
                    {"digests", Str(unsent_digests_.size())},
                    {"error", e.what()}});
  }
  core::LogInfo("tudushka-bot stopped", {{"exit_code", Str(exit_code_)}});
  return exit_code_;
}

}  // namespace

UpdateIdWatch::Verdict UpdateIdWatch::Judge(std::int64_t offset,
                                            const std::vector<std::int64_t>& update_ids) {
  if (update_ids.empty()) return Verdict::kProcess;
  if (*std::max_element(update_ids.begin(), update_ids.end()) >= offset) {
    below_ = 0;
    return Verdict::kProcess;
  }
  if (++below_ < kRepeats) return Verdict::kReplay;
  below_ = 0;
  return Verdict::kRestarted;
}

BotConfig ParseBotConfig(const core::Settings& s) {
  BotConfig c;
  core::Config base = core::ParseConfig(s);
  c.database_url = base.database_url;
  c.log_level = base.log_level;
  auto token = s.find("TELEGRAM_BOT_TOKEN");
  if (token == s.end() || token->second.empty())
    throw core::ConfigError("TELEGRAM_BOT_TOKEN is not set (get one from @BotFather)");
  c.token = token->second;
  if (c.token.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_-") != std::string::npos)
    throw core::ConfigError("TELEGRAM_BOT_TOKEN: not a bot token (expected digits:letters)");
  if (auto url = s.find("TELEGRAM_API_URL"); url != s.end() && !url->second.empty()) {
    if (url->second.rfind("http://", 0) != 0 && url->second.rfind("https://", 0) != 0)
      throw core::ConfigError("TELEGRAM_API_URL: expected an http:// or https:// URL");
    c.api_url = url->second;
  }
  c.poll_timeout = static_cast<int>(ParseNumber(s, "TELEGRAM_POLL_TIMEOUT", 50, 0, 600));
  c.idle_delay = milliseconds(ParseNumber(s, "TELEGRAM_IDLE_DELAY_MS", 0, 0, 60000));
  c.scheduler_interval =
      milliseconds(ParseNumber(s, "TELEGRAM_SCHEDULER_INTERVAL_MS", 5000, 100, 25000));
  c.backoff_max = milliseconds(ParseNumber(s, "TELEGRAM_BACKOFF_MAX_MS", 30000, 500, 600000));
  return c;
}

void InstallStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

int RunBot(const BotConfig& config) {
  Bot bot(config);
  return bot.Run();
}

}  // namespace tudushka::telegram
