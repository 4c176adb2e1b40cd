// The bot process: one thread, one loop.
//
//   poll getUpdates -> for each update: BEGIN; apply; store next offset; COMMIT -> send replies
//   between polls (and while a long poll is waiting): due reminders and digests, watchdog.
//
// Exactly-once: an update's effect and the next offset commit together, and an update whose
// id is below the stored offset is ignored (unless the ids restarted: UpdateIdWatch), so a
// crash (kill -9) at any point neither loses nor repeats an effect. Replies are sent after
// COMMIT: a crash in between loses the reply, never doubles the task. Only the holder of a
// PostgreSQL advisory lock polls; others stand by.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tudushka/core/config.hpp"

namespace tudushka::telegram {

// sysexits.h EX_CONFIG: systemd's RestartPreventExitStatus=78 keeps a misconfigured bot
// from restart-looping.
constexpr int kExitConfig = 78;

struct BotConfig {
  std::string token;                                 // TELEGRAM_BOT_TOKEN (required)
  std::string api_url = "https://api.telegram.org";  // TELEGRAM_API_URL
  std::string database_url = "postgresql:///tudushka";
  core::LogLevel log_level = core::LogLevel::kInfo;
  int poll_timeout = 50;  // TELEGRAM_POLL_TIMEOUT, seconds
  // TELEGRAM_IDLE_DELAY_MS: pause after an empty poll (at least 200 ms when the server
  // answered an empty long poll at once instead of holding it).
  std::chrono::milliseconds idle_delay{0};
  std::chrono::milliseconds scheduler_interval{5000};  // TELEGRAM_SCHEDULER_INTERVAL_MS
  std::chrono::milliseconds backoff_max{30000};        // TELEGRAM_BACKOFF_MAX_MS
};

// Reads the settings above (plus TUDUSHKA_DATABASE_URL, TUDUSHKA_LOG_LEVEL). Throws
// core::ConfigError naming the variable (a missing token included).
BotConfig ParseBotConfig(const core::Settings& settings);

// SIGTERM/SIGINT only set a flag (checked between updates and at least once a second);
// SIGPIPE is ignored (libcurl and libpq see EPIPE instead).
void InstallStopSignals();

// Watches getUpdates batches for a restarted update-id sequence. Telegram answers with ids
// at or above the offset it was sent, except when its numbering restarted: after a week
// without updates the next id may be chosen at random, and another TELEGRAM_API_URL has
// ids of its own. Every id would then be below the stored offset, and the bot would drop
// the updates as replays forever. For each non-empty batch, given the offset its poll sent:
//   kProcess    some id is at or above the offset (any below it are replays)
//   kReplay     every id is below it: taken for a replay, ignored (the caller pauses)
//   kRestarted  the kRepeats-th such batch in a row: the numbering restarted, so the
//               caller moves the offset down to the batch and processes it
// Polls that return nothing do not break a run; a batch with no readable id changes nothing.
class UpdateIdWatch {
 public:
  enum class Verdict { kProcess, kReplay, kRestarted };
  static constexpr int kRepeats = 3;
  Verdict Judge(std::int64_t offset, const std::vector<std::int64_t>& update_ids);

 private:
  int below_ = 0;  // batches in a row entirely below their offset
};

// Runs until SIGTERM/SIGINT (returns 0) or a fatal problem: the token is rejected
// (kExitConfig) or the bot cannot start (1).
int RunBot(const BotConfig& config);

}  // namespace tudushka::telegram
